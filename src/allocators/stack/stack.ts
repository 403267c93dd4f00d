/**
 * The stack: LIFO blocks with marks, owned by one thread. Every block carries an 8-byte record
 * of the previous top and previous block, so pop() can prove LIFO order.
 * @module
 */
import '../../build.ts'; // defines __NEBULA_CHECKS__ where no bundler replaced it: before any check runs
import type { Mark, Offset } from '../../api.ts';
import { RED_BYTE } from '../poison.ts';
import { type StackScope, stackScope } from './scope.ts';
import { hex, memoryError } from '../../errors.ts';
import { EV } from '../../stats/chrome-trace.ts';
import { BLOCK_HEADER, MAX_ALIGN, MAX_MARKS, SK_DEPTH, SK_LAST, SK_MARKS, SK_OWNER, SK_PEAK, SK_TOP } from './layout.ts';
import { StackChecks } from './checks.ts';

export { BLOCK_HEADER, MAX_MARKS, STACK_HEADER_BYTES, initStack, reclaimStackThread, stackRegionBytes } from './layout.ts';

// the statistics switch: see src/build.ts
const STATS: boolean = typeof __NEBULA_STATS__ === 'undefined' || __NEBULA_STATS__;

/**
 * A stack allocator: `push` returns an offset, `pop` frees the newest block and proves LIFO
 * order, `mark`/`release` free everything pushed since a mark. One thread owns it; another
 * thread may read its blocks but not push or pop.
 *
 * Get one with {@link Memory.createStack} or {@link Memory.stack}.
 *
 * Thread-safety: owner thread (the creator, or the thread that called {@link Stack.adopt}).
 * @example
 * ```ts
 * const scratch = memory.createStack('scratch', { capacity: 64 << 10 });
 * const m = scratch.mark();
 * const verts = scratch.push(1024, 16);
 * scratch.release(m);
 * ```
 */
export class Stack extends StackChecks {
  /**
   * Pushes a block of `size` bytes aligned to `align` (at least 4) and returns its offset.
   *
   * Thread-safety: owner thread.
   * @param size - bytes, a positive integer.
   * @param align - a power of two. @defaultValue 8
   * @throws {@link nebula-memory!MemoryError} `STACK_OVERFLOW`, `WRONG_THREAD`, `INVALID_SIZE` or `INVALID_ALIGN`.
   * @see {@link Stack.pop} to free the newest block, {@link Stack.mark} and {@link Stack.release} to free many at once.
   * @see {@link Stack.scope} for a mark released at the end of a `using` block, {@link Stack.tryPush} to get 0 instead of `STACK_OVERFLOW`.
   * @example
   * ```ts
   * const p = stack.push(48, 16);
   * ```
   */
  push(size: number, align?: number): Offset;
  push(size: number, align?: number): Offset {
    if (__NEBULA_CHECKS__) return this.pushChecked(size, align ?? 8);
    // The fast build's push is a chain of small methods, each under SpiderMonkey's inlining limit
    // (130 bytecode bytes; Firefox inlines such a chain, see docs/PERFORMANCE.md): here the
    // alignment becomes its mask without a branch or a default parameter (at least 3: a block's
    // record is 4-aligned; 7 when omitted).
    // eslint-disable-next-line @typescript-eslint/no-unsafe-unary-minus, @typescript-eslint/non-nullable-type-assertion-style
    return this.fit(size, (align as number) - 1 | 3 | 4 & ~-((align as number) > 0));
  }

  /** Places a block of `size` bytes at the top rounded up by `mask`, or fails. `p` is a scratch register. */
  private fit(size: number, mask: number, p?: number): Offset {
    return (size += p = (this.h[SK_TOP] + BLOCK_HEADER + mask) & ~mask) <= this.limit ? this.place(p, size) : this.pushSlow(size, mask);
  }

  /** The fast build's push that does not fit: `end` is where it would end. */
  private pushSlow(end: number, mask: number): never {
    return this.pushError(end - ((this.top + BLOCK_HEADER + mask) & ~mask), mask + 1, end);
  }

  /**
   * Writes block `p`'s record (the previous top and newest block) and moves the header's state
   * to the block (the new top `end`, one more block). `h` and `w` are scratch registers
   * (SpiderMonkey counts a parameter in fewer bytecode bytes than a `let`).
   */
  private place(p: number, end: number, h?: Int32Array, w?: number): Offset {
    this.i32[(w = (p - BLOCK_HEADER) >> 2)] = (h = this.h)[SK_TOP];
    this.i32[w + 1] = h[SK_LAST];
    h[SK_TOP] = end;
    h[SK_LAST] = p;
    h[SK_DEPTH]++;
    this.note(p, end);
    return p;
  }

  /**
   * The peak, and a push of `end - p` bytes in this thread's counters. Its own method so each
   * link of push's chain fits SpiderMonkey's limit; one more link (the counters apart) made
   * JavaScriptCore stop inlining and doubled its time (measured).
   */
  private note(p: number, end: number, c?: Int32Array): void {
    if (end - this.data > this.h[SK_PEAK]) this.h[SK_PEAK] = end - this.data;
    if (STATS) {
      (c = this.counts)[0]++;
      c[1] += end - p;
    }
  }

  /** The checked build's push: owner, size and alignment checked, red zone after the block (the body sits in the switch's branch, so a fast bundle drops it). */
  private pushChecked(size: number, align: number): Offset {
    if (__NEBULA_CHECKS__) {
      this.memory.assertLive('push', this.label); // a stack kept from before detach() or a reclaim
      if (typeof size !== 'number' || typeof align !== 'number') this.pushError(size, align, 0); // before any arithmetic: a BigInt throws a TypeError there
      const top = this.top;
      const a = align < 4 ? 4 : align;
      const p = (top + BLOCK_HEADER + a - 1) & -a;
      const end = p + size + this.red;
      if (end > this.limit || this.i32[this.base + SK_OWNER] !== this.tid || !(size > 0) || (size | 0) !== size || (align & (align - 1)) !== 0 || !(align > 0) || align > MAX_ALIGN || (align | 0) !== align) {
        return this.pushError(size, align, end);
      }
      this.place(p, p + size);
      if (this.red !== 0) {
        this.top = end; // the red zone is in use, not pushed
        if (end - this.data > this.h[SK_PEAK]) this.h[SK_PEAK] = end - this.data;
      }
      if (this.memory.capturingSites) this.noteSite(p);
      this.memory.tracer?.record(EV.PUSH, this.base << 2, p, size);
      if (this.red !== 0) this.memory.u8.fill(RED_BYTE, end - this.red, end);
      return p;
    }
    return 0;
  }

  /**
   * Pushes like {@link Stack.push}, but returns 0 instead of throwing `STACK_OVERFLOW`.
   *
   * Thread-safety: owner thread.
   * @see {@link Stack.push}, which throws instead.
   * @example
   * ```ts
   * const p = stack.tryPush(4096);
   * if (p === 0) fallbackPath();
   * ```
   */
  tryPush(size: number, align = 8): Offset {
    if (typeof size !== 'number' || typeof align !== 'number') return this.push(size, align); // push() says what is wrong with it
    const a = align < 4 ? 4 : align;
    const top = this.top;
    if (((top + BLOCK_HEADER + a - 1) & -a) + size + this.red > this.limit && size > 0 && (size | 0) === size &&
        align > 0 && align <= MAX_ALIGN && (align & (align - 1)) === 0 && (align | 0) === align && this.i32[this.base + SK_OWNER] === this.tid) {
      this.failures++;
      return 0;
    }
    return this.push(size, align);
  }

  /**
   * Pops the newest block, which must be `offset`.
   *
   * **Safety:** `offset` becomes invalid and the next push reuses its bytes.
   *
   * Thread-safety: owner thread.
   * @param offset - the newest block's offset.
   * @throws {@link nebula-memory!MemoryError} `LIFO_VIOLATION` (with both offsets) when `offset` is an older
   * block, `INVALID_OFFSET` when it is no block, `WRONG_THREAD`. Nothing changes then.
   * @see {@link Stack.push}, which makes the block.
   * @see {@link Stack.release} to free every block pushed since a {@link Stack.mark}.
   * @example
   * ```ts
   * const a = stack.push(16), b = stack.push(16);
   * stack.pop(b);
   * stack.pop(a);
   * ```
   */
  pop(offset: Offset): void;
  pop(offset: Offset, h?: Int32Array, w?: number): void {
    if (__NEBULA_CHECKS__) {
      this.popChecked(offset);
      return;
    }
    // the newest block's record gives the previous top and block; `h` and `w` are scratch registers
    (h = this.h)[SK_TOP] = this.i32[(w = (h[SK_LAST] - BLOCK_HEADER) >> 2)];
    h[SK_LAST] = this.i32[w + 1];
    h[SK_DEPTH]--;
    if (h[SK_MARKS] !== 0) this.dropMarksAbove(h[SK_TOP]);
  }

  /** The checked build's pop: the newest block only, red zones verified, freed bytes poisoned (in the switch's branch, as pushChecked). */
  private popChecked(offset: Offset): void {
    if (__NEBULA_CHECKS__) {
      this.memory.assertLive('pop', this.label);
      const last = this.last;
      if (offset !== last || last === 0 || this.i32[this.base + SK_OWNER] !== this.tid) this.popError(offset);
      const top = this.top;
      const bad = this.red !== 0 ? this.checkRedZones(top, 1) : null;
      const w = (last - BLOCK_HEADER) >> 2;
      this.top = this.i32[w];
      this.last = this.i32[w + 1];
      this.count--;
      if (this.h[SK_MARKS] !== 0) this.dropMarksAbove(this.top);
      this.memory.tracer?.record(EV.POP, this.base << 2, last, this.count);
      this.poisonFreed(last, top); // the block itself; its 8-byte record is bookkeeping
      if (bad !== null) throw bad;
    }
  }

  /**
   * Takes a mark as a {@link StackScope} that releases it at the end of a `using` block.
   *
   * Thread-safety: owner thread.
   * @see {@link Stack.mark} and {@link Stack.release}, the same without `using`.
   * @see {@link nebula-memory/typed!memoryScope | memoryScope}, the same as a function.
   * @example
   * ```ts
   * {
   *   using _ = scratch.scope();
   *   const verts = scratch.push(4096, 16);
   * } // released here
   * ```
   */
  scope(): StackScope {
    return stackScope(this);
  }

  /**
   * The current top, to free everything pushed after it with {@link Stack.release}.
   *
   * Thread-safety: owner thread.
   * @see {@link Stack.release}, which frees back to it.
   * @see {@link Stack.scope}, a mark released at the end of a `using` block.
   * @example
   * ```ts
   * const m = stack.mark();
   * ```
   */
  mark(): Mark {
    const top = this.top;
    // recorded in the header for the inspector (marks are not on the per-allocation path)
    const i32 = this.i32;
    const w = this.base + SK_MARKS;
    const n = i32[w];
    if (n === 0 || i32[w + n] !== top) {
      if (n === MAX_MARKS) {
        i32.copyWithin(w + 1, w + 2, w + 1 + MAX_MARKS);
        i32[w + MAX_MARKS] = top;
      } else {
        i32[w + 1 + n] = top;
        i32[w] = n + 1;
      }
    }
    return top;
  }

  /**
   * Frees every block pushed since `mark`.
   *
   * **Safety:** those blocks' offsets become invalid. Wrong: releasing an outer mark while an
   * inner function still uses its block; releasing a mark twice across new pushes is caught as
   * `INVALID_MARK` only when it no longer falls on a block boundary.
   *
   * Thread-safety: owner thread.
   * @param mark - a value of {@link Stack.mark} on this stack, not released past.
   * @throws {@link nebula-memory!MemoryError} `INVALID_MARK` when the mark is above the top or not a block boundary; `WRONG_THREAD`.
   * @see {@link Stack.mark}, which makes the mark, and {@link Stack.pop}, which frees one block.
   * @see {@link Stack.scope} and {@link nebula-memory/typed!memoryScope | memoryScope}, which release for you.
   * @example
   * ```ts
   * const m = stack.mark();
   * try { work(stack); } finally { stack.release(m); }
   * ```
   */
  release(mark: Mark): void {
    const i32 = this.i32;
    this.checkOwner('release');
    const top = this.top;
    if (mark === top && typeof mark === 'number') {
        return;
    }
    let last = this.last;
    let depth = this.count;
    let found = false;
    if (typeof mark === 'number' && mark >= this.data && mark < top) {
      // walk down to the first block pushed after the mark: its recorded previous top is the mark
      while (last !== 0 && last > mark) {
        const w = (last - BLOCK_HEADER) >> 2;
        depth--;
        if (i32[w] === mark) {
          found = true;
          last = i32[w + 1];
          break;
        }
        last = i32[w + 1];
      }
    }
    if (!found) {
      throw this.raised(memoryError('INVALID_MARK', `release(${hex(mark)}) is not a mark of this stack's current blocks`, {
        allocator: `stack "${this.name}"`, request: { mark }, state: this.describe(),
        suggestion: 'pass a value from mark() that is still at or below the top; release inner marks before outer ones.',
      }));
    }
    const bad = __NEBULA_CHECKS__ && this.red !== 0 ? this.checkRedZones(top, this.count - depth) : null;
    if (__NEBULA_CHECKS__) this.poisonFreed(mark, top);
    this.memory.tracer?.record(EV.RELEASE, this.base << 2, top - mark, this.count - depth);
    this.top = mark;
    this.last = last;
    this.count = depth;
    this.dropMarksAbove(mark);
    if (bad !== null) throw bad;
  }

  /**
   * Frees every block.
   *
   * **Safety:** every offset of this stack becomes invalid.
   *
   * Thread-safety: owner thread.
   * @example
   * ```ts
   * stack.reset();
   * ```
   */
  reset(): void {
    this.checkOwner('reset');
    const b = this.base;
    const bad = __NEBULA_CHECKS__ && this.red !== 0 ? this.checkRedZones(this.top, Infinity) : null;
    if (__NEBULA_CHECKS__) this.poisonFreed(this.data, this.top);
    this.memory.tracer?.record(EV.STACK_RESET, this.base << 2, this.top - this.data, this.count);
    this.top = this.data;
    this.last = 0;
    this.count = 0;
    this.i32[b + SK_MARKS] = 0;
    if (bad !== null) throw bad;
  }

  /**
   * Makes the calling thread the owner. The stack must be empty.
   *
   * Thread-safety: any worker, while the previous owner no longer uses the stack.
   * @throws {@link nebula-memory!MemoryError} `WRONG_THREAD` when the stack still holds blocks.
   * @example
   * ```ts
   * // in a worker that takes over the stack
   * const s = memory.stack('scratch');
   * s.adopt();
   * ```
   */
  adopt(): void {
    const depth = this.i32[this.base + SK_DEPTH];
    if (depth !== 0) {
      throw this.raised(memoryError('WRONG_THREAD', `adopt() on a stack that still holds ${depth} block(s)`, {
        allocator: `stack "${this.name}"`, request: { op: 'adopt', thread: this.tid }, state: this.describe(),
        suggestion: 'have the owner release or reset the stack before another thread adopts it.',
      }));
    }
    this.load(); // before it owns the stack: its frees so far are the ones it folded
    Atomics.store(this.i32, this.base + SK_OWNER, this.tid);
  }
}
