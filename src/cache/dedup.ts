/**
 * The dedup layer: concurrent misses of one key share a single computation.
 * @module
 */
import type { CacheKey } from './key-hash.ts';
import type { AsyncLoader, CacheValue, Compute, GetOptions } from './loader.ts';
import { loaderError } from './errors.ts';
import { settleEarly, waitFor } from './wait.ts';

/**
 * Counters of a {@link DedupLoader}.
 *
 * Thread-safety: a plain data snapshot; any worker.
 * @example
 * ```ts
 * const { started, joined } = textures.stats();
 * console.log(`${joined} of ${started + joined} misses shared a load`);
 * ```
 */
export interface DedupStats {
  /** Computations started (misses with no computation of the key in flight). */
  readonly started: number;
  /** Misses that joined a computation already in flight instead of starting one. */
  readonly joined: number;
  /** Keys with a computation in flight now. */
  readonly inFlight: number;
}

/** One shared computation and how many callers still wait for it. */
interface Flight<V> {
  /** The computation's result. */
  readonly promise: Promise<V>;
  /** Aborts the computation when the last waiter gives up. */
  readonly controller: AbortController;
  /** Callers still waiting for it. */
  waiters: number;
}

/**
 * A layer that makes concurrent misses of one key share one call of the inner `get`, so
 * `compute` runs once. Every caller keeps its own signal and timeout: one caller leaving does not
 * disturb the others, and only when every caller has left is the shared computation's signal
 * aborted. A failure reaches every waiting caller and is not cached: the next `get` computes
 * again. `invalidate(key)` during a computation makes it run again, and every waiting caller gets
 * the new value.
 *
 * Get one with {@link withDedup}.
 *
 * Thread-safety: one thread: the instance lives in its creator's heap; give each worker its own.
 * @example
 * ```ts
 * const textures = withDedup(new AsyncCache<string, WebGLTexture>({ maxBytes: 256 << 20, sizeOf: texBytes }));
 * const [a, b] = await Promise.all([textures.get('hero.png', load), textures.get('hero.png', load)]); // one load
 * ```
 */
export class DedupLoader<K extends CacheKey, V extends CacheValue> implements AsyncLoader<K, V> {
  private readonly inner: AsyncLoader<K, V>;
  private readonly flights = new Map<K, Flight<V>>();
  private started = 0;
  private joined = 0;

  /**
   * @param inner - the loader to call once per key at a time.
   * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` when `inner` is not a loader (`null`, a plain object).
   */
  constructor(inner: AsyncLoader<K, V>) {
    const bad = loaderError('withDedup', inner);
    if (bad !== null) throw bad;
    this.inner = inner;
  }

  /** The inner loader's name. Thread-safety: owner thread. @example `console.log(textures.name)` */
  get name(): string {
    return this.inner.name;
  }

  /**
   * The cached value, from the inner loader; allocates nothing.
   *
   * Thread-safety: owner thread.
   * @example
   * ```ts
   * const tex = textures.peek('hero.png') ?? placeholder;
   * ```
   */
  peek(key: K): V | undefined {
    return this.inner.peek(key);
  }

  /**
   * The value of `key`: cached, or shared with a computation in flight, or computed by one call
   * of the inner `get` that later callers join. `options.timeoutMs` and `options.signal` bound
   * this caller's wait only; the inner loader's own limits (such as the cache's `timeoutMs`)
   * bound the shared computation.
   *
   * Thread-safety: owner thread.
   * @returns the value; rejects like the inner `get`, or with `CACHE_ABORTED` / `CACHE_TIMEOUT` for this caller.
   * @example
   * ```ts
   * const tex = await textures.get(url, loadTexture, { signal: level.signal });
   * ```
   */
  get(key: K, compute: Compute<K, V>, options?: GetOptions): Promise<V> {
    const early = settleEarly(this.name, this.inner, key, options); // also checks the options
    if (early !== undefined) return early;
    const signal = options?.signal;
    const timeoutMs = options?.timeoutMs;
    let flight = this.flights.get(key);
    if (flight === undefined) flight = this.start(key, compute);
    else this.joined++;
    const f = flight;
    f.waiters++;
    return waitFor(f.promise, this.name, key, signal, timeoutMs, (error) => {
      if (--f.waiters > 0) return;
      if (this.flights.get(key) === f) this.flights.delete(key); // the next get starts afresh
      f.controller.abort(error);
    });
  }

  /**
   * Invalidates `key` in the inner loader. A computation of `key` in flight stays shared: it runs
   * again (the inner cache sees the invalidation), and its callers get the new value.
   *
   * Thread-safety: owner thread.
   * @example
   * ```ts
   * textures.invalidate('hero.png');
   * ```
   */
  invalidate(key: K): boolean {
    return this.inner.invalidate(key);
  }

  /**
   * Clears the inner loader; computations in flight run again.
   *
   * Thread-safety: owner thread.
   * @example
   * ```ts
   * textures.clear();
   * ```
   */
  clear(): void {
    this.inner.clear();
  }

  /**
   * Counters; see {@link DedupStats}.
   *
   * Thread-safety: owner thread.
   * @example
   * ```ts
   * console.log(textures.stats().inFlight);
   * ```
   */
  stats(): DedupStats {
    return { started: this.started, joined: this.joined, inFlight: this.flights.size };
  }

  private start(key: K, compute: Compute<K, V>): Flight<V> {
    this.started++;
    const controller = new AbortController();
    const flight: Flight<V> = { promise: this.inner.get(key, compute, { signal: controller.signal }), controller, waiters: 0 };
    this.flights.set(key, flight);
    const done = (): void => {
      if (this.flights.get(key) === flight) this.flights.delete(key);
    };
    flight.promise.then(done, done);
    return flight;
  }
}

/**
 * Wraps a loader so concurrent misses of one key share one computation; see {@link DedupLoader}.
 * Put it outermost: `withDedup(withCircuitBreaker(cache, …))`, so the breaker counts one failure
 * per computation, not one per waiting caller.
 *
 * Thread-safety: one thread, like the loader it wraps.
 * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` when `inner` is not a loader.
 * @see {@link withCircuitBreaker}, the layer to put inside it.
 * @see {@link AsyncCache}, the cache at the bottom of the stack.
 * @example
 * ```ts
 * const cache = new AsyncCache<string, WebGLProgram>({ maxBytes: 64, sizeOf: () => 1 });
 * const programs = withDedup(cache);
 * ```
 */
export function withDedup<K extends CacheKey, V extends CacheValue>(inner: AsyncLoader<K, V>): DedupLoader<K, V> {
  return new DedupLoader(inner);
}
