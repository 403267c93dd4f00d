/**
 * What the memory reports: its threads, its regions, each allocator's statistics, reclaims and
 * snapshots. Types only; what goes in is in api.ts.
 * @module
 */
import type { MemoryErrorCode } from './errors.ts';

/**
 * The state of a thread slot: `attached` while the thread uses the memory; `detached` after it
 * called `detach()`; `reclaiming` while another thread's `reclaimThread()` releases what it held
 * (its id is not free yet); `reclaimed` after that; `free` if never used. Detached, reclaimed and
 * free ids are handed to the next thread that attaches.
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * const dead = memory.threads().filter((t) => t.state === 'reclaimed');
 * ```
 */
export type ThreadState = 'free' | 'attached' | 'detached' | 'reclaiming' | 'reclaimed';

/**
 * One thread slot of the memory's thread table, as {@link Memory.threads} returns it.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * for (const t of memory.threads()) if (t.lag > 2) console.warn(`${t.name} lags ${t.lag} frames`);
 * ```
 */
export interface ThreadInfo {
  /** The thread id, 0..63. */
  readonly id: number;
  /** How often the id was handed out or reclaimed; a reclaimed thread's own copy no longer matches. */
  readonly generation: number;
  /** The name given at attach ('' for none). */
  readonly name: string;
  /** The slot's state. */
  readonly state: ThreadState;
  /** The last frame the thread reported: at attach, `arena.release()` and `memory.publishStats()`. */
  readonly lastFrame: number;
  /** Frames the thread is behind the clock (`frame - lastFrame`) while attached; 0 otherwise. */
  readonly lag: number;
  /** The frame the thread attached in. */
  readonly attachedAt: number;
  /**
   * The frame in which another thread's `reclaimThread()` reclaimed this slot's holder, or -1
   * when it was not reclaimed (it is attached, or detached itself). A new attach to the id
   * resets it, with `released`.
   */
  readonly reclaimedAt: number;
  /**
   * What that reclaim released, as its {@link ReclaimReport} said: arena segments whose lease it
   * held, free pool slots of its caches, and stacks it owned. All 0 when `reclaimedAt` is -1.
   */
  readonly released: {
    /** Arena segments in which the thread held a lease. */
    readonly leases: number;
    /** Pool slots returned from its caches to the shared free lists. */
    readonly slots: number;
    /** Stacks it owned, emptied and left without an owner. */
    readonly stacks: number;
  };
}

/**
 * What {@link Memory.reclaimThread} gave back.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * const r = memory.reclaimThread(id);
 * if (r) console.log(`released ${r.leases} leases, ${r.slots} slots, ${r.stacks} stacks`);
 * ```
 */
export interface ReclaimReport {
  /** The reclaimed id. */
  readonly id: number;
  /** The thread's name ('' for none). */
  readonly name: string;
  /** The generation the thread had; the id's generation is now higher. */
  readonly generation: number;
  /** Arena segments in which the thread held a lease, now released. */
  readonly leases: number;
  /** Pool slots the thread held in its caches, now back on the shared free lists. */
  readonly slots: number;
  /** Stacks the thread owned, now empty and without an owner (any thread may `adopt()` them). */
  readonly stacks: number;
  /**
   * What regions of registered kinds (`registerKind()`) released, by kind name; present only
   * when one released something.
   */
  readonly custom?: Readonly<Record<string, number>>;
  /** True when the thread held the region-table lock, now released. */
  readonly lock: boolean;
  /** Regions the thread was creating, now abandoned (their names are free again). */
  readonly abandoned: number;
}


/**
 * A region's kind: one of the three built-in allocators, or a kind registered with
 * `registerKind()`, whose name has the form `scope:name` (`unknown:<code>` for a kind the
 * reading thread has not registered).
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * const k: RegionKind = 'pool';
 * ```
 */
export type RegionKind = BuiltInRegionKind | `${string}:${string}`;

/**
 * The three allocator kinds this library provides: the frame arena, the pool and the stack.
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * const builtIn = (k: RegionKind): k is BuiltInRegionKind => k === 'arena' || k === 'pool' || k === 'stack';
 * ```
 */
export type BuiltInRegionKind = 'arena' | 'pool' | 'stack';

/**
 * One entry of the region table, as {@link Memory.regions} lists it.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * for (const r of memory.regions()) console.log(r.name, r.kind, r.byteLength);
 * ```
 */
export interface RegionInfo {
  /** The region's name. */
  readonly name: string;
  /** Which allocator owns it. */
  readonly kind: RegionKind;
  /** Byte offset of the region in the buffer. */
  readonly offset: number;
  /** Byte length of the region, header included. */
  readonly byteLength: number;
}

/**
 * The counters every allocator keeps, shared by {@link ArenaStats}, {@link PoolStats} and
 * {@link StackStats}. Threads count in plain fields and publish once a frame
 * ({@link Memory.publishStats}; `advance()` publishes the frame clock's thread), so a reader
 * sees every thread's published counts plus its own instance's unpublished ones.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * const { allocations, bytes, failures } = memory.pool('particles').stats();
 * ```
 */
export interface AllocatorCounters {
  /** Successful allocations (arena allocs, pool allocs, stack pushes), all threads. */
  readonly allocations: number;
  /** Bytes handed out by those allocations (pools: allocations x slot size). */
  readonly bytes: number;
  /** Requests that failed (full arena, empty pool, stack overflow), thrown or returned as 0. */
  readonly failures: number;
  /** `MemoryError`s this region raised, in any thread (misuse included). */
  readonly errors: number;
  /** The code of the last of those errors, or null. */
  readonly lastError: MemoryErrorCode | null;
}

/**
 * A frame arena's frozen snapshot.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * const s: ArenaStats = arena.stats();
 * console.log(`${s.used} / ${s.capacity} bytes, peak ${s.peak}`);
 * ```
 */
export interface ArenaStats extends AllocatorCounters {
  /** Always `'arena'`. */
  readonly kind: 'arena';
  /** The region's name. */
  readonly name: string;
  /** Bytes per frame segment. */
  readonly capacity: number;
  /** Bytes reserved in the current frame's segment (includes other threads' unused lane tails). */
  readonly used: number;
  /** Most bytes ever reserved in one segment. */
  readonly peak: number;
  /** Frames kept alive (0 = manual). */
  readonly frames: number;
  /** Lane size in bytes. */
  readonly laneBytes: number;
  /** Lanes leased right now in the current segment. */
  readonly leases: number;
  /** Resets and frame recycles of any segment. */
  readonly resets: number;
}

/**
 * A pool's frozen snapshot.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * const s: PoolStats = pool.stats();
 * console.log(`${s.live} of ${s.capacity} slots live`);
 * ```
 */
export interface PoolStats extends AllocatorCounters {
  /** Always `'pool'`. */
  readonly kind: 'pool';
  /** The region's name. */
  readonly name: string;
  /** Slots in the pool. */
  readonly capacity: number;
  /** Bytes per slot as asked. */
  readonly slotSize: number;
  /** Bytes between two slots (slot size rounded up to the alignment). */
  readonly stride: number;
  /** Slots handed out and not freed. */
  readonly live: number;
  /** Slots in the shared free list. */
  readonly free: number;
  /** Free slots held in threads' private caches. */
  readonly cached: number;
  /** Most slots live at once, as seen now and at every publish point. */
  readonly peak: number;
  /** Frees, all threads. */
  readonly frees: number;
}

/**
 * A stack's frozen snapshot.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * const s: StackStats = stack.stats();
 * console.log(`depth ${s.depth}, ${s.used} bytes`);
 * ```
 */
export interface StackStats extends AllocatorCounters {
  /** Always `'stack'`. */
  readonly kind: 'stack';
  /** The region's name. */
  readonly name: string;
  /** Bytes of the stack. */
  readonly capacity: number;
  /** Bytes in use, block headers included. */
  readonly used: number;
  /** Most bytes ever in use. */
  readonly peak: number;
  /** Blocks pushed and not popped. */
  readonly depth: number;
  /** Thread id of the owner. */
  readonly owner: number;
  /** Open marks (the newest 7), oldest first: absolute offsets at or below the top. */
  readonly marks: readonly number[];
  /** Blocks popped or released. */
  readonly frees: number;
}

/**
 * The stats of a region of a registered kind (`scope:name`): at least the shared counters. A
 * kind's own `stats()` may add fields; a thread that has not registered the kind reads only
 * these, from the region's statistics block.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * for (const r of memory.snapshot().customRegions ?? []) console.log(r.name, r.stats.kind, r.stats.allocations);
 * ```
 */
export interface CustomRegionStats extends AllocatorCounters {
  /** The kind's name, `scope:name`. */
  readonly kind: `${string}:${string}`;
  /** The region's name. */
  readonly name: string;
}

/**
 * One region in a {@link MemorySnapshot}: where it is, and its allocator's stats.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * for (const r of memory.snapshot().regions) if (r.stats.kind === 'pool') console.log(r.name, r.stats.live);
 * ```
 */
export interface RegionSnapshot extends RegionInfo {
  /** The allocator's frozen stats, read from the shared buffer. */
  readonly stats: ArenaStats | PoolStats | StackStats;
  /**
   * The high water of each of the last ended frames (up to 64), oldest first: arenas the bytes
   * reserved, pools the live slots, stacks the bytes in use (pools and stacks as seen at the
   * frame's publish points).
   */
  readonly frameHistory: readonly number[];
  /** Arenas: bytes each thread leased in the current frame, by thread id (empty for pools and stacks). */
  readonly lanes: readonly number[];
}

/**
 * A region of a kind registered with `registerKind()` in a {@link MemorySnapshot}.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * for (const r of memory.snapshot().customRegions ?? []) console.log(`${r.stats.kind} ${r.name}: ${r.stats.allocations}`);
 * ```
 */
export interface CustomRegionSnapshot extends RegionInfo {
  /** The region's frozen stats. */
  readonly stats: CustomRegionStats;
  /** The high water of each of the last ended frames (up to 64), oldest first, as the kind records it. */
  readonly frameHistory: readonly number[];
  /** Bytes each thread holds in the current frame, by thread id, where the kind reports it (else empty). */
  readonly lanes: readonly number[];
}

/**
 * A frozen, plain-object picture of the whole memory: for logging, tests and the inspector.
 * It is JSON-serializable.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * console.log(JSON.stringify(memory.snapshot()));
 * ```
 */
export interface MemorySnapshot {
  /** The frame number when the snapshot was taken. */
  readonly frame: number;
  /** True for a SharedArrayBuffer. */
  readonly shared: boolean;
  /** Buffer size in bytes. */
  readonly byteLength: number;
  /** Bytes not yet given to any region. */
  readonly unusedBytes: number;
  /** Thread ids attached right now. */
  readonly threads: readonly number[];
  /**
   * The duration of each of the last ended frames (up to 64), oldest first, in milliseconds
   * (microsecond resolution): the time from one `advance()` to the next, as
   * {@link Memory.frameTimesInto} reads it. Empty before the first `advance()`.
   */
  readonly frameTimes: readonly number[];
  /** Every arena, pool and stack, in creation order. */
  readonly regions: readonly RegionSnapshot[];
  /** Every region of a registered kind (`registerKind()`), in creation order; present only when there is one. */
  readonly customRegions?: readonly CustomRegionSnapshot[];
}
