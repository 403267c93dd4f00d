/**
 * The stack's region: its header words (with their invariants), sizing and validation of the
 * options, the initial header, and the release of a dead owner's stack.
 * @module
 * @internal
 */
import '../../build.ts'; // defines __NEBULA_CHECKS__ where no bundler replaced it: before any check runs
import type { StackOptions } from '../../api.ts';
import { memoryError, typeName } from '../../errors.ts';
import { REGION_ALIGN, alignUp } from '../../memory/layout.ts';

// ---- region header: Int32 word indexes relative to the region's first word ----
/** Bytes of the data area. Constant. */
export const SK_CAPACITY = 0;
/** Absolute byte offset of the data area, 64-aligned. Constant. */
export const SK_DATA = 1;
/** Absolute byte offset of the first free byte; data <= top <= data + capacity. */
export const SK_TOP = 2;
/** Absolute offset of the newest block, 0 when empty; last < top. */
export const SK_LAST = 3;
/** Most bytes ever in use; 0 <= peak <= capacity. */
export const SK_PEAK = 4;
/** Thread id of the owner, or -1 after its owner was reclaimed (any thread may adopt it); only the owner pushes, pops and releases. */
export const SK_OWNER = 5;
/** Blocks pushed and not popped; 0 exactly when last is 0. */
export const SK_DEPTH = 6;
/** Red-zone bytes after every block (checked build), a multiple of 4 from 0 to 64. Constant. */
export const SK_RED = 7;
/** Open marks recorded for the inspector: how many of words SK_MARK0.. hold one (0..MAX_MARKS). */
export const SK_MARKS = 8;
/** Words 9..15: the newest open marks, oldest first (absolute offsets at or below top). */
export const SK_MARK0 = 9;
/** Open marks the header keeps; deeper nesting keeps the newest ones. @internal */
export const MAX_MARKS = 7;
/** Header bytes. @internal */
export const STACK_HEADER_BYTES = 64;
export const HEADER_BYTES = STACK_HEADER_BYTES;
/** Largest alignment push() takes. */
export const MAX_ALIGN = 1 << 16;
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
