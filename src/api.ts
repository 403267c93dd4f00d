/**
 * What goes into the memory: offsets, handles, marks, and the options of the memory and its
 * allocators. What comes out (threads, regions, statistics, snapshots) is in api-reports.ts.
 * Types only.
 * @module
 */

/**
 * A byte offset into the memory's buffer: a plain number, never an object. Offset 0 is never a
 * valid block (the global header is there), so `0` means "no block" in `try*` methods.
 * Read through the memory's views: `mem.f32[(p >> 2) + 1]` is the second float of block `p`.
 *
 * Thread-safety: a number; valid in every thread attached to the same memory.
 * @example
 * ```ts
 * const p: Offset = arena.alloc(16);
 * memory.f32[p >> 2] = 1.5;
 * ```
 */
export type Offset = number;

/**
 * A pool slot's generational handle: `generation << (indexBits + tagBits) | tag << indexBits | index`,
 * always a positive small integer (below 2^30). `indexBits` = bitLength(capacity − 1); `tagBits` is
 * 4 for pools up to 2^18 slots and fewer for larger ones (0 from 2^22), leaving at least 8
 * generation bits; `tag` (1 .. 2^tagBits − 1) marks the pool, so the checked build reports a
 * handle passed to the wrong pool as `FOREIGN_HANDLE`. A freed handle becomes stale; using it is
 * a `STALE_HANDLE` or `DOUBLE_FREE` error. `0` means "no slot" in `tryAlloc()`.
 *
 * Thread-safety: a number; valid in every thread attached to the same memory.
 * @example
 * ```ts
 * const h: Handle = pool.alloc();
 * const p = pool.offsetOf(h);
 * ```
 */
export type Handle = number;

/**
 * A position to rewind or release to, returned by `mark()`. A plain number.
 *
 * Thread-safety: a number; only meaningful to the allocator instance (and thread) that made it.
 * @example
 * ```ts
 * const m: Mark = stack.mark();
 * stack.release(m);
 * ```
 */
export type Mark = number;

/**
 * Options of {@link Memory.createArena}.
 *
 * Thread-safety: a plain data shape; any worker.
 * @example
 * ```ts
 * const opts: ArenaOptions = { capacity: 1 << 20, frames: 2 };
 * ```
 */
export interface ArenaOptions {
  /** Bytes per frame. MUST be a positive integer; rounded up to 64. */
  readonly capacity: number;
  /**
   * How many frames an allocation stays valid: 1, 2, 3 or 4. With 2, a render worker reads frame
   * N-1 while the simulation writes frame N. `0` unties the arena from the frame clock: only
   * `reset()` frees it.
   * @defaultValue 1
   */
  readonly frames?: number;
  /**
   * Bytes a thread leases from the shared cursor at once (its lane). MUST be a power of two, at least 64.
   * @defaultValue 65536 (capped at the capacity)
   */
  readonly laneBytes?: number;
  /**
   * Checked build only: guard bytes after every block, filled with 0xFD and verified on
   * `release()`, `rewind()` and `reset()`, so a write past a block's end is reported as
   * `RED_ZONE_OVERWRITTEN`, naming the block. A multiple of 4 from 0 to 64. It changes offsets.
   * @defaultValue 0 (off)
   */
  readonly redZone?: number;
}

/**
 * Options of {@link Memory.createPool}.
 *
 * Thread-safety: a plain data shape; any worker.
 * @example
 * ```ts
 * const opts: PoolOptions = { slotSize: 32, align: 16, capacity: 100_000 };
 * ```
 */
export interface PoolOptions {
  /** Bytes per slot. MUST be a positive integer. */
  readonly slotSize: number;
  /** Slots in the pool, 1 to 4,194,304. */
  readonly capacity: number;
  /**
   * Alignment of every slot. MUST be a power of two, at most 4096.
   * @defaultValue 8
   */
  readonly align?: number;
  /**
   * Slots a thread moves between its private cache and the shared free list at once. MUST be at least 1.
   * @defaultValue capacity / 16, clamped to 1..32
   */
  readonly batch?: number;
}

/**
 * Options of {@link Memory.createStack}.
 *
 * Thread-safety: a plain data shape; any worker.
 * @example
 * ```ts
 * const opts: StackOptions = { capacity: 64 << 10 };
 * ```
 */
export interface StackOptions {
  /** Bytes of the stack, including 8 bytes of bookkeeping per block. MUST be a positive integer. */
  readonly capacity: number;
  /**
   * Checked build only: guard bytes after every block, filled with 0xFD and verified on `pop()`,
   * `release()` and `reset()` (`RED_ZONE_OVERWRITTEN`, naming the block). A multiple of 4 from 0 to 64.
   * @defaultValue 0 (off)
   */
  readonly redZone?: number;
}

/**
 * Options of {@link createMemory}.
 *
 * Thread-safety: a plain data shape; any worker.
 * @example
 * ```ts
 * const memory = createMemory({ size: 16 << 20 });
 * ```
 */
export interface MemoryOptions {
  /** Buffer size in bytes, 16 KiB to 1 GiB. */
  readonly size: number;
  /**
   * `'auto'` uses a SharedArrayBuffer when the page is cross-origin isolated and falls back to an
   * ArrayBuffer with a reason otherwise; `true` requires shared memory (a `NOT_SHARED` error
   * otherwise); `false` forces single-thread mode.
   * @defaultValue 'auto'
   */
  readonly shared?: boolean | 'auto';
  /**
   * With `shared: 'auto'`, when a page or worker is not cross-origin isolated and the memory falls
   * back to an ArrayBuffer, `createMemory` calls `console.warn` once per realm, naming the two
   * headers to send (`Cross-Origin-Opener-Policy: same-origin`,
   * `Cross-Origin-Embedder-Policy: require-corp`) and how to send them. `false` keeps the console
   * quiet (for a page that is meant to run single-threaded and reads `memory.isolation` itself).
   * Never warns in Node, nor for `shared: false`.
   * @defaultValue true
   * @example
   * ```ts
   * const memory = createMemory({ size: 16 << 20, warnIfNotShared: false });
   * if (!memory.shared) showBanner(memory.isolation.fix);
   * ```
   */
  readonly warnIfNotShared?: boolean;
  /** A name for the creating thread (thread 0), shown by {@link Memory.threads} and in errors. @defaultValue 'main' */
  readonly name?: string;
}

/**
 * Options of `attachMemory(init, options)`.
 *
 * Thread-safety: a plain data shape; any worker.
 * @example
 * ```ts
 * const memory = attachMemory(e.data, { name: 'sim-1' });
 * ```
 */
export interface AttachOptions {
  /** This thread's name, 1 to 31 characters of `A-Z a-z 0-9 _ . : -`, shown by {@link Memory.threads} and in `LANE_LEASED` messages. */
  readonly name?: string;
}

/**
 * What a worker receives through `postMessage`: the result of {@link Memory.share}.
 *
 * Thread-safety: structured-cloneable; post it to any worker.
 * @example
 * ```ts
 * worker.postMessage(memory.share());
 * ```
 */
export interface SharedMemoryInit {
  /** Marks the object, so attach can tell it from other messages. */
  readonly kind: 'nebula-memory';
  /** The shared buffer itself. */
  readonly buffer: SharedArrayBuffer;
  /** The layout version of the sender. */
  readonly version: number;
}
