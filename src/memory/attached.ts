/**
 * One thread's attachment to the buffer: the typed views, the thread's id and generation, its
 * liveness lock, and what any thread may ask of the buffer as a whole (the frame, the thread
 * table, the region list, sharing, reclaiming a dead thread). {@link MemoryCore} adds the regions.
 * @module
 */
import '../build.ts'; // defines __NEBULA_CHECKS__ where no bundler replaced it: before any check runs
import type { SharedMemoryInit } from '../api.ts';
import type { ReclaimReport, RegionInfo, ThreadInfo } from '../api-reports.ts';
import { memoryError } from '../errors.ts';
import { CallSites, SiteWriter, badSiteId } from './call-sites.ts';
import { clockNow, readFrameTimes } from './frame-times.ts';
import type { MemoryHost } from './host.ts';
import { type IsolationReport, ISOLATION_FIX, isUnsharedOnPurpose, UNSHARED_ON_PURPOSE_FIX } from './isolation.ts';
import { G_BRK, G_FRAME, G_REGION_COUNT, G_SIZE, LAYOUT_VERSION, MAX_THREADS, T_FRAME, T_GEN, threadWordOf } from './layout.ts';
import { type Liveness, holdLiveness } from './liveness.ts';
import type { OpenedBuffer } from './open.ts';
import { callSite } from './leak-report.ts';
import { reclaimThreadIn } from './reclaim.ts';
import { listRegions } from './region-table.ts';
import { isAttached, listThreads } from './threads.ts';
import type { TraceRecorder } from '../stats/trace-recorder.ts';

/**
 * The buffer as one thread holds it: the views every allocator reads through, this thread's
 * identity, and the buffer-wide queries. The base of {@link MemoryCore} and {@link Memory}; use
 * those.
 *
 * Thread-safety: each thread has its own instance over the same buffer.
 * @example
 * ```ts
 * const memory = createMemory({ size: 8 << 20 });
 * console.log(memory.threadId, memory.frame, memory.unusedBytes);
 * ```
 */
export class AttachedBuffer implements MemoryHost {
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
  /** True once this thread detached. */
  protected detached = false;
  /** True while this thread records the call sites of its pool and stack allocations. @internal */
  capturingSites = false;
  /** This thread's side of the shared call-site table, made at its first use. */
  private sites: CallSites | null = null;
  /** This thread's active trace recorder, or null. @internal */
  tracer: TraceRecorder | null = null;

  /** This thread's generation of its id: the thread table's copy moves on when it is reclaimed. */
  protected readonly generation: number;
  /** Word index of this thread's generation in the thread table. */
  private readonly generationWord: number;
  /** Word index of this thread's slot. */
  protected readonly slotWord: number;
  /** This thread's liveness lock (Web Workers; liveness.ts). */
  protected readonly lock: Liveness | null;
  /**
   * One entry: this thread's clock (ms) at its last successful `advance()`, or at create/attach
   * before the first, where the next frame's duration starts. A typed array, so storing it never boxes.
   */
  protected readonly advancedAt = new Float64Array(1);

  /** @internal Use {@link createMemory} or {@link attachMemory}. */
  constructor(opened: OpenedBuffer) {
    const { buffer, threadId, isolation, generation } = opened;
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
    this.advancedAt[0] = clockNow();
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
   * Writes the duration of each of the last `min(64, frames ended, out.length)` frames into
   * `out`, oldest first, in milliseconds (microsecond resolution), and returns how many.
   * A frame's duration is the time from the `advance()` that started it to the one that ended
   * it, on the clock thread's `performance.now()`. The first frame a thread ends counts from
   * when that thread created or attached its `Memory` (for the creator: from `createMemory()`).
   * The durations live in the shared buffer (a 64-entry ring after the thread table), so every
   * thread reads the same numbers. Allocates nothing: an inspector or a HUD calls it every frame.
   *
   * Thread-safety: any worker (a read racing an `advance()` may see the newest duration in
   * place of the oldest).
   * @param out - receives the durations; 64 entries hold them all.
   * @returns how many entries it wrote: 0 before the first `advance()`.
   * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` when `out` is not a `Float64Array`.
   * @see {@link Memory.snapshot}, whose `frameTimes` holds the same numbers in a new array.
   * @example
   * ```ts
   * const times = new Float64Array(64); // once
   * const n = memory.frameTimesInto(times); // every frame
   * let worst = 0;
   * for (let k = 0; k < n; k++) worst = Math.max(worst, times[k]);
   * hud.text = `worst frame ${worst.toFixed(1)} ms`;
   * ```
   */
  frameTimesInto(out: Float64Array): number {
    return readFrameTimes(this.i32, out);
  }

  /**
   * The text of call site `id` as the shared call-site table stores it (the allocating frame and
   * its two callers, at most 400 bytes of UTF-8), or `''` for 0 ("unknown") and any id not in
   * the table. Sites are recorded by every thread that has {@link Memory.captureCallSites} on
   * (checked build), and each id's text is read from the shared buffer, so this names sites that
   * workers recorded. The first read of an id makes its string; later reads return the same one.
   *
   * Thread-safety: any worker.
   * @param id - a site id, from {@link Pool.siteCountsInto} (the index of a count) or a slot's record.
   * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` when `id` is not a whole number.
   * @see {@link Pool.slotInfo}, which gives one slot's site as text, and {@link Memory.leaks}, which groups by site.
   * @example
   * ```ts
   * const live = new Int32Array(1025); // once: ids 0..1024 (1024 sites at most)
   * const old = new Int32Array(1025);
   * const n = bullets.siteCountsInto(live, old, memory.frame - 600);
   * for (let id = 1; id < n; id++) if (old[id] > 100) console.warn(old[id], memory.callSiteText(id));
   * ```
   */
  callSiteText(id: number): string {
    if (typeof id !== 'number' || !Number.isInteger(id)) badSiteId(id);
    return id <= 0 ? '' : this.siteTable().textOf(id);
  }

  /**
   * The site id of the caller's allocation: its stack, less the runtime's frames, looked up in
   * this thread's Map and else in the shared table (added to it when new); 0 when the table
   * does not exist or is full. Costs a stack trace: only while capture is on. @internal
   */
  callSiteId(): number {
    return __NEBULA_CHECKS__ ? this.siteWriter().idOf(callSite()) : 0;
  }

  /** This thread's side of the call-site table: a writer in the checked build (the fast build records no sites). @internal */
  protected siteTable(): CallSites {
    return (this.sites ??= __NEBULA_CHECKS__ ? new SiteWriter(this) : new CallSites(this));
  }

  /** This thread's writing side of the call-site table; checked build only. @internal */
  protected siteWriter(): SiteWriter {
    // sound: the checked build's siteTable() makes a SiteWriter; no reference to the class here,
    // so the fast build's bundles leave the writer out
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    return this.siteTable() as SiteWriter;
  }

  /** Records the current frame as this thread's last seen frame (its lag reads 0). @internal */
  noteFrame(): void {
    // plain accesses: the word is for diagnostics (lag), an int32 is never torn, and release()
    // pays for this on every frame
    this.i32[this.slotWord + T_FRAME] = this.i32[G_FRAME];
  }

  /**
   * Throws `THREAD_RECLAIMED` when another thread reclaimed this one, and `DETACHED` when this
   * thread detached (an allocator kept from before `detach()`): called on the slow paths (lease,
   * release, refill, flush, publish) and, in the checked build, by the pool's free and the
   * stack's push and pop. One load and two compares.
   * @internal
   */
  assertLive(op: string, allocator: string): void {
    // a plain read: an Int32 word is never torn, and a reclaim is seen on the next slow path at
    // the latest (Atomics.load is a call into the runtime in V8, on every refill and flush)
    if (this.i32[this.generationWord] !== this.generation || this.detached) this.notLiveError(op, allocator);
  }

  private notLiveError(op: string, allocator: string): never {
    if (this.detached) {
      throw memoryError('DETACHED', `${op}() on ${allocator}, kept from before this thread detached the memory`, {
        allocator, request: { op, thread: this.threadId },
        state: { threadId: this.threadId, detached: true },
        suggestion: 'drop allocator references at detach(); attach again with attachMemory(init) and look the region up on the new memory if this thread still needs it.',
      });
    }
    this.reclaimedError(op, allocator);
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
   * @throws {@link nebula-memory!MemoryError} `NOT_SHARED` in single-thread mode, with the reason: the headers to
   * send when isolation is missing, or how to create a shared memory when it was made with `shared: false`.
   * @see {@link attachMemory}, which the worker calls with it.
   * @see {@link createMemory}, whose `memory.shared` says whether there is anything to share.
   * @example
   * ```ts
   * worker.postMessage({ type: 'init', memory: memory.share() });
   * ```
   */
  share(): SharedMemoryInit {
    if (!this.shared) {
      throw memoryError('NOT_SHARED', 'this memory is an ArrayBuffer: a worker would get a copy, not the same memory', {
        allocator: 'memory', request: { op: 'share' }, state: { reason: this.isolation.reason },
        suggestion: isUnsharedOnPurpose(this.isolation) ? UNSHARED_ON_PURPOSE_FIX : ISOLATION_FIX,
      });
    }
    return Object.freeze({ kind: 'nebula-memory', buffer: this.buffer as SharedArrayBuffer, version: LAYOUT_VERSION });
  }

  /**
   * Every thread slot that was ever used: id, generation, name, state (`attached`, `detached`,
   * `reclaimed`), the last frame it reported, how far it lags the clock, and for a reclaimed
   * thread the frame of its reclaim and what it released (`reclaimedAt`, `released`). A new
   * array; not for the frame path.
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
   * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` for an id that is not 0..63 or is this thread's own.
   * @see {@link terminateAndReclaim} (browsers) and {@link reclaimOnExit} (Node), which call it once the worker has stopped.
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
        allocator: 'memory', request: { id }, state: { threadId: this.threadId, attached: this.attachedIds() },
        suggestion: id === this.threadId ? 'a thread gives its own id back with memory.detach().' : `pass a thread id from 0 to ${MAX_THREADS - 1} (memory.threads() lists them).`,
      });
    }
    return reclaimThreadIn(this, id);
  }

  /** The ids attached now. */
  protected attachedIds(): number[] {
    const out: number[] = [];
    for (let t = 0; t < MAX_THREADS; t++) if (isAttached(this.i32, t)) out.push(t);
    return out;
  }

  /** Throws `DETACHED` once this thread detached. */
  protected assertAttached(op: string): void {
    if (this.detached) {
      throw memoryError('DETACHED', `${op}() on a memory this thread detached`, {
        allocator: 'memory', request: { op }, state: { threadId: this.threadId },
        suggestion: 'attach again with attachMemory(init) if this thread still needs the memory.',
      });
    }
  }
}
