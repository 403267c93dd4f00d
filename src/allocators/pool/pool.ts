/**
 * The pool: fixed-size slots with generational handles, shared by every worker through a
 * lock-free free list (tagged head, ABA-safe) fronted by per-thread slot caches.
 * @module
 */
import '../../build.ts'; // defines __NEBULA_CHECKS__ where no bundler replaced it: before any check runs
import type { Handle, Offset } from '../../api.ts';
import { type SlotLoan, takeSlot } from './slot-loan.ts';
import { EV } from '../../stats/chrome-trace.ts';
import { flushCache, refillCache } from '../lockfree.ts';
import { isLiveMeta, L_ALLOCS, L_CACHE_TAG, L_FLIP, L_MAX, P_FREE } from './layout.ts';
import { PoolChecks } from './checks.ts';

export { POOL_HEADER_BYTES, initPool, poolRegionBytes } from './layout.ts';

// the statistics switch, beside the fast path that uses it: see src/build.ts
const STATS: boolean = typeof __NEBULA_STATS__ === 'undefined' || __NEBULA_STATS__;

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
export class Pool extends PoolChecks {
  /**
   * Takes a free slot and returns its handle.
   *
   * Thread-safety: any worker (through its own instance).
   * @returns a handle, never 0.
   * @throws {@link nebula-memory!MemoryError} `POOL_EXHAUSTED` when no slot is free.
   * @see {@link Pool.offsetOf} for the slot's byte offset, {@link Pool.free} to give it back.
   * @see {@link Pool.tryAlloc} to get 0 instead of `POOL_EXHAUSTED`, {@link Pool.take} for a slot that frees itself.
   * @example
   * ```ts
   * const h = bullets.alloc();
   * memory.f32[bullets.offsetOf(h) >> 2] = x;
   * ```
   */
  alloc(): Handle {
    // the fast path is a few bytes of bytecode so every engine inlines it (SpiderMonkey stops at
    // 130); the work is in handOut(), the refill and the errors in allocSlow()
    const c = this.cell;
    const n = c[0];
    return n !== 0 ? this.handOut(c, n - 1) : this.allocSlow(true);
  }

  /**
   * Like {@link Pool.alloc}, but returns 0 when no slot is free.
   *
   * Thread-safety: any worker (through its own instance).
   * @returns a handle, or 0.
   * @see {@link Pool.alloc}, which throws instead.
   * @example
   * ```ts
   * const h = particles.tryAlloc();
   * if (h === 0) return; // the fountain is full this frame
   * ```
   */
  tryAlloc(): Handle {
    const c = this.cell;
    const n = c[0];
    return n !== 0 ? this.handOut(c, n - 1) : this.allocSlow(false);
  }

  /**
   * Hands out cache entry `n` (the cache then holds `n`): the cache holds ready handles, and the
   * slot's meta word goes from this thread's cache tag to its owner tag by one XOR. No counter
   * but the line's allocation word; frees are derived (see PoolView).
   */
  private handOut(c: Int32Array, n: number): Handle {
    c[0] = n;
    if (STATS) c[L_ALLOCS]++;
    const h = this.cache[n];
    this.metas[h & this.indexMask] ^= c[L_FLIP];
    if (__NEBULA_CHECKS__) this.noteAlloc(h);
    return h;
  }

  /** The cache is empty: refills it and takes a slot, or fails (throws, or 0 from tryAlloc). */
  private allocSlow(throws: boolean): Handle {
    const n = this.refill();
    return n !== 0 ? this.handOut(this.cell, n - 1) : this.exhausted(throws);
  }

  /**
   * Takes a slot as a {@link SlotLoan} that frees itself at the end of a `using` block. The
   * loan objects are recycled, so this creates no garbage in steady state.
   *
   * Thread-safety: any worker (through its own instance).
   * @throws {@link nebula-memory!MemoryError} `POOL_EXHAUSTED`.
   * @see {@link Pool.alloc} and {@link Pool.free}, the same without `using`.
   * @see {@link SlotLoan.keep} to keep the slot past the block.
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
   * @throws {@link nebula-memory!MemoryError} `DOUBLE_FREE`, `STALE_HANDLE` or `INVALID_HANDLE`; nothing changes then.
   * @see {@link Pool.alloc}, which hands out the handle.
   * @see {@link Pool.isAlive} to test a handle without throwing, {@link Pool.take} for a slot freed at the end of a `using` block.
   * @example
   * ```ts
   * if (life <= 0) particles.free(h);
   * ```
   */
  free(h: Handle): void {
    if (__NEBULA_CHECKS__ && this.stale(h, 'free')) this.handleError('free', h);
    const c = this.cell;
    const n = c[0];
    if (n !== c[L_MAX]) this.put(h, c, n);
    else this.freeSlow(h);
  }

  /**
   * Caches the freed slot of `h` as entry `n`: the next generation, this thread's cache tag. `i`
   * and `g` are scratch parameters, not locals: SpiderMonkey counts a `let` in more bytecode bytes
   * than a parameter, and this method must stay under its 130-byte inlining limit.
   */
  private put(h: Handle, c: Int32Array, n: number, i?: number, g?: number): void {
    this.metas[(i = h & this.indexMask)] = ((g = this.nextGen(h)) << 8) | c[L_CACHE_TAG];
    if (__NEBULA_CHECKS__) this.freed(i);
    this.cache[n] = (g << this.genShift) | this.tagIdx | i;
    c[0] = n + 1;
  }

  /** The generation after `h`'s: 1 after the last one (0 never appears, so a handle is never 0). */
  private nextGen(h: Handle, g?: number): number {
    return (g = h >>> this.genShift) === this.genMask ? 1 : g + 1;
  }

  /** The cache is full: flushes a batch to the shared list, then caches the slot. */
  private freeSlow(h: Handle): void {
    const n = this.flushBatch(this.batch);
    this.put(h, this.cell, n);
  }

  /**
   * The byte offset of a live slot.
   *
   * Thread-safety: any worker.
   * @param h - a live handle from this pool.
   * @throws {@link nebula-memory!MemoryError} `STALE_HANDLE` or `INVALID_HANDLE`.
   * @see {@link Pool.alloc}, which hands out the handle, and {@link Pool.free}, after which the offset is invalid.
   * @example
   * ```ts
   * const p = particles.offsetOf(h);
   * memory.f32[(p >> 2) + 1] += dt * vy;
   * ```
   */
  offsetOf(h: Handle): Offset {
    if (__NEBULA_CHECKS__ && this.stale(h, 'offsetOf')) this.handleError('offsetOf', h);
    return this.data + (h & this.indexMask) * this.stride;
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
    this.memory.assertLive('flush', this.label); // a reclaim zeroed a dead thread's count: say so, even with nothing to flush
    if (this.count > 0) this.flushBatch(this.count);
  }

  /** Moves up to `batch` slots from the shared list into the empty cache; returns how many. */
  private refill(): number {
    this.memory.assertLive('alloc', this.label);
    // the protocol (sequence bumps, pop, counter, cache tags, cache count) is in lockfree.ts
    const k = refillCache(this.ops, this.shape, this.cache);
    this.netRefill += k;
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
    if (this.memory.tracer !== null) this.traceMove(EV.FLUSH, k, listed);
    return lo;
  }

  /** Records a refill or flush of `k` slots in the trace. */
  private traceMove(ev: number, k: number, listed: number): void {
    this.memory.tracer?.record(ev, this.base << 2, k, listed);
  }
}
