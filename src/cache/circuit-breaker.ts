/**
 * The circuit-breaker layer, per key: closed, open after N failures in a row, half-open after a
 * cool-down. An open key fails fast with `CIRCUIT_OPEN`, which says when it will retry.
 * @module
 */
import { MemoryError } from '../errors.ts';
import { performanceClock, type Clock } from './clock.ts';
import { cacheError, cacheLabel, describeReason, invalidOption, isPositiveFinite, loaderError, showKey } from './errors.ts';
import type { CacheKey } from './key-hash.ts';
import type { AsyncLoader, CacheValue, Compute, GetOptions } from './loader.ts';
import { settleEarly } from './wait.ts';

/**
 * Options of {@link withCircuitBreaker}. Bad values throw `INVALID_OPTION`.
 *
 * Thread-safety: a plain data shape; any worker.
 * @example
 * ```ts
 * const opts: CircuitBreakerOptions = { failureThreshold: 3, coolDownMs: 10_000 };
 * ```
 */
export interface CircuitBreakerOptions {
  /** Failures in a row that open a key's circuit: a positive integer. */
  readonly failureThreshold: number;
  /** Milliseconds an open circuit fails fast before one trial is let through: positive, finite. */
  readonly coolDownMs: number;
  /** The time source of cool-downs. @defaultValue `performanceClock` */
  readonly clock?: Clock;
}

/**
 * A key's circuit: `closed` (calls go through), `open` (calls fail fast until the cool-down
 * ends), `half-open` (the cool-down ended: the next call is a trial, or one is running).
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * if (breaker.state(url) === 'open') showBrokenAssetIcon(url);
 * ```
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * Counters of a {@link CircuitBreakerLoader}.
 *
 * Thread-safety: a plain data snapshot; any worker.
 * @example
 * ```ts
 * console.log(`${breaker.stats().open} assets failing`);
 * ```
 */
export interface CircuitBreakerStats {
  /** Keys whose circuit is open or half-open now. */
  readonly open: number;
  /** Keys with any failure on record (open, half-open, or closed with failures below the threshold). */
  readonly tracked: number;
  /** Times a circuit opened (or re-opened after a failed trial). */
  readonly opened: number;
  /** Calls that failed fast with `CIRCUIT_OPEN`. */
  readonly rejected: number;
}

/** Rejections that say nothing about the source: the caller's abort, and the caller's own bad arguments. */
const NOT_A_FAILURE: ReadonlySet<string> = new Set(['CACHE_ABORTED', 'INVALID_OPTION', 'INVALID_KEY']);
const CLOSED = 0;
const OPEN = 1;
const TRIAL = 2; // half-open with the trial call running

/** One key's record; a key without one is closed with no failures. */
interface Circuit {
  /** Closed, open or trial (the constants above). */
  phase: number;
  /** Failures in a row. */
  failures: number;
  /** When an open circuit lets a trial call through, on the layer's clock (ms). */
  retryAt: number;
  /** The last failure, rethrown while the circuit is open. */
  lastError: unknown;
}

/**
 * A layer that keeps a circuit per key. Failures in a row (a rejection of the inner `get`, except
 * the caller's own abort and its own bad arguments: `CACHE_ABORTED`, `INVALID_OPTION`, `INVALID_KEY`) open the key's circuit after `failureThreshold`; while it is open,
 * `get` fails fast with `CIRCUIT_OPEN`, whose `state.retryAt` and `state.retryInMs` say when the
 * next try happens, and whose `cause` is the last failure. After `coolDownMs` the circuit is
 * half-open: one call goes through as a trial (others still fail fast); success closes it,
 * failure opens it for another cool-down. `invalidate(key)` forgets the key's failures (the asset
 * changed: try again now). Hits are never blocked.
 *
 * Get one with {@link withCircuitBreaker}.
 *
 * Thread-safety: one thread: the instance lives in its creator's heap; give each worker its own.
 * @example
 * ```ts
 * const breaker = withCircuitBreaker(cache, { failureThreshold: 3, coolDownMs: 5000 });
 * const textures = withDedup(breaker);
 * ```
 */
export class CircuitBreakerLoader<K extends CacheKey, V extends CacheValue> implements AsyncLoader<K, V> {
  private readonly inner: AsyncLoader<K, V>;
  private readonly threshold: number;
  private readonly coolDownMs: number;
  private readonly clock: Clock;
  private readonly circuits = new Map<K, Circuit>();
  private opened = 0;
  private rejected = 0;

  /**
   * @param inner - the loader whose failures are counted.
   * @param options - threshold, cool-down, clock.
   * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION`, naming the option.
   */
  constructor(inner: AsyncLoader<K, V>, options: CircuitBreakerOptions) {
    const notLoader = loaderError('withCircuitBreaker', inner);
    if (notLoader !== null) throw notLoader;
    if (typeof options !== 'object' || (options as unknown) === null) {
      throw invalidOption(inner.name, 'withCircuitBreaker', 'options', options, 'an object such as { failureThreshold: 3, coolDownMs: 5000 }');
    }
    const o: Partial<CircuitBreakerOptions> = options;
    const bad = (what: string, value: unknown, allowed: string): MemoryError => invalidOption(inner.name, 'withCircuitBreaker', what, value, allowed);
    if (!(Number.isSafeInteger(o.failureThreshold) && (o.failureThreshold ?? 0) > 0)) throw bad('failureThreshold', o.failureThreshold, 'a positive integer');
    if (!isPositiveFinite(o.coolDownMs)) throw bad('coolDownMs', o.coolDownMs, 'a positive finite number of milliseconds');
    if (o.clock !== undefined && typeof (o.clock as Partial<Clock> | null)?.now !== 'function') throw bad('clock', o.clock, 'an object with a now() method');
    this.inner = inner;
    this.threshold = o.failureThreshold ?? 1;
    this.coolDownMs = o.coolDownMs;
    this.clock = o.clock ?? performanceClock;
  }

  /** The inner loader's name. Thread-safety: owner thread. @example `console.log(breaker.name)` */
  get name(): string {
    return this.inner.name;
  }

  /**
   * The cached value, from the inner loader; never blocked, allocates nothing.
   *
   * Thread-safety: owner thread.
   * @example
   * ```ts
   * const tex = breaker.peek('hero.png') ?? placeholder;
   * ```
   */
  peek(key: K): V | undefined {
    return this.inner.peek(key);
  }

  /**
   * The value of `key`: a hit, or the inner `get`, unless the key's circuit is open (or its trial
   * is running): then it rejects at once with `CIRCUIT_OPEN` and `compute` is not called.
   *
   * Thread-safety: owner thread.
   * @returns the value; rejects like the inner `get`, or with {@link nebula-memory!MemoryError} `CIRCUIT_OPEN`.
   * @example
   * ```ts
   * breaker.get(url, loadTexture).catch((e: unknown) => {
   *   if (e instanceof MemoryError && e.code === 'CIRCUIT_OPEN') console.warn(`retry in ${String(e.state.retryInMs)} ms`);
   * });
   * ```
   */
  get(key: K, compute: Compute<K, V>, options?: GetOptions): Promise<V> {
    const early = settleEarly(this.name, this.inner, key, options);
    if (early !== undefined) return early;
    const c = this.circuits.get(key);
    if (c !== undefined && c.phase !== CLOSED) {
      const now = this.clock.now();
      if (c.phase === TRIAL || now < c.retryAt) {
        this.rejected++;
        return Promise.reject(this.openError(key, c, now));
      }
      c.phase = TRIAL; // the cool-down is over: this call is the trial
    }
    const p = this.inner.get(key, compute, options);
    p.then(() => { this.circuits.delete(key); }, (e: unknown) => { this.failed(key, e); });
    return p;
  }

  /**
   * The circuit of `key` now.
   *
   * Thread-safety: owner thread.
   * @example
   * ```ts
   * if (breaker.state('hero.png') !== 'closed') drawPlaceholder();
   * ```
   */
  state(key: K): CircuitState {
    const c = this.circuits.get(key);
    if (c === undefined || c.phase === CLOSED) return 'closed';
    return c.phase === TRIAL || this.clock.now() >= c.retryAt ? 'half-open' : 'open';
  }

  /**
   * Forgets `key`'s failures (closing its circuit) and invalidates it in the inner loader.
   *
   * Thread-safety: owner thread.
   * @example
   * ```ts
   * hotReload.on('change', (url) => breaker.invalidate(url)); // the fixed file loads at once
   * ```
   */
  invalidate(key: K): boolean {
    this.circuits.delete(key);
    return this.inner.invalidate(key);
  }

  /**
   * Forgets every failure and clears the inner loader.
   *
   * Thread-safety: owner thread.
   * @example
   * ```ts
   * breaker.clear();
   * ```
   */
  clear(): void {
    this.circuits.clear();
    this.inner.clear();
  }

  /**
   * Counters; see {@link CircuitBreakerStats}.
   *
   * Thread-safety: owner thread.
   * @example
   * ```ts
   * console.log(breaker.stats().rejected);
   * ```
   */
  stats(): CircuitBreakerStats {
    let open = 0;
    for (const c of this.circuits.values()) if (c.phase !== CLOSED) open++;
    return { open, tracked: this.circuits.size, opened: this.opened, rejected: this.rejected };
  }

  private failed(key: K, e: unknown): void {
    let c = this.circuits.get(key);
    if (e instanceof MemoryError && NOT_A_FAILURE.has(e.code)) {
      // the caller gave up, or misused the call: says nothing about the source. A trial may be tried again at once.
      if (c?.phase === TRIAL) c.phase = OPEN;
      return;
    }
    if (c === undefined) {
      c = { phase: CLOSED, failures: 0, retryAt: 0, lastError: undefined };
      this.circuits.set(key, c);
    }
    c.failures++;
    c.lastError = e;
    if (c.phase === TRIAL || (c.phase === CLOSED && c.failures >= this.threshold)) {
      c.phase = OPEN;
      c.retryAt = this.clock.now() + this.coolDownMs;
      this.opened++;
    }
  }

  private openError(key: K, c: Circuit, now: number): MemoryError {
    const trial = c.phase === TRIAL;
    const retryInMs = trial ? 0 : c.retryAt - now;
    const why = trial
      ? 'a trial computation is running; the next call after it settles'
      : `it retries in ${Math.ceil(retryInMs)} ms (at clock time ${Math.ceil(c.retryAt)})`;
    return cacheError('CIRCUIT_OPEN', `get(${showKey(key)}) failed fast: the last ${c.failures} computations failed, and ${why}`,
      cacheLabel(this.name), { op: 'get', key },
      { failures: c.failures, failureThreshold: this.threshold, coolDownMs: this.coolDownMs, retryAt: c.retryAt, retryInMs, trialRunning: trial, lastError: describeReason(c.lastError) },
      'fix what makes the computation fail (the cause is the last failure), wait until retryAt, or call invalidate(key) to retry now.',
      c.lastError);
  }
}

/**
 * Wraps a loader in a per-key circuit breaker; see {@link CircuitBreakerLoader}. Put it inside
 * {@link withDedup} (`withDedup(withCircuitBreaker(cache, …))`), so one failed computation shared
 * by many callers counts as one failure.
 *
 * Thread-safety: one thread, like the loader it wraps.
 * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` for a bad threshold, cool-down or clock, options
 * that are not an object (`null`), or an `inner` that is not a loader.
 * @see {@link withDedup}, the layer to put around it.
 * @see {@link AsyncCache}, the cache it usually wraps.
 * @example
 * ```ts
 * const shaders = withDedup(withCircuitBreaker(new AsyncCache<string, WebGLProgram>({ maxBytes: 64, sizeOf: () => 1 }),
 *   { failureThreshold: 2, coolDownMs: 30_000 }));
 * ```
 */
export function withCircuitBreaker<K extends CacheKey, V extends CacheValue>(
  inner: AsyncLoader<K, V>,
  options: CircuitBreakerOptions,
): CircuitBreakerLoader<K, V> {
  return new CircuitBreakerLoader(inner, options);
}
