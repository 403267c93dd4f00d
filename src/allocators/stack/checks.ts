/**
 * A stack's checks: the errors of push and pop, ownership, the checked build's red zones,
 * poisoning and call sites, the leak report, and the invariants of the header and the blocks.
 * @module
 * @internal
 */
import '../../build.ts'; // defines __NEBULA_CHECKS__ where no bundler replaced it: before any check runs
import type { Offset } from '../../api.ts';
import { RED_BYTE, poison, poisonWords } from '../poison.ts';
import { type LeakEntry, type LeakReport, callSite, leakReport } from '../../memory/leak-report.ts';
import { type MemoryError, hex, CORRUPTION_FIX, memoryError } from '../../errors.ts';
import { BLOCK_HEADER, MAX_ALIGN, SK_DEPTH, SK_LAST, SK_MARKS, SK_OWNER, SK_PEAK, SK_TOP } from './layout.ts';
import { StackView } from './view.ts';

/**
 * A stack's checks, between its read side ({@link StackView}) and its push and pop paths
 * ({@link Stack}). Not created directly.
 *
 * Thread-safety: the owner's instance.
 * @internal
 */
export class StackChecks extends StackView {
  protected pushError(size: number, align: number, end: number): never {
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
   * Checked build with red zones: verifies the guards of the newest `blocks` blocks (all when
   * Infinity), whose top is `top`. Returns the error for the first overwritten one, to throw
   * once the operation has completed.
   */
  protected checkRedZones(top: number, blocks: number): MemoryError | null {
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
  protected poisonFreed(from: number, to: number): void {
    if (to - from <= 256 && ((from | to) & 3) === 0) poisonWords(this.i32, from >> 2, to >> 2);
    else poison(this.memory.u8, this.memory.i32, this.memory.f64, from, to);
    const sites = this.sites;
    if (sites !== null) for (const p of sites.keys()) if (p >= from && p < to) sites.delete(p);
  }

  /** Checked build, capture on: records where block `p` was pushed. Kept out of push() so push() stays small. */
  protected noteSite(p: number): void {
    (this.sites ??= new Map()).set(p, callSite());
  }

  /** Forgets every recorded call site (capture was switched off). @internal */
  forgetSites(): void {
    this.sites = null;
  }

  protected popError(offset: Offset): never {
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

  protected checkOwner(op: string): void {
    const owner = this.i32[this.base + SK_OWNER];
    if (owner !== this.tid) {
      const by = owner < 0 ? 'has no owner (its owner was reclaimed)' : `is owned by thread ${owner}`;
      throw this.raised(memoryError('WRONG_THREAD', `${op}() from thread ${this.tid}, but the stack ${by}`, {
        allocator: `stack "${this.name}"`, request: { op, thread: this.tid }, state: this.describe(),
        suggestion: owner < 0 ? 'call adopt() on it first.' : 'give each worker its own stack (memory.createStack in that worker), or adopt() an empty one.',
      }));
    }
  }

  /** Forgets recorded marks above `top` (they were released or popped past). */
  protected dropMarksAbove(top: number): void {
    const w = this.base + SK_MARKS;
    let n = this.i32[w];
    while (n > 0 && this.i32[w + n] > top) n--;
    this.i32[w] = n;
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
      throw this.raised(memoryError('INVARIANT_VIOLATED', what, { allocator: `stack "${this.name}"`, request: {}, state, suggestion: CORRUPTION_FIX }));
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
    if (blocks !== i32[b + SK_DEPTH]) fail(`chain has ${blocks} blocks, depth says ${i32[b + SK_DEPTH]}`, { blocks, depth: i32[b + SK_DEPTH] });
  }
}
