/**
 * The read side of a stack: its constants and owner-side state, and what any thread reads of it
 * from the shared buffer (used, depth, marks, statistics, frame history). {@link Stack} adds the
 * checks and the push and pop paths on top.
 * @module
 * @internal
 */
import '../../build.ts'; // defines __NEBULA_CHECKS__ where no bundler replaced it: before any check runs
import type { StackStats } from '../../api-reports.ts';
import { STAT } from '../../stats/fields.ts';
import type { MemoryError } from '../../errors.ts';
import type { MemoryHost } from '../../memory/host.ts';
import {
  SB_ALLOCATIONS, SB_BYTES, SB_ERRORS, SB_FAILURES, SB_FREES, countersInto, lastErrorCode, noteFrameHighWater, publishCounts, readCounter, readFrameRing, recordError, SB_HISTORY,
} from '../../stats/block.ts';
import { MAX_MARKS, STACK_HEADER_BYTES, SK_CAPACITY, SK_DATA, SK_DEPTH, SK_LAST, SK_MARK0, SK_MARKS, SK_OWNER, SK_PEAK, SK_RED, SK_TOP } from './layout.ts';

/** The statistics switch (src/build.ts): without statistics, frees are not derived. */
const STATS: boolean = typeof __NEBULA_STATS__ === 'undefined' || __NEBULA_STATS__;

/**
 * A stack's state and read side; every {@link Stack} is one. Not created directly.
 *
 * Thread-safety: the owner's instance; the reads see the owner's work.
 * @internal
 */
export class StackView {
  /** The region's name. */
  declare readonly name: string;
  /** Bytes of the stack. */
  declare readonly capacity: number;
  /** `stack "name"`, for errors. */
  protected declare readonly label: string;
  protected readonly i32: Int32Array;
  protected declare readonly memory: MemoryHost;
  protected declare readonly base: number;
  protected declare readonly data: number;
  protected declare readonly limit: number;
  protected declare readonly tid: number;
  /** Red-zone bytes after each block: the header's value in the checked build, 0 in the fast one. */
  protected declare readonly red: number;
  /**
   * The header's words as a view from word 0: the stack's state (top, newest block, depth, peak)
   * lives there and nowhere else, so every thread reads it exact and nothing is written twice.
   * push and pop read and write it through this view, without an index sum.
   */
  protected declare readonly h: Int32Array;
  /** Call sites of live blocks, by offset, while capture is on (checked build). */
  protected sites: Map<number, string> | null = null;
  /** This thread's pushes [0] and bytes pushed [1] since its last publish (Int32 words, read unsigned). */
  protected readonly counts = new Int32Array(2);
  // frees are not counted per pop: depth moves +1 per push and -1 per freed block, so
  // frees = freesBefore + allocations - (ownDepth() - countAtPublish)
  /** The depth at the last publish (or reload). */
  protected countAtPublish = 0;
  /** Frees folded in when the depth was reloaded from the header (adopt). */
  protected freesBefore = 0;
  protected failures = 0;
  /** Word index of the region's statistics block. */
  protected declare readonly statsWord: number;

  /** @internal */
  constructor(memory: MemoryHost, name: string, offset: number, statsOffset: number) {
    this.name = name;
    this.label = `stack "${name}"`;
    this.statsWord = statsOffset >> 2;
    this.memory = memory;
    this.i32 = memory.i32;
    this.base = offset >> 2;
    this.tid = memory.threadId;
    this.capacity = this.i32[this.base + SK_CAPACITY];
    this.data = this.i32[this.base + SK_DATA];
    this.limit = this.data + this.capacity;
    this.red = __NEBULA_CHECKS__ ? this.i32[this.base + SK_RED] : 0;
    this.h = this.i32.subarray(this.base, this.base + STACK_HEADER_BYTES / 4);
    this.countAtPublish = this.ownDepth();
  }

  /** Absolute offset of the first free byte (the header's word). */
  protected get top(): number {
    return this.h[SK_TOP];
  }

  protected set top(v: number) {
    this.h[SK_TOP] = v;
  }

  /** Absolute offset of the newest block, 0 when empty (the header's word). */
  protected get last(): number {
    return this.h[SK_LAST];
  }

  protected set last(v: number) {
    this.h[SK_LAST] = v;
  }

  /** Blocks pushed and not popped (the header's word). */
  protected get count(): number {
    return this.h[SK_DEPTH];
  }

  protected set count(v: number) {
    this.h[SK_DEPTH] = v;
  }

  /** Takes the depth as the base of the frees this thread derives, keeping those so far (adopt). */
  protected load(): void {
    this.freesBefore = this.unpublishedFrees() - this.allocations; // keep the frees counted so far
    this.countAtPublish = this.ownDepth();
  }

  /** Pushes since the last publish. */
  protected get allocations(): number {
    return this.counts[0] >>> 0;
  }

  /** Bytes pushed since the last publish. */
  protected get bytes(): number {
    return this.counts[1] >>> 0;
  }

  /**
   * Bytes in use, block headers and padding included.
   *
   * Thread-safety: any worker (a plain read).
   * @example
   * ```ts
   * console.log(stack.used);
   * ```
   */
  get used(): number {
    return this.i32[this.base + SK_TOP] - this.data;
  }

  /**
   * Blocks pushed and not popped.
   *
   * Thread-safety: any worker (a plain read).
   * @example
   * ```ts
   * console.assert(stack.depth === 0, 'leaked stack blocks');
   * ```
   */
  get depth(): number {
    return this.i32[this.base + SK_DEPTH];
  }

  protected describe(): Record<string, number> {
    const i32 = this.i32;
    const b = this.base;
    return {
      capacity: this.capacity, used: this.used, depth: i32[b + SK_DEPTH], top: i32[b + SK_TOP],
      newestBlock: i32[b + SK_LAST], owner: i32[b + SK_OWNER],
    };
  }

  /**
   * A frozen snapshot of the stack.
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * console.log(stack.stats().peak);
   * ```
   */
  stats(): StackStats {
    const i32 = this.i32;
    const b = this.base;
    return Object.freeze({
      kind: 'stack', name: this.name, capacity: this.capacity, used: this.used, peak: i32[b + SK_PEAK],
      depth: i32[b + SK_DEPTH], owner: i32[b + SK_OWNER], marks: Object.freeze(this.openMarks()),
      allocations: readCounter(i32, this.statsWord + SB_ALLOCATIONS) + this.allocations,
      frees: readCounter(i32, this.statsWord + SB_FREES) + this.unpublishedFrees(),
      bytes: readCounter(i32, this.statsWord + SB_BYTES) + this.bytes,
      failures: readCounter(i32, this.statsWord + SB_FAILURES) + this.failures,
      errors: Atomics.load(i32, this.statsWord + SB_ERRORS), lastError: lastErrorCode(i32, this.statsWord),
    });
  }

  protected openMarks(): number[] {
    const buf = new Int32Array(MAX_MARKS);
    return Array.from(buf.subarray(0, this.marksInto(buf)));
  }

  /**
   * Writes the open marks the header recorded (the newest 7, oldest first, each at or below the
   * top) into `out`; returns how many. Allocates nothing: the inspector calls it every frame.
   *
   * Thread-safety: any worker (a racy read while the owner works: a glimpse, not a proof).
   * @example
   * ```ts
   * const marks = new Int32Array(7);
   * const n = stack.marksInto(marks);
   * ```
   */
  marksInto(out: Int32Array): number {
    const i32 = this.i32;
    const top = Atomics.load(i32, this.base + SK_TOP);
    let n = 0;
    const m = Math.min(Atomics.load(i32, this.base + SK_MARKS), MAX_MARKS);
    for (let k = 0; k < m && n < out.length; k++) {
      const v = i32[this.base + SK_MARK0 + k];
      if (v <= top) out[n++] = v;
    }
    return n;
  }

  /**
   * Adds this thread's counts since the last publish (pushes, pops, bytes, failures) to the
   * shared statistics block, and records the bytes in use as this frame's high water.
   *
   * Thread-safety: any worker (its own instance); a few atomic adds.
   * @example
   * ```ts
   * stack.publishStats();
   * ```
   */
  publishStats(): void {
    publishCounts(this.i32, this.statsWord, this.allocations, this.unpublishedFrees(), this.bytes, this.failures);
    this.counts.fill(0);
    this.failures = this.freesBefore = 0;
    this.countAtPublish = this.ownDepth();
    noteFrameHighWater(this.i32, this.statsWord, this.memory.frame, this.used);
  }

  /**
   * Writes the most bytes in use seen at the publish points of each of the last ended frames (up
   * to 64, oldest first) into `out`; returns how many. Allocates nothing.
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * const h = new Float64Array(64);
   * const n = stack.frameHistoryInto(h);
   * ```
   */
  frameHistoryInto(out: Float64Array | Int32Array): number {
    return readFrameRing(this.i32, this.statsWord + SB_HISTORY, this.memory.frame, out);
  }

  /**
   * Writes this stack's numbers into `out` at the {@link STAT} indexes, allocating nothing:
   * the every-frame form of {@link Stack.stats}.
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * const s = new Float64Array(STAT_COUNT); // the entries statsInto() writes
   * scratch.statsInto(s);
   * console.log(s[STAT.DEPTH], 'blocks');
   * ```
   */
  statsInto(out: Float64Array): void {
    out.fill(0);
    countersInto(this.i32, this.statsWord, out, this.allocations, this.unpublishedFrees(), this.bytes, this.failures);
    out[STAT.USED] = this.used;
    out[STAT.PEAK] = Atomics.load(this.i32, this.base + SK_PEAK);
    out[STAT.CAPACITY] = this.capacity;
    out[STAT.DEPTH] = Atomics.load(this.i32, this.base + SK_DEPTH);
  }

  /**
   * This thread's frees since its last publish, from the depth's movement while it owns the stack
   * (the depth is the owner's: another thread's instance derives nothing from it).
   */
  protected unpublishedFrees(): number {
    return STATS ? this.freesBefore + this.allocations - (this.ownDepth() - this.countAtPublish) : 0;
  }

  /**
   * The depth as far as this instance's counts go: the header's while it owns the stack, 0 when
   * it does not (a stack changes hands only empty: adopt() needs depth 0, a reclaim empties it).
   */
  protected ownDepth(): number {
    return this.h[SK_OWNER] === this.tid ? this.h[SK_DEPTH] : 0;
  }

  /** Counts an error this stack raises in the shared block, and returns it to be thrown. */
  protected raised(e: MemoryError): MemoryError {
    return recordError(this.memory, this.statsWord, this.base << 2, e);
  }
}
