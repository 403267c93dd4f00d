/**
 * The frame arena's header layout in the shared buffer, its sizing from options, and its
 * initialisation. Every slot is a named Int32 word index with its invariant.
 * @module
 * @internal
 */
import type { ArenaOptions } from '../../api.ts';
import { memoryError } from '../../errors.ts';
import { MAX_THREADS, REGION_ALIGN, alignUp } from '../../memory/layout.ts';
import { HISTORY_FRAMES } from '../../stats/block.ts';
import type { SegmentWords } from '../lockfree.ts';

// ---- region header: Int32 word indexes relative to the region's first word ----
/** Bytes per segment; a positive multiple of 64. Constant. */
export const A_CAPACITY = 0;
/** Frames kept alive, 0..4 (0 = manual: one segment, not recycled by advance()). Constant. */
export const A_FRAMES = 1;
/** Lane size in bytes; a power of two >= 64, <= capacity rounded up. Constant. */
export const A_LANE = 2;
/** Absolute byte offset of segment 0; segment s starts at A_DATA + s * capacity. Constant. */
export const A_DATA = 3;
/** Count of resets and frame recycles; only grows. */
export const A_RESETS = 4;
/** Most bytes ever reserved in one segment; 0 <= peak <= capacity. */
export const A_PEAK = 5;
/** Red-zone bytes after every block (checked build), a multiple of 4 from 0 to 64. Constant. */
export const A_RED = 6;
/** Per segment s: SEG_WORDS words starting at A_SEG + SEG_WORDS * s. */
export const A_SEG = 8;
/** Words per segment. */
export const SEG_WORDS = 8;
/** +0: bytes reserved in the segment; 0 <= cursor <= capacity. */
export const SEG_CURSOR = 0;
/** +1: the frame the segment holds; EPOCH % frames === s. */
export const SEG_EPOCH = 1;
/** +2: 1 while advance()/reset() recycles the segment, else 0. */
export const SEG_LOCK = 2;
/** +3: how often the segment was emptied (reset or recycled); only grows. Part of `epoch`. */
export const SEG_GEN = 3;
/** +4: lessee bits of threads 0..31: bit t set while thread t holds a lease here. */
export const SEG_MASK_LO = 4;
/** +5: lessee bits of threads 32..63. */
export const SEG_MASK_HI = 5;
/** Most segments. */
export const MAX_FRAMES = 4;
/** Per thread id: bytes this thread leased in the current frame (for the inspector). */
export const A_LANE_BYTES = A_SEG + SEG_WORDS * MAX_FRAMES;
/** Ring of the bytes reserved in each of the last HISTORY_FRAMES frames; entry f % HISTORY_FRAMES is frame f. */
export const A_HISTORY = A_LANE_BYTES + MAX_THREADS;
/** Header words. */
export const HEADER_WORDS = A_HISTORY + HISTORY_FRAMES;
/** Header bytes, a multiple of 64. @internal */
export const ARENA_HEADER_BYTES = alignUp(HEADER_WORDS * 4, REGION_ALIGN);
/** Default lane size. */
const DEFAULT_LANE = 1 << 16;

/** The word index of segment `seg`'s first word, for the arena whose header starts at word `base`. */
export function segWord(base: number, seg: number): number {
  return base + A_SEG + SEG_WORDS * seg;
}

/**
 * Validates options and returns the region's size in bytes.
 * @internal
 */
export function arenaRegionBytes(name: string, o: ArenaOptions): number {
  const bad = (what: string, value: unknown, fix: string): never => {
    throw memoryError('INVALID_OPTION', `createArena option ${what} is invalid`, {
      allocator: `arena "${name}"`, request: { [what]: value }, state: {}, suggestion: fix,
    });
  };
  if (typeof o !== 'object' || (o as unknown) === null) bad('options', o, 'pass an object such as { capacity: 1 << 20 }.');
  if (!Number.isInteger(o.capacity) || o.capacity <= 0 || o.capacity > 1 << 29) bad('capacity', o.capacity, 'use a positive integer number of bytes below 512 MiB.');
  const frames = o.frames ?? 1;
  if (!Number.isInteger(frames) || frames < 0 || frames > MAX_FRAMES) bad('frames', frames, 'use 1, 2, 3 or 4 (or 0 for an arena that only reset() frees).');
  const lane = o.laneBytes ?? DEFAULT_LANE;
  if (!Number.isInteger(lane) || lane < 64 || lane > 1 << 29 || (lane & (lane - 1)) !== 0) bad('laneBytes', lane, 'use a power of two of at least 64.');
  const red = o.redZone ?? 0;
  if (!Number.isInteger(red) || red < 0 || red > 64 || red % 4 !== 0) bad('redZone', red, 'use a multiple of 4 from 0 to 64.');
  return ARENA_HEADER_BYTES + alignUp(o.capacity, REGION_ALIGN) * Math.max(1, frames) + REGION_ALIGN;
}

/**
 * Writes a fresh arena header at `offset`.
 * @internal
 */
export function initArena(i32: Int32Array, offset: number, o: ArenaOptions, frame: number): void {
  const b = offset >> 2;
  const cap = alignUp(o.capacity, REGION_ALIGN);
  const frames = o.frames ?? 1;
  i32.fill(0, b, b + HEADER_WORDS);
  i32[b + A_CAPACITY] = cap;
  i32[b + A_FRAMES] = frames;
  i32[b + A_LANE] = Math.min(o.laneBytes ?? DEFAULT_LANE, alignUp(cap, 64));
  i32[b + A_DATA] = offset + ARENA_HEADER_BYTES;
  i32[b + A_RED] = o.redZone ?? 0;
  const n = Math.max(1, frames);
  for (let s = 0; s < n; s++) {
    // the newest frame <= `frame` that maps to segment s
    i32[segWord(b, s) + SEG_EPOCH] = frames === 0 ? 0 : frame - ((frame - s) % n + n) % n;
  }
}

/** Segment word indexes are the same in every buffer: built once per index, so advance() allocates nothing. */
const wordsCache = new Map<number, SegmentWords>();

/** The shared words of segment `seg` of the arena whose header starts at word `base`. */
export function segmentWords(base: number, seg: number): SegmentWords {
  const s = segWord(base, seg);
  let w = wordsCache.get(s);
  if (w === undefined) {
    w = Object.freeze({ cursor: s + SEG_CURSOR, epoch: s + SEG_EPOCH, lock: s + SEG_LOCK, maskLo: s + SEG_MASK_LO, maskHi: s + SEG_MASK_HI });
    wordsCache.set(s, w);
  }
  return w;
}

