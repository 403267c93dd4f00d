/**
 * The memory's regions, of any registered kind: create one, find one by name, move the frame
 * clock, publish statistics, detach, and report (snapshot, leaks, invariants). It reaches the
 * allocators only through their kinds (./kinds.ts) and never imports one.
 * @module
 */
import '../build.ts'; // defines __NEBULA_CHECKS__ where no bundler replaced it: before any check runs
import { memoryError, typeName } from '../errors.ts';
import { AttachedBuffer } from './attached.ts';
import { FrameClock } from './frame-clock.ts';
import { type FrameObserver, badFrameTime, clockNow, recordFrameTime } from './frame-times.ts';
import { type AllocatorKind, type RegionAllocator, createCall, ensureRegistered, kindOfCode, kindNameOf, openCall } from './kinds.ts';
import { E_KIND, E_OFFSET, E_STATS, G_FRAME, MAX_MEMORY_BYTES, T_GEN, entryWordOf } from './layout.ts';
import type { OpenedBuffer } from './open.ts';
import { createRegion, findRegion, listRegions, validateName } from './region-table.ts';
import { detachThread } from './threads.ts';
import { type TraceOptions, TraceRecorder } from '../stats/trace-recorder.ts';

/** A kind as the memory holds it: its allocator and options types erased. */
type AnyKind = AllocatorKind;

/** One region this thread opened: its kind and its instance. */
interface Opened {
  /** The region's kind. */
  readonly kind: AnyKind;
  /** This thread's instance over the region. */
  readonly allocator: RegionAllocator;
}

/**
 * The memory over regions of any kind: {@link Memory} adds the built-in arena, pool and stack by
 * name (`createArena`, `pool`, ...); a kind of your own is created with {@link MemoryCore.create}
 * and found with {@link MemoryCore.region}.
 *
 * Thread-safety: each thread has its own instance over the same buffer.
 * @example
 * ```ts
 * registerKind(counterKind);
 * const score = memory.create(counterKind, 'score', { start: 0 });
 * memory.advance();
 * ```
 */
export class MemoryCore extends AttachedBuffer {
  /** This thread's instances by region name. */
  private readonly opened = new Map<string, Opened>();
  /** This thread's instances, for publishStats() without an iterator. */
  private readonly ownAll: RegionAllocator[] = [];
  /** The instances whose kind ends the frame clock thread's frame (arenas), and their kinds. */
  private readonly enders: RegionAllocator[] = [];
  private readonly enderKinds: AnyKind[] = [];
  /** This thread's instances by region offset. */
  private readonly byOffset = new Map<number, RegionAllocator>();
  /** The frame clock's view of the regions. */
  private readonly clock: FrameClock;
  /** What advance() tells of each frame it ends (`profileFrames`), or null: one check a frame. */
  protected frameObserver: FrameObserver | null = null;

  /** @internal Use {@link createMemory} or {@link attachMemory}. */
  constructor(opened: OpenedBuffer) {
    super(opened);
    this.clock = new FrameClock(this);
  }

  /**
   * Moves to the next frame. Every frame arena (every region whose kind takes part in the frame
   * clock) recycles the segment of the frame that now expires (with `frames: N`, the one
   * allocated N frames ago), in O(1). The calling thread's own arena lanes are released first;
   * workers release theirs with {@link FrameArena.release}. The ended frame's duration goes into
   * the shared frame-time ring ({@link Memory.frameTimesInto}); with {@link Memory.profileFrames}
   * on, the frame also becomes User Timing entries.
   *
   * The frame ends at `now` when given (milliseconds on the `performance.now()` timeline, such
   * as the timestamp `requestAnimationFrame` passes its callback), and then advance() reads no
   * clock; without it, advance() reads `performance.now()`, which V8 returns as a new heap number
   * (16 bytes of garbage a frame). The duration recorded is `now` minus the previous advance()'s
   * time (or, for the first frame a thread ends, the time it created or attached its `Memory`),
   * at least 0. A recording trace ({@link Memory.startTrace}) still reads the clock for its own
   * events.
   *
   * **Safety:** offsets allocated N frames ago in frame arenas become invalid.
   *
   * Thread-safety: one thread (the one running the frame clock, usually the main thread).
   * @param now - optional: the frame's end time in ms, a finite number >= 0.
   * @returns the new frame number.
   * @throws {@link nebula-memory!MemoryError} `LANE_LEASED` when a worker still holds a lane in a segment that
   * would be recycled; then no arena changes and the frame stays.
   * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` when `now` is not a finite number >= 0 (NaN,
   * a string, a negative time); then nothing changes.
   * @see {@link FrameArena.release}, which each worker calls first, and {@link Memory.publishStats}, which advance() does for this thread.
   * @see {@link nebula-memory/typed!frameScope | frameScope}, which runs a frame's work and then advances.
   * @example
   * ```ts
   * function tick(now: number) { simulate(); memory.advance(now); requestAnimationFrame(tick); }
   * requestAnimationFrame(tick);
   * ```
   */
  advance(now?: number): number {
    this.assertAttached('advance');
    // one compare when given (NaN and the infinities fail it), before anything changes
    if (now !== undefined && !(typeof now === 'number' && now >= 0 && now <= Number.MAX_VALUE)) badFrameTime('advance', now, this.frame);
    // this thread's own lanes end with its frame
    // an indexed loop: advance() runs once a frame, often unoptimized, where for-of allocates an iterator
    for (let k = 0; k < this.enders.length; k++) this.enderKinds[k].endFrame?.(this.enders[k]);
    this.publishStats();
    const tracer = this.tracer;
    const end = now ?? clockNow();
    // a trace keeps to its own clock: `now` may be a timestamp taken before the frame's work
    const t0 = tracer === null || now === undefined ? end : clockNow();
    const next = Atomics.load(this.i32, G_FRAME) + 1;
    this.clock.advanceTo(next, tracer, t0);
    // the ended frame's duration, in the shared ring before the frame number moves past it
    const start = this.advancedAt[0];
    recordFrameTime(this.i32, next - 1, end - start);
    this.advancedAt[0] = end;
    Atomics.store(this.i32, G_FRAME, next);
    this.noteFrame();
    if (tracer !== null) tracer.frameEnded(next, t0, this.clock.regionOffsets, this.clock.regionsSeen);
    if (this.frameObserver !== null) this.frameObserver.frameEnded(next - 1, start, end);
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
   * @see {@link FrameArena.release}, the call it usually follows, and {@link Memory.advance}, which publishes the frame clock's thread.
   * @see {@link Memory.snapshot}, which reads what every thread published.
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

  /**
   * Creates a region of `kind` named `name`, and returns this thread's instance of it. The kind
   * is registered in this thread if it was not yet ({@link nebula-memory/kinds!registerKind | registerKind}).
   *
   * Thread-safety: any worker (the region table is locked briefly).
   * @throws {@link nebula-memory!MemoryError} `REGION_EXISTS`, `INVALID_NAME`, `INVALID_OPTION`, `OUT_OF_MEMORY`, `REGION_TABLE_FULL`.
   * @example
   * ```ts
   * const score = memory.create(counterKind, 'score', { start: 0 });
   * ```
   */
  create<A extends RegionAllocator, O>(kind: AllocatorKind<A, O>, name: string, options: O): A {
    this.assertAttached('create');
    ensureRegistered(kind);
    validateName(name);
    const bytes = kind.regionBytes(name, options);
    if (!Number.isInteger(bytes) || bytes <= 0 || bytes > MAX_MEMORY_BYTES) {
      throw memoryError('INVALID_OPTION', `kind ${kind.name}: regionBytes() returned ${String(bytes)}`, {
        allocator: `${kind.name} "${name}"`, request: { name, kind: kind.name }, state: { bytes: String(bytes), most: MAX_MEMORY_BYTES },
        suggestion: 'a kind\'s regionBytes() returns a whole number of bytes above 0 (or throws INVALID_OPTION for bad options).',
      });
    }
    const at = { frame: this.frame, threadId: this.threadId };
    const i = createRegion(this.i32, this.u8, this.threadId, name, kind.code, bytes, (o) => {
      kind.init(this.i32, o, options, at);
    }, kind.clock !== undefined);
    return this.open(i, name, kind) as A;
  }

  /**
   * This thread's instance of the region of `kind` named `name` (the same object on every call).
   * The kind is registered in this thread if it was not yet.
   *
   * Thread-safety: any worker.
   * @throws {@link nebula-memory!MemoryError} `REGION_NOT_FOUND` or `REGION_KIND_MISMATCH`.
   * @example
   * ```ts
   * const score = memory.region(counterKind, 'score'); // in a worker
   * ```
   */
  region<A extends RegionAllocator, O>(kind: AllocatorKind<A, O>, name: string): A {
    const known = this.opened.get(name);
    if (known !== undefined && known.kind === (kind as unknown)) return known.allocator as A;
    ensureRegistered(kind);
    return this.lookup(name, kind) as A;
  }

  /** This thread's instance of region `name`, which must be of `kind`. */
  private lookup(name: string, kind: AnyKind): RegionAllocator {
    this.assertAttached(kind.name);
    const known = this.opened.get(name);
    if (known?.kind === kind) return known.allocator;
    validateName(name);
    const i = findRegion(this.i32, this.u8, name);
    if (i < 0) {
      throw memoryError('REGION_NOT_FOUND', `no region named "${name}"`, {
        allocator: 'memory', request: { name, kind: kind.name },
        state: { regions: listRegions(this.i32, this.u8).map((r) => `${r.kind} "${r.name}"`).join(', ') || 'none' },
        suggestion: `create it first with ${createCall(kind, name)}, in any thread, before workers look it up.`,
      });
    }
    const actual = this.i32[entryWordOf(i) + E_KIND];
    if (actual !== kind.code) {
      const other = kindOfCode(actual);
      throw memoryError('REGION_KIND_MISMATCH', `"${name}" is a ${kindNameOf(actual)}, not a ${kind.name}`, {
        allocator: 'memory', request: { name, kind: kind.name }, state: { actualKind: kindNameOf(actual) },
        suggestion: other === undefined ? `register its kind (code ${actual}) in this thread with registerKind(), then use memory.region(kind, "${name}").` : `use ${openCall(other.code, name)}.`,
      });
    }
    return this.open(i, name, kind);
  }

  /** This thread's instance of the region named `name` whatever its kind, or null for a kind this thread has not registered. @internal */
  openAny(name: string): Opened | null {
    const known = this.opened.get(name);
    if (known !== undefined) return known;
    const i = findRegion(this.i32, this.u8, name);
    const kind = i < 0 ? undefined : kindOfCode(this.i32[entryWordOf(i) + E_KIND]);
    if (kind === undefined) return null;
    this.lookup(name, kind);
    return this.opened.get(name) ?? null;
  }

  /** This thread's new instance of the region in table entry `i`. */
  private open(i: number, name: string, kind: AnyKind): RegionAllocator {
    const w = entryWordOf(i);
    const off = this.i32[w + E_OFFSET];
    const a = kind.open(this, name, off, this.i32[w + E_STATS]);
    this.opened.set(name, { kind, allocator: a });
    this.byOffset.set(off, a);
    this.ownAll.push(a);
    if (kind.endFrame !== undefined) {
      this.enders.push(a);
      this.enderKinds.push(kind);
    }
    return a;
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
      const o = this.openAny(r.name);
      if (o === null) return false;
      a = o.allocator;
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
   * @see {@link nebula-memory/trace!mergeChromeTraces | mergeChromeTraces}, which joins the traces of several threads into one file.
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
    this.clock.refresh('startTrace()');
    this.tracer = new TraceRecorder(this, options);
    return this.tracer;
  }

  /** Detaches `rec` if it is the active recorder. @internal */
  stopTrace(rec: TraceRecorder): void {
    if (this.tracer === rec) this.tracer = null;
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
    let failure: Error | null = null;
    if (!reclaimed) {
      this.publishStats();
      for (const { kind, allocator } of this.opened.values()) {
        try {
          kind.detach?.(allocator);
        } catch (err) {
          failure ??= err instanceof Error ? err : new Error(String(err)); // the thread detaches all the same; the first failure is rethrown after
        }
      }
    }
    this.opened.clear();
    this.ownAll.length = 0;
    this.enders.length = 0;
    this.enderKinds.length = 0;
    this.byOffset.clear();
    this.tracer = null;
    this.detached = true;
    // a reclaimed thread's id may belong to another thread already: leave the table alone
    if (!reclaimed) detachThread(this.i32, this.threadId);
    this.lock?.release();
    if (failure !== null) throw failure;
  }

  /**
   * Records the call site of every pool allocation and stack push this thread makes from now on
   * (checked build), so leak reports group what is still held by where it came from. Capturing
   * costs a stack trace per allocation: switch it on while hunting a leak, not in a shipped game.
   *
   * Pool sites are shared: each distinct site (its first three stack lines) gets an id in a
   * call-site table in the buffer, and each slot keeps the id of its last allocation, so
   * `pool.leaks()`, {@link Pool.siteCountsInto} and {@link Pool.slotInfo} in any thread (and the
   * inspector) name the sites that workers recorded. The first `captureCallSites(true)` of any
   * thread makes the table: 4 KiB taken from the memory's unused bytes, and 4 KiB more each time
   * site texts fill it (about 15 to 20 sites a chunk). It holds up to 1024 sites; a site recorded
   * when it is full, or when the memory has no 4 KiB left, counts as unknown. Stack pushes record
   * their sites in the owner thread only.
   *
   * Thread-safety: per thread; each thread switches its own capture.
   * @param on - true to start; false to stop (slots keep the sites already recorded; this thread's stacks forget theirs).
   * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` when `on` is not a boolean.
   * @example
   * ```ts
   * memory.captureCallSites(true);
   * runLevel();
   * console.log(memory.leaks().text);
   * ```
   */
  captureCallSites(on: boolean): void {
    if (typeof on !== 'boolean') {
      throw memoryError('INVALID_OPTION', `captureCallSites(${typeName(on)}) needs true or false`, {
        allocator: 'memory', request: { on: typeName(on) }, state: { capturing: this.capturingSites },
        suggestion: 'pass true to record the call sites of this thread\'s allocations, false to stop.',
      });
    }
    if (on && __NEBULA_CHECKS__) this.siteWriter().open();
    this.capturingSites = on;
    if (!on) for (const { kind, allocator } of this.opened.values()) kind.forgetSites?.(allocator);
  }
}
