/**
 * The pool: fixed-size slots with generational handles, shared by every worker through a
 * lock-free free list (tagged head, ABA-safe) fronted by per-thread slot caches.
 * @module
 */
import '../../build.ts'; // defines __NEBULA_CHECKS__ where no bundler replaced it: before any check runs
import type { Handle, Offset } from '../../api.ts';
import type { PoolStats } from '../../api-reports.ts';
import { STAT } from '../../stats/fields.ts';
import { G_FRAME } from '../../memory/layout.ts';
import { poison, poisonWords } from '../poison.ts';
import { type LeakEntry, type LeakReport, callSite, leakReport } from '../../memory/leak-report.ts';
import { type SlotLoan, takeSlot } from './slot-loan.ts';
import { type MemoryError, hex, memoryError, typeName } from '../../errors.ts';
import { EV } from '../../stats/chrome-trace.ts';
import { MAX_THREADS } from '../../memory/layout.ts';
import type { MemoryHost } from '../../memory/host.ts';
import {
  SB_ALLOCATIONS, SB_BYTES, SB_ERRORS, SB_FAILURES, SB_FREES, SB_PEAK, countersInto, lastErrorCode, noteFrameHighWater, publishCounts, raiseTo,
  readCounter, readFrameRing, recordError, SB_HISTORY,
} from '../../stats/block.ts';
import { type CacheShape, flushCache, headTagMask, refillCache } from '../lockfree.ts';
import { AtomicOps } from '../../memory/shared-ops.ts';
import {
  BUSY, CACHE_TAG, CACHED_STRIDE, MAX_GEN_BITS, isLiveMeta, P_ALIGN, P_TAG, P_TAG_BITS, P_BATCH, P_BORN, P_CACHED, P_CAPACITY, P_DATA, P_FREE, P_HEAD, P_INDEX_BITS,
  P_LINK_BITS, P_META, P_NEXT, P_SLOT_SIZE, P_STRIDE,
} from './layout.ts';

// the build switches and the branch-free counter step: see src/build.ts
const STATS: boolean = typeof __NEBULA_STATS__ === 'undefined' || __NEBULA_STATS__;
const STAT_STEP = STATS ? 1 : 0;

export { POOL_HEADER_BYTES, initPool, poolRegionBytes } from './layout.ts';

/**
 * A pool of fixed-size slots. `alloc()` returns a generational {@link Handle}; `offsetOf(h)`
 * gives the slot's byte offset. Each thread keeps a small private cache of free slots and moves
 * them to and from the shared lock-free free list in batches, one CAS per batch.
 *
 * Get one with {@link Memory.createPool} or {@link Memory.pool}.
 *
 * Thread-safety: any worker, each through its own instance (`memory.pool(name)` in that thread).
 * A slot may be freed by another thread than the one that allocated it.
 * @example
 * ```ts
 * const particles = memory.createPool('particles', { slotSize: 32, align: 16, capacity: 100_000 });
 * const h = particles.alloc();
 * const p = particles.offsetOf(h);
 * memory.f32[p >> 2] = 0; // x
 * particles.free(h);
 * ```
 */
export class Pool {
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

  private readonly i32: Int32Array;
  private readonly u8: Uint8Array;
  private readonly f64: Float64Array;
  private declare readonly memory: MemoryHost;
  /** `pool "name"`, built once: the slow paths pass it without building a string. */
  private declare readonly label: string;
  private declare readonly base: number;
  private declare readonly data: number;
  private declare readonly meta: number;
  private declare readonly born: number;
  /** Slots are whole, aligned Int32 words: poisoned with plain stores. */
  private declare readonly wholeWords: boolean;
  /** Call sites of this thread's live slots, by slot index, while capture is on (checked build). */
  private sites: Map<number, string> | null = null;
  private declare readonly next: number;
  private declare readonly indexBits: number;
  private declare readonly indexMask: number;
  private declare readonly genMask: number;
  /** Bits below the generation in a handle: index bits + tag bits. */
  private declare readonly genShift: number;
  /** This pool's tag, in place in a handle: tag << indexBits. */
  private declare readonly tagIdx: number;
  /** The tag bits' mask, in place in a handle. */
  private declare readonly tagField: number;
  private declare readonly linkBits: number;
  private declare readonly linkMask: number;
  private declare readonly tagMask: number;
  private declare readonly batch: number;
  private declare readonly ownerTag: number;
  /** This thread's tag for slots in its cache: CACHE_TAG | thread id. */
  private declare readonly cacheTag: number;
  /** Word index of this thread's refill/flush sequence number. */
  private declare readonly busyWord: number;
  private declare readonly cachedWord: number;
  /** Free slots of this thread, as the handles they will have when allocated. */
  private declare readonly cache: Int32Array;
  private declare readonly ops: AtomicOps;
  /** This thread's cache as the refill and flush cores see it. */
  private declare readonly shape: CacheShape;
  private count = 0;
  // this thread's counts since its last publishStats(): plain fields, published once a frame
  private allocations = 0;
  // frees are not counted per free: the cache count moves by -1 per alloc and +1 per free, and by
  // the slots refills and flushes move, so frees = allocations + (count - countAtPublish) - netRefill
  /** Slots refilled minus slots flushed since the last publish (slow paths only). */
  private netRefill = 0;
  /** The cache count at the last publish. */
  private countAtPublish = 0;
  private failures = 0;
  /** Word index of the region's statistics block. */
  private declare readonly statsWord: number;

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
    this.wholeWords = this.slotSize % 4 === 0 && this.stride % 4 === 0;
    this.ops = new AtomicOps(i32);
    this.shape = Object.freeze({
      head: b + P_HEAD, next: this.next, capacity: this.capacity, linkBits: this.linkBits, tagMask: this.tagMask, meta: this.meta, free: b + P_FREE,
      cached: this.cachedWord, seq: this.busyWord, cacheTag: this.cacheTag, genShift: this.genShift, tagIdx: this.tagIdx, indexMask: this.indexMask,
      batch: this.batch,
    });
  }

  /**
   * Takes a free slot and returns its handle.
   *
   * Thread-safety: any worker (through its own instance).
   * @returns a handle, never 0.
   * @throws {@link MemoryError} `POOL_EXHAUSTED` when no slot is free.
   * @example
   * ```ts
   * const h = bullets.alloc();
   * memory.f32[bullets.offsetOf(h) >> 2] = x;
   * ```
   */
  alloc(): Handle {
    let n = this.count;
    if (n === 0) {
      n = this.refill();
      if (n === 0) return this.exhausted(true);
    }
    // the cache holds ready handles: no read of the slot's meta on this path
    const h = this.cache[--n];
    this.count = n;
    const i32 = this.i32;
    i32[this.cachedWord] = n;
    i32[this.meta + (h & this.indexMask)] = ((h >>> this.genShift) << 8) | this.ownerTag;
    if (__NEBULA_CHECKS__) this.noteAlloc(h);
    this.allocations += STAT_STEP;
    return h;
  }

  /**
   * Like {@link Pool.alloc}, but returns 0 when no slot is free.
   *
   * Thread-safety: any worker (through its own instance).
   * @returns a handle, or 0.
   * @example
   * ```ts
   * const h = particles.tryAlloc();
   * if (h === 0) return; // the fountain is full this frame
   * ```
   */
  tryAlloc(): Handle {
    let n = this.count;
    if (n === 0) {
      n = this.refill();
      if (n === 0) return this.exhausted(false);
    }
    // the cache holds ready handles: no read of the slot's meta on this path
    const h = this.cache[--n];
    this.count = n;
    const i32 = this.i32;
    i32[this.cachedWord] = n;
    i32[this.meta + (h & this.indexMask)] = ((h >>> this.genShift) << 8) | this.ownerTag;
    if (__NEBULA_CHECKS__) this.noteAlloc(h);
    this.allocations += STAT_STEP;
    return h;
  }

  /**
   * Takes a slot as a {@link SlotLoan} that frees itself at the end of a `using` block. The
   * loan objects are recycled, so this creates no garbage in steady state.
   *
   * Thread-safety: any worker (through its own instance).
   * @throws {@link MemoryError} `POOL_EXHAUSTED`.
   * @example
   * ```ts
   * {
   *   using s = particles.take();
   *   memory.f32[s.offset >> 2] = 1;
   * } // freed here
   * ```
   */
  take(): SlotLoan {
    return takeSlot(this);
  }

  /**
   * Returns a slot to the pool. Its generation moves on, so `h` and every copy of it become stale.
   *
   * **Safety:** the slot's offset becomes invalid; the next `alloc()` may hand it out again.
   * Wrong: `pool.free(h); memory.f32[pool.offsetOf(h) >> 2] = 0;` (offsetOf throws STALE_HANDLE),
   * or keeping `p = pool.offsetOf(h)` and writing through `p` after the free (not detectable).
   *
   * Thread-safety: any worker (through its own instance); a slot may be freed by a thread other
   * than its allocator, but never by two threads at once.
   * @param h - a live handle from this pool.
   * @throws {@link MemoryError} `DOUBLE_FREE`, `STALE_HANDLE` or `INVALID_HANDLE`; nothing changes then.
   * @example
   * ```ts
   * if (life <= 0) particles.free(h);
   * ```
   */
  free(h: Handle): void {
    const i = h & this.indexMask;
    const g = h >>> this.genShift;
    const i32 = this.i32;
    if (__NEBULA_CHECKS__) {
      const m = i32[this.meta + i];
      if ((m >>> 8) !== g || (((m & 0xff) - 1) >>> 0) >= MAX_THREADS || (h & this.tagField) !== this.tagIdx || i >= this.capacity || (h | 0) !== h || h <= 0) this.handleError('free', h);
    }
    const g2 = g === this.genMask ? 1 : g + 1;
    i32[this.meta + i] = (g2 << 8) | this.cacheTag;
    if (__NEBULA_CHECKS__) this.freed(i);
    let n = this.count;
    if (n === this.cache.length) n = this.flushBatch(this.batch);
    this.cache[n++] = (g2 << this.genShift) | this.tagIdx | i;
    this.count = n;
    i32[this.cachedWord] = n;
  }

  /**
   * The byte offset of a live slot.
   *
   * Thread-safety: any worker.
   * @param h - a live handle from this pool.
   * @throws {@link MemoryError} `STALE_HANDLE` or `INVALID_HANDLE`.
   * @example
   * ```ts
   * const p = particles.offsetOf(h);
   * memory.f32[(p >> 2) + 1] += dt * vy;
   * ```
   */
  offsetOf(h: Handle): Offset {
    const i = h & this.indexMask;
    if (__NEBULA_CHECKS__) {
      const m = this.i32[this.meta + i];
      if ((m >>> 8) !== h >>> this.genShift || (((m & 0xff) - 1) >>> 0) >= MAX_THREADS || (h & this.tagField) !== this.tagIdx || i >= this.capacity || (h | 0) !== h || h <= 0) this.handleError('offsetOf', h);
    }
    return this.data + i * this.stride;
  }

  /**
   * True when `h` is a live handle of this pool; never throws.
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * if (!pool.isAlive(target)) target = pickNewTarget();
   * ```
   */
  isAlive(h: Handle): boolean {
    if ((h | 0) !== h || h <= 0) return false;
    const i = h & this.indexMask;
    if (i >= this.capacity) return false;
    const m = this.i32[this.meta + i];
    return (m >>> 8) === h >>> this.genShift && (h & this.tagField) === this.tagIdx && isLiveMeta(m);
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

  private cachedTotal(): number {
    let c = 0;
    const w = this.base + P_CACHED;
    for (let t = 0; t < MAX_THREADS; t++) c += this.i32[w + t * CACHED_STRIDE];
    return c;
  }

  /**
   * Returns every slot of this thread's cache to the shared free list, so other workers can take
   * them. Call it when a worker stops using the pool.
   *
   * Thread-safety: any worker (its own instance).
   * @example
   * ```ts
   * pool.flush();
   * memory.detach();
   * ```
   */
  flush(): void {
    if (this.count > 0) this.flushBatch(this.count);
  }

  /** Moves up to `batch` slots from the shared list into the empty cache; returns how many. */
  private refill(): number {
    this.memory.assertLive('alloc', this.label);
    // the protocol (sequence bumps, pop, counter, cache tags, cache count) is in lockfree.ts
    const k = refillCache(this.ops, this.shape, this.cache);
    this.netRefill += k;
    this.count = k;
    if (this.memory.tracer !== null && k !== 0) this.traceMove(EV.REFILL, k, Atomics.load(this.i32, this.base + P_FREE));
    return k;
  }

  /** Pushes the top `k` cached slots onto the shared list with one CAS; returns the new count. */
  private flushBatch(k: number): number {
    this.memory.assertLive('free', this.label);
    const lo = this.count - k;
    // the protocol (sequence bumps, untag, link, push, counter, cache count) is in lockfree.ts
    const listed = flushCache(this.ops, this.shape, this.cache, this.count, k);
    this.netRefill -= k;
    this.count = lo;
    if (this.memory.tracer !== null) this.traceMove(EV.FLUSH, k, listed);
    return lo;
  }

  /** Records a refill or flush of `k` slots in the trace. */
  private traceMove(ev: number, k: number, listed: number): void {
    this.memory.tracer?.record(ev, this.base << 2, k, listed);
  }

  private exhausted(throws: boolean): 0 {
    this.failures++;
    if (!throws) return 0;
    const st = this.describe();
    throw this.raised(memoryError('POOL_EXHAUSTED', `all ${this.capacity} slots are taken or held in other threads' caches`, {
      allocator: `pool "${this.name}"`, request: { op: 'alloc' }, state: st,
      suggestion: `raise capacity above ${this.capacity}, free slots sooner, or call flush() in idle workers (${st.cached} slots sit in caches).`,
    }));
  }

  private handleError(op: string, h: Handle): never {
    const state = this.describe();
    if (typeof h !== 'number' || (h | 0) !== h || h <= 0 || (h & this.indexMask) >= this.capacity || h >>> this.genShift === 0) {
      throw this.raised(memoryError('INVALID_HANDLE', `${op}(${String(h)}) is not a handle of this pool`, {
        allocator: `pool "${this.name}"`, request: { op, handle: h }, state,
        suggestion: 'pass a value returned by alloc() of this same pool; 0 is the "no slot" result of tryAlloc().',
      }));
    }
    if ((h & this.tagField) !== this.tagIdx) {
      const tag = (h & this.tagField) >>> this.indexBits;
      throw this.raised(memoryError('FOREIGN_HANDLE', `${op}(${h}): the handle carries pool tag ${tag}, this pool's tag is ${this.tagIdx >>> this.indexBits}`, {
        allocator: `pool "${this.name}"`, request: { op, handle: h }, state: { ...state, handleTag: tag, poolTag: this.tagIdx >>> this.indexBits },
        suggestion: 'the handle comes from another pool: free it with the pool that allocated it (keep handles with their pool).',
      }));
    }
    const i = h & this.indexMask;
    const g = h >>> this.genShift;
    const m = this.i32[this.meta + i];
    const slot = { ...state, slot: i, offset: hex(this.data + i * this.stride), handleGeneration: g, slotGeneration: m >>> 8, slotLive: isLiveMeta(m) };
    const nextGen = g === this.genMask ? 1 : g + 1;
    if (op === 'free' && (m >>> 8) === nextGen && !isLiveMeta(m)) {
      throw this.raised(memoryError('DOUBLE_FREE', `free(${h}): slot ${i} was already freed`, {
        allocator: `pool "${this.name}"`, request: { op, handle: h }, state: slot,
        suggestion: 'free each handle once; set your copy to 0 after free(), and check isAlive() where ownership is shared.',
      }));
    }
    throw this.raised(memoryError('STALE_HANDLE', `${op}(${h}): slot ${i} is at generation ${m >>> 8}${isLiveMeta(m) ? '' : ' and free'}, the handle is from generation ${g}`, {
      allocator: `pool "${this.name}"`, request: { op, handle: h }, state: slot,
      suggestion: 'the slot was freed (and maybe reused) since this handle was taken; drop the handle, or check isAlive() first.',
    }));
  }

  private describe(): Record<string, number> {
    return {
      capacity: this.capacity, live: this.live, free: Atomics.load(this.i32, this.base + P_FREE),
      cached: this.cachedTotal(), cachedHere: this.count, stride: this.stride,
    };
  }

  /** Checked build: poisons slot `i` and forgets its call site. Kept out of free() so free() stays small. */
  private freed(i: number): void {
    const p = this.data + i * this.stride;
    if (this.wholeWords) poisonWords(this.i32, p >> 2, (p + this.slotSize) >> 2);
    else poison(this.u8, this.i32, this.f64, p, p + this.slotSize);
    this.sites?.delete(i);
    this.memory.tracer?.record(EV.FREE, this.base << 2, i, p);
  }

  private noteAlloc(h: Handle): void {
    const i = h & this.indexMask;
    this.i32[this.born + i] = this.i32[G_FRAME];
    if (this.memory.capturingSites) (this.sites ??= new Map()).set(i, callSite());
    this.memory.tracer?.record(EV.ALLOC, this.base << 2, i, this.data + i * this.stride);
  }

  /** Forgets every recorded call site (capture was switched off). @internal */
  forgetSites(): void {
    this.sites = null;
  }

  /**
   * What the pool still holds: every live slot with its handle, owner thread and the frame it was
   * allocated in, grouped by call site when {@link Memory.captureCallSites} is on in the thread
   * that allocated it. Take it at shutdown, or at any frame to find what outlives its frame.
   *
   * Thread-safety: any worker (a read; exact while no other thread allocates).
   * @param options - `bornBefore`: only slots allocated before this frame; `limit`: most entries listed (default 100).
   * @example
   * ```ts
   * const r = bullets.leaks({ bornBefore: memory.frame - 60 });
   * if (r.count > 0) console.warn(r.text);
   * ```
   */
  leaks(options: { readonly bornBefore?: number; readonly limit?: number } = {}): LeakReport {
    const entries: LeakEntry[] = [];
    const sites = this.sites;
    const i32 = this.i32;
    for (let i = 0; i < this.capacity; i++) {
      const m = i32[this.meta + i];
      if (!isLiveMeta(m)) continue;
      const frame = i32[this.born + i];
      if (options.bornBefore !== undefined && frame >= options.bornBefore) continue;
      entries.push({
        offset: this.data + i * this.stride, size: this.slotSize, handle: ((m >>> 8) << this.genShift) | this.tagIdx | i,
        thread: (m & 0xff) - 1, frame: __NEBULA_CHECKS__ ? frame : -1, site: sites?.get(i) ?? null,
      });
    }
    return leakReport(`pool "${this.name}"`, entries, options.limit ?? 100);
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
    publishCounts(i32, this.statsWord, this.allocations, this.unpublishedFrees(), this.allocations * this.slotSize, this.failures);
    this.allocations = this.failures = this.netRefill = 0;
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
   * Writes this pool's numbers into `out` at the {@link STAT} indexes, allocating nothing:
   * the every-frame form of {@link Pool.stats}.
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * const s = new Float64Array(STAT_COUNT);
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

  private badSlotRange(out: unknown, from: unknown): never {
    throw this.raised(memoryError('INVALID_OPTION', `slotOwnersInto(out, ${String(from)}): the first slot must be a whole number from 0 to ${this.capacity}, into a Uint8Array`, {
      allocator: this.label, request: { from, out: typeName(out) }, state: { capacity: this.capacity },
      suggestion: `pass a Uint8Array and a slot index from 0 to ${this.capacity}.`,
    }));
  }

  /** This thread's frees since its last publish, from the cache count's movement (see netRefill). */
  private unpublishedFrees(): number {
    return STATS ? this.allocations + (this.count - this.countAtPublish) - this.netRefill : 0;
  }

  /** Counts an error this pool raises in the shared block, and returns it to be thrown. */
  private raised(e: MemoryError): MemoryError {
    return recordError(this.memory, this.statsWord, this.base << 2, e);
  }

  /**
   * Checks the pool's invariants and throws `INVARIANT_VIOLATED` with the actual values: the free
   * list is acyclic and holds only free slots, every slot is live, listed or cached exactly once,
   * and the counts agree.
   *
   * Thread-safety: any worker, while no other thread is using the pool.
   * @example
   * ```ts
   * pool.checkInvariants();
   * ```
   */
  checkInvariants(): void {
    const i32 = this.i32;
    const cap = this.capacity;
    const b = this.base;
    const fail = (what: string, state: Record<string, number>): never => {
      throw this.raised(memoryError('INVARIANT_VIOLATED', what, { allocator: `pool "${this.name}"`, request: {}, state }));
    };
    const batch = i32[b + P_BATCH];
    if (i32[b + P_CAPACITY] !== cap || i32[b + P_STRIDE] !== this.stride || i32[b + P_SLOT_SIZE] !== this.slotSize || batch !== this.batch ||
      batch < 1 || batch > 1024 || i32[b + P_META] !== this.meta || i32[b + P_NEXT] !== this.next || i32[b + P_DATA] !== this.data) {
      fail('the header\'s constants changed or are out of range', { capacity: i32[b + P_CAPACITY], stride: i32[b + P_STRIDE], batch, data: i32[b + P_DATA] });
    }
    if (this.data + cap * this.stride > this.statsWord << 2) fail(`slots end at ${hex(this.data + cap * this.stride)}, past the region`, { data: this.data, capacity: cap });
    const seen = new Uint8Array(cap);
    let listed = 0;
    let link = Atomics.load(i32, b + P_HEAD) & this.linkMask;
    while (link !== 0) {
      if (link > cap) fail(`free list link ${link} is beyond capacity ${cap}`, { link, listed });
      const i = link - 1;
      if (seen[i] !== 0) fail(`free list visits slot ${i} twice (cycle)`, { slot: i, listed });
      seen[i] = 1;
      const m = i32[this.meta + i];
      if ((m & 0xff) !== 0) fail(`slot ${i} is in the free list but its tag is ${m & 0xff} (live or cached)`, { slot: i, meta: m });
      listed++;
      link = i32[this.next + i];
    }
    const free = Atomics.load(i32, b + P_FREE);
    if (listed !== free) fail(`free list holds ${listed} slots, counter says ${free}`, { listed, free });
    for (let k = 0; k < this.count; k++) {
      const h = this.cache[k];
      const i = h & this.indexMask;
      if (i >= cap) fail(`cache entry ${k} is slot ${i}, outside the pool`, { entry: k, slot: i });
      if (seen[i] !== 0) fail(`slot ${i} is both cached and listed (or cached twice)`, { slot: i });
      seen[i] = 2;
      const m = i32[this.meta + i];
      if ((m & 0xff) !== this.cacheTag) fail(`cached slot ${i} has tag ${m & 0xff}, not this thread's cache tag ${this.cacheTag}`, { slot: i, meta: m });
      if (m >>> 8 !== h >>> this.genShift || (h & this.tagField) !== this.tagIdx) fail(`cached handle ${h} has generation ${h >>> this.genShift}, slot ${i} has ${m >>> 8}`, { slot: i, handle: h, meta: m });
    }
    if (i32[this.cachedWord] !== this.count) fail(`published cache count ${i32[this.cachedWord]} != ${this.count}`, { published: i32[this.cachedWord], count: this.count });
    const cachedBy = new Int32Array(MAX_THREADS);
    let live = 0;
    for (let i = 0; i < cap; i++) {
      const m = i32[this.meta + i];
      const g = m >>> 8;
      const tag = m & 0xff;
      if (g < 1 || g > this.genMask) fail(`slot ${i} has generation ${g} outside 1..${this.genMask}`, { slot: i, generation: g });
      if (isLiveMeta(m)) live++;
      else if ((tag & CACHE_TAG) !== 0 && (tag & ~CACHE_TAG) < MAX_THREADS) cachedBy[tag & ~CACHE_TAG]++;
      else if (tag !== 0) fail(`slot ${i} has tag ${tag}, which is neither live, cached nor listed`, { slot: i, meta: m });
      else if (seen[i] !== 1) fail(`slot ${i} is free but neither listed nor cached (lost)`, { slot: i, meta: m });
    }
    for (let t = 0; t < MAX_THREADS; t++) {
      const published = i32[b + P_CACHED + t * CACHED_STRIDE];
      if (cachedBy[t] !== published) fail(`thread ${t} publishes ${published} cached slots, ${cachedBy[t]} slots carry its cache tag`, { thread: t, published, tagged: cachedBy[t] });
      if (published !== 0 && !this.memory.isThreadAttached(t)) fail(`thread ${t} caches ${published} slots but is not attached`, { thread: t, published });
    }
    if (live + listed + this.cachedTotal() !== cap) fail(`live ${live} + listed ${listed} + cached ${this.cachedTotal()} != capacity ${cap}`, { live, listed, cap });
  }
}
