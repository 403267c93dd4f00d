/**
 * The core asynchronous cache: {@link LruCache} plus `get(key, compute)` with cancellation,
 * timeouts, and invalidation of computations in flight.
 * @module
 */
import type { AsyncCacheOptions, CacheStats } from './cache-options.ts';
import { abortedError, invalidOption } from './errors.ts';
import type { CacheKey } from './key-hash.ts';
import type { AsyncLoader, CacheValue, Compute, GetOptions } from './loader.ts';
import { LruCache } from './lru-cache.ts';
import { NIL } from './lru-map.ts';
import { checkGetOptions, waitFor } from './wait.ts';

/** The computations of one key that are running; `epoch` moves on invalidate and clear. */
interface Pending {
  /** The cache's invalidation epoch when they started. */
  epoch: number;
  /** How many are running. */
  count: number;
}

/**
 * An asynchronous cache: LRU eviction under a byte budget, TTL, invalidation, stats, and
 * `get(key, compute)`. `peek` is the per-frame hit path (no promise, no garbage); `get` resolves a
 * hit at once and computes on a miss. Keys are numbers or strings, hashed without allocation;
 * values are anything but `undefined`.
 *
 * Overlapping misses of one key each run `compute`; the first value stored wins and later ones
 * are discarded (add {@link withDedup} so they share one run). An `invalidate` or `clear` during a
 * computation runs it again, so no caller gets a value from before the invalidation.
 *
 * Thread-safety: one thread: the instance lives in its creator's heap; give each worker its own.
 * @see {@link withDedup} (concurrent misses share one computation) and {@link withCircuitBreaker}
 * (fail fast on a key that keeps failing), the layers that wrap it.
 * @see {@link LruCache}, the synchronous cache underneath, without `get(key, compute)`.
 * @example
 * ```ts
 * const programs = new AsyncCache<string, WebGLProgram>({
 *   name: 'programs', maxBytes: 256, sizeOf: () => 1, onEvict: (_k, p) => { gl.deleteProgram(p); },
 * });
 * const prog = await programs.get('sprite', (name) => compileProgram(gl, name));
 * ```
 */
export class AsyncCache<K extends CacheKey, V extends CacheValue> extends LruCache<K, V> implements AsyncLoader<K, V> {
  private readonly pending = new Map<K, Pending>();
  private misses = 0;
  private computes = 0;
  private failures = 0;

  /**
   * @param options - budget, size function, TTL, default timeout, clock, eviction callback.
   * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION`, naming the option (`options` itself when it is
   * not an object: `null`; `timeoutMs` above 2147483647, setTimeout's 32-bit limit).
   */
  constructor(options: AsyncCacheOptions<K, V>) { // eslint-disable-line @typescript-eslint/no-useless-constructor -- documents the throw
    super(options);
  }

  /**
   * The value of `key`: the cached one (resolved at once), or else `compute(key, signal)`'s
   * result, stored and returned. A failure is not cached. If another value of `key` was stored
   * while computing, that one is returned and the computed one is discarded; if `key` was
   * invalidated while computing, `compute` runs again. When the caller leaves (signal, timeout),
   * `compute`'s signal aborts; a value it still delivers is cached.
   *
   * Thread-safety: owner thread.
   * @param key - a number or a string.
   * @param compute - called on a miss; its signal aborts when this caller leaves.
   * @param options - this caller's signal and timeout.
   * @returns the value. Rejects with the compute's own error, or a {@link nebula-memory!MemoryError}
   * `CACHE_ABORTED`, `CACHE_TIMEOUT`, `CACHE_BUDGET`, `INVALID_SIZE`, `INVALID_KEY` or `INVALID_OPTION`.
   * @example
   * ```ts
   * const tex = await textures.get('hero.png', (url, signal) => loadTexture(gl, url, signal), { timeoutMs: 10_000 });
   * ```
   */
  get(key: K, compute: Compute<K, V>, options?: GetOptions): Promise<V> {
    const bad = checkGetOptions(this.name, options);
    if (bad !== null) return Promise.reject(bad);
    const signal = options?.signal;
    if (signal?.aborted === true) return Promise.reject(abortedError(this.name, key, signal.reason));
    if (typeof key !== 'number' && typeof key !== 'string') return Promise.reject(this.invalidKey(key));
    const v = this.peek(key);
    if (v !== undefined) return Promise.resolve(v);
    return this.load(key, compute, signal, options?.timeoutMs ?? this.options.timeoutMs);
  }

  /**
   * Drops `key`'s value (`onEvict` reason `invalidated`) and makes a computation of `key` in
   * flight run again instead of caching its result. Returns whether a value was dropped.
   *
   * Thread-safety: owner thread.
   * @example
   * ```ts
   * hotReload.on('change', (url) => textures.invalidate(url));
   * ```
   */
  override invalidate(key: K): boolean {
    const p = this.pending.get(key);
    if (p !== undefined) p.epoch++;
    return super.invalidate(key);
  }

  /**
   * Drops every value (`onEvict` reason `cleared`) and makes computations in flight run again.
   *
   * Thread-safety: owner thread.
   * @example
   * ```ts
   * canvas.addEventListener('webglcontextlost', () => { textures.clear(); });
   * ```
   */
  override clear(): void {
    for (const p of this.pending.values()) p.epoch++;
    super.clear();
  }

  /**
   * Counters and contents, with misses, computes, failures and computations in flight.
   *
   * Thread-safety: owner thread.
   * @example
   * ```ts
   * const { hits, misses } = textures.stats();
   * ```
   */
  override stats(): CacheStats {
    return { ...super.stats(), misses: this.misses, computes: this.computes, failures: this.failures, inFlight: this.pending.size };
  }

  /**
   * Checks the structure (see {@link LruCache.checkInvariants}) and the bookkeeping of
   * computations in flight.
   *
   * Thread-safety: owner thread.
   * @throws {@link nebula-memory!MemoryError} `INVARIANT_VIOLATED` with the actual values.
   * @example
   * ```ts
   * textures.checkInvariants();
   * ```
   */
  override checkInvariants(): void {
    super.checkInvariants();
    for (const p of this.pending.values()) {
      if (!(p.count > 0)) throw this.broken(`a key in flight counts ${p.count} computations`, { count: p.count });
    }
  }

  private load(key: K, compute: Compute<K, V>, signal: AbortSignal | undefined, timeoutMs: number | undefined): Promise<V> {
    if (typeof (compute as unknown) !== 'function') {
      return Promise.reject(invalidOption(this.name, 'get', 'compute', compute, 'a function (key, signal) => value or promise'));
    }
    this.misses++;
    const controller = new AbortController();
    let pending = this.pending.get(key);
    if (pending === undefined) {
      pending = { epoch: 0, count: 0 };
      this.pending.set(key, pending);
    }
    pending.count++;
    const work = this.run(key, compute, controller.signal, pending);
    return waitFor(work, this.name, key, signal, timeoutMs, (error) => { controller.abort(error); });
  }

  private async run(key: K, compute: Compute<K, V>, signal: AbortSignal, pending: Pending): Promise<V> {
    try {
      for (;;) {
        const epoch = pending.epoch;
        this.computes++;
        let value: V;
        try {
          value = await compute(key, signal);
        } catch (e) {
          if (!signal.aborted) this.failures++;
          throw e;
        }
        if (pending.epoch === epoch) return this.keep(key, value);
        // invalidated or cleared while computing: the value may predate the invalidation
        this.discard(key, value);
        if (signal.aborted) throw signal.reason; // no caller is left; the reason is their CACHE_ABORTED/CACHE_TIMEOUT error
      }
    } finally {
      if (--pending.count === 0 && this.pending.get(key) === pending) this.pending.delete(key);
    }
  }

  /** Stores a computed value, unless another value of the key was stored meanwhile. */
  private keep(key: K, value: V): V {
    const map = this.map;
    const s = map.find(key);
    if (s !== NIL && !this.expired(s)) {
      const existing = map.valueAt(s);
      map.touch(s);
      if (existing !== value) this.discard(key, value);
      return existing;
    }
    let size: number;
    try {
      size = this.measure(key, value);
    } catch (e) {
      this.discard(key, value);
      throw e;
    }
    this.store(key, value, size);
    return value;
  }
}
