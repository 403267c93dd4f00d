/**
 * The allocator contract and the kind registry. A region kind (the frame arena, the pool, the
 * stack, or one of yours) says how big its region is, how to initialise it, how a thread opens
 * it, and what it does at the frame clock, at a reclaim and at a detach. The memory reaches
 * allocators only through this: it never imports a concrete allocator.
 * @module
 */
import type { AllocatorCounters } from '../api-reports.ts';
import { memoryError } from '../errors.ts';
import type { MemoryHost } from './host.ts';
import type { LeakReport } from './leak-report.ts';

/**
 * The statistics every region kind reports: the shared counters, the kind and the region's name.
 * The built-in kinds add their own fields ({@link nebula-memory!ArenaStats}, {@link nebula-memory!PoolStats}, {@link nebula-memory!StackStats}).
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * const s: RegionStats = memory.region(ringKind, 'events').stats();
 * console.log(`${s.kind} ${s.name}: ${s.allocations} allocations`);
 * ```
 */
export interface RegionStats extends AllocatorCounters {
  /** The kind's name. */
  readonly kind: string;
  /** The region's name. */
  readonly name: string;
}

/**
 * What every thread's instance of a region offers the memory: statistics, a publish point,
 * its frame history and its invariants. `FrameArena`, `Pool` and `Stack` implement it.
 *
 * Thread-safety: an instance belongs to the thread that opened it.
 * @example
 * ```ts
 * function report(a: RegionAllocator): string {
 *   a.checkInvariants();
 *   return `${a.name}: ${a.stats().allocations} allocations`;
 * }
 * ```
 */
export interface RegionAllocator {
  /** The region's name. */
  readonly name: string;
  /** A frozen snapshot of the region's statistics. */
  stats(): RegionStats;
  /** Fills `out` at the `STAT` indexes (the trace's counters); allocates nothing. */
  statsInto(out: Float64Array): void;
  /** Writes the high water of each of the last ended frames into `out`, oldest first; returns how many. */
  frameHistoryInto(out: Float64Array): number;
  /** Adds this thread's unpublished counts to the region's shared statistics block. */
  publishStats(): void;
  /** Throws `INVARIANT_VIOLATED` when the region's header contradicts itself. */
  checkInvariants(): void;
}

/**
 * A kind's part in `memory.advance()`, for kinds whose memory lives by the frame: every clocked
 * region is locked first (`lock`), and only when all agreed is each one committed (`commit`);
 * when one refuses, the ones already locked are undone (`abort`) and advance throws
 * `LANE_LEASED` with `blockers`. Each hook reads the region at byte `offset` for frame `next`.
 *
 * Thread-safety: called by the frame clock's thread only.
 * @example
 * ```ts
 * const clock: FrameClockHooks = {
 *   lock: (i32, offset) => Atomics.load(i32, offset >> 2) === 0,
 *   commit: () => undefined, abort: () => undefined,
 *   bytesToRecycle: () => 0, blockers: () => 'nobody',
 * };
 * ```
 */
export interface FrameClockHooks {
  /** Locks what frame `next` recycles; false, changing nothing, when a thread still holds it. */
  lock(i32: Int32Array, offset: number, next: number): boolean;
  /** Recycles what `lock` locked, and starts frame `next`. */
  commit(host: ClockViews, offset: number, next: number): void;
  /** Undoes `lock` when another region refused. */
  abort(i32: Int32Array, offset: number, next: number): void;
  /** Bytes that `commit` frees at once (for the trace). */
  bytesToRecycle(i32: Int32Array, offset: number, next: number): number;
  /** Who holds what `lock` refused to take, in words, for the `LANE_LEASED` message. */
  blockers(i32: Int32Array, u8: Uint8Array, offset: number, next: number): string;
  /** What the `LANE_LEASED` error suggests (a generic text when absent). */
  readonly advice?: string;
}

/**
 * The views a frame-clock commit writes through.
 *
 * Thread-safety: the frame clock's thread.
 * @example
 * ```ts
 * const views: ClockViews = { i32: memory.i32, u8: memory.u8, f64: memory.f64 };
 * ```
 */
export interface ClockViews {
  /** Int32 view of the whole buffer. */
  readonly i32: Int32Array;
  /** Byte view of the whole buffer. */
  readonly u8: Uint8Array;
  /** Float64 view of the whole buffer. */
  readonly f64: Float64Array;
}

/**
 * Where and when a region is being created, for {@link AllocatorKind.init}.
 *
 * Thread-safety: a plain value.
 * @example
 * ```ts
 * const at: RegionCreation = { frame: memory.frame, threadId: memory.threadId };
 * ```
 */
export interface RegionCreation {
  /** The frame when the region is created. */
  readonly frame: number;
  /** The creating thread's id (a stack's owner). */
  readonly threadId: number;
}

/**
 * A region kind: everything the memory needs to create, open, clock, reclaim and report the
 * regions of one allocator. The built-in kinds are the frame arena, the pool and the stack;
 * {@link registerKind} adds another, which `memory.create(kind, name, options)` and
 * `memory.region(kind, name)` then serve like the built-in ones (see docs/ARCHITECTURE.md,
 * "How to add an allocator kind").
 *
 * Thread-safety: a kind is a constant; every thread that opens its regions registers the same one.
 * @typeParam A - the allocator class, one instance per thread and region.
 * @typeParam O - the options `create()` takes.
 * @example
 * ```ts
 * const counterKind: AllocatorKind<Counter, { start: number }> = {
 *   name: 'demo:counter', code: 16,
 *   regionBytes: () => 64,
 *   init: (i32, offset, o) => { i32[offset >> 2] = o.start; },
 *   open: (host, name, offset, statsOffset) => new Counter(host, name, offset, statsOffset),
 * };
 * registerKind(counterKind);
 * ```
 */
export interface AllocatorKind<A extends RegionAllocator = RegionAllocator, O = never> {
  /** The kind's name: `'arena'`, `'pool'`, `'stack'`, or `'scope:name'` for a registered kind. */
  readonly name: string;
  /** The code stored in the region table: 1 to 15 are this library's, 16 to 1023 are free for others. */
  readonly code: number;
  /** Validates `options` (throwing `INVALID_OPTION`) and returns the bytes the region needs, its statistics block excluded. */
  regionBytes(name: string, options: O): number;
  /** Writes the region's header at byte `offset` (zeroed memory), while no other thread can see it. */
  init(i32: Int32Array, offset: number, options: O, at: RegionCreation): void;
  /** This thread's instance of the region at byte `offset`, whose statistics block starts at `statsOffset`. */
  open(host: MemoryHost, name: string, offset: number, statsOffset: number): A;
  /** The kind's part in `advance()`, for regions that live by the frame. */
  readonly clock?: FrameClockHooks;
  /** Called at the start of `advance()` on the frame clock thread's own instance (arenas: release this thread's lanes, which end with its frame). */
  endFrame?(allocator: A): void;
  /** The `Memory` methods that create and find regions of this kind, for error messages (built-in kinds: `createPool` and `pool`). */
  readonly methods?: KindMethods;
  /** Gives back what dead thread `dead` held in the region at `offset`; returns how many things it released. `self` is the reclaiming thread. */
  reclaimThread?(i32: Int32Array, offset: number, dead: number, self: number): number;
  /** Gives back what this thread's instance holds privately (caches, leases), when the thread detaches. */
  detach?(allocator: A): void;
  /** Forgets the call sites the instance recorded (`captureCallSites(false)`). */
  forgetSites?(allocator: A): void;
  /** What the region still holds, for `memory.leaks()`. */
  leaks?(allocator: A, options: LeakOptions): LeakReport;
  /** Bytes each thread holds in the current frame, by thread id, for the snapshot (arenas: lane usage). */
  lanes?(allocator: A): number[];
}

/**
 * The names of the `Memory` methods that serve a kind, for error messages.
 *
 * Thread-safety: a constant.
 * @example
 * ```ts
 * const methods: KindMethods = { create: 'createPool', open: 'pool' };
 * ```
 */
export interface KindMethods {
  /** The method that creates a region of the kind. */
  readonly create: string;
  /** The method that finds one by name. */
  readonly open: string;
}

/**
 * The options of `memory.leaks()`, as a kind's `leaks` hook receives them.
 *
 * Thread-safety: a plain value.
 * @example
 * ```ts
 * const o: LeakOptions = { bornBefore: memory.frame - 60, limit: 20 };
 * ```
 */
export interface LeakOptions {
  /** Only what was allocated before this frame (where the kind records it). */
  readonly bornBefore?: number;
  /** Most entries listed. */
  readonly limit: number;
}

/** A kind as the registry holds it: its allocator and options types erased. */
type AnyKind = AllocatorKind;

const byCode = new Map<number, AnyKind>();
const byName = new Map<string, AnyKind>();

/**
 * Lowest code of a kind registered from outside this library (codes below it are the built-in
 * kinds').
 *
 * Thread-safety: a constant; any worker.
 * @example
 * ```ts
 * const ringKind: AllocatorKind<RingBuffer, RingOptions> = { name: 'game:ring', code: FIRST_FREE_KIND_CODE, ...ringMethods };
 * ```
 */
export const FIRST_FREE_KIND_CODE = 16;
/**
 * Highest kind code: a kind's code is in `FIRST_FREE_KIND_CODE..LAST_KIND_CODE`.
 *
 * Thread-safety: a constant; any worker.
 * @example
 * ```ts
 * const code = Math.min(FIRST_FREE_KIND_CODE + myKinds.length, LAST_KIND_CODE);
 * ```
 */
export const LAST_KIND_CODE = 1023;

function badKind(what: string, kind: unknown, state: Record<string, unknown>, fix: string): never {
  throw memoryError('INVALID_OPTION', `registerKind(): ${what}`, { allocator: 'memory', request: { kind: describe(kind) }, state, suggestion: fix });
}

function describe(kind: unknown): string {
  if (typeof kind !== 'object' || kind === null) return typeof kind;
  const k = kind as Partial<AnyKind>;
  return `${String(k.name)} (code ${String(k.code)})`;
}

/** Adds a built-in kind (codes 1 to 15). @internal */
export function registerBuiltinKind<A extends RegionAllocator, O>(kind: AllocatorKind<A, O>): void {
  addKind(kind, 1);
}

/**
 * Registers an allocator kind in this thread, so `memory.create(kind, ...)` and
 * `memory.region(kind, ...)` serve it and every memory operation (advance, reclaim, detach,
 * snapshot, leaks, invariants) includes its regions. Every thread that opens, clocks or reclaims such a
 * region registers the same kind; registering it again is a no-op.
 *
 * Thread-safety: per thread (the registry is module state); call it at module load.
 * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` for a malformed kind, a code outside 16..1023,
 * a name not of the form `scope:name`, or a code or name another kind holds.
 * @example
 * ```ts
 * registerKind(counterKind);
 * const c = memory.create(counterKind, 'score', { start: 0 });
 * ```
 */
export function registerKind<A extends RegionAllocator, O>(kind: AllocatorKind<A, O>): void {
  addKind(kind, FIRST_FREE_KIND_CODE);
}

function addKind(kind: AnyKind, firstCode: number): void {
  if (typeof kind !== 'object' || (kind as unknown) === null) badKind('a kind is an object', kind, {}, 'pass an AllocatorKind object.');
  const { name, code } = kind;
  const lastCode = firstCode === 1 ? FIRST_FREE_KIND_CODE - 1 : LAST_KIND_CODE;
  if (!Number.isInteger(code) || code < firstCode || code > lastCode) {
    badKind(`code ${String(code)} is outside ${firstCode}..${lastCode}`, kind, { registered: [...byCode.keys()].join(', ') },
      `pick a code from ${firstCode} to ${lastCode} that no other kind uses; the same in every thread.`);
  }
  const scoped = typeof name === 'string' && /^[a-z0-9_-]{1,24}:[a-z0-9_.-]{1,24}$/i.test(name);
  if (firstCode !== 1 && !scoped) {
    badKind(`name ${JSON.stringify(name)} is not of the form "scope:name"`, kind, {},
      'name the kind "yourlib:kind" (letters, digits, _ . -); the built-in names arena, pool and stack are taken.');
  }
  for (const hook of ['regionBytes', 'init', 'open'] as const) {
    if (typeof kind[hook] !== 'function') badKind(`${hook} is not a function`, kind, {}, 'an AllocatorKind needs regionBytes(), init() and open().');
  }
  const sameCode = byCode.get(code);
  const sameName = byName.get(name);
  if (sameCode === kind && sameName === kind) return;
  if (sameCode !== undefined || sameName !== undefined) {
    const other = sameCode ?? sameName;
    badKind(`code ${code} or name "${name}" is taken by kind ${describe(other)}`, kind, { registered: [...byName.keys()].join(', ') },
      'give each kind its own code and name.');
  }
  byCode.set(code, kind);
  byName.set(name, kind);
}

/** The kind registered under table code `code`, or undefined. @internal */
export function kindOfCode(code: number): AnyKind | undefined {
  return byCode.get(code);
}

/** The name of table code `code`: the registered kind's name, or `unknown:<code>`. @internal */
export function kindNameOf(code: number): string {
  return byCode.get(code)?.name ?? `unknown:${code}`;
}

/**
 * Throws `REGION_KIND_MISMATCH` for a region whose kind this thread has not registered.
 * @internal
 */
export function unregisteredKind(op: string, region: string, code: number): never {
  throw memoryError('REGION_KIND_MISMATCH', `${op}: region "${region}" has kind code ${code}, which this thread has not registered`, {
    allocator: 'memory', request: { op, name: region }, state: { code, registered: [...byName.keys()].join(', ') },
    suggestion: 'call registerKind(kind) in every thread that opens, clocks or reclaims regions of that kind (at module load), before using the memory.',
  });
}

/** How to create a region of `kind`, for error suggestions. @internal */
export function createCall(kind: AnyKind, name: string): string {
  return kind.methods !== undefined ? `memory.${kind.methods.create}("${name}", ...)` : `memory.create(${kind.name}, "${name}", ...)`;
}

/** How to find region `name` of kind code `code`, for error suggestions. @internal */
export function openCall(code: number, name: string): string {
  const kind = byCode.get(code);
  if (kind === undefined) return `memory.region(<the kind with code ${code}>, "${name}")`;
  return kind.methods !== undefined ? `memory.${kind.methods.open}("${name}")` : `memory.region(${kind.name}, "${name}")`;
}

/**
 * Registers `kind` in this thread unless it is already; a malformed kind throws `INVALID_OPTION`. @internal
 * @example
 * ```ts
 * ensureRegistered(counterKind); // a no-op once registered
 * ```
 */
export function ensureRegistered<A extends RegionAllocator, O>(kind: AllocatorKind<A, O>): void {
  if (typeof kind !== 'object' || (kind as unknown) === null || kindOfCode(kind.code) !== (kind as unknown)) registerKind(kind);
}
