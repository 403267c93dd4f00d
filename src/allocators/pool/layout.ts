/**
 * The pool's header layout in the shared buffer, its sizing from options, and its
 * initialisation. Every slot is a named Int32 word index with its invariant.
 * @module
 * @internal
 */
import type { PoolOptions } from '../../api.ts';
import { memoryError } from '../../errors.ts';
import { MAX_THREADS, REGION_ALIGN, alignUp } from '../../memory/layout.ts';

// ---- region header: Int32 word indexes relative to the region's first word ----
/** Bytes per slot as asked. Constant. */
export const P_SLOT_SIZE = 0;
/** Bytes between slots: slot size rounded up to the alignment. Constant. */
export const P_STRIDE = 1;
/** Slot alignment, a power of two. Constant. */
export const P_ALIGN = 2;
/** Number of slots, 1..MAX_SLOTS. Constant. */
export const P_CAPACITY = 3;
/** Bits of the slot index in a handle: bitLength(capacity - 1), at least 1. Constant. */
export const P_INDEX_BITS = 4;
/** Bits of a free-list link (index + 1, 0 = end): bitLength(capacity). Constant. */
export const P_LINK_BITS = 5;
/** Slots moved per cache refill or flush, >= 1. Constant. */
export const P_BATCH = 6;
/** Absolute byte offset of slot 0, a multiple of the alignment. Constant. */
export const P_DATA = 7;
/**
 * Word index of meta[0]; meta[i] = generation << 8 | tag, where the tag says who holds slot i:
 * 0 = the shared free list (or a refill/flush in flight), 1..64 = live, allocated by thread
 * tag - 1, CACHE_TAG | t = free in thread t's private cache. Constant.
 */
export const P_META = 8;
/** Word index of next[0]; next[i] = link of the slot after i in the free list. Constant. */
export const P_NEXT = 9;
/** Free-list head: tag << linkBits | link. The tag grows on every successful CAS (ABA guard). */
export const P_HEAD = 10;
/** Slots in the shared free list; briefly off by one batch while a refill or flush is in flight. */
export const P_FREE = 11;
/** Word index of born[0]; born[i] = frame of the slot's last allocation (checked build). Constant. */
export const P_BORN = 12;
/** Bits of the pool tag in a handle, between the index and the generation: 0..4. Constant. */
export const P_TAG_BITS = 13;
/** This pool's tag, 1..2^tagBits - 1 (0 when tagBits is 0), from the region's offset. Constant. */
export const P_TAG = 14;
/**
 * Word index of site[0]; site[i] = the call-site id (memory/call-sites.ts) of slot i's last
 * allocation, 0 when unknown (capture off in the allocating thread, or the fast build), 0..MAX_SITES.
 * Written by the checked build's alloc, read by leak reports in any thread. Constant.
 */
export const P_SITE = 15;
/**
 * Per thread id t: free slots in that thread's private cache, at word P_CACHED + t * CACHED_STRIDE.
 * Each count has a cache line of its own: the owner writes it on every alloc and free, and a
 * shared line would make two workers' writes fight (false sharing).
 */
export const P_CACHED = 16;
/** Words between two threads' cache counts: one 64-byte line. */
export const CACHED_STRIDE = 16;
/**
 * +1 in each thread's line: a sequence number, odd while the thread is in a refill or flush
 * (the only moments a slot is neither listed, cached nor live). reclaimThread() reads it to know
 * when the slots it finds in that state belong to a dead thread.
 */
export const BUSY = 1;
/**
 * +2 in each thread's line: the thread's allocations, a wrapping Int32 counter that only it writes
 * (stats take the difference since its last publish). +3, +4 and +5 hold constants of the thread
 * that the fast paths read from the line they already hold: its owner tag XOR its cache tag (the
 * flip an alloc applies to a cached slot's meta word), its cache tag, and its cache's capacity
 * (2 x batch). The thread's instance writes them when it opens the pool; a reclaim zeroes the count.
 */
export const L_ALLOCS = 2;
/** See {@link L_ALLOCS}: owner tag XOR cache tag. */
export const L_FLIP = 3;
/** See {@link L_ALLOCS}: the thread's cache tag. */
export const L_CACHE_TAG = 4;
/** See {@link L_ALLOCS}: the cache's capacity, 2 x batch. */
export const L_MAX = 5;
/** Tag bit of a slot cached by a thread: meta & 0xff = CACHE_TAG | thread id. */
export const CACHE_TAG = 0x80;

/** True when meta word `m` is a live slot (tag 1..MAX_THREADS). */
export function isLiveMeta(m: number): boolean {
  return (((m & 0xff) - 1) >>> 0) < MAX_THREADS;
}
/** Int32 words per slot before the slots: meta, next, born and site. */
export const SLOT_WORDS = 4;
/** Header words. */
export const HEADER_WORDS = P_CACHED + MAX_THREADS * CACHED_STRIDE;
/** Header bytes, a multiple of 64. @internal */
export const POOL_HEADER_BYTES = alignUp(HEADER_WORDS * 4, REGION_ALIGN);
/** Most slots in one pool: the index takes at most 22 of a handle's 30 bits. */
export const MAX_SLOTS = 1 << 22;
/**
 * Generation bits kept in meta. meta is gen << 8 | owner and stays below 2^30, so every word the
 * pool reads is a small integer in every engine: with pointer compression (Chromium) V8's small
 * integers have 31 bits, and a larger value read into a variable becomes a boxed heap number.
 */
export const MAX_GEN_BITS = 22;

export function bitLength(n: number): number {
  return 32 - Math.clz32(n);
}

/** Validates options and returns the region's size in bytes. @internal */
export function poolRegionBytes(name: string, o: PoolOptions): number {
  const bad = (what: string, value: unknown, fix: string): never => {
    throw memoryError('INVALID_OPTION', `createPool option ${what} is invalid`, {
      allocator: `pool "${name}"`, request: { [what]: value }, state: {}, suggestion: fix,
    });
  };
  if (typeof o !== 'object' || (o as unknown) === null) bad('options', o, 'pass an object such as { slotSize: 32, capacity: 1024 }.');
  if (!Number.isInteger(o.slotSize) || o.slotSize <= 0 || o.slotSize > 1 << 24) bad('slotSize', o.slotSize, 'use a positive integer number of bytes up to 16 MiB.');
  if (!Number.isInteger(o.capacity) || o.capacity <= 0 || o.capacity > MAX_SLOTS) bad('capacity', o.capacity, `use 1 to ${MAX_SLOTS} slots.`);
  const align = o.align ?? 8;
  if (!Number.isInteger(align) || align <= 0 || (align & (align - 1)) !== 0 || align > 4096) bad('align', align, 'use a power of two up to 4096.');
  if (o.batch !== undefined && (!Number.isInteger(o.batch) || o.batch < 1 || o.batch > 1024)) bad('batch', o.batch, 'use 1 to 1024.');
  const stride = alignUp(o.slotSize, align);
  return POOL_HEADER_BYTES + alignUp(SLOT_WORDS * 4 * o.capacity, REGION_ALIGN) + Math.max(align, REGION_ALIGN) + stride * o.capacity;
}

/** Writes a fresh pool at `offset`: every slot free, linked in index order. @internal */
export function initPool(i32: Int32Array, offset: number, o: PoolOptions): void {
  const b = offset >> 2;
  const cap = o.capacity;
  const align = o.align ?? 8;
  i32.fill(0, b, b + HEADER_WORDS);
  const meta = (offset + POOL_HEADER_BYTES) >> 2;
  const next = meta + cap;
  const data = alignUp(offset + POOL_HEADER_BYTES + alignUp(SLOT_WORDS * 4 * cap, REGION_ALIGN), Math.max(align, REGION_ALIGN));
  i32[b + P_SLOT_SIZE] = o.slotSize;
  i32[b + P_STRIDE] = alignUp(o.slotSize, align);
  i32[b + P_ALIGN] = align;
  i32[b + P_CAPACITY] = cap;
  const indexBits = Math.max(1, bitLength(cap - 1));
  i32[b + P_INDEX_BITS] = indexBits;
  // up to 4 tag bits tell pools' handles apart, while at least 8 generation bits remain
  const tagBits = Math.min(4, Math.max(0, 22 - indexBits));
  i32[b + P_TAG_BITS] = tagBits;
  i32[b + P_TAG] = tagBits === 0 ? 0 : 1 + ((offset >>> 6) % ((1 << tagBits) - 1));
  i32[b + P_LINK_BITS] = bitLength(cap);
  i32[b + P_BATCH] = o.batch ?? Math.min(32, Math.max(1, Math.floor(cap / 16)));
  i32[b + P_DATA] = data;
  i32[b + P_META] = meta;
  i32[b + P_NEXT] = next;
  i32[b + P_BORN] = next + cap;
  i32[b + P_SITE] = next + 2 * cap;
  i32.fill(0, next + cap, next + 3 * cap); // born and site: frame 0, site unknown
  i32.fill(1 << 8, meta, meta + cap); // generation 1, free
  for (let i = 0; i < cap; i++) i32[next + i] = i + 1 < cap ? i + 2 : 0;
  i32[b + P_HEAD] = 1; // tag 0, link to slot 0
  i32[b + P_FREE] = cap;
}

