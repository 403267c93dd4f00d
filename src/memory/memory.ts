/**
 * The memory: one buffer with a global header, a region table, typed views over the whole
 * buffer, frame epochs, and the allocators found by name from any thread.
 * @module
 */
import type { ArenaOptions, AttachOptions, MemoryOptions, PoolOptions, SharedMemoryInit, StackOptions } from '../api.ts';
import type { MemorySnapshot, ReclaimReport, RegionInfo, RegionKind, RegionSnapshot, ThreadInfo } from '../api-reports.ts';
import { FrameArena, arenaRegionBytes, initArena } from '../allocators/arena/frame-arena.ts';
import { abortAdvance, bytesToRecycle, commitAdvance, describeBlockers, lockForAdvance } from '../allocators/arena/clock.ts';
import { Pool, initPool, poolRegionBytes } from '../allocators/pool/pool.ts';
import { Stack, initStack, stackRegionBytes } from '../allocators/stack/stack.ts';
import { memoryError, typeName } from '../errors.ts';
import { type LeakEntry, type LeakReport, leakReport } from './leak-report.ts';
import { type IsolationReport, ISOLATION_FIX, isolationReport } from './isolation.ts';
import type { MemoryHost } from './host.ts';
import { type Liveness, holdLiveness, stampMemoryId } from './liveness.ts';
import {
  DATA_START, E_KIND, E_OFFSET, E_STATE, E_STATS, ENTRY_READY, G_ATTACHES, G_BRK, G_ENTRIES, G_FRAME, G_MAGIC, G_REGION_COUNT, G_SHARED,
  G_SIZE, G_VERSION, KIND_ARENA, KIND_POOL, KIND_STACK, LAYOUT_VERSION, MAGIC, MAX_MEMORY_BYTES, MAX_REGIONS, MAX_THREADS, T_FRAME, T_GEN,
  entryWordOf, threadWordOf,
} from './layout.ts';
import { createRegion, findRegion, kindName, listRegions, validateName } from './region-table.ts';
import {
  claimThreadId, detachThread, fillThreadSlot, isAttached, listThreads, validateThreadName,
} from './threads.ts';
import { checkHeader, reclaimThreadIn } from './reclaim.ts';
import { HISTORY_FRAMES, startFrame } from '../stats/block.ts';
import { EV } from '../stats/chrome-trace.ts';
import { type TraceOptions, TraceRecorder } from '../stats/trace-recorder.ts';

/** Smallest memory: the header, the table and a little room. */
const MIN_MEMORY_BYTES = 8192;

type Allocator = FrameArena | Pool | Stack;

/**
 * One buffer holding every arena, pool and stack, in this thread. The main thread makes it with
 * {@link createMemory}; each worker gets its own `Memory` over the same buffer with
 * {@link attachMemory}. Allocators are created once, by name, and found by name everywhere.
 *
 * Thread-safety: any worker, each through its own `Memory` (never post a `Memory` itself; post
 * {@link Memory.share}).
 * @example
 * ```ts
 * const memory = createMemory({ size: 8 << 20 });
 * const frame = memory.createArena('frame', { capacity: 1 << 20 });
 * const p = frame.alloc(16, 16);
 * memory.f32[p >> 2] = 1;
 * worker.postMessage(memory.share());
 * ```
 */
export class Memory implements MemoryHost {
  /** The buffer: a SharedArrayBuffer, or an ArrayBuffer in single-thread fallback mode. */
  readonly buffer: SharedArrayBuffer | ArrayBuffer;
  /** True when the buffer can be shared with workers. */
  readonly shared: boolean;
  /** Why the memory is or is not shared, and what to set if not. */
  readonly isolation: IsolationReport;
  /** This thread's id, 0..63: 0 for the creator, the lowest free id for each attach. */
  readonly threadId: number;
  /** Byte view over the whole buffer, made once. */
  readonly u8: Uint8Array;
  /** Int32 view over the whole buffer, made once. Index = offset >> 2. */
  readonly i32: Int32Array;
  /** Uint32 view over the whole buffer, made once. Index = offset >> 2. */
  readonly u32: Uint32Array;
  /** Float32 view over the whole buffer, made once. Index = offset >> 2. */
  readonly f32: Float32Array;
  /** Float64 view over the whole buffer, made once. Index = offset >> 3. */
  readonly f64: Float64Array;

  private readonly instances = new Map<string, Allocator>();
  /** This thread's arena instances, for advance() without an iterator. */
  private readonly ownArenas: FrameArena[] = [];
  /** This thread's allocator instances, for publishStats() without an iterator. */
  private readonly ownAll: Allocator[] = [];
  /** Offsets of every arena region, refreshed when the region count changes (advance() allocates nothing). */
  private readonly arenaOffsets = new Int32Array(MAX_REGIONS);
  /** Word index of every region's statistics block, refreshed with arenaOffsets. */
  private readonly statsWords = new Int32Array(MAX_REGIONS);
  private arenaCount = 0;
  private regionsSeen = 0;
  private detached = false;
  /** True while this thread records the call sites of its pool and stack allocations. @internal */
  capturingSites = false;
  /** This thread's active trace recorder, or null. @internal */
  tracer: TraceRecorder | null = null;
  /** Byte offset of every region, refreshed with arenaOffsets. */
  private readonly regionOffsets = new Int32Array(MAX_REGIONS);
  /** This thread's instances by region offset. */
  private readonly byOffset = new Map<number, Allocator>();

  /** This thread's generation of its id: the thread table's copy moves on when it is reclaimed. */
  private readonly generation: number;
  /** Word index of this thread's generation in the thread table. */
  private readonly generationWord: number;
  /** Word index of this thread's slot. */
  private readonly slotWord: number;
  /** This thread's liveness lock (Web Workers; liveness.ts). */
  private readonly lock: Liveness | null;

  /** @internal Use {@link createMemory} or {@link attachMemory}. */
  constructor(buffer: SharedArrayBuffer | ArrayBuffer, threadId: number, isolation: IsolationReport, generation: number) {
    this.buffer = buffer;
    this.generation = generation;
    this.slotWord = threadWordOf(threadId);
    this.generationWord = this.slotWord + T_GEN;
    this.shared = typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer;
    this.isolation = isolation;
    this.threadId = threadId;
    this.u8 = new Uint8Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.f32 = new Float32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.lock = this.shared ? holdLiveness(this.i32, threadId) : null;
  }

  /** Buffer size in bytes. */
  get byteLength(): number {
    return this.buffer.byteLength;
  }

  /**
   * Resolves `true` once this thread holds its liveness lock: from then on, the page can tell
   * exactly when this worker has stopped, and `terminateAndReclaim` reclaims it at that moment.
   * The browser grants the lock only after the worker returns to its event loop once after
   * attaching; a worker that never yields is reclaimed after `settleMs` instead. Resolves
   * `false` where there is no lock: outside a Web Worker (the page, Node) or without the Web
   * Locks API.
   *
   * Thread-safety: the thread that owns this `Memory`.
   * @example
   * ```ts
   * // in a worker, before it enters a loop that never yields
   * const memory = attachMemory(e.data, { name: 'sim-1' });
   * await memory.liveness;
   * for (;;) { Atomics.wait(signal, 0, 0); step(memory); }
   * ```
   */
  get liveness(): Promise<boolean> {
    return this.lock?.granted ?? Promise.resolve(false);
  }

  /**
   * The current frame number. Starts at 0; {@link Memory.advance} moves it on.
   *
   * Thread-safety: any worker (an atomic read).
   * @example
   * ```ts
   * if (memory.frame % 60 === 0) logStats();
   * ```
   */
  get frame(): number {
    return Atomics.load(this.i32, G_FRAME);
  }

  /**
   * Moves to the next frame. Every frame arena recycles the segment of the frame that now
   * expires (with `frames: N`, the one allocated N frames ago), in O(1). The calling thread's
   * own arena lanes are released first; workers release theirs with {@link FrameArena.release}.
   *
   * **Safety:** offsets allocated N frames ago in frame arenas become invalid.
   *
   * Thread-safety: one thread (the one running the frame clock, usually the main thread).
   * @returns the new frame number.
   * @throws {@link MemoryError} `LANE_LEASED` when a worker still holds a lane in a segment that
   * would be recycled; then no arena changes and the frame stays.
   * @example
   * ```ts
   * function tick() { simulate(); memory.advance(); requestAnimationFrame(tick); }
   * ```
   */
  advance(): number {
    this.assertAttached('advance');
    // this thread's own lanes end with its frame
    // an indexed loop: advance() runs once a frame, often unoptimized, where for-of allocates an iterator
    // eslint-disable-next-line @typescript-eslint/prefer-for-of
    for (let k = 0; k < this.ownArenas.length; k++) this.ownArenas[k].release();
    this.publishStats();
    const tracer = this.tracer;
    const t0 = tracer !== null ? performance.now() : 0;
    const next = Atomics.load(this.i32, G_FRAME) + 1;
    const arenas = this.arenaRegions();
    const n = this.arenaCount;
    for (let k = 0; k < n; k++) {
      if (!lockForAdvance(this.i32, arenas[k], next)) this.failAdvance(arenas, k, next);
    }
    for (let k = 0; k < n; k++) {
      if (tracer !== null) tracer.recordAt(t0, EV.RECYCLE, arenas[k], bytesToRecycle(this.i32, arenas[k], next), next);
      commitAdvance(this.i32, this.u8, this.f64, arenas[k], next);
    }
    for (let k = 0; k < this.regionsSeen; k++) startFrame(this.i32, this.statsWords[k], next);
    Atomics.store(this.i32, G_FRAME, next);
    this.noteFrame();
    if (tracer !== null) tracer.frameEnded(next, t0, this.regionOffsets, this.regionsSeen);
    return next;
  }

  /**
   * Publishes this thread's statistics: every allocator instance of this thread adds the counts
   * it made since its last publish to its region's shared statistics block, where any thread
   * (and the inspector) reads them. A few atomic adds per allocator, no allocation.
   * `advance()` calls it for the frame clock's thread; each worker calls it once per frame,
   * typically right after `arena.release()`. Counts not yet published are still in the
   * worker's own `stats()`.
   *
   * Thread-safety: any worker, for its own instances.
   * @example
   * ```ts
   * // in a simulation worker, at the end of its frame
   * arena.release();
   * memory.publishStats();
   * postMessage('done');
   * ```
   */
  publishStats(): void {
    this.assertLive('publishStats', 'memory');
    const all = this.ownAll;
    // eslint-disable-next-line @typescript-eslint/prefer-for-of
    for (let k = 0; k < all.length; k++) all[k].publishStats();
    this.noteFrame();
  }

  /** Records the current frame as this thread's last seen frame (its lag reads 0). @internal */
  noteFrame(): void {
    // plain accesses: the word is for diagnostics (lag), an int32 is never torn, and release()
    // pays for this on every frame
    this.i32[this.slotWord + T_FRAME] = this.i32[G_FRAME];
  }

  /**
   * Throws `THREAD_RECLAIMED` when another thread reclaimed this one: called on the slow paths
   * (lease, release, refill, flush, publish), never per allocation. One load and a compare.
   * @internal
   */
  assertLive(op: string, allocator: string): void {
    // a plain read: an Int32 word is never torn, and a reclaim is seen on the next slow path at
    // the latest (Atomics.load is a call into the runtime in V8, on every refill and flush)
    if (this.i32[this.generationWord] !== this.generation) this.reclaimedError(op, allocator);
  }

  private reclaimedError(op: string, allocator: string): never {
    throw memoryError('THREAD_RECLAIMED', `${op}() from thread ${this.threadId} (generation ${this.generation}), which another thread reclaimed`, {
      allocator, request: { op, thread: this.threadId, generation: this.generation },
      state: { generationNow: Atomics.load(this.i32, this.slotWord + T_GEN), frame: this.frame },
      suggestion: 'reclaimThread() is for threads that are gone; this one is still running. Stop using this memory, or attach again with attachMemory(init).',
    });
  }

  /** Whether thread id `t` is attached now. @internal */
  isThreadAttached(t: number): boolean {
    return isAttached(this.i32, t);
  }

  /**
   * advance()'s cold path: undoes the locks of arenas `0 … k−1` and throws `LANE_LEASED` for
   * arena `k`. A function of its own, so that advance() holds no closure: a closure capturing its
   * locals would make every call allocate a context (unoptimized code, the tier a once-a-frame
   * function often runs in, does not elide it).
   */
  private failAdvance(arenas: Int32Array, k: number, next: number): never {
    for (let j = 0; j < k; j++) abortAdvance(this.i32, arenas[j], next);
    const offset = arenas[k];
    const info = listRegions(this.i32, this.u8).find((r) => r.offset === offset);
    const who = describeBlockers(this.i32, this.u8, offset, next, next - 1);
    throw memoryError('LANE_LEASED', `advance() to frame ${next} would recycle memory that ${who} still lease(s)`, {
      allocator: `arena "${info?.name ?? '?'}"`, request: { frame: next },
      state: { frame: next - 1, holders: who },
      suggestion: 'have every worker call arena.release() when its frame work is done, and retry advance() (or wait for the workers); keep more frames alive to let workers lag; reclaim a thread that is gone with memory.reclaimThread(id).',
    });
  }

  private arenaRegions(): Int32Array {
    const ready = Atomics.load(this.i32, G_REGION_COUNT);
    if (ready !== this.regionsSeen) {
      // entries being initialised or abandoned are skipped; the ready count only grows
      const n = Atomics.load(this.i32, G_ENTRIES);
      let c = 0;
      let r = 0;
      for (let i = 0; i < n; i++) {
        const w = entryWordOf(i);
        if (Atomics.load(this.i32, w + E_STATE) !== ENTRY_READY) continue;
        if (this.i32[w + E_KIND] === KIND_ARENA) this.arenaOffsets[c++] = this.i32[w + E_OFFSET];
        this.statsWords[r] = this.i32[w + E_STATS] >> 2;
        this.regionOffsets[r++] = this.i32[w + E_OFFSET];
      }
      this.arenaCount = c;
      this.regionsSeen = r;
    }
    return this.arenaOffsets;
  }

  /**
   * Creates a frame arena named `name`.
   *
   * Thread-safety: any worker (the region table is locked briefly).
   * @throws {@link MemoryError} `REGION_EXISTS`, `INVALID_NAME`, `INVALID_OPTION`, `OUT_OF_MEMORY`, `REGION_TABLE_FULL`.
   * @example
   * ```ts
   * const frame = memory.createArena('frame', { capacity: 1 << 20, frames: 2 });
   * ```
   */
  createArena(name: string, options: ArenaOptions): FrameArena {
    this.assertAttached('createArena');
    validateName(name);
    const bytes = arenaRegionBytes(name, options);
    const frame = this.frame;
    const i = createRegion(this.i32, this.u8, this.threadId, name, KIND_ARENA, bytes, (o) => {
      initArena(this.i32, o, options, frame);
    });
    return this.instantiate(i, name) as FrameArena;
  }

  /**
   * Creates a pool named `name`.
   *
   * Thread-safety: any worker (the region table is locked briefly).
   * @throws {@link MemoryError} `REGION_EXISTS`, `INVALID_NAME`, `INVALID_OPTION`, `OUT_OF_MEMORY`, `REGION_TABLE_FULL`.
   * @example
   * ```ts
   * const bullets = memory.createPool('bullets', { slotSize: 16, capacity: 4096 });
   * ```
   */
  createPool(name: string, options: PoolOptions): Pool {
    this.assertAttached('createPool');
    validateName(name);
    const bytes = poolRegionBytes(name, options);
    const i = createRegion(this.i32, this.u8, this.threadId, name, KIND_POOL, bytes, (o) => {
      initPool(this.i32, o, options);
    });
    return this.instantiate(i, name) as Pool;
  }

  /**
   * Creates a stack named `name`, owned by the calling thread.
   *
   * Thread-safety: any worker; the creator owns the stack.
   * @throws {@link MemoryError} `REGION_EXISTS`, `INVALID_NAME`, `INVALID_OPTION`, `OUT_OF_MEMORY`, `REGION_TABLE_FULL`.
   * @example
   * ```ts
   * const scratch = memory.createStack('scratch', { capacity: 64 << 10 });
   * ```
   */
  createStack(name: string, options: StackOptions): Stack {
    this.assertAttached('createStack');
    validateName(name);
    const bytes = stackRegionBytes(name, options);
    const i = createRegion(this.i32, this.u8, this.threadId, name, KIND_STACK, bytes, (o) => {
      initStack(this.i32, o, options, this.threadId);
    });
    return this.instantiate(i, name) as Stack;
  }

  /**
   * This thread's instance of the frame arena named `name` (the same object on every call).
   *
   * Thread-safety: any worker.
   * @throws {@link MemoryError} `REGION_NOT_FOUND` or `REGION_KIND_MISMATCH`.
   * @example
   * ```ts
   * const frame = memory.arena('frame'); // in a worker
   * ```
   */
  arena(name: string): FrameArena {
    return this.lookup(name, KIND_ARENA) as FrameArena;
  }

  /**
   * This thread's instance of the pool named `name` (the same object on every call).
   *
   * Thread-safety: any worker.
   * @throws {@link MemoryError} `REGION_NOT_FOUND` or `REGION_KIND_MISMATCH`.
   * @example
   * ```ts
   * const particles = memory.pool('particles');
   * ```
   */
  pool(name: string): Pool {
    return this.lookup(name, KIND_POOL) as Pool;
  }

  /**
   * This thread's instance of the stack named `name` (the same object on every call).
   *
   * Thread-safety: any worker may look it up; only the owner pushes and pops.
   * @throws {@link MemoryError} `REGION_NOT_FOUND` or `REGION_KIND_MISMATCH`.
   * @example
   * ```ts
   * const scratch = memory.stack('scratch');
   * ```
   */
  stack(name: string): Stack {
    return this.lookup(name, KIND_STACK) as Stack;
  }

  private remember(name: string, a: Allocator, offset: number): Allocator {
    this.instances.set(name, a);
    this.byOffset.set(offset, a);
    this.ownAll.push(a);
    if (a instanceof FrameArena) this.ownArenas.push(a);
    return a;
  }

  /** This thread's new instance of the allocator in region-table entry `i`. */
  private instantiate(i: number, name: string): Allocator {
    const w = entryWordOf(i);
    const kind = this.i32[w + E_KIND];
    const off = this.i32[w + E_OFFSET];
    const stats = this.i32[w + E_STATS];
    const a = kind === KIND_ARENA ? new FrameArena(this, name, off, stats)
      : kind === KIND_POOL ? new Pool(this, name, off, stats) : new Stack(this, name, off, stats);
    return this.remember(name, a, off);
  }

  /**
   * Fills `out` with the stats of the region at byte `offset` (at the STAT indexes); false when
   * no region starts there. Allocates nothing once this thread has an instance of the region.
   * @internal
   */
  statsOfRegionAt(offset: number, out: Float64Array): boolean {
    let a = this.byOffset.get(offset);
    if (a === undefined) {
      const r = listRegions(this.i32, this.u8).find((x) => x.offset === offset);
      if (r === undefined) return false;
      a = this.lookupAny(r.name, r.kind);
    }
    a.statsInto(out);
    return true;
  }

  /**
   * Starts recording this thread's allocator events for export in Chrome's trace event format
   * (Perfetto): lane leases, the bulk recycle of each frame's segment, resets, pool batch moves,
   * stack releases, errors, `advance()` durations and per-frame counters; in the checked build
   * also every pool alloc/free and stack push/pop. Events go into a preallocated ring: no
   * garbage while recording. One recorder per thread at a time; starting another replaces it.
   *
   * Thread-safety: per thread; each worker records its own events.
   * @example
   * ```ts
   * const trace = memory.startTrace({ capacity: 1 << 16 });
   * runFrames(60);
   * trace.stop();
   * const json = JSON.stringify(trace.toChromeTrace()); // load in ui.perfetto.dev
   * ```
   */
  startTrace(options: TraceOptions = {}): TraceRecorder {
    this.assertAttached('startTrace');
    const cap = options.capacity ?? 1 << 16;
    if (!Number.isInteger(cap) || cap < 16 || cap > 1 << 24) {
      throw memoryError('INVALID_OPTION', `startTrace capacity ${String(cap)} is invalid`, {
        allocator: 'memory', request: { capacity: cap }, state: { tracing: this.tracer !== null },
        suggestion: 'use a whole number of events from 16 to 16,777,216.',
      });
    }
    this.arenaRegions();
    this.tracer = new TraceRecorder(this, options);
    return this.tracer;
  }

  /** Detaches `rec` if it is the active recorder. @internal */
  stopTrace(rec: TraceRecorder): void {
    if (this.tracer === rec) this.tracer = null;
  }

  private lookup(name: string, kind: number): Allocator {
    this.assertAttached(kindName(kind));
    const known = this.instances.get(name);
    if (known !== undefined && kindOf(known) === kind) return known;
    validateName(name);
    const i = findRegion(this.i32, this.u8, name);
    if (i < 0) {
      throw memoryError('REGION_NOT_FOUND', `no region named "${name}"`, {
        allocator: 'memory', request: { name, kind: kindName(kind) },
        state: { regions: listRegions(this.i32, this.u8).map((r) => `${r.kind} "${r.name}"`).join(', ') || 'none' },
        suggestion: `create it first with memory.create${cap(kindName(kind))}("${name}", ...), in any thread, before workers look it up.`,
      });
    }
    const w = entryWordOf(i);
    const actual = this.i32[w + E_KIND];
    if (actual !== kind) {
      throw memoryError('REGION_KIND_MISMATCH', `"${name}" is a ${kindName(actual)}, not a ${kindName(kind)}`, {
        allocator: 'memory', request: { name, kind: kindName(kind) }, state: { actualKind: kindName(actual) },
        suggestion: `use memory.${kindName(actual)}("${name}").`,
      });
    }
    return this.instantiate(i, name);
  }

  /**
   * How many regions the table holds: one atomic read, no allocation. Code that caches
   * {@link Memory.regions} (an inspector, a HUD) re-reads the list only when this changes.
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * if (memory.regionCount !== known) known = rebuild(memory.regions());
   * ```
   */
  get regionCount(): number {
    return Atomics.load(this.i32, G_REGION_COUNT);
  }

  /**
   * Every region in the table, in creation order (a new array; not for the frame path).
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * console.table(memory.regions());
   * ```
   */
  regions(): readonly RegionInfo[] {
    return Object.freeze(listRegions(this.i32, this.u8));
  }

  /**
   * A frozen, JSON-serializable picture of the whole memory: every region with its allocator's
   * stats and (arenas) its per-frame high-water history. Read from the shared buffer, so it shows
   * what every thread did. A new object; not for the frame path.
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * const s = memory.snapshot();
   * console.log(s.frame, s.regions.map((r) => `${r.kind} ${r.name}`).join(', '));
   * ```
   */
  snapshot(): MemorySnapshot {
    this.assertAttached('snapshot');
    const history = new Float64Array(HISTORY_FRAMES);
    const regions: RegionSnapshot[] = this.regions().map((r) => {
      const a = this.lookupAny(r.name, r.kind);
      const frameHistory = Object.freeze(Array.from(history.subarray(0, a.frameHistoryInto(history))));
      const lanes = Object.freeze(a instanceof FrameArena ? a.laneUsage() : []);
      return Object.freeze({ ...r, stats: a.stats(), frameHistory, lanes });
    });
    const threads: number[] = [];
    for (let t = 0; t < MAX_THREADS; t++) if (isAttached(this.i32, t)) threads.push(t);
    return Object.freeze({
      frame: this.frame, shared: this.shared, byteLength: this.byteLength, unusedBytes: this.unusedBytes,
      threads: Object.freeze(threads), regions: Object.freeze(regions),
    });
  }

  /**
   * Bytes not yet given to any region.
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * console.log(`${memory.unusedBytes} bytes left for new regions`);
   * ```
   */
  get unusedBytes(): number {
    return this.i32[G_SIZE] - Atomics.load(this.i32, G_BRK);
  }

  /**
   * What to post to a worker so it can {@link attachMemory}.
   *
   * Thread-safety: any worker.
   * @throws {@link MemoryError} `NOT_SHARED` in single-thread fallback mode, with the reason.
   * @example
   * ```ts
   * worker.postMessage({ type: 'init', memory: memory.share() });
   * ```
   */
  share(): SharedMemoryInit {
    if (!this.shared) {
      throw memoryError('NOT_SHARED', 'this memory is an ArrayBuffer: a worker would get a copy, not the same memory', {
        allocator: 'memory', request: { op: 'share' }, state: { reason: this.isolation.reason },
        suggestion: ISOLATION_FIX,
      });
    }
    return Object.freeze({ kind: 'nebula-memory', buffer: this.buffer as SharedArrayBuffer, version: LAYOUT_VERSION });
  }

  /**
   * Gives this thread's id back, so a later worker can use it. Flushes this thread's pool
   * caches and releases its arena lanes first. The `Memory` and its allocators are unusable after.
   *
   * Thread-safety: the thread that owns this `Memory`.
   * @example
   * ```ts
   * self.onmessage = (e) => { if (e.data === 'stop') { memory.detach(); close(); } };
   * ```
   */
  detach(): void {
    if (this.detached) return;
    // a reclaimed thread gave everything back already, and its id may be someone else's now
    const reclaimed = Atomics.load(this.i32, this.slotWord + T_GEN) !== this.generation;
    if (!reclaimed) {
      this.publishStats();
      for (const a of this.instances.values()) {
        if (a instanceof Pool) a.flush();
        else if (a instanceof FrameArena) a.release();
      }
    }
    this.instances.clear();
    this.ownArenas.length = 0;
    this.ownAll.length = 0;
    this.byOffset.clear();
    this.tracer = null;
    this.detached = true;
    // a reclaimed thread's id may belong to another thread already: leave the table alone
    if (!reclaimed) detachThread(this.i32, this.threadId);
    this.lock?.release();
  }

  /**
   * Every thread slot that was ever used: id, generation, name, state (`attached`, `detached`,
   * `reclaimed`), the last frame it reported and how far it lags the clock. A new array; not for
   * the frame path.
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * for (const t of memory.threads()) {
   *   if (t.state === 'attached' && t.lag > 3) console.warn(`${t.name || t.id} is ${t.lag} frames behind`);
   * }
   * ```
   */
  threads(): readonly ThreadInfo[] {
    return Object.freeze(listThreads(this.i32, this.u8));
  }

  /**
   * Reclaims a thread that is gone (terminated, or crashed) without having detached: releases
   * its leases in every arena, returns the free slots it cached in every pool to the shared free
   * lists, empties the stacks it owned (any thread may `adopt()` them after), releases the
   * region-table lock if it held it, abandons regions it was still creating, and frees its id
   * for reuse. Blocks it allocated stay allocated (pool slots stay live under its id, so
   * `leaks()` shows them; arena blocks live until their frame is recycled).
   *
   * **Safety:** only for a thread that no longer runs. A thread reclaimed while alive fails its
   * next slow path (lane lease, `release()`, pool refill or flush, `publishStats()`) with
   * `THREAD_RECLAIMED`, but what it does on its fast paths before that is not checked. In a
   * browser: `worker.terminate()` first, then `reclaimThread(id)`; in Node: on the worker's
   * `'exit'` event.
   *
   * Thread-safety: any worker, for another thread's id.
   * @param id - the thread id of the dead thread (as its `memory.threadId` said, or from {@link Memory.threads}).
   * @returns what was released, or null when `id` was not attached (already detached or reclaimed).
   * @throws {@link MemoryError} `INVALID_OPTION` for an id that is not 0..63 or is this thread's own.
   * @example
   * ```ts
   * worker.onerror = () => {
   *   worker.terminate();
   *   memory.reclaimThread(workerThreadId);
   *   startReplacementWorker();
   * };
   * ```
   */
  reclaimThread(id: number): ReclaimReport | null {
    this.assertAttached('reclaimThread');
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= MAX_THREADS || id === this.threadId) {
      throw memoryError('INVALID_OPTION', `reclaimThread(${String(id)}) needs the id of another thread`, {
        allocator: 'memory', request: { id }, state: { threadId: this.threadId, attached: this.snapshotThreadIds() },
        suggestion: id === this.threadId ? 'a thread gives its own id back with memory.detach().' : `pass a thread id from 0 to ${MAX_THREADS - 1} (memory.threads() lists them).`,
      });
    }
    return reclaimThreadIn(this, id);
  }

  private snapshotThreadIds(): number[] {
    const out: number[] = [];
    for (let t = 0; t < MAX_THREADS; t++) if (isAttached(this.i32, t)) out.push(t);
    return out;
  }

  /** This thread's instance of the region of `kind` named `name`. @internal */
  instanceOf(name: string, kind: RegionKind): FrameArena | Pool | Stack {
    return this.lookupAny(name, kind);
  }

  private assertAttached(op: string): void {
    if (this.detached) {
      throw memoryError('DETACHED', `${op}() on a memory this thread detached`, {
        allocator: 'memory', request: { op }, state: { threadId: this.threadId },
        suggestion: 'attach again with attachMemory(init) if this thread still needs the memory.',
      });
    }
  }

  /**
   * Records the call site of every pool allocation and stack push this thread makes from now on
   * (checked build), so leak reports group what is still held by where it came from. Capturing
   * costs a stack trace per allocation: switch it on while hunting a leak, not in a shipped game.
   *
   * Thread-safety: per thread; each thread switches its own capture.
   * @param on - true to start, false to stop and forget the sites.
   * @example
   * ```ts
   * memory.captureCallSites(true);
   * runLevel();
   * console.log(memory.leaks().text);
   * ```
   */
  captureCallSites(on: boolean): void {
    this.capturingSites = on;
    if (!on) for (const a of this.instances.values()) if (!(a instanceof FrameArena)) a.forgetSites();
  }

  /**
   * What every pool and stack still holds: one report over all of them. Call it at shutdown or
   * at a chosen frame (`bornBefore`) to find blocks that outlived their purpose.
   *
   * Thread-safety: any worker; exact while no other thread allocates.
   * @param options - `bornBefore`: only pool slots allocated before this frame; `limit`: most entries listed.
   * @example
   * ```ts
   * const r = memory.leaks();
   * if (r.count > 0) console.warn(r.text);
   * ```
   */
  leaks(options: { readonly bornBefore?: number; readonly limit?: number } = {}): LeakReport {
    const entries: LeakEntry[] = [];
    const parts: string[] = [];
    for (const r of listRegions(this.i32, this.u8)) {
      if (r.kind === 'arena') continue;
      const rep = r.kind === 'pool' ? this.pool(r.name).leaks({ ...options, limit: Infinity }) : this.stack(r.name).leaks(Infinity);
      if (rep.count > 0) parts.push(rep.text);
      entries.push(...rep.entries);
    }
    const all = leakReport('memory', entries, options.limit ?? 100);
    return Object.freeze({ ...all, text: parts.length ? parts.join('\n') : 'memory: nothing held' });
  }

  /**
   * Checks the global header and every region's invariants (through this thread's instances).
   *
   * Thread-safety: any worker, while no other thread is allocating.
   * @throws {@link MemoryError} `INVARIANT_VIOLATED` with the actual values.
   * @example
   * ```ts
   * memory.checkInvariants();
   * ```
   */
  checkInvariants(): void {
    const i32 = this.i32;
    const brk = Atomics.load(i32, G_BRK);
    checkHeader(i32, this.buffer.byteLength);
    let end = DATA_START;
    for (const r of listRegions(i32, this.u8)) {
      if (r.offset < end || r.offset + r.byteLength > brk) {
        throw memoryError('INVARIANT_VIOLATED', `region "${r.name}" [${r.offset}, ${r.offset + r.byteLength}) overlaps or passes brk ${brk}`, {
          allocator: 'memory', request: {}, state: { offset: r.offset, byteLength: r.byteLength, previousEnd: end, brk },
        });
      }
      end = r.offset + r.byteLength;
      this.lookupAny(r.name, r.kind).checkInvariants();
    }
  }

  private lookupAny(name: string, kind: RegionKind): Allocator {
    return kind === 'arena' ? this.arena(name) : kind === 'pool' ? this.pool(name) : this.stack(name);
  }
}

function kindOf(a: Allocator): number {
  return a instanceof FrameArena ? KIND_ARENA : a instanceof Pool ? KIND_POOL : KIND_STACK;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Makes a new memory of `options.size` bytes. It is a SharedArrayBuffer when this context is
 * cross-origin isolated (or Node); otherwise an ArrayBuffer in single-thread mode, and
 * `memory.isolation` says why and what to set.
 *
 * Thread-safety: any thread; the caller becomes thread 0.
 * @throws {@link MemoryError} `INVALID_OPTION` for a bad size; `NOT_SHARED` when `shared: true`
 * was asked and this context cannot share memory.
 * @example
 * ```ts
 * const memory = createMemory({ size: 16 << 20 });
 * if (!memory.shared) console.warn(memory.isolation.reason);
 * ```
 */
export function createMemory(options: MemoryOptions): Memory {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw memoryError('INVALID_OPTION', `createMemory(${typeName(options)}) needs an options object`, {
      allocator: 'memory', request: { options: typeName(options) }, state: {},
      suggestion: 'pass an object such as { size: 16 << 20 }.',
    });
  }
  validateThreadName(options.name);
  const size = options.size;
  if (!Number.isInteger(size) || size < MIN_MEMORY_BYTES || size > MAX_MEMORY_BYTES || size % 8 !== 0) {
    throw memoryError('INVALID_OPTION', `memory size ${String(size)} is not allowed`, {
      allocator: 'memory', request: { size }, state: {},
      suggestion: `use a multiple of 8 from ${MIN_MEMORY_BYTES} to ${MAX_MEMORY_BYTES} bytes (1 GiB).`,
    });
  }
  const report = isolationReport();
  const want = options.shared ?? 'auto';
  if (want === true && !report.shared) {
    throw memoryError('NOT_SHARED', `shared memory was required, but ${report.reason}`, {
      allocator: 'memory', request: { size, shared: true }, state: { environment: report.environment, crossOriginIsolated: String(report.crossOriginIsolated) },
      suggestion: report.fix,
    });
  }
  const useShared = want === false ? false : report.shared;
  const buffer = useShared ? new SharedArrayBuffer(size) : new ArrayBuffer(size);
  const isolation = useShared || want !== false ? report : Object.freeze({
    ...report, shared: false, reason: 'single-thread mode was asked for (shared: false).', fix: '',
  });
  const i32 = new Int32Array(buffer);
  i32[G_MAGIC] = MAGIC;
  i32[G_VERSION] = LAYOUT_VERSION;
  i32[G_SIZE] = size;
  i32[G_BRK] = DATA_START;
  i32[G_SHARED] = useShared ? 1 : 0;
  stampMemoryId(i32);
  const tid = claimThreadId(i32); // 0: the creator
  const gen = fillThreadSlot(i32, new Uint8Array(buffer), tid, options.name ?? 'main');
  return new Memory(buffer, tid, isolation, gen);
}

/**
 * Attaches a worker to a memory made elsewhere, from what {@link Memory.share} returned. The
 * allocators are then found by name: `memory.arena('frame')`.
 *
 * Thread-safety: call once per thread; the thread gets its own id.
 * @throws {@link MemoryError} `NOT_SHARED` for an ArrayBuffer, `BAD_BUFFER`, `BAD_MAGIC`,
 * `BAD_VERSION`, `TOO_MANY_THREADS`.
 * @example
 * ```ts
 * self.onmessage = (e) => {
 *   const memory = attachMemory(e.data);
 *   const frame = memory.arena('frame');
 * };
 * ```
 */
export function attachMemory(init: SharedMemoryInit, options: AttachOptions = {}): Memory {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw memoryError('INVALID_OPTION', `attachMemory options ${typeName(options)} is not an object`, {
      allocator: 'memory', request: { options: typeName(options) }, state: {}, suggestion: 'pass { name: "sim-1" } or leave the options out.',
    });
  }
  validateThreadName(options.name);
  const buffer = (init as Partial<SharedMemoryInit> | null)?.buffer as unknown;
  const fail = (code: 'BAD_BUFFER' | 'NOT_SHARED' | 'BAD_MAGIC' | 'BAD_VERSION' | 'TOO_MANY_THREADS', what: string, state: Record<string, unknown>, fix: string): never => {
    throw memoryError(code, what, { allocator: 'memory', request: { op: 'attachMemory' }, state, suggestion: fix });
  };
  if (typeof ArrayBuffer === 'function' && buffer instanceof ArrayBuffer) {
    fail('NOT_SHARED', 'attachMemory() got an ArrayBuffer: the worker would have a copy, not shared memory', {},
      'the creating page is not cross-origin isolated; ' + ISOLATION_FIX);
  }
  if (typeof SharedArrayBuffer !== 'function' || !(buffer instanceof SharedArrayBuffer)) {
    fail('BAD_BUFFER', 'attachMemory() needs the object returned by memory.share()', { got: typeof buffer },
      'post memory.share() to the worker and pass the received object to attachMemory().');
  }
  const sab = buffer as SharedArrayBuffer;
  if (sab.byteLength < MIN_MEMORY_BYTES || sab.byteLength % 8 !== 0) {
    fail('BAD_BUFFER', `a buffer of ${sab.byteLength} bytes cannot hold a nebula-memory header`, { byteLength: sab.byteLength },
      'pass the buffer of memory.share(), not another SharedArrayBuffer.');
  }
  const i32 = new Int32Array(sab);
  if (i32[G_MAGIC] !== MAGIC) {
    fail('BAD_MAGIC', `the buffer starts with 0x${(i32[G_MAGIC] >>> 0).toString(16)}, not the nebula-memory magic 0x${MAGIC.toString(16)}`,
      { magic: i32[G_MAGIC] }, 'pass the buffer of memory.share(); this one was not made by createMemory() or was overwritten.');
  }
  if (i32[G_VERSION] !== LAYOUT_VERSION || init.version !== LAYOUT_VERSION) {
    fail('BAD_VERSION', `layout version ${i32[G_VERSION]} (message says ${String(init.version)}), this build reads ${LAYOUT_VERSION}`,
      { version: i32[G_VERSION] }, 'load the same nebula-memory build in the page and in its workers.');
  }
  if (i32[G_SIZE] !== sab.byteLength || i32[G_BRK] < DATA_START || i32[G_BRK] > sab.byteLength) {
    fail('BAD_BUFFER', 'the header contradicts the buffer (size or region end)', { size: i32[G_SIZE], byteLength: sab.byteLength, brk: i32[G_BRK] },
      'the buffer is corrupt; create a new memory.');
  }
  const tid = claimThreadId(i32);
  if (tid < 0) {
    fail('TOO_MANY_THREADS', `all ${MAX_THREADS} thread ids are attached`, { threads: MAX_THREADS },
      'call memory.detach() in workers that stop, and memory.reclaimThread(id) for workers that were terminated or crashed; or use fewer workers.');
  }
  Atomics.add(i32, G_ATTACHES, 1);
  const gen = fillThreadSlot(i32, new Uint8Array(sab), tid, options.name);
  return new Memory(sab, tid, isolationReport(), gen);
}
