/**
 * The stack: LIFO blocks with marks, owned by one thread. Every block carries an 8-byte record
 * of the previous top and previous block, so pop() can prove LIFO order.
 * @module
 */
import '../../build.ts'; // defines __NEBULA_CHECKS__ where no bundler replaced it: before any check runs
import type { Mark, Offset, StackOptions } from '../../api.ts';
import type { StackStats } from '../../api-reports.ts';
import { STAT } from '../../stats/fields.ts';
import { RED_BYTE, poison, poisonWords } from '../poison.ts';
import { type LeakEntry, type LeakReport, callSite, leakReport } from '../../memory/leak-report.ts';
import { type StackScope, stackScope } from './scope.ts';
import { type MemoryError, hex, memoryError, typeName } from '../../errors.ts';
import { EV } from '../../stats/chrome-trace.ts';
import { REGION_ALIGN, alignUp } from '../../memory/layout.ts';
import type { MemoryHost } from '../../memory/host.ts';
import {
  SB_ALLOCATIONS, SB_BYTES, SB_ERRORS, SB_FAILURES, SB_FREES, countersInto, lastErrorCode, noteFrameHighWater, publishCounts, readCounter,
  readFrameRing, recordError, SB_HISTORY,
} from '../../stats/block.ts';

// the build switches and the branch-free counter step: see src/build.ts
const STATS: boolean = typeof __NEBULA_STATS__ === 'undefined' || __NEBULA_STATS__;
const STAT_STEP = STATS ? 1 : 0;
const STAT_MASK = STATS ? -1 : 0;

// ---- region header: Int32 word indexes relative to the region's first word ----
/** Bytes of the data area. Constant. */
const SK_CAPACITY = 0;
/** Absolute byte offset of the data area, 64-aligned. Constant. */
const SK_DATA = 1;
/** Absolute byte offset of the first free byte; data <= top <= data + capacity. */
const SK_TOP = 2;
/** Absolute offset of the newest block, 0 when empty; last < top. */
const SK_LAST = 3;
/** Most bytes ever in use; 0 <= peak <= capacity. */
const SK_PEAK = 4;
/** Thread id of the owner, or -1 after its owner was reclaimed (any thread may adopt it); only the owner pushes, pops and releases. */
const SK_OWNER = 5;
/** Blocks pushed and not popped; 0 exactly when last is 0. */
const SK_DEPTH = 6;
/** Red-zone bytes after every block (checked build), a multiple of 4 from 0 to 64. Constant. */
const SK_RED = 7;
/** Open marks recorded for the inspector: how many of words SK_MARK0.. hold one (0..MAX_MARKS). */
const SK_MARKS = 8;
/** Words 9..15: the newest open marks, oldest first (absolute offsets at or below top). */
const SK_MARK0 = 9;
/** Open marks the header keeps; deeper nesting keeps the newest ones. @internal */
export const MAX_MARKS = 7;
/** Header bytes. @internal */
export const STACK_HEADER_BYTES = 64;
const HEADER_BYTES = STACK_HEADER_BYTES;
/** Largest alignment push() takes. */
const MAX_ALIGN = 1 << 16;
/** Bookkeeping before every block: [previous top, previous last] as two Int32 words. */
export const BLOCK_HEADER = 8;

/** Validates options and returns the region's size in bytes. @internal */
export function stackRegionBytes(name: string, o: StackOptions): number {
  if (typeof o !== 'object' || (o as unknown) === null) {
    throw memoryError('INVALID_OPTION', 'createStack options are not an object', {
      allocator: `stack "${name}"`, request: { options: typeName(o) }, state: {}, suggestion: 'pass an object such as { capacity: 64 << 10 }.',
    });
  }
  const red = o.redZone ?? 0;
  if (!Number.isInteger(red) || red < 0 || red > 64 || red % 4 !== 0) {
    throw memoryError('INVALID_OPTION', 'createStack option redZone is invalid', {
      allocator: `stack "${name}"`, request: { redZone: red }, state: {}, suggestion: 'use a multiple of 4 from 0 to 64.',
    });
  }
  if (!Number.isInteger(o.capacity) || o.capacity <= 0 || o.capacity > 1 << 29) {
    throw memoryError('INVALID_OPTION', 'createStack option capacity is invalid', {
      allocator: `stack "${name}"`, request: { capacity: o.capacity }, state: {},
      suggestion: 'use a positive integer number of bytes below 512 MiB.',
    });
  }
  return HEADER_BYTES + alignUp(o.capacity, REGION_ALIGN);
}

/** Writes a fresh, empty stack owned by `owner` at `offset`. @internal */
export function initStack(i32: Int32Array, offset: number, o: StackOptions, owner: number): void {
  const b = offset >> 2;
  i32.fill(0, b, b + HEADER_BYTES / 4);
  i32[b + SK_CAPACITY] = alignUp(o.capacity, REGION_ALIGN);
  i32[b + SK_DATA] = offset + HEADER_BYTES;
  i32[b + SK_TOP] = offset + HEADER_BYTES;
  i32[b + SK_OWNER] = owner;
  i32[b + SK_RED] = o.redZone ?? 0;
}

/**
 * For `reclaimThread`: empties every stack that thread `tid` owned and leaves it without an
 * owner, so any thread may `adopt()` it. Returns 1 when the stack at `offset` was `tid`'s.
 * @internal
 */
export function reclaimStackThread(i32: Int32Array, offset: number, tid: number): number {
  const b = offset >> 2;
  if (Atomics.load(i32, b + SK_OWNER) !== tid) return 0;
  Atomics.store(i32, b + SK_TOP, i32[b + SK_DATA]);
  Atomics.store(i32, b + SK_LAST, 0);
  Atomics.store(i32, b + SK_DEPTH, 0);
  Atomics.store(i32, b + SK_MARKS, 0);
  Atomics.store(i32, b + SK_OWNER, -1);
  return 1;
}

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
export class Stack {
  /** The region's name. */
  declare readonly name: string;
  /** Bytes of the stack. */
  declare readonly capacity: number;

  private readonly i32: Int32Array;
  private declare readonly memory: MemoryHost;
  private declare readonly base: number;
  private declare readonly data: number;
  private declare readonly limit: number;
  private declare readonly tid: number;
  /** Red-zone bytes after each block: the header's value in the checked build, 0 in the fast one. */
  private declare readonly red: number;
  // the owner's copy of top, newest block, depth and peak; written through to the header on
  // every change, so other threads read the header, and only the owner mutates either
  private top = 0;
  private last = 0;
  private count = 0;
  private peak = 0;
  /** Call sites of live blocks, by offset, while capture is on (checked build). */
  private sites: Map<number, string> | null = null;
  // this thread's counts since its last publishStats(): plain fields, published once a frame
  private allocations = 0;
  // frees are not counted per pop: depth moves +1 per push and -1 per freed block, so
  // frees = freesBefore + allocations - (count - countAtPublish)
  /** The depth at the last publish (or reload). */
  private countAtPublish = 0;
  /** Frees folded in when the depth was reloaded from the header (adopt). */
  private freesBefore = 0;
  private bytes = 0;
  private failures = 0;
  /** Word index of the region's statistics block. */
  private declare readonly statsWord: number;

  /** @internal */
  constructor(memory: MemoryHost, name: string, offset: number, statsOffset: number) {
    this.name = name;
    this.statsWord = statsOffset >> 2;
    this.memory = memory;
    this.i32 = memory.i32;
    this.base = offset >> 2;
    this.tid = memory.threadId;
    this.capacity = this.i32[this.base + SK_CAPACITY];
    this.data = this.i32[this.base + SK_DATA];
    this.limit = this.data + this.capacity;
    this.red = __NEBULA_CHECKS__ ? this.i32[this.base + SK_RED] : 0;
    this.load();
  }

  /** Reloads the owner's copy from the header (on creation and adopt). */
  private load(): void {
    const i32 = this.i32;
    const b = this.base;
    this.top = i32[b + SK_TOP];
    this.last = i32[b + SK_LAST];
    this.freesBefore = this.unpublishedFrees() - this.allocations; // keep the frees counted so far
    this.count = this.countAtPublish = i32[b + SK_DEPTH];
    this.peak = i32[b + SK_PEAK];
  }

  /**
   * Pushes a block of `size` bytes aligned to `align` (at least 4) and returns its offset.
   *
   * Thread-safety: owner thread.
   * @param size - bytes, a positive integer.
   * @param align - a power of two. @defaultValue 8
   * @throws {@link MemoryError} `STACK_OVERFLOW`, `WRONG_THREAD`, `INVALID_SIZE` or `INVALID_ALIGN`.
   * @example
   * ```ts
   * const p = stack.push(48, 16);
   * ```
   */
  push(size: number, align = 8): Offset {
    const i32 = this.i32;
    const b = this.base;
    const top = this.top;
    const a = align < 4 ? 4 : align;
    const p = (top + BLOCK_HEADER + a - 1) & -a;
    const end = p + size + (__NEBULA_CHECKS__ ? this.red : 0);
    if (end > this.limit || (__NEBULA_CHECKS__ && (i32[b + SK_OWNER] !== this.tid || !(size > 0) || (size | 0) !== size || (align & (align - 1)) !== 0 || !(align > 0) || align > MAX_ALIGN || (align | 0) !== align))) {
      return this.pushError(size, align, end);
    }
    const w = (p - BLOCK_HEADER) >> 2;
    i32[w] = top;
    i32[w + 1] = this.last;
    this.top = i32[b + SK_TOP] = end;
    this.last = i32[b + SK_LAST] = p;
    i32[b + SK_DEPTH] = ++this.count;
    if (end - this.data > this.peak) this.peak = i32[b + SK_PEAK] = end - this.data;
    this.allocations += STAT_STEP;
    this.bytes += size & STAT_MASK;
    if (__NEBULA_CHECKS__ && this.memory.capturingSites) this.noteSite(p);
    if (__NEBULA_CHECKS__) this.memory.tracer?.record(EV.PUSH, this.base << 2, p, size);
    if (__NEBULA_CHECKS__ && this.red !== 0) this.memory.u8.fill(RED_BYTE, end - this.red, end);
    return p;
  }

  /**
   * Pushes like {@link Stack.push}, but returns 0 instead of throwing `STACK_OVERFLOW`.
   *
   * Thread-safety: owner thread.
   * @example
   * ```ts
   * const p = stack.tryPush(4096);
   * if (p === 0) fallbackPath();
   * ```
   */
  tryPush(size: number, align = 8): Offset {
    const a = align < 4 ? 4 : align;
    const top = this.top;
    if (((top + BLOCK_HEADER + a - 1) & -a) + size + this.red > this.limit && size > 0 && (size | 0) === size &&
        align > 0 && align <= MAX_ALIGN && (align & (align - 1)) === 0 && (align | 0) === align && this.i32[this.base + SK_OWNER] === this.tid) {
      this.failures++;
      return 0;
    }
    return this.push(size, align);
  }

  private pushError(size: number, align: number, end: number): never {
    this.checkOwner('push');
    const st = this.describe();
    if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) {
      throw this.raised(memoryError('INVALID_SIZE', `push size ${String(size)} is not a positive integer`, {
        allocator: `stack "${this.name}"`, request: { size, align }, state: st, suggestion: 'pass a whole number of bytes greater than 0.',
      }));
    }
    if (typeof align !== 'number' || !Number.isInteger(align) || align <= 0 || (align & (align - 1)) !== 0 || align > MAX_ALIGN) {
      throw this.raised(memoryError('INVALID_ALIGN', `alignment ${String(align)} is not a power of two up to 65536`, {
        allocator: `stack "${this.name}"`, request: { size, align }, state: st, suggestion: 'use 1, 2, 4, 8, 16, ...',
      }));
    }
    this.failures++;
    throw this.raised(memoryError('STACK_OVERFLOW', `push(${size}, ${align}) needs ${end - this.top} bytes, ${this.limit - this.top} are left`, {
      allocator: `stack "${this.name}"`, request: { size, align }, state: st,
      suggestion: `create the stack with capacity >= ${end - this.data}, or release marks sooner.`,
    }));
  }

  /**
   * Pops the newest block, which must be `offset`.
   *
   * **Safety:** `offset` becomes invalid and the next push reuses its bytes.
   *
   * Thread-safety: owner thread.
   * @param offset - the newest block's offset.
   * @throws {@link MemoryError} `LIFO_VIOLATION` (with both offsets) when `offset` is an older
   * block, `INVALID_OFFSET` when it is no block, `WRONG_THREAD`. Nothing changes then.
   * @example
   * ```ts
   * const a = stack.push(16), b = stack.push(16);
   * stack.pop(b);
   * stack.pop(a);
   * ```
   */
  pop(offset: Offset): void {
    const i32 = this.i32;
    const b = this.base;
    const last = this.last;
    if (__NEBULA_CHECKS__ && (offset !== last || last === 0 || i32[b + SK_OWNER] !== this.tid)) this.popError(offset);
    const w = (last - BLOCK_HEADER) >> 2;
    const top = this.top;
    const bad = __NEBULA_CHECKS__ && this.red !== 0 ? this.checkRedZones(top, 1) : null;
    this.top = i32[b + SK_TOP] = i32[w];
    this.last = i32[b + SK_LAST] = i32[w + 1];
    i32[b + SK_DEPTH] = --this.count;
    if (i32[b + SK_MARKS] !== 0) this.dropMarksAbove(this.top);
    if (__NEBULA_CHECKS__) this.memory.tracer?.record(EV.POP, this.base << 2, last, this.count);
    if (__NEBULA_CHECKS__) this.poisonFreed(last, top); // the block itself; its 8-byte record is bookkeeping
    if (bad !== null) throw bad;
  }

  /**
   * Checked build with red zones: verifies the guards of the newest `blocks` blocks (all when
   * Infinity), whose top is `top`. Returns the error for the first overwritten one, to throw
   * once the operation has completed.
   */
  private checkRedZones(top: number, blocks: number): MemoryError | null {
    const i32 = this.i32;
    const u8 = this.memory.u8;
    let above = top;
    let n = 0;
    for (let blk = this.last; blk !== 0 && n < blocks; blk = i32[((blk - BLOCK_HEADER) >> 2) + 1], n++) {
      for (let j = above - this.red; j < above; j++) {
        if (u8[j] !== RED_BYTE) {
          const size = above - this.red - blk;
          return this.raised(memoryError('RED_ZONE_OVERWRITTEN', `the block at ${hex(blk)} (${size} bytes) was written past its end: red-zone byte +${j - (above - this.red)} is 0x${u8[j].toString(16)}, not 0x${RED_BYTE.toString(16)}`, {
            allocator: `stack "${this.name}"`, request: { block: blk, size }, state: { redZone: this.red, byte: j - (above - this.red), value: u8[j] },
            suggestion: `find the write that runs past ${hex(blk + size)}: the block is ${size} bytes; push more or fix the index arithmetic.`,
          }));
        }
      }
      above = i32[(blk - BLOCK_HEADER) >> 2];
    }
    return null;
  }

  /** Checked build: poisons freed bytes and forgets their call sites. */
  private poisonFreed(from: number, to: number): void {
    if (to - from <= 256 && ((from | to) & 3) === 0) poisonWords(this.i32, from >> 2, to >> 2);
    else poison(this.memory.u8, this.memory.i32, this.memory.f64, from, to);
    const sites = this.sites;
    if (sites !== null) for (const p of sites.keys()) if (p >= from && p < to) sites.delete(p);
  }

  /** Checked build, capture on: records where block `p` was pushed. Kept out of push() so push() stays small. */
  private noteSite(p: number): void {
    (this.sites ??= new Map()).set(p, callSite());
  }

  /** Forgets every recorded call site (capture was switched off). @internal */
  forgetSites(): void {
    this.sites = null;
  }

  private popError(offset: Offset): never {
    this.checkOwner('pop');
    const last = this.last;
    const st = this.describe();
    for (let blk = last; blk !== 0; blk = this.i32[((blk - BLOCK_HEADER) >> 2) + 1]) {
      if (blk === offset) {
        throw this.raised(memoryError('LIFO_VIOLATION', `pop(${hex(offset)}) but the newest block is ${hex(last)}`, {
          allocator: `stack "${this.name}"`, request: { offset, top: last }, state: st,
          suggestion: `pop ${hex(last)} first (blocks come off in reverse order), or use mark()/release() to free several at once.`,
        }));
      }
    }
    throw this.raised(memoryError('INVALID_OFFSET', `pop(${String(offset)}) is not a live block of this stack`, {
      allocator: `stack "${this.name}"`, request: { offset }, state: st,
      suggestion: 'pass an offset returned by push() of this stack that has not been popped or released.',
    }));
  }

  /**
   * Takes a mark as a {@link StackScope} that releases it at the end of a `using` block.
   *
   * Thread-safety: owner thread.
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

  /** Forgets recorded marks above `top` (they were released or popped past). */
  private dropMarksAbove(top: number): void {
    const w = this.base + SK_MARKS;
    let n = this.i32[w];
    while (n > 0 && this.i32[w + n] > top) n--;
    this.i32[w] = n;
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
   * @throws {@link MemoryError} `INVALID_MARK` when the mark is above the top or not a block boundary; `WRONG_THREAD`.
   * @example
   * ```ts
   * const m = stack.mark();
   * try { work(stack); } finally { stack.release(m); }
   * ```
   */
  release(mark: Mark): void {
    const i32 = this.i32;
    const b = this.base;
    this.checkOwner('release');
    const top = this.top;
    if (mark === top && typeof mark === 'number') return;
    let last = this.last;
    let depth = this.count;
    let found = false;
    if (mark >= this.data && mark < top) {
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
    this.top = i32[b + SK_TOP] = mark;
    this.last = i32[b + SK_LAST] = last;
    this.count = i32[b + SK_DEPTH] = depth;
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
    this.top = this.i32[b + SK_TOP] = this.data;
    this.last = this.i32[b + SK_LAST] = 0;
    this.count = this.i32[b + SK_DEPTH] = 0;
    this.i32[b + SK_MARKS] = 0;
    if (bad !== null) throw bad;
  }

  /**
   * Makes the calling thread the owner. The stack must be empty.
   *
   * Thread-safety: any worker, while the previous owner no longer uses the stack.
   * @throws {@link MemoryError} `WRONG_THREAD` when the stack still holds blocks.
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
    Atomics.store(this.i32, this.base + SK_OWNER, this.tid);
    this.load();
  }

  private checkOwner(op: string): void {
    const owner = this.i32[this.base + SK_OWNER];
    if (owner !== this.tid) {
      const by = owner < 0 ? 'has no owner (its owner was reclaimed)' : `is owned by thread ${owner}`;
      throw this.raised(memoryError('WRONG_THREAD', `${op}() from thread ${this.tid}, but the stack ${by}`, {
        allocator: `stack "${this.name}"`, request: { op, thread: this.tid }, state: this.describe(),
        suggestion: owner < 0 ? 'call adopt() on it first.' : 'give each worker its own stack (memory.createStack in that worker), or adopt() an empty one.',
      }));
    }
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

  private describe(): Record<string, number> {
    const i32 = this.i32;
    const b = this.base;
    return {
      capacity: this.capacity, used: this.used, depth: i32[b + SK_DEPTH], top: i32[b + SK_TOP],
      newestBlock: i32[b + SK_LAST], owner: i32[b + SK_OWNER],
    };
  }

  /**
   * What the stack still holds: every block, newest first, with its call site when
   * {@link Memory.captureCallSites} was on in the owner thread.
   *
   * Thread-safety: any worker (a read; exact while the owner is idle).
   * @param limit - most entries listed. @defaultValue 100
   * @example
   * ```ts
   * if (scratch.depth > 0) console.warn(scratch.leaks().text);
   * ```
   */
  leaks(limit = 100): LeakReport {
    const i32 = this.i32;
    const b = this.base;
    const entries: LeakEntry[] = [];
    const owner = i32[b + SK_OWNER];
    const sites = this.sites;
    let above = i32[b + SK_TOP];
    for (let blk = i32[b + SK_LAST]; blk !== 0; blk = i32[((blk - BLOCK_HEADER) >> 2) + 1]) {
      entries.push({ offset: blk, size: above - blk, handle: -1, thread: owner, frame: -1, site: sites?.get(blk) ?? null });
      above = i32[(blk - BLOCK_HEADER) >> 2];
      if (entries.length > this.capacity / BLOCK_HEADER) break;
    }
    return leakReport(`stack "${this.name}"`, entries, limit);
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

  private openMarks(): number[] {
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
    this.allocations = this.bytes = this.failures = this.freesBefore = 0;
    this.countAtPublish = this.count;
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
   * const s = new Float64Array(STAT_COUNT);
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

  /** This thread's frees since its last publish, from the depth's movement. */
  private unpublishedFrees(): number {
    return STATS ? this.freesBefore + this.allocations - (this.count - this.countAtPublish) : 0;
  }

  /** Counts an error this stack raises in the shared block, and returns it to be thrown. */
  private raised(e: MemoryError): MemoryError {
    return recordError(this.memory, this.statsWord, this.base << 2, e);
  }

  /**
   * Checks the stack's invariants and throws `INVARIANT_VIOLATED` with the actual values: the
   * block chain runs down from the top without gaps, and depth and peak agree with it.
   *
   * Thread-safety: owner thread, or any thread while the owner is idle.
   * @example
   * ```ts
   * stack.checkInvariants();
   * ```
   */
  checkInvariants(): void {
    const i32 = this.i32;
    const b = this.base;
    const fail = (what: string, state: Record<string, number>): never => {
      throw this.raised(memoryError('INVARIANT_VIOLATED', what, { allocator: `stack "${this.name}"`, request: {}, state }));
    };
    const top = i32[b + SK_TOP];
    const peak = i32[b + SK_PEAK];
    if (top < this.data || top > this.limit) fail(`top ${hex(top)} outside [${hex(this.data)}, ${hex(this.limit)}]`, { top });
    if (peak < top - this.data || peak > this.capacity) fail(`peak ${peak} below used ${top - this.data} or above capacity`, { peak, used: top - this.data });
    let blocks = 0;
    let above = top;
    for (let blk = i32[b + SK_LAST]; blk !== 0; ) {
      const w = (blk - BLOCK_HEADER) >> 2;
      const prevTop = i32[w];
      if (blk >= above || blk - BLOCK_HEADER < prevTop || prevTop < this.data) {
        fail(`block ${hex(blk)} breaks the chain: previous top ${hex(prevTop)}, next top ${hex(above)}`, { block: blk, prevTop, above });
      }
      above = prevTop;
      blocks++;
      blk = i32[w + 1];
      if (blocks > this.capacity / BLOCK_HEADER) fail('block chain has a cycle', { blocks });
    }
    if (i32[b + SK_LAST] === 0 && top !== this.data) {
      // a released mark may leave top above the data start only through blocks
      fail(`no blocks but top is ${hex(top)}, not ${hex(this.data)}`, { top, data: this.data });
    }
    if (i32[b + SK_OWNER] === this.tid && (this.top !== top || this.last !== i32[b + SK_LAST] || this.count !== i32[b + SK_DEPTH] || this.peak !== peak)) {
      fail('the owner\'s copy of the stack state differs from the header', { top: this.top, headerTop: top, last: this.last, headerLast: i32[b + SK_LAST], depth: this.count, headerDepth: i32[b + SK_DEPTH] });
    }
    if (blocks !== i32[b + SK_DEPTH]) fail(`chain has ${blocks} blocks, depth says ${i32[b + SK_DEPTH]}`, { blocks, depth: i32[b + SK_DEPTH] });
  }
}
