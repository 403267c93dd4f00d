/**
 * The frame arena: a bump allocator whose memory lives for 1 to 4 frames, shared by every worker
 * through per-thread lanes.
 * @module
 */
import '../../build.ts'; // defines __NEBULA_CHECKS__ where no bundler replaced it: before any check runs
import type { Mark, Offset } from '../../api.ts';
import type { ArenaStats } from '../../api-reports.ts';
import { RED_BYTE, poison } from '../poison.ts';
import { type MemoryError, hex, memoryError } from '../../errors.ts';
import { EV } from '../../stats/chrome-trace.ts';
import { G_FRAME, MAX_THREADS, alignUp } from '../../memory/layout.ts';
import type { MemoryHost } from '../../memory/host.ts';
import { STAT } from '../../stats/fields.ts';
import { HISTORY_FRAMES, SB_ALLOCATIONS, SB_BYTES, SB_ERRORS, SB_FAILURES, countersInto, lastErrorCode, publishCounts, readCounter, readFrameRing, recordError } from '../../stats/block.ts';
import {
  type SegmentWords, acquireSegment, leaseChunk, lockSegment, popCount, recycleSegment, releaseSegment,
} from '../lockfree.ts';
import { AtomicOps } from '../../memory/shared-ops.ts';
import {
  A_CAPACITY, A_DATA, A_FRAMES, A_HISTORY, A_LANE, A_LANE_BYTES, A_PEAK, A_RED, A_RESETS, SEG_CURSOR, SEG_EPOCH, SEG_GEN, SEG_LOCK,
  SEG_MASK_HI, SEG_MASK_LO, segWord, segmentWords,
} from './layout.ts';
import { describeBlockers } from './clock.ts';
import { ARENA_HEADER_BYTES } from './layout.ts';

// the build switches and the branch-free counter step: see src/build.ts
const STATS: boolean = typeof __NEBULA_STATS__ === 'undefined' || __NEBULA_STATS__;
const STAT_STEP = STATS ? 1 : 0;
const STAT_MASK = STATS ? -1 : 0;

/** Lanes one instance remembers for rewind(). */
const LANE_HISTORY = 16;
/** Marks one instance remembers per lease for rewind() checks (checked build). */
const MARKS_KEPT = 64;

export { ARENA_HEADER_BYTES, arenaRegionBytes, initArena } from './layout.ts';
/** Frames of high-water history kept: the same ring length as every region's statistics block. */
export { HISTORY_FRAMES };

/**
 * A bump allocator for per-frame temporaries. Each thread bumps a private *lane*, a chunk
 * leased from the segment's shared cursor with one atomic operation, so workers never contend
 * per allocation. With `frames: N`, memory allocated in frame F stays valid until
 * {@link Memory.advance} reaches frame F + N.
 *
 * Get one with {@link Memory.createArena} or {@link Memory.arena}.
 *
 * Thread-safety: any worker, each through its own instance (`memory.arena(name)` in that thread).
 * A worker calls {@link FrameArena.release} when its frame's work is done.
 * @example
 * ```ts
 * const frame = memory.createArena('frame', { capacity: 1 << 20, frames: 2 });
 * const p = frame.alloc(12, 4);          // a vec3 of f32
 * memory.f32.set([1, 2, 3], p >> 2);
 * memory.advance();                      // next frame; p stays valid one more frame
 * ```
 */
export class FrameArena {
  /** The region's name. */
  declare readonly name: string;
  /** Bytes per frame segment. */
  declare readonly capacity: number;
  /** Frames kept alive (0 = manual). */
  declare readonly frames: number;
  /** Bytes per lane lease. */
  declare readonly laneBytes: number;

  private readonly i32: Int32Array;
  /** `arena "name"`, built once: the slow paths pass it without building a string. */
  private declare readonly label: string;
  private declare readonly base: number;
  private declare readonly data: number;
  private declare readonly tid: number;
  private declare readonly memory: MemoryHost;
  // the lane: [start, end) absolute bytes, bump at cur; seg = -1 when nothing is leased
  private cur = 0;
  private end = 0;
  private start = 0;
  private seg = -1;
  private segData = 0;
  // earlier lanes of this lease, [start, end) pairs, for rewind()
  private readonly history = new Int32Array(2 * LANE_HISTORY);
  private historyLen = 0;
  // this thread's counts since its last publishStats(): plain fields, published once a frame
  private allocations = 0;
  private bytes = 0;
  private failures = 0;
  /** Word index of the region's statistics block. */
  private declare readonly statsWord: number;
  /** Red-zone bytes after each block: the header's value in the checked build, 0 in the fast one. */
  private declare readonly red: number;
  /** This lease's blocks as [offset, size] pairs, while red zones are on. */
  private redLog = new Int32Array(0);
  private redCount = 0;
  private declare readonly ops: AtomicOps;
  private declare readonly segs: readonly SegmentWords[];
  private readonly out = new Int32Array(1);
  // checked build: the marks taken in this lease, ascending, for rewind() to check against
  private declare marks: Int32Array;
  private markCount = 0;
  /** Marks were dropped from the front of `marks` (more than MARKS_KEPT open at once). */
  private marksDropped = false;
  // the request being leased for, read by needAt (built once: no closure per lease)
  private pendingSize = 0;
  private pendingAlign = 1;
  private readonly needAt: (c: number) => number;

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
    this.needAt = (c: number): number => {
      const from = this.segData + c;
      const contiguous = this.end !== 0 && from === this.end;
      const p = ((contiguous ? this.cur : from) + this.pendingAlign - 1) & -this.pendingAlign;
      return p + this.pendingSize - from;
    };
  }

  /**
   * Allocates `size` bytes aligned to `align` and returns the block's byte offset.
   *
   * Thread-safety: any worker (through its own instance).
   * @param size - bytes, a positive integer.
   * @param align - a power of two. @defaultValue 8
   * @returns the offset of the block, a multiple of `align`.
   * @throws {@link MemoryError} `ARENA_EXHAUSTED` when the frame's segment is full,
   * `ALLOC_TOO_LARGE`, `INVALID_SIZE` or `INVALID_ALIGN`.
   * @example
   * ```ts
   * const p = arena.alloc(64, 16);
   * ```
   */
  alloc(size: number, align = 8): Offset {
    const p = (this.cur + align - 1) & -align;
    const next = p + size + (__NEBULA_CHECKS__ ? this.red : 0);
    if (next <= this.end && (!__NEBULA_CHECKS__ || (size > 0 && (size | 0) === size && align > 0 && align <= 65536 && (align & (align - 1)) === 0 && (align | 0) === align))) {
      this.cur = next;
      this.allocations += STAT_STEP;
      this.bytes += size & STAT_MASK;
      if (__NEBULA_CHECKS__ && this.red !== 0) this.guard(p, size);
      return p;
    }
    return this.allocSlow(size, align, true);
  }

  /**
   * Like {@link FrameArena.alloc}, but returns 0 instead of throwing when the segment is full.
   * Invalid sizes and alignments still throw.
   *
   * Thread-safety: any worker (through its own instance).
   * @param size - bytes, a positive integer.
   * @param align - a power of two. @defaultValue 8
   * @returns the block's offset, or 0.
   * @example
   * ```ts
   * const p = arena.tryAlloc(4096);
   * if (p === 0) skipEffect();
   * ```
   */
  tryAlloc(size: number, align = 8): Offset {
    const p = (this.cur + align - 1) & -align;
    const next = p + size + (__NEBULA_CHECKS__ ? this.red : 0);
    if (next <= this.end && (!__NEBULA_CHECKS__ || (size > 0 && (size | 0) === size && align > 0 && align <= 65536 && (align & (align - 1)) === 0 && (align | 0) === align))) {
      this.cur = next;
      this.allocations += STAT_STEP;
      this.bytes += size & STAT_MASK;
      if (__NEBULA_CHECKS__ && this.red !== 0) this.guard(p, size);
      return p;
    }
    return this.allocSlow(size, align, false);
  }

  private allocSlow(size: number, align: number, throws: boolean): Offset {
    this.validate(size, align);
    if (size > this.capacity) {
      this.failures++;
      throw this.raised(memoryError('ALLOC_TOO_LARGE', `alloc(${size}) is larger than the whole arena`, {
        allocator: `arena "${this.name}"`, request: { size, align }, state: this.describe(),
        suggestion: `create the arena with capacity >= ${size + align}.`,
      }));
    }
    // A lease lasts until release(): a thread that lags the clock keeps allocating in the
    // frame it leased in, and advance() cannot recycle that segment meanwhile.
    if (this.seg < 0) this.acquireSegment();
    if (!this.lease(size + this.red, align)) {
      this.failures++;
      if (!throws) return 0;
      const st = this.describe();
      throw this.raised(memoryError('ARENA_EXHAUSTED', `alloc(${size}, ${align}) does not fit in this frame's ${this.capacity} bytes`, {
        allocator: `arena "${this.name}"`, request: { size, align }, state: st,
        suggestion: `raise capacity above ${this.capacity} (peak ${st.peak}), reset() the arena more often, or use tryAlloc() to skip work when full.`,
      }));
    }
    const p = (this.cur + align - 1) & -align;
    this.cur = p + size + this.red;
    this.allocations += STAT_STEP;
    this.bytes += size & STAT_MASK;
    if (__NEBULA_CHECKS__ && this.red !== 0) this.guard(p, size);
    return p;
  }

  /** Checked build with red zones: fills the guard bytes after block `p` and logs the block. */
  private guard(p: number, size: number): void {
    this.memory.u8.fill(RED_BYTE, p + size, p + size + this.red);
    if (2 * this.redCount === this.redLog.length) {
      const grown = new Int32Array(Math.max(64, 2 * this.redLog.length));
      grown.set(this.redLog);
      this.redLog = grown;
    }
    this.redLog[2 * this.redCount] = p;
    this.redLog[2 * this.redCount + 1] = size;
    this.redCount++;
  }

  /**
   * Checks the red zones of logged blocks `from..` and forgets them. Returns the error for the
   * first overwritten one, for the caller to throw once its own state is consistent.
   */
  private checkRedZones(from: number, forget = true): MemoryError | null {
    const u8 = this.memory.u8;
    let bad: MemoryError | null = null;
    for (let k = from; k < this.redCount && bad === null; k++) {
      const p = this.redLog[2 * k];
      const size = this.redLog[2 * k + 1];
      for (let j = 0; j < this.red; j++) {
        const v = u8[p + size + j];
        if (v !== RED_BYTE) {
          bad = this.raised(memoryError('RED_ZONE_OVERWRITTEN', `the block at ${hex(p)} (${size} bytes) was written past its end: red-zone byte +${j} is 0x${v.toString(16)}, not 0x${RED_BYTE.toString(16)}`, {
            allocator: `arena "${this.name}"`, request: { block: p, size }, state: { redZone: this.red, byte: j, value: v, blocksChecked: this.redCount - from },
            suggestion: `find the write that runs past ${hex(p + size)}: the block is ${size} bytes; allocate more or fix the index arithmetic.`,
          }));
          break;
        }
      }
    }
    if (forget) this.redCount = Math.min(this.redCount, from);
    return bad;
  }

  private validate(size: number, align: number): void {
    if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) {
      this.failures++;
      throw this.raised(memoryError('INVALID_SIZE', `alloc size ${String(size)} is not a positive integer`, {
        allocator: `arena "${this.name}"`, request: { size, align }, state: this.describe(),
        suggestion: 'pass a whole number of bytes greater than 0.',
      }));
    }
    if (typeof align !== 'number' || !Number.isInteger(align) || align <= 0 || (align & (align - 1)) !== 0 || align > 1 << 16) {
      this.failures++;
      throw this.raised(memoryError('INVALID_ALIGN', `alignment ${String(align)} is not a power of two up to 65536`, {
        allocator: `arena "${this.name}"`, request: { size, align }, state: this.describe(),
        suggestion: 'use 1, 2, 4, 8, 16, ... (the element size for typed views: 4 for f32, 8 for f64).',
      }));
    }
  }

  /** Registers this thread as a lessee of the current frame's segment (its bit; retried on races). */
  private acquireSegment(): void {
    this.memory.assertLive('alloc', this.label);
    const n = Math.max(1, this.frames);
    for (;;) {
      const frame = this.frames === 0 ? 0 : Atomics.load(this.i32, G_FRAME);
      const seg = frame % n;
      if (!acquireSegment(this.ops, this.segs[seg], frame, this.frames !== 0, this.tid)) continue;
      this.seg = seg;
      this.segData = this.data + seg * this.capacity;
      this.cur = this.end = this.start = 0;
      this.historyLen = 0;
      this.markCount = 0;
      this.marksDropped = false;
      return;
    }
  }

  /** Leases room for `size` at `align` from the shared cursor. False when the segment is full. */
  private lease(size: number, align: number): boolean {
    this.memory.assertLive('alloc', this.label);
    this.pendingSize = size;
    this.pendingAlign = align;
    const c = leaseChunk(this.ops, this.segs[this.seg], this.capacity, this.laneBytes, this.needAt, this.out);
    if (c < 0) return false;
    const take = this.out[0];
    const from = this.segData + c;
    if (this.end !== 0 && from === this.end) {
      this.end += take; // nobody leased since our last lane: extend it
    } else {
      if (this.end !== 0) this.pushHistory();
      this.start = this.cur = from;
      this.end = from + take;
    }
    const i32 = this.i32;
    const used = c + take;
    let peak = Atomics.load(i32, this.base + A_PEAK);
    while (used > peak) {
      const seen = Atomics.compareExchange(i32, this.base + A_PEAK, peak, used);
      if (seen === peak) break;
      peak = seen;
    }
    i32[this.base + A_LANE_BYTES + this.tid] += take;
    this.memory.tracer?.record(EV.LEASE, this.base << 2, take, used);
    return true;
  }

  private pushHistory(): void {
    const h = this.history;
    if (this.historyLen === LANE_HISTORY) {
      h.copyWithin(0, 2);
      this.historyLen--;
    }
    h[2 * this.historyLen] = this.start;
    h[2 * this.historyLen + 1] = this.end;
    this.historyLen++;
  }

  /**
   * Gives up this thread's lane. Blocks already allocated stay valid until their frame expires;
   * the lane's unused tail returns to the arena when no other thread leased after it. A worker
   * calls this when its work for a frame is done, so `advance()` can recycle the segment.
   *
   * Thread-safety: any worker (its own instance).
   * @example
   * ```ts
   * simulate(arena);
   * arena.release();
   * postMessage('frame-done');
   * ```
   */
  release(): void {
    if (this.seg < 0) return;
    const bad = __NEBULA_CHECKS__ && this.red !== 0 ? this.checkRedZones(0) : null;
    const seg = this.seg;
    const lane = this.end - this.segData;
    const cur = alignUp(this.cur, 8) - this.segData;
    this.seg = -1;
    this.cur = this.end = this.start = 0;
    this.historyLen = 0;
    this.markCount = 0;
    // a thread that was reclaimed must not touch the masks: its id may belong to another thread now
    this.memory.assertLive('release', this.label);
    // gives the tail back if the shared cursor still ends at our lane
    releaseSegment(this.ops, this.segs[seg], lane, cur, this.tid);
    this.memory.noteFrame();
    if (bad !== null) throw bad;
  }

  /** The index of the first logged block at or above `mark` (blocks are logged in address order). */
  private redIndexAbove(mark: number): number {
    let k = this.redCount;
    while (k > 0 && this.redLog[2 * (k - 1)] >= mark) k--;
    return k;
  }

  /**
   * Returns a mark of this thread's lane position, for {@link FrameArena.rewind}.
   *
   * Thread-safety: any worker; a mark is only valid in the instance that made it.
   * @example
   * ```ts
   * const m = arena.mark();
   * const tmp = arena.alloc(256);
   * arena.rewind(m); // tmp is free again
   * ```
   */
  mark(): Mark {
    const m = this.cur;
    if (__NEBULA_CHECKS__ && this.seg >= 0) this.keepMark(m);
    return m;
  }

  /** Checked build: remembers mark `m` of this lease (marks only grow until a rewind). */
  private keepMark(m: number): void {
    const k = this.markCount;
    if (k > 0 && this.marks[k - 1] === m) return;
    if (k === this.marks.length) {
      this.marks.copyWithin(0, 1);
      this.markCount--;
      this.marksDropped = true;
    }
    this.marks[this.markCount++] = m;
  }

  /**
   * Checked build: true when `m` is a mark of this lease (or 0, the lease's start); drops the
   * marks above it, which the rewind frees.
   */
  private markOfThisLease(m: number): boolean {
    if (m === 0) {
      this.markCount = 0;
      return true;
    }
    let k = this.markCount;
    while (k > 0 && this.marks[k - 1] > m) k--;
    if (k > 0 && this.marks[k - 1] === m) {
      this.markCount = k;
      return true;
    }
    // more marks were open than kept: accept one below the oldest kept, inside this lease's lanes
    return this.marksDropped && k === 0;
  }

  /**
   * Frees everything this thread allocated since `mark` was taken.
   *
   * **Safety:** every offset this thread got after the mark becomes invalid, and later
   * allocations reuse its bytes. Wrong: `const m = a.mark(); const p = a.alloc(16); a.rewind(m);
   * f32[p >> 2] = 1;` writes into memory the next `alloc` hands out again.
   *
   * Thread-safety: any worker (its own instance and its own marks).
   * @param mark - a value from {@link FrameArena.mark} of this instance, in the same frame.
   * @throws {@link MemoryError} `INVALID_MARK` for a mark from another lease, frame or instance.
   * @example
   * ```ts
   * const m = arena.mark();
   * buildTemporaryMesh(arena);
   * arena.rewind(m);
   * ```
   */
  rewind(mark: Mark): void {
    if (typeof mark !== 'number' || !Number.isInteger(mark) || mark < 0) this.badMark(mark, 'is not a mark');
    if (__NEBULA_CHECKS__ && !this.markOfThisLease(mark)) this.badMark(mark, 'was not taken in this thread\'s current lease (a release(), reset() or advance() ended it)');
    if (mark === this.cur) return;
    if (!(__NEBULA_CHECKS__ && this.red !== 0)) {
      this.rewindTo(mark);
      return;
    }
    // verify the guards of the blocks being freed before the rewind poisons them
    const k = this.redIndexAbove(mark);
    const bad = this.checkRedZones(k, false);
    this.rewindTo(mark);
    this.redCount = k;
    if (bad !== null) throw bad;
  }

  private rewindTo(mark: Mark): void {
    if (mark === 0 && this.seg >= 0) {
      // a mark taken before this lease's first allocation: back to the first lane's start
      if (__NEBULA_CHECKS__) this.poisonLanesFrom(0, this.historyLen > 0 ? this.history[0] : this.start);
      if (this.historyLen > 0) {
        this.start = this.history[0];
        this.end = this.history[1];
        this.historyLen = 0;
      }
      this.cur = this.start;
      return;
    }
    if (mark >= this.start && mark < this.cur && this.end !== 0) {
      if (__NEBULA_CHECKS__) poison(this.memory.u8, this.memory.i32, this.memory.f64, mark, this.cur);
      this.cur = mark;
      return;
    }
    const h = this.history;
    for (let k = this.historyLen - 1; k >= 0; k--) {
      if (mark >= h[2 * k] && mark <= h[2 * k + 1]) {
        if (__NEBULA_CHECKS__) this.poisonLanesFrom(k, mark);
        this.start = h[2 * k];
        this.end = h[2 * k + 1];
        this.cur = mark;
        this.historyLen = k;
        return;
      }
    }
    this.badMark(mark, 'is not a position of this thread\'s current lane');
  }

  /**
   * Checked build: poisons what a rewind into earlier lane `k` frees: lane k from `from` to its
   * end, every later lane of the lease, and the current lane up to its cursor.
   */
  private poisonLanesFrom(k: number, from: number): void {
    const { u8, i32, f64 } = this.memory;
    const h = this.history;
    for (let j = k; j < this.historyLen; j++) poison(u8, i32, f64, j === k ? from : h[2 * j], h[2 * j + 1]);
    if (this.end !== 0) poison(u8, i32, f64, k === this.historyLen ? from : this.start, this.cur);
  }

  private badMark(mark: unknown, why: string): never {
    const shown = typeof mark === 'number' ? hex(mark) : String(mark);
    throw this.raised(memoryError('INVALID_MARK', `rewind(${shown}): the mark ${why}`, {
      allocator: `arena "${this.name}"`, request: { mark }, state: { ...this.describe(), laneStart: this.start, laneCursor: this.cur, laneEnd: this.end },
      suggestion: 'rewind only to marks taken by this instance since its last release(), reset() or frame change.',
    }));
  }

  /**
   * Empties the current frame's segment at once (O(1)). This thread's lane is released first.
   *
   * **Safety:** every offset allocated in this segment, by any thread, becomes invalid. Wrong:
   * keeping a particle's offset from a frame arena across `reset()`; keep it in a pool instead.
   *
   * Thread-safety: any worker, once no other thread holds a lane in the segment.
   * @throws {@link MemoryError} `LANE_LEASED` while another thread still holds a lane; nothing changes then.
   * @example
   * ```ts
   * arena.reset();
   * console.log(arena.used); // 0
   * ```
   */
  reset(): void {
    this.release();
    const i32 = this.i32;
    const seg = this.frames === 0 ? 0 : Atomics.load(i32, G_FRAME) % this.frames;
    const w = this.segs[seg];
    const seen = lockSegment(this.ops, w);
    if (seen === 0) this.memory.tracer?.record(EV.ARENA_RESET, this.base << 2, Atomics.load(i32, w.cursor), this.memory.frame);
    if (seen === 0 && __NEBULA_CHECKS__) poison(this.memory.u8, this.memory.i32, this.memory.f64, this.data + seg * this.capacity, this.data + seg * this.capacity + Atomics.load(i32, w.cursor));
    if (seen !== 0) {
      const frame = Atomics.load(i32, G_FRAME);
      const who = describeBlockers(i32, this.memory.u8, this.base << 2, frame, frame);
      throw this.raised(memoryError('LANE_LEASED', `reset() while ${who} still hold(s) a lane in this frame's segment`, {
        allocator: `arena "${this.name}"`, request: { segment: seg }, state: { ...this.describe(), holders: who },
        suggestion: 'have each worker call arena.release() when its frame work is done, before the reset; reclaim a thread that is gone with memory.reclaimThread(id).',
      }));
    }
    Atomics.add(i32, this.base + A_RESETS, 1);
    Atomics.add(i32, segWord(this.base, seg) + SEG_GEN, 1);
    i32.fill(0, this.base + A_LANE_BYTES, this.base + A_LANE_BYTES + MAX_THREADS);
    recycleSegment(this.ops, w, Atomics.load(i32, w.epoch));
  }

  /**
   * The epoch of the memory this thread allocates now: which segment, and how often it was
   * emptied. Keep it with offsets that must not outlive their frame, and pass both to
   * {@link FrameArena.verify} on the read path. A small integer.
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * const p = arena.alloc(64);
   * const e = arena.epoch;
   * // later, possibly frames later:
   * const x = memory.f32[arena.verify(p, e) >> 2];
   * ```
   */
  get epoch(): number {
    const seg = this.seg >= 0 ? this.seg : this.currentSegment();
    return ((Atomics.load(this.i32, segWord(this.base, seg) + SEG_GEN) & 0x0fffffff) << 2) | seg;
  }

  /**
   * The checked read path: returns `offset` if its memory is still the one allocated under
   * `epoch`, and throws `USE_AFTER_RESET` if the segment was reset or recycled since (the bytes
   * may belong to someone else now). In the fast build it returns `offset` unchecked.
   *
   * Thread-safety: any worker.
   * @param offset - an offset this arena returned.
   * @param epoch - {@link FrameArena.epoch} read right after that allocation.
   * @throws {@link MemoryError} `USE_AFTER_RESET`, or `INVALID_OFFSET` when `offset` is not in that segment.
   * @example
   * ```ts
   * memory.f32[arena.verify(p, e) >> 2] = 1;
   * ```
   */
  verify(offset: Offset, epoch: number): Offset {
    if (!__NEBULA_CHECKS__) return offset;
    const seg = epoch & 3;
    const start = this.data + seg * this.capacity;
    const gen = (Atomics.load(this.i32, segWord(this.base, seg) + SEG_GEN) & 0x0fffffff) << 2 | seg;
    if (seg >= Math.max(1, this.frames) || !(offset >= start && offset < start + this.capacity)) {
      throw this.raised(memoryError('INVALID_OFFSET', `verify(${hex(offset)}, ${epoch}): the offset is not in segment ${seg} of this arena`, {
        allocator: `arena "${this.name}"`, request: { offset, epoch }, state: { ...this.describe(), segmentStart: start, segmentEnd: start + this.capacity },
        suggestion: 'pass an offset from this arena with the epoch read right after allocating it.',
      }));
    }
    if (gen !== epoch) {
      throw this.raised(memoryError('USE_AFTER_RESET', `the block at ${hex(offset)} was freed: its segment was emptied ${(gen >> 2) - (epoch >> 2)} time(s) since it was allocated`, {
        allocator: `arena "${this.name}"`, request: { offset, epoch }, state: { ...this.describe(), segmentEpoch: gen },
        suggestion: `memory from a frame arena lives ${Math.max(1, this.frames)} frame(s); copy what must last longer into a pool or a longer-lived arena.`,
      }));
    }
    return offset;
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
  private lesseeCount(seg: number): number {
    const s = segWord(this.base, seg);
    return popCount(Atomics.load(this.i32, s + SEG_MASK_LO)) + popCount(Atomics.load(this.i32, s + SEG_MASK_HI));
  }

  private currentSegment(): number {
    return this.frames === 0 ? 0 : Atomics.load(this.i32, G_FRAME) % this.frames;
  }

  private describe(): Record<string, number> {
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
      bytes: readCounter(this.i32, this.statsWord + SB_BYTES) + this.bytes,
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
   * const s = new Float64Array(STAT_COUNT);
   * arena.statsInto(s);
   * const full = s[STAT.USED] / s[STAT.CAPACITY];
   * ```
   */
  statsInto(out: Float64Array): void {
    out.fill(0);
    countersInto(this.i32, this.statsWord, out, this.allocations, 0, this.bytes, this.failures);
    out[STAT.USED] = this.used;
    out[STAT.PEAK] = this.peak;
    out[STAT.CAPACITY] = this.capacity;
    out[STAT.DEPTH] = this.lesseeCount(this.currentSegment());
    out[STAT.RESETS] = Atomics.load(this.i32, this.base + A_RESETS);
  }

  /** Counts an error this arena raises in the shared block, and returns it to be thrown. */
  private raised(e: MemoryError): MemoryError {
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

  /**
   * Checks the arena's invariants and throws `INVARIANT_VIOLATED` with the actual values.
   *
   * Thread-safety: any worker; exact when no other thread is allocating.
   * @example
   * ```ts
   * arena.checkInvariants();
   * ```
   */
  checkInvariants(): void {
    const i32 = this.i32;
    const b = this.base;
    const n = Math.max(1, this.frames);
    const cap = i32[b + A_CAPACITY];
    const data = i32[b + A_DATA];
    const regionEnd = this.statsWord << 2;
    if (cap !== this.capacity || i32[b + A_FRAMES] !== this.frames || i32[b + A_LANE] !== this.laneBytes || data !== this.data) {
      this.invariantFailed('the header\'s constants changed', { capacity: cap, frames: i32[b + A_FRAMES], laneBytes: i32[b + A_LANE], data });
    }
    if (data !== (b << 2) + ARENA_HEADER_BYTES || data + n * cap > regionEnd || regionEnd > i32.length * 4) {
      this.invariantFailed(`segments [${hex(data)}, ${hex(data + n * cap)}) do not fit the region [${hex(b << 2)}, ${hex(regionEnd)})`, { data, capacity: cap, regionEnd });
    }
    const peak = Atomics.load(i32, b + A_PEAK);
    if (peak < 0 || peak > this.capacity) this.invariantFailed(`peak ${peak} outside 0..${this.capacity}`, { peak });
    for (let seg = 0; seg < n; seg++) this.checkSegment(seg, peak);
    if (this.seg >= 0) {
      const segData = this.data + this.seg * this.capacity;
      const c = Atomics.load(i32, segWord(b, this.seg) + SEG_CURSOR);
      // a lease with no lane yet (its first lease attempt found the segment full) is consistent
      if (this.end !== 0 && !(this.start >= segData && this.start <= this.cur && this.cur <= this.end && this.end <= segData + c)) {
        this.invariantFailed(`lane [${hex(this.start)}, ${hex(this.cur)}, ${hex(this.end)}) is outside segment ${this.seg} [${hex(segData)}, ${hex(segData + c)})`,
          { laneStart: this.start, laneCursor: this.cur, laneEnd: this.end, segmentStart: segData, cursor: c });
      }
      if (this.end === 0 && (this.cur !== 0 || this.start !== 0)) this.invariantFailed(`lease without a lane has cursor ${this.cur}`, { laneCursor: this.cur, laneStart: this.start });
    } else if (this.cur !== 0 || this.end !== 0) {
      this.invariantFailed(`released lane still has cursor ${this.cur}, end ${this.end}`, { laneCursor: this.cur, laneEnd: this.end });
    }
  }

  /** One segment's part of checkInvariants(). */
  private checkSegment(seg: number, peak: number): void {
    const i32 = this.i32;
    const n = Math.max(1, this.frames);
    const s = segWord(this.base, seg);
    const c = Atomics.load(i32, s + SEG_CURSOR);
    const lock = Atomics.load(i32, s + SEG_LOCK);
    const e = Atomics.load(i32, s + SEG_EPOCH);
    if (c < 0 || c > this.capacity) this.invariantFailed(`segment ${seg} cursor ${c} outside 0..${this.capacity}`, { segment: seg, cursor: c });
    if (c > peak) this.invariantFailed(`segment ${seg} cursor ${c} > peak ${peak}`, { segment: seg, cursor: c, peak });
    if (lock !== 0) this.invariantFailed(`segment ${seg} is locked (lock word ${lock}) outside advance() and reset()`, { segment: seg, lock });
    if (this.frames > 0 && ((e % n) + n) % n !== seg) this.invariantFailed(`segment ${seg} holds frame ${e}, which maps to another segment`, { segment: seg, epoch: e });
    const lo = Atomics.load(i32, s + SEG_MASK_LO);
    const hi = Atomics.load(i32, s + SEG_MASK_HI);
    for (let t = 0; t < MAX_THREADS; t++) {
      const held = (((t < 32 ? lo : hi) >>> (t & 31)) & 1) !== 0;
      if (held && !this.memory.isThreadAttached(t)) this.invariantFailed(`segment ${seg} is leased by thread ${t}, which is not attached`, { segment: seg, thread: t });
      if (t === this.tid && held !== (this.seg === seg)) {
        this.invariantFailed(`this thread's lessee bit in segment ${seg} is ${held ? 'set' : 'clear'}, but its lease is in segment ${this.seg}`, { segment: seg, lease: this.seg });
      }
    }
  }

  private invariantFailed(what: string, state: Record<string, number>): never {
    throw this.raised(memoryError('INVARIANT_VIOLATED', what, { allocator: `arena "${this.name}"`, request: {}, state }));
  }
}
