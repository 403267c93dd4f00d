/**
 * The frame arena: a bump allocator whose memory lives for 1 to 4 frames, shared by every worker
 * through per-thread lanes.
 * @module
 */
import '../../build.ts'; // defines __NEBULA_CHECKS__ where no bundler replaced it: before any check runs
import type { Mark, Offset } from '../../api.ts';
import { poison } from '../poison.ts';
import { memoryError } from '../../errors.ts';
import { EV } from '../../stats/chrome-trace.ts';
import { G_FRAME, MAX_THREADS, alignUp } from '../../memory/layout.ts';
import { HISTORY_FRAMES } from '../../stats/block.ts';
import { lockSegment, recycleSegment, releaseSegment } from '../lockfree.ts';
import { A_LANE_BYTES, A_RESETS, SEG_GEN, segWord } from './layout.ts';
import { describeBlockers } from './clock.ts';
import { ArenaLanes } from './lanes.ts';

// the statistics switch and the branch-free counter steps of the checked build's count: see src/build.ts
const STATS: boolean = typeof __NEBULA_STATS__ === 'undefined' || __NEBULA_STATS__;
const STAT_STEP = STATS ? 1 : 0;
const STAT_MASK = STATS ? -1 : 0;

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
export class FrameArena extends ArenaLanes {
  /**
   * Allocates `size` bytes aligned to `align` and returns the block's byte offset.
   *
   * Thread-safety: any worker (through its own instance).
   * @param size - bytes, a positive integer.
   * @param align - a power of two. @defaultValue 8
   * @returns the offset of the block, a multiple of `align`.
   * @throws {@link nebula-memory!MemoryError} `ARENA_EXHAUSTED` when the frame's segment is full,
   * `ALLOC_TOO_LARGE`, `INVALID_SIZE` or `INVALID_ALIGN`.
   * @see {@link FrameArena.tryAlloc} to get 0 instead of `ARENA_EXHAUSTED`.
   * @see {@link FrameArena.reserve} to lease ahead for a hot loop, {@link FrameArena.release} when the frame's work is done.
   * @see {@link FrameArena.mark} and {@link FrameArena.rewind} to free this thread's latest blocks early.
   * @example
   * ```ts
   * const p = arena.alloc(64, 16);
   * ```
   */
  alloc(size: number, align?: number): Offset;
  alloc(size: number, align?: number, p?: number): Offset {
    if (__NEBULA_CHECKS__) return this.allocChecked(size, align, true);
    // The fast build's path stays under SpiderMonkey's inlining limit (130 bytecode bytes, after
    // a minifier turns it into a conditional expression; see docs/PERFORMANCE.md): no default
    // parameter, no local, no counter (bytes derive from the cursor; calls are counted by the
    // checked build). `align` becomes its mask (7 when omitted: -(a > 0) is -1 or 0), `p` is a
    // scratch register that callers never pass.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-unary-minus, @typescript-eslint/non-nullable-type-assertion-style
    if ((size += p = (this.cur + (align = (align as number) - 1 | 7 & ~-((align as number) > 0))) & ~align) <= this.end) {
      this.cur = size;
      return p;
    }
    return this.allocSlow(size - p, align + 1);
  }

  /**
   * Like {@link FrameArena.alloc}, but returns 0 instead of throwing when the segment is full.
   * Invalid sizes and alignments still throw.
   *
   * Thread-safety: any worker (through its own instance).
   * @param size - bytes, a positive integer.
   * @param align - a power of two. @defaultValue 8
   * @returns the block's offset, or 0.
   * @see {@link FrameArena.alloc}, which throws instead.
   * @example
   * ```ts
   * const p = arena.tryAlloc(4096);
   * if (p === 0) skipEffect();
   * ```
   */
  tryAlloc(size: number, align?: number): Offset;
  tryAlloc(size: number, align?: number, p?: number): Offset {
    if (__NEBULA_CHECKS__) return this.allocChecked(size, align, false);
    // as in alloc()
    // eslint-disable-next-line @typescript-eslint/no-unsafe-unary-minus, @typescript-eslint/non-nullable-type-assertion-style
    if ((size += p = (this.cur + (align = (align as number) - 1 | 7 & ~-((align as number) > 0))) & ~align) <= this.end) {
      this.cur = size;
      return p;
    }
    return this.tryAllocSlow(size - p, align + 1);
  }

  /** tryAlloc()'s slow path (its own method: one argument fewer on the fast path). */
  private tryAllocSlow(size: number, align: number): Offset {
    return this.allocSlow(size, align, false);
  }

  /** The checked build's alloc: validates, counts the call, lays the red zone. */
  private allocChecked(size: number, align: number | undefined, throws: boolean): Offset {
    const a = align ?? 8;
    if (typeof size !== 'number' || typeof a !== 'number') this.validate(size, a, 'alloc'); // a BigInt would throw a TypeError below
    const p = (this.cur + a - 1) & -a;
    const next = p + size + this.red;
    if (next <= this.end && size > 0 && (size | 0) === size && a > 0 && a <= 65536 && (a & (a - 1)) === 0 && (a | 0) === a) {
      this.cur = next;
      this.countAlloc();
      if (__NEBULA_CHECKS__ && this.red !== 0) this.guard(p, size);
      return p;
    }
    return this.allocSlow(size, a, throws);
  }

  /** Checked build: counts an allocation; its red zone is cursor movement but not bytes. */
  private countAlloc(): void {
    this.allocations += STAT_STEP;
    this.bytes -= this.red & STAT_MASK;
  }

  private allocSlow(size: number, align: number, throws = true): Offset {
    if (!this.makeRoom(size, align, throws, 'alloc')) return 0;
    const p = (this.cur + align - 1) & -align;
    this.cur = p + size + this.red;
    if (__NEBULA_CHECKS__) this.countAlloc();
    if (__NEBULA_CHECKS__ && this.red !== 0) this.guard(p, size);
    return p;
  }

  /**
   * Leases a lane with room for `size` at `align` (its red zone included), for `op` (`alloc` or
   * `reserve`, named in errors). Invalid or oversized requests throw; a full segment throws
   * `ARENA_EXHAUSTED`, or returns false when `throws` is false.
   */
  private makeRoom(size: number, align: number, throws: boolean, op: string): boolean {
    this.validate(size, align, op);
    if (size > this.capacity) {
      this.failures++;
      throw this.raised(memoryError('ALLOC_TOO_LARGE', `${op}(${size}) is larger than the whole arena`, {
        allocator: `arena "${this.name}"`, request: { size, align }, state: this.describe(),
        suggestion: `create the arena with capacity >= ${size + align}.`,
      }));
    }
    // A lease lasts until release(): a thread that lags the clock keeps allocating in the
    // frame it leased in, and advance() cannot recycle that segment meanwhile.
    if (this.seg < 0) this.acquireSegment();
    if (this.lease(size + this.red, align)) return true;
    this.failures++;
    if (!throws) return false;
    const st = this.describe();
    throw this.raised(memoryError('ARENA_EXHAUSTED', `${op}(${size}, ${align}) does not fit in this frame's ${this.capacity} bytes`, {
      allocator: `arena "${this.name}"`, request: { size, align }, state: st,
      suggestion: `raise capacity above ${this.capacity} (peak ${st.peak}), reset() the arena more often, or use tryAlloc() to skip work when full.`,
    }));
  }

  /**
   * Makes sure this thread's lane has room for `bytes` more bytes of allocations (8-aligned; the
   * checked build's red zones come on top), leasing now when it has not. Optional: `alloc()`
   * leases by itself. Call it when a thread starts its frame's work, with about what the frame
   * allocates, and that frame's allocations never leave the fast path. Worth it in Firefox: once
   * an `alloc()` in a hot loop has leased, SpiderMonkey runs the whole loop up to 1.8x slower
   * (docs/PERFORMANCE.md).
   *
   * Like an allocation, it makes this thread a lessee of the frame's segment until
   * {@link FrameArena.release} (or `advance()` on the clock thread).
   *
   * Thread-safety: any worker (through its own instance).
   * @param bytes - a positive integer, at most the arena's capacity.
   * @throws {@link nebula-memory!MemoryError} `ARENA_EXHAUSTED` when the segment has no room for `bytes`,
   * `ALLOC_TOO_LARGE` or `INVALID_SIZE`.
   * @see {@link FrameArena.alloc}, whose allocations then stay on the fast path.
   * @see {@link FrameArena.release}, which ends the lease.
   * @example
   * ```ts
   * arena.reserve(particles.length * 48); // four vec3 temporaries per particle
   * for (const p of particles) integrate(p, arena.alloc(12, 4));
   * ```
   */
  reserve(bytes: number): void {
    if (this.seg < 0 || this.end - alignUp(this.cur, 8) < bytes + this.red || !(bytes > 0 && (bytes | 0) === bytes)) this.makeRoom(bytes, 8, true, 'reserve');
  }

  /**
   * Gives up this thread's lane. Blocks already allocated stay valid until their frame expires;
   * the lane's unused tail returns to the arena when no other thread leased after it. A worker
   * calls this when its work for a frame is done, so `advance()` can recycle the segment.
   *
   * Thread-safety: any worker (its own instance).
   * @see {@link FrameArena.alloc} and {@link FrameArena.reserve}, which lease the lane.
   * @see {@link Memory.publishStats}, which a worker calls next, and {@link Memory.advance}, which the frame clock calls after every worker released.
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
    this.foldBytes();
    this.cur = this.end = this.start = this.counted = 0;
    this.historyLen = 0;
    this.markCount = 0;
    // a thread that was reclaimed must not touch the masks: its id may belong to another thread now
    this.memory.assertLive('release', this.label);
    // gives the tail back if the shared cursor still ends at our lane
    releaseSegment(this.ops, this.segs[seg], lane, cur, this.tid);
    this.memory.noteFrame();
    if (bad !== null) throw bad;
  }

  /**
   * Returns a mark of this thread's lane position, for {@link FrameArena.rewind}.
   *
   * Thread-safety: any worker; a mark is only valid in the instance that made it.
   * @see {@link FrameArena.rewind}, which frees back to it.
   * @see {@link nebula-memory/typed!memoryScope | memoryScope}, which takes a mark, runs a function and rewinds.
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

  /**
   * Frees everything this thread allocated since `mark` was taken.
   *
   * **Safety:** every offset this thread got after the mark becomes invalid, and later
   * allocations reuse its bytes. Wrong: `const m = a.mark(); const p = a.alloc(16); a.rewind(m);
   * f32[p >> 2] = 1;` writes into memory the next `alloc` hands out again.
   *
   * Thread-safety: any worker (its own instance and its own marks).
   * @param mark - a value from {@link FrameArena.mark} of this instance, in the same frame.
   * @throws {@link nebula-memory!MemoryError} `INVALID_MARK` for a mark from another lease, frame or instance.
   * @see {@link FrameArena.mark}, which makes the mark.
   * @see {@link FrameArena.reset}, which empties the whole segment instead.
   * @example
   * ```ts
   * const m = arena.mark();
   * buildTemporaryMesh(arena);
   * arena.rewind(m);
   * ```
   */
  rewind(mark: Mark): void {
    if (typeof mark !== 'number' || !Number.isInteger(mark) || mark < 0) this.badMark(mark, 'is not a mark');
    // the marks kept after the rewind: applied only once it succeeded (a failed rewind changes nothing)
    const keep = __NEBULA_CHECKS__ ? this.markOfThisLease(mark) : 0;
    if (__NEBULA_CHECKS__ && keep < 0) this.badMark(mark, 'was not taken in this thread\'s current lease (a release(), reset() or advance() ended it)');
    if (mark === this.cur) {
      if (__NEBULA_CHECKS__) this.markCount = keep;
      return;
    }
    if (!(__NEBULA_CHECKS__ && this.red !== 0)) {
      this.rewindTo(mark);
      if (__NEBULA_CHECKS__) this.markCount = keep;
      return;
    }
    // verify the guards of the blocks being freed before the rewind poisons them
    const k = this.redIndexAbove(mark);
    const bad = this.checkRedZones(k, false);
    this.rewindTo(mark);
    this.redCount = k;
    this.markCount = keep;
    if (bad !== null) throw bad;
  }

  private rewindTo(mark: Mark): void {
    this.foldBytes(); // bytes reserved before the rewind stay counted; new ones count again
    if (mark === 0 && this.seg >= 0) {
      // a mark taken before this lease's first allocation: back to the first lane's start
      if (__NEBULA_CHECKS__) this.poisonLanesFrom(0, this.historyLen > 0 ? this.history[0] : this.start);
      if (this.historyLen > 0) {
        this.start = this.history[0];
        this.end = this.history[1];
        this.historyLen = 0;
      }
      this.cur = this.counted = this.start;
      return;
    }
    if (mark >= this.start && mark < this.cur && this.end !== 0) {
      if (__NEBULA_CHECKS__) poison(this.memory.u8, this.memory.i32, this.memory.f64, mark, this.cur);
      this.cur = this.counted = mark;
      return;
    }
    const h = this.history;
    for (let k = this.historyLen - 1; k >= 0; k--) {
      if (mark >= h[2 * k] && mark <= h[2 * k + 1]) {
        if (__NEBULA_CHECKS__) this.poisonLanesFrom(k, mark);
        this.start = h[2 * k];
        this.end = h[2 * k + 1];
        this.cur = this.counted = mark;
        this.historyLen = k;
        return;
      }
    }
    this.badMark(mark, 'is not a position of this thread\'s current lane');
  }

  /**
   * Empties the current frame's segment at once (O(1)). This thread's lane is released first.
   *
   * **Safety:** every offset allocated in this segment, by any thread, becomes invalid. Wrong:
   * keeping a particle's offset from a frame arena across `reset()`; keep it in a pool instead.
   *
   * Thread-safety: any worker, once no other thread holds a lane in the segment.
   * @throws {@link nebula-memory!MemoryError} `LANE_LEASED` while another thread still holds a lane; nothing changes then.
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
}
