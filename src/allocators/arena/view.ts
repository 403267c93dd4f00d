/**
 * The read side of a frame arena: its constants and lane state, what any thread reads of it from
 * the shared buffer (used, peak, statistics, frame history, lane usage), and the error counter.
 * {@link FrameArena} adds the checks and the allocation paths on top.
 * @module
 * @internal
 */
import '../../build.ts'; // defines __NEBULA_CHECKS__ where no bundler replaced it: before any check runs
import type { ArenaStats } from '../../api-reports.ts';
import { type MemoryError, badOutArray } from '../../errors.ts';
import { G_FRAME, MAX_THREADS } from '../../memory/layout.ts';
import type { MemoryHost } from '../../memory/host.ts';
import { STAT } from '../../stats/fields.ts';
import {
  HISTORY_FRAMES, SB_ALLOCATIONS, SB_BYTES, SB_ERRORS, SB_FAILURES, countersInto, lastErrorCode, publishCounts, readCounter, readFrameRing, recordError,
} from '../../stats/block.ts';
import { type SegmentWords, popCount } from '../lockfree.ts';
import { AtomicOps } from '../../memory/shared-ops.ts';
import {
  A_CAPACITY, A_DATA, A_FRAMES, A_HISTORY, A_LANE, A_LANE_BYTES, A_PEAK, A_RED, A_RESETS, SEG_CURSOR, SEG_EPOCH, SEG_MASK_HI, SEG_MASK_LO, segWord, segmentWords,
} from './layout.ts';

/** The statistics switch (src/build.ts): without statistics, no bytes are folded. */
const STATS: boolean = typeof __NEBULA_STATS__ === 'undefined' || __NEBULA_STATS__;

/** Lanes one instance remembers for rewind(). */
export const LANE_HISTORY = 16;
/** Marks one instance remembers per lease for rewind() checks (checked build). */
export const MARKS_KEPT = 64;

/**
 * A frame arena's state and read side; every {@link FrameArena} is one. Not created directly.
 *
 * Thread-safety: the instance of one thread; the reads see every thread's work.
 * @internal
 */
export class ArenaView {
  /** The region's name. */
  declare readonly name: string;
  /** Bytes per frame segment. */
  declare readonly capacity: number;
  /** Frames kept alive (0 = manual). */
  declare readonly frames: number;
  /** Bytes per lane lease. */
  declare readonly laneBytes: number;
  protected readonly i32: Int32Array;
  /** `arena "name"`, built once: the slow paths pass it without building a string. */
  protected declare readonly label: string;
  protected declare readonly base: number;
  protected declare readonly data: number;
  protected declare readonly tid: number;
  protected declare readonly memory: MemoryHost;
  // the lane: [start, end) absolute bytes, bump at cur; seg = -1 when nothing is leased
  protected cur = 0;
  protected end = 0;
  protected start = 0;
  protected seg = -1;
  protected segData = 0;
  // earlier lanes of this lease, [start, end) pairs, for rewind()
  protected readonly history = new Int32Array(2 * LANE_HISTORY);
  protected historyLen = 0;
  // this thread's counts since its last publishStats(): plain fields, published once a frame
  /** Calls since the last publish, counted by the checked build only (the fast path has no counter). */
  protected allocations = 0;
  /** Bytes reserved, folded from the cursor's movement (lane changes, rewinds, release, publish). */
  protected bytes = 0;
  /** The cursor position up to which movement is folded into `bytes`. */
  protected counted = 0;
  protected failures = 0;
  /** Word index of the region's statistics block. */
  protected declare readonly statsWord: number;
  /** Red-zone bytes after each block: the header's value in the checked build, 0 in the fast one. */
  protected declare readonly red: number;
  /** This lease's blocks as [offset, size] pairs, while red zones are on. */
  protected redLog = new Int32Array(0);
  protected redCount = 0;
  protected declare readonly ops: AtomicOps;
  protected declare readonly segs: readonly SegmentWords[];
  // checked build: the marks taken in this lease, ascending, for rewind() to check against
  protected declare marks: Int32Array;
  protected markCount = 0;
  /** Marks were dropped from the front of `marks` (more than MARKS_KEPT open at once). */
  protected marksDropped = false;

  /** @internal */
  constructor(memory: MemoryHost, name: string, offset: number, statsOffset: number) {
    this.memory = memory;
    this.name = name;
    this.label = `arena "${name}"`;
    this.statsWord = statsOffset >> 2;
    this.i32 = memory.i32;
    this.base = offset >> 2;
    this.tid = memory.threadId;
    this.capacity = this.i32[this.base + A_CAPACITY];
    this.frames = this.i32[this.base + A_FRAMES];
    this.laneBytes = this.i32[this.base + A_LANE];
    this.data = this.i32[this.base + A_DATA];
    this.red = __NEBULA_CHECKS__ ? this.i32[this.base + A_RED] : 0;
    this.ops = new AtomicOps(this.i32);
    this.segs = Array.from({ length: Math.max(1, this.frames) }, (_, seg) => segmentWords(this.base, seg));
    this.marks = __NEBULA_CHECKS__ ? new Int32Array(MARKS_KEPT) : new Int32Array(0);
  }

  /**
   * Bytes reserved in the current frame's segment. Exact for a single thread; with several
   * threads it includes the unused tails of their lanes.
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * hud.text = `${arena.used} B`;
   * ```
   */
  get used(): number {
    const seg = this.currentSegment();
    const c = Atomics.load(this.i32, segWord(this.base, seg) + SEG_CURSOR);
    const segData = this.data + seg * this.capacity;
    return this.seg === seg && this.end === segData + c ? c - (this.end - this.cur) : c;
  }

  /**
   * Most bytes ever reserved in one segment.
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * if (arena.peak > arena.capacity * 0.9) console.warn('frame arena nearly full');
   * ```
   */
  get peak(): number {
    return Atomics.load(this.i32, this.base + A_PEAK);
  }

  /** Threads holding a lease in segment `seg`. */
  protected lesseeCount(seg: number): number {
    const s = segWord(this.base, seg);
    return popCount(Atomics.load(this.i32, s + SEG_MASK_LO)) + popCount(Atomics.load(this.i32, s + SEG_MASK_HI));
  }

  protected currentSegment(): number {
    return this.frames === 0 ? 0 : Atomics.load(this.i32, G_FRAME) % this.frames;
  }

  protected describe(): Record<string, number> {
    const seg = this.currentSegment();
    return {
      capacity: this.capacity, used: this.used, peak: this.peak, frames: this.frames, segment: seg,
      frame: this.memory.frame, leases: this.lesseeCount(seg),
    };
  }

  /**
   * A frozen snapshot of the arena.
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * console.table(arena.stats());
   * ```
   */
  stats(): ArenaStats {
    return Object.freeze({
      kind: 'arena', name: this.name, capacity: this.capacity, used: this.used, peak: this.peak,
      frames: this.frames, laneBytes: this.laneBytes, leases: this.lesseeCount(this.currentSegment()),
      resets: Atomics.load(this.i32, this.base + A_RESETS),
      allocations: readCounter(this.i32, this.statsWord + SB_ALLOCATIONS) + this.allocations,
      bytes: readCounter(this.i32, this.statsWord + SB_BYTES) + this.unfoldedBytes(),
      failures: readCounter(this.i32, this.statsWord + SB_FAILURES) + this.failures,
      errors: Atomics.load(this.i32, this.statsWord + SB_ERRORS), lastError: lastErrorCode(this.i32, this.statsWord),
    });
  }

  /**
   * Adds this thread's counts since the last publish (allocations, bytes, failures) to the
   * shared statistics block, where every thread reads them. {@link Memory.publishStats} does
   * it for all of a thread's allocators; `advance()` publishes the calling thread's.
   *
   * Thread-safety: any worker (its own instance); a few atomic adds.
   * @example
   * ```ts
   * arena.publishStats();
   * ```
   */
  publishStats(): void {
    this.foldBytes();
    publishCounts(this.i32, this.statsWord, this.allocations, 0, this.bytes, this.failures);
    this.allocations = this.bytes = this.failures = 0;
  }

  /**
   * Writes this arena's numbers into `out` at the {@link STAT} indexes, allocating nothing:
   * the every-frame form of {@link FrameArena.stats}.
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * const s = new Float64Array(STAT_COUNT); // the entries statsInto() writes
   * arena.statsInto(s);
   * const full = s[STAT.USED] / s[STAT.CAPACITY];
   * ```
   */
  statsInto(out: Float64Array): void {
    out.fill(0);
    countersInto(this.i32, this.statsWord, out, this.allocations, 0, this.unfoldedBytes(), this.failures);
    out[STAT.USED] = this.used;
    out[STAT.PEAK] = this.peak;
    out[STAT.CAPACITY] = this.capacity;
    out[STAT.DEPTH] = this.lesseeCount(this.currentSegment());
    out[STAT.RESETS] = Atomics.load(this.i32, this.base + A_RESETS);
  }

  /** Counts an error this arena raises in the shared block, and returns it to be thrown. */
  protected raised(e: MemoryError): MemoryError {
    return recordError(this.memory, this.statsWord, this.base << 2, e);
  }

  /**
   * Writes the high water of each of the last frames (up to 64, oldest first) into `out`, and
   * returns how many it wrote. Allocates nothing: the inspector calls it every frame.
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * const h = new Float64Array(64);
   * const n = arena.frameHistoryInto(h);
   * ```
   */
  frameHistoryInto(out: Float64Array | Int32Array): number {
    return readFrameRing(this.i32, this.base + A_HISTORY, this.memory.frame, out);
  }

  /**
   * Writes the bytes each thread leased in the current frame into `out[tid]` (64 entries).
   * Allocates nothing.
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * const lanes = new Int32Array(64);
   * arena.laneUsageInto(lanes);
   * ```
   */
  laneUsageInto(out: Int32Array): void {
    const n = Math.min(MAX_THREADS, out.length);
    for (let t = 0; t < n; t++) out[t] = this.i32[this.base + A_LANE_BYTES + t];
  }

  /**
   * Writes, for each thread id t (`out[0..63]`), the oldest frame of a segment of this arena in
   * which t holds a lease now, or -1 when it holds none: how long a thread has kept memory the
   * clock waits for. Read from the segments' lessee bits and frame words in the shared buffer.
   * In a manual arena (`frames: 0`) the one segment is not a frame's, and a holder reads 0.
   * Allocates nothing: the inspector calls it every frame.
   *
   * Thread-safety: any worker (a racy read while threads lease: a glimpse, not a proof).
   * @param out - 64 entries or more; entries past 63 are left alone.
   * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` when `out` is not an `Int32Array` of at least 64 entries.
   * @example
   * ```ts
   * const since = new Int32Array(64); // once
   * arena.leaseFramesInto(since);
   * for (let t = 0; t < 64; t++) if (since[t] >= 0 && memory.frame - since[t] > 2) console.warn(`thread ${t} holds an old lease`);
   * ```
   */
  leaseFramesInto(out: Int32Array): void {
    if (!(out instanceof Int32Array) || out.length < MAX_THREADS) throw this.raised(badOutArray(this.label, 'leaseFramesInto', out, 'Int32Array', MAX_THREADS));
    out.fill(-1, 0, MAX_THREADS);
    const i32 = this.i32;
    const n = Math.max(1, this.frames);
    for (let seg = 0; seg < n; seg++) {
      const s = segWord(this.base, seg);
      const lo = Atomics.load(i32, s + SEG_MASK_LO);
      const hi = Atomics.load(i32, s + SEG_MASK_HI);
      if ((lo | hi) === 0) continue;
      const epoch = Atomics.load(i32, s + SEG_EPOCH);
      oldestInto(out, lo, 0, epoch);
      oldestInto(out, hi, 32, epoch);
    }
  }

  /**
   * The high water of each of the last frames (up to 64), oldest first: the bytes reserved in
   * the frame's segment when `advance()` ended it. Recorded by `advance()` in the shared buffer,
   * so every thread reads the same history. A new array; not for the frame path.
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * const worst = Math.max(...arena.frameHistory());
   * if (worst > arena.capacity * 0.8) console.warn('frame arena close to full');
   * ```
   */
  frameHistory(): number[] {
    const out = new Float64Array(HISTORY_FRAMES);
    return Array.from(out.subarray(0, this.frameHistoryInto(out)));
  }

  /**
   * Bytes each thread leased in the current frame, indexed by thread id (a new array; not for the frame path).
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * arena.laneUsage().forEach((bytes, tid) => { if (bytes) console.log(tid, bytes); });
   * ```
   */
  laneUsage(): number[] {
    const out = new Int32Array(MAX_THREADS);
    this.laneUsageInto(out);
    return Array.from(out);
  }

  /** Adds the cursor's movement since the last fold to `bytes` (the bytes reserved). */
  protected foldBytes(): void {
    if (STATS) this.bytes += this.cur - this.counted;
    this.counted = this.cur;
  }

  /** `bytes` with the movement not yet folded. */
  protected unfoldedBytes(): number {
    return STATS ? this.bytes + this.cur - this.counted : 0;
  }
}

/** Lowers `out[first + b]` to `frame` for every bit b set in `bits` (an unset entry is -1). */
function oldestInto(out: Int32Array, bits: number, first: number, frame: number): void {
  for (let m = bits; m !== 0; m &= m - 1) {
    const t = first + 31 - Math.clz32(m & -m);
    if (out[t] < 0 || frame < out[t]) out[t] = frame;
  }
}
