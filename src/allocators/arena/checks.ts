/**
 * A frame arena's checks: argument validation, the checked build's red zones and mark
 * bookkeeping, `verify()` of an offset against the frame it was allocated in, and the
 * invariants of the header, the segments and this thread's lane.
 * @module
 * @internal
 */
import '../../build.ts'; // defines __NEBULA_CHECKS__ where no bundler replaced it: before any check runs
import type { Offset } from '../../api.ts';
import { RED_BYTE, poison } from '../poison.ts';
import { type MemoryError, hex, CORRUPTION_FIX, memoryError } from '../../errors.ts';
import { MAX_THREADS } from '../../memory/layout.ts';
import {
  A_CAPACITY, A_DATA, A_FRAMES, A_LANE, A_PEAK, SEG_CURSOR, SEG_EPOCH, SEG_GEN, SEG_LOCK, SEG_MASK_HI, SEG_MASK_LO, segWord,
} from './layout.ts';
import { ARENA_HEADER_BYTES } from './layout.ts';
import { ArenaView } from './view.ts';

/**
 * A frame arena's checks, between its read side ({@link ArenaView}) and its allocation paths
 * ({@link FrameArena}). Not created directly.
 *
 * Thread-safety: the instance of one thread.
 * @internal
 */
export class ArenaChecks extends ArenaView {
  /** Checked build with red zones: fills the guard bytes after block `p` and logs the block. */
  protected guard(p: number, size: number): void {
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
  protected checkRedZones(from: number, forget = true): MemoryError | null {
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

  protected validate(size: number, align: number, op = 'alloc'): void {
    if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) {
      this.failures++;
      throw this.raised(memoryError('INVALID_SIZE', `${op} size ${String(size)} is not a positive integer`, {
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

  /** The index of the first logged block at or above `mark` (blocks are logged in address order). */
  protected redIndexAbove(mark: number): number {
    let k = this.redCount;
    while (k > 0 && this.redLog[2 * (k - 1)] >= mark) k--;
    return k;
  }

  /** Checked build: remembers mark `m` of this lease (marks only grow until a rewind). */
  protected keepMark(m: number): void {
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
   * Checked build: how many kept marks remain after a rewind to `m` (the marks above it are what
   * the rewind frees), or -1 when `m` is not a mark of this lease (0, the lease's start, is).
   * Changes nothing: the rewind applies the count once it has succeeded.
   */
  protected markOfThisLease(m: number): number {
    if (m === 0) return 0;
    let k = this.markCount;
    while (k > 0 && this.marks[k - 1] > m) k--;
    if (k > 0 && this.marks[k - 1] === m) return k;
    // more marks were open than kept: accept one below the oldest kept, inside this lease's lanes
    return this.marksDropped && k === 0 ? this.markCount : -1;
  }

  /**
   * Checked build: poisons what a rewind into earlier lane `k` frees: lane k from `from` to its
   * end, every later lane of the lease, and the current lane up to its cursor.
   */
  protected poisonLanesFrom(k: number, from: number): void {
    const { u8, i32, f64 } = this.memory;
    const h = this.history;
    for (let j = k; j < this.historyLen; j++) poison(u8, i32, f64, j === k ? from : h[2 * j], h[2 * j + 1]);
    if (this.end !== 0) poison(u8, i32, f64, k === this.historyLen ? from : this.start, this.cur);
  }

  protected badMark(mark: unknown, why: string): never {
    const shown = typeof mark === 'number' ? hex(mark) : String(mark);
    throw this.raised(memoryError('INVALID_MARK', `rewind(${shown}): the mark ${why}`, {
      allocator: `arena "${this.name}"`, request: { mark }, state: { ...this.describe(), laneStart: this.start, laneCursor: this.cur, laneEnd: this.end },
      suggestion: 'rewind only to marks taken by this instance since its last release(), reset() or frame change.',
    }));
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
   * @throws {@link nebula-memory!MemoryError} `USE_AFTER_RESET`, or `INVALID_OFFSET` when `offset` is not in that segment.
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
    if (seg >= Math.max(1, this.frames) || !(typeof offset === 'number' && offset >= start && offset < start + this.capacity)) {
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
  protected checkSegment(seg: number, peak: number): void {
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

  protected invariantFailed(what: string, state: Record<string, number>): never {
    throw this.raised(memoryError('INVARIANT_VIOLATED', what, { allocator: `arena "${this.name}"`, request: {}, state, suggestion: CORRUPTION_FIX }));
  }
}
