/**
 * The read side of a pool: its constants, this thread's cache and counters, and what any thread
 * reads of it from the shared buffer (live slots, statistics, frame history, slot owners).
 * {@link Pool} adds the checks and the allocation paths on top.
 * @module
 * @internal
 */
import '../../build.ts'; // defines __NEBULA_CHECKS__ where no bundler replaced it: before any check runs
import type { PoolStats } from '../../api-reports.ts';
import { STAT } from '../../stats/fields.ts';
import { type MemoryError, badOutArray, memoryError, typeName } from '../../errors.ts';
import { MAX_THREADS } from '../../memory/layout.ts';
import type { MemoryHost } from '../../memory/host.ts';
import {
  SB_ALLOCATIONS, SB_BYTES, SB_ERRORS, SB_FAILURES, SB_FREES, SB_PEAK, countersInto, lastErrorCode, noteFrameHighWater, publishCounts, raiseTo, readCounter, readFrameRing, recordError, SB_HISTORY,
} from '../../stats/block.ts';
import { type CacheShape, headTagMask } from '../lockfree.ts';
import { AtomicOps } from '../../memory/shared-ops.ts';
import {
  BUSY, CACHE_TAG, CACHED_STRIDE, L_ALLOCS, L_CACHE_TAG, L_FLIP, L_MAX, MAX_GEN_BITS, P_ALIGN, P_TAG, P_TAG_BITS, P_BATCH, P_BORN, P_CACHED, P_CAPACITY, P_DATA, P_FREE, P_HEAD, P_INDEX_BITS, P_LINK_BITS, P_META, P_NEXT, P_SITE, P_SLOT_SIZE, P_STRIDE,
} from './layout.ts';

/** The statistics switch (src/build.ts): without statistics, frees are not derived. */
const STATS: boolean = typeof __NEBULA_STATS__ === 'undefined' || __NEBULA_STATS__;

/**
 * A pool's state and read side; every {@link Pool} is one. Not created directly.
 *
 * Thread-safety: the instance of one thread; the reads see every thread's work.
 * @internal
 */
export class PoolView {
  /** The region's name. */
  declare readonly name: string;
  /** Number of slots. */
  declare readonly capacity: number;
  /** Bytes per slot as asked. */
  declare readonly slotSize: number;
  /** Bytes between two slots. */
  declare readonly stride: number;
  /** Slot alignment. */
  declare readonly align: number;
  protected readonly i32: Int32Array;
  protected readonly u8: Uint8Array;
  protected readonly f64: Float64Array;
  protected declare readonly memory: MemoryHost;
  /** `pool "name"`, built once: the slow paths pass it without building a string. */
  protected declare readonly label: string;
  protected declare readonly base: number;
  protected declare readonly data: number;
  protected declare readonly meta: number;
  protected declare readonly born: number;
  /** Word index of site[0]: each slot's call-site id (P_SITE). */
  protected declare readonly site: number;
  /** Slots are whole, aligned Int32 words: poisoned with plain stores. */
  protected declare readonly wholeWords: boolean;
  protected declare readonly next: number;
  protected declare readonly indexBits: number;
  protected declare readonly indexMask: number;
  protected declare readonly genMask: number;
  /** Bits below the generation in a handle: index bits + tag bits. */
  protected declare readonly genShift: number;
  /** This pool's tag, in place in a handle: tag << indexBits. */
  protected declare readonly tagIdx: number;
  /** The tag bits' mask, in place in a handle. */
  protected declare readonly tagField: number;
  protected declare readonly linkBits: number;
  protected declare readonly linkMask: number;
  protected declare readonly tagMask: number;
  protected declare readonly batch: number;
  protected declare readonly ownerTag: number;
  /** This thread's tag for slots in its cache: CACHE_TAG | thread id. */
  protected declare readonly cacheTag: number;
  /** Word index of this thread's refill/flush sequence number. */
  protected declare readonly busyWord: number;
  protected declare readonly cachedWord: number;
  /**
   * This thread's line of the header (count, sequence, allocations, flip, cache tag, capacity:
   * see L_ALLOCS), as a view: the fast paths read and write it without an index sum.
   */
  protected declare readonly cell: Int32Array;
  /** The slots' meta words, as a view from meta[0]. */
  protected declare readonly metas: Int32Array;
  /** Free slots of this thread, as the handles they will have when allocated. */
  protected declare readonly cache: Int32Array;
  protected declare readonly ops: AtomicOps;
  /** This thread's cache as the refill and flush cores see it. */
  protected declare readonly shape: CacheShape;
  /** This thread's allocation counter (its line's L_ALLOCS word) at its last publish. */
  protected allocsAtPublish = 0;
  // frees are not counted per free: the cache count moves by -1 per alloc and +1 per free, and by
  // the slots refills and flushes move, so frees = allocations + (count - countAtPublish) - netRefill
  /** Slots refilled minus slots flushed since the last publish (slow paths only). */
  protected netRefill = 0;
  /** The cache count at the last publish. */
  protected countAtPublish = 0;
  protected failures = 0;
  /** Word index of the region's statistics block. */
  protected declare readonly statsWord: number;

  /** @internal */
  constructor(memory: MemoryHost, name: string, offset: number, statsOffset: number) {
    const i32 = (this.i32 = memory.i32);
    this.statsWord = statsOffset >> 2;
    const b = (this.base = offset >> 2);
    this.memory = memory;
    this.u8 = memory.u8;
    this.f64 = memory.f64;
    this.name = name;
    this.label = `pool "${name}"`;
    this.born = i32[b + P_BORN];
    this.site = i32[b + P_SITE];
    this.capacity = i32[b + P_CAPACITY];
    this.slotSize = i32[b + P_SLOT_SIZE];
    this.stride = i32[b + P_STRIDE];
    this.align = i32[b + P_ALIGN];
    this.data = i32[b + P_DATA];
    this.meta = i32[b + P_META];
    this.next = i32[b + P_NEXT];
    this.indexBits = i32[b + P_INDEX_BITS];
    this.indexMask = (1 << this.indexBits) - 1;
    const tagBits = i32[b + P_TAG_BITS];
    this.genShift = this.indexBits + tagBits;
    this.tagIdx = i32[b + P_TAG] << this.indexBits;
    this.tagField = ((1 << tagBits) - 1) << this.indexBits;
    this.genMask = (1 << Math.min(30 - this.genShift, MAX_GEN_BITS)) - 1;
    this.linkBits = i32[b + P_LINK_BITS];
    this.linkMask = (1 << this.linkBits) - 1;
    this.tagMask = headTagMask(this.linkBits);
    this.batch = i32[b + P_BATCH];
    this.ownerTag = memory.threadId + 1;
    this.cacheTag = CACHE_TAG | memory.threadId;
    this.cachedWord = b + P_CACHED + memory.threadId * CACHED_STRIDE;
    this.busyWord = this.cachedWord + BUSY;
    this.cache = new Int32Array(2 * this.batch);
    const cell = (this.cell = i32.subarray(this.cachedWord, this.cachedWord + CACHED_STRIDE));
    this.metas = i32.subarray(this.meta, this.meta + this.capacity);
    cell[L_FLIP] = this.ownerTag ^ this.cacheTag;
    cell[L_CACHE_TAG] = this.cacheTag;
    cell[L_MAX] = this.cache.length;
    this.allocsAtPublish = cell[L_ALLOCS];
    this.countAtPublish = cell[0];
    this.wholeWords = this.slotSize % 4 === 0 && this.stride % 4 === 0;
    this.ops = new AtomicOps(i32);
    this.shape = Object.freeze({
      head: b + P_HEAD, next: this.next, capacity: this.capacity, linkBits: this.linkBits, tagMask: this.tagMask, meta: this.meta, free: b + P_FREE,
      cached: this.cachedWord, seq: this.busyWord, cacheTag: this.cacheTag, genShift: this.genShift, tagIdx: this.tagIdx, indexMask: this.indexMask,
      batch: this.batch,
    });
  }

  /** Slots in this thread's cache: its line's count word (refills, flushes and reclaims write it too). */
  protected get count(): number {
    return this.cell[0];
  }

  /** This thread's allocations since its last publish (the counter wraps; the difference does not). */
  protected get allocations(): number {
    return (this.cell[L_ALLOCS] - this.allocsAtPublish) | 0;
  }

  /**
   * Slots handed out and not freed, across all threads.
   *
   * Thread-safety: any worker; exact when no other thread is mid-operation.
   * @example
   * ```ts
   * hud.text = `${pool.live} / ${pool.capacity}`;
   * ```
   */
  get live(): number {
    return this.capacity - Atomics.load(this.i32, this.base + P_FREE) - this.cachedTotal();
  }

  protected cachedTotal(): number {
    let c = 0;
    const w = this.base + P_CACHED;
    for (let t = 0; t < MAX_THREADS; t++) c += this.i32[w + t * CACHED_STRIDE];
    return c;
  }

  protected describe(): Record<string, number> {
    return {
      capacity: this.capacity, live: this.live, free: Atomics.load(this.i32, this.base + P_FREE),
      cached: this.cachedTotal(), cachedHere: this.count, stride: this.stride,
    };
  }

  /**
   * A frozen snapshot of the pool.
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * const { live, capacity } = pool.stats();
   * ```
   */
  stats(): PoolStats {
    const i32 = this.i32;
    const free = Atomics.load(i32, this.base + P_FREE);
    const cached = this.cachedTotal();
    const live = this.capacity - free - cached;
    const allocations = readCounter(i32, this.statsWord + SB_ALLOCATIONS) + this.allocations;
    return Object.freeze({
      kind: 'pool', name: this.name, capacity: this.capacity, slotSize: this.slotSize, stride: this.stride,
      live, free, cached, peak: Math.max(live, Atomics.load(i32, this.statsWord + SB_PEAK)),
      allocations, frees: readCounter(i32, this.statsWord + SB_FREES) + this.unpublishedFrees(),
      bytes: readCounter(i32, this.statsWord + SB_BYTES) + this.allocations * this.slotSize,
      failures: readCounter(i32, this.statsWord + SB_FAILURES) + this.failures,
      errors: Atomics.load(i32, this.statsWord + SB_ERRORS), lastError: lastErrorCode(i32, this.statsWord),
    });
  }

  /**
   * Adds this thread's counts since the last publish (allocations, frees, bytes, failures) to
   * the shared statistics block, and records the live slots as this frame's high water and peak.
   *
   * Thread-safety: any worker (its own instance); a few atomic adds.
   * @example
   * ```ts
   * particles.publishStats();
   * ```
   */
  publishStats(): void {
    const i32 = this.i32;
    const allocations = this.allocations;
    publishCounts(i32, this.statsWord, allocations, this.unpublishedFrees(), allocations * this.slotSize, this.failures);
    this.allocsAtPublish = this.cell[L_ALLOCS];
    this.failures = this.netRefill = 0;
    this.countAtPublish = this.count;
    const live = this.live;
    raiseTo(i32, this.statsWord + SB_PEAK, live);
    noteFrameHighWater(i32, this.statsWord, this.memory.frame, live);
  }

  /**
   * Writes the most live slots seen at the publish points of each of the last ended frames (up
   * to 64, oldest first) into `out`; returns how many. Allocates nothing.
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * const h = new Float64Array(64);
   * const n = particles.frameHistoryInto(h);
   * ```
   */
  frameHistoryInto(out: Float64Array | Int32Array): number {
    return readFrameRing(this.i32, this.statsWord + SB_HISTORY, this.memory.frame, out);
  }

  /**
   * Writes the owner of slots `from .. from + out.length - 1` into `out`: 0 for a free slot,
   * otherwise the id + 1 of the thread that allocated it. Allocates nothing: the inspector
   * draws hundreds of thousands of slots from it every frame.
   *
   * Thread-safety: any worker (a racy read while others allocate: a glimpse, not a proof).
   * @returns how many slots it wrote (fewer at the end of the pool).
   * @example
   * ```ts
   * const owners = new Uint8Array(pool.capacity);
   * pool.slotOwnersInto(owners, 0);
   * ```
   */
  slotOwnersInto(out: Uint8Array, from: number): number {
    if (!(out instanceof Uint8Array) || typeof from !== 'number' || !Number.isInteger(from) || from < 0 || from > this.capacity) this.badSlotRange(out, from);
    const n = Math.max(0, Math.min(out.length, this.capacity - from));
    const i32 = this.i32;
    const meta = this.meta + from;
    for (let k = 0; k < n; k++) {
      const tag = i32[meta + k] & 0xff;
      out[k] = tag > MAX_THREADS ? 0 : tag;
    }
    return n;
  }

  /**
   * Writes, for each thread id t (`out[0..63]`), the free slots in t's private cache of this
   * pool: slots no other thread can allocate until t uses, flushes or gives them back (a
   * reclaim returns a dead thread's). Read from the shared buffer. Allocates nothing: the
   * inspector calls it every frame.
   *
   * Thread-safety: any worker (a racy read while threads allocate: a glimpse, not a proof).
   * @param out - 64 entries or more; entries past 63 are left alone.
   * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` when `out` is not an `Int32Array` of at least 64 entries.
   * @example
   * ```ts
   * const cached = new Int32Array(64); // once
   * particles.cachedSlotsInto(cached);
   * const held = cached.reduce((a, b) => a + b, 0); // the same as stats().cached
   * ```
   */
  cachedSlotsInto(out: Int32Array): void {
    if (!(out instanceof Int32Array) || out.length < MAX_THREADS) throw this.raised(badOutArray(this.label, 'cachedSlotsInto', out, 'Int32Array', MAX_THREADS));
    const i32 = this.i32;
    const w = this.base + P_CACHED;
    for (let t = 0; t < MAX_THREADS; t++) out[t] = i32[w + t * CACHED_STRIDE];
  }

  /**
   * Writes this pool's numbers into `out` at the {@link STAT} indexes, allocating nothing:
   * the every-frame form of {@link Pool.stats}.
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * const s = new Float64Array(STAT_COUNT); // the entries statsInto() writes
   * particles.statsInto(s);
   * hud.text = `${s[STAT.USED]} / ${s[STAT.CAPACITY]} particles`;
   * ```
   */
  statsInto(out: Float64Array): void {
    out.fill(0);
    countersInto(this.i32, this.statsWord, out, this.allocations, this.unpublishedFrees(), this.allocations * this.slotSize, this.failures);
    const free = Atomics.load(this.i32, this.base + P_FREE);
    const cached = this.cachedTotal();
    const live = this.capacity - free - cached;
    out[STAT.USED] = live;
    out[STAT.PEAK] = Math.max(live, Atomics.load(this.i32, this.statsWord + SB_PEAK));
    out[STAT.CAPACITY] = this.capacity;
    out[STAT.DEPTH] = cached;
    out[STAT.FREE] = free;
  }

  protected badSlotRange(out: unknown, from: unknown): never {
    throw this.raised(memoryError('INVALID_OPTION', `slotOwnersInto(out, ${String(from)}): the first slot must be a whole number from 0 to ${this.capacity}, into a Uint8Array`, {
      allocator: this.label, request: { from, out: typeName(out) }, state: { capacity: this.capacity },
      suggestion: `pass a Uint8Array and a slot index from 0 to ${this.capacity}.`,
    }));
  }

  /** This thread's frees since its last publish, from the cache count's movement (see netRefill). */
  protected unpublishedFrees(): number {
    return STATS ? this.allocations + (this.count - this.countAtPublish) - this.netRefill : 0;
  }

  /** Counts an error this pool raises in the shared block, and returns it to be thrown. */
  protected raised(e: MemoryError): MemoryError {
    return recordError(this.memory, this.statsWord, this.base << 2, e);
  }
}
