/**
 * The byte layout of the global header and the region table. Every slot is a named Int32 word
 * index with its invariant. Nothing here allocates; other modules import the constants.
 * @module
 * @internal
 */

/** `'NBMM'` little-endian: the first word of every nebula-memory buffer. */
export const MAGIC = 0x4d4d424e;
/** Layout version. Bump it whenever a header slot moves. */
export const LAYOUT_VERSION = 5;

// ---- global header: Int32 word indexes (byte offset = 4 * index) ----
/** Always MAGIC. */
export const G_MAGIC = 0;
/** Always LAYOUT_VERSION. */
export const G_VERSION = 1;
/** Total buffer size in bytes; equals buffer.byteLength. */
export const G_SIZE = 2;
/** Current frame number; only grows, by `advance()`. */
export const G_FRAME = 3;
/** Number of ready regions in the table; 0 <= count <= MAX_REGIONS. */
export const G_REGION_COUNT = 4;
/** First free byte after the regions; DATA_START <= brk <= size, a multiple of REGION_ALIGN. */
export const G_BRK = 5;
/** 1 when the buffer is a SharedArrayBuffer, 0 in single-thread fallback mode. */
export const G_SHARED = 6;
/**
 * Region-table lock: 0 free, otherwise the holder's thread id + 1. Held only while a region's
 * entry and bytes are reserved (never while the region is initialised); `reclaimThread` breaks it.
 */
export const G_TABLE_LOCK = 7;
/**
 * Words 8 and 9: a random id of this memory, written by createMemory. It names the Web Locks a
 * browser thread holds while attached (liveness.ts), so two memories' locks never collide.
 * (Which thread ids are in use is each thread slot's state word, claimed with one CAS.)
 */
export const G_MEMORY_ID = 8;
/** Count of attach() calls ever made, for diagnostics. */
export const G_ATTACHES = 10;
/** Region-table entries in use (ready, being initialised, or abandoned); G_REGION_COUNT <= entries <= MAX_REGIONS. */
export const G_ENTRIES = 11;
/** Count of reclaimThread() calls that reclaimed a thread; only grows. */
export const G_RECLAIMS = 12;
/**
 * Byte offset of the call-site table's first chunk (memory/call-sites.ts), 0 until a thread
 * first switches `captureCallSites(true)` on (checked build). Written once, under the table lock.
 */
export const G_SITES = 13;

/** Bytes of the global header. */
export const GLOBAL_HEADER_BYTES = 64;

// ---- region table ----
/** Most regions one memory holds. */
export const MAX_REGIONS = 64;
/** Bytes per table entry. */
export const ENTRY_BYTES = 64;
/** Longest region name, in ASCII characters. */
export const MAX_NAME = 31;
/** Byte offset of the first table entry. */
export const TABLE_START = GLOBAL_HEADER_BYTES;

// entry word indexes, relative to the entry's first word
/** Words 0..7: the name, ASCII, zero-padded (32 bytes, at most MAX_NAME characters). */
export const E_NAME = 0;
/** Region kind: one of KIND_*. */
export const E_KIND = 8;
/** Byte offset of the region; a multiple of REGION_ALIGN. */
export const E_OFFSET = 9;
/** Byte length of the region; a multiple of REGION_ALIGN. */
export const E_BYTES = 10;
/** 0 empty, 1 being initialised, 2 ready, 3 abandoned (its creator died). An entry is written fully before it becomes ready. */
export const E_STATE = 11;
/** Byte offset of the region's statistics block (its last STATS_BYTES bytes, inside E_BYTES). */
export const E_STATS = 12;

/** The thread id + 1 of the entry's creator (kept after it is ready, for diagnostics). */
export const E_CREATOR = 13;
/** 1 when the region's kind takes part in the frame clock (its kind has clock hooks), else 0. */
export const E_CLOCKED = 14;

/** Entry state: reserved, its allocator header being written by the creator. */
export const ENTRY_INIT = 1;
/** Entry state: ready to attach. */
export const ENTRY_READY = 2;
/** Entry state: the creator died while initialising; the entry and its bytes are never used. */
export const ENTRY_ABANDONED = 3;

/** Region kind codes stored in E_KIND (memory/kinds.ts maps a code to its kind): 1 to 15 are this library's. The frame arena. */
export const KIND_ARENA = 1;
/** Kind code of the pool. */
export const KIND_POOL = 2;
/** Kind code of the stack. */
export const KIND_STACK = 3;

/** Regions start on a cache line, so two allocators never share one. */
export const REGION_ALIGN = 64;
/** Most threads (main + workers) attached at once; ids are 0..MAX_THREADS-1. */
export const MAX_THREADS = 64;

// ---- thread table: one slot per thread id, after the region table ----
/** Byte offset of the thread table. */
export const THREADS_START = TABLE_START + MAX_REGIONS * ENTRY_BYTES;
/** Bytes per thread slot. */
export const THREAD_SLOT_BYTES = 64;
// slot word indexes, relative to the slot's first word
/** One of THREAD_*: free, attached, detached, reclaimed or being reclaimed. Attaching is one CAS on this word. */
export const T_STATE = 0;
/** How often the id was handed out; grows on every attach and every reclaim. A thread's own copy must equal it. */
export const T_GEN = 1;
/** The last frame the thread reported (attach, `release()`, `publishStats()`), or -1. */
export const T_FRAME = 2;
/** The frame the thread attached in. */
export const T_ATTACHED_AT = 3;
/** Words 4..11: the thread's name, ASCII, zero-padded (at most MAX_NAME characters). */
export const T_NAME = 4;
/**
 * The frame in which another thread reclaimed the slot's holder, or -1 when it was not reclaimed
 * (the slot is unused, or its holder is attached or detached itself). Reset at every attach;
 * `reclaimThread` writes it and the three counts below before the id becomes free.
 * @example
 * ```ts
 * const reclaimedIn = Atomics.load(i32, threadWordOf(t) + T_RECLAIMED_AT); // -1: not reclaimed
 * ```
 */
export const T_RECLAIMED_AT = 12;
/**
 * What that reclaim released: arena segments in which the holder held a lease; 0 when not reclaimed.
 * @example
 * ```ts
 * const leases = Atomics.load(i32, threadWordOf(t) + T_RELEASED_LEASES);
 * ```
 */
export const T_RELEASED_LEASES = 13;
/**
 * What that reclaim released: free pool slots of the holder's caches (and slots it had in flight); 0 when not reclaimed.
 * @example
 * ```ts
 * const slots = Atomics.load(i32, threadWordOf(t) + T_RELEASED_SLOTS);
 * ```
 */
export const T_RELEASED_SLOTS = 14;
/**
 * What that reclaim released: stacks the holder owned, now emptied and ownerless; 0 when not reclaimed.
 * @example
 * ```ts
 * const stacks = Atomics.load(i32, threadWordOf(t) + T_RELEASED_STACKS);
 * ```
 */
export const T_RELEASED_STACKS = 15;

/** Thread slot state: never used, or freed. */
export const THREAD_FREE = 0;
/** Thread slot state: attached and presumed alive. */
export const THREAD_ATTACHED = 1;
/** Thread slot state: the thread detached itself; the id is free. */
export const THREAD_DETACHED = 2;
/** Thread slot state: the thread was reclaimed by another thread; the id is free. */
export const THREAD_RECLAIMED = 3;
/** Thread slot state: another thread is reclaiming it right now; the id is not free yet. */
export const THREAD_RECLAIMING = 4;

// ---- frame times: a ring of the last FRAME_TIMES durations, after the thread table ----
/**
 * Byte offset of the frame-time ring.
 * @example
 * ```ts
 * const us = Atomics.load(i32, (FRAME_TIMES_START >> 2) + (frame % FRAME_TIMES));
 * ```
 */
export const FRAME_TIMES_START = THREADS_START + MAX_THREADS * THREAD_SLOT_BYTES;
/**
 * Entries of the frame-time ring. Word `(FRAME_TIMES_START >> 2) + f % FRAME_TIMES` holds the
 * duration of frame f in microseconds (0 ≤ value ≤ 2^31 − 1), written by the `advance()` that
 * ends it, before the frame number moves on; entries of frames not yet ended are stale or 0.
 */
export const FRAME_TIMES = 64;

/** First byte after the frame-time ring: where regions begin; a multiple of REGION_ALIGN. */
export const DATA_START = FRAME_TIMES_START + FRAME_TIMES * 4;
/** Largest buffer, so every offset and every `offset + size` stays a small integer. */
export const MAX_MEMORY_BYTES = 1 << 30;

/** Rounds `n` up to a multiple of the power of two `a`. */
export function alignUp(n: number, a: number): number {
  return (n + a - 1) & -a;
}

/** The Int32 word index of thread `t`'s slot. */
export function threadWordOf(t: number): number {
  return (THREADS_START + t * THREAD_SLOT_BYTES) >> 2;
}

/** The Int32 word index of region-table entry `i`'s first word. */
export function entryWordOf(i: number): number {
  return (TABLE_START + i * ENTRY_BYTES) >> 2;
}
