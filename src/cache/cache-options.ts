/**
 * The shapes of {@link AsyncCache}'s options, its eviction reasons and its stats, and the
 * validation of the options.
 * @module
 */
import type { MemoryError } from '../errors.ts';
import { performanceClock, type Clock } from './clock.ts';
import { invalidOption, isPositiveFinite, timeoutOptionError } from './errors.ts';
import type { CacheKey } from './key-hash.ts';
import type { CacheValue } from './loader.ts';

/**
 * Why a value left the cache (or never entered it), as `onEvict` is told:
 * - `evicted`: least recently used, pushed out by the byte budget or `maxEntries`.
 * - `expired`: older than `ttlMs`, found by a lookup or `prune()`.
 * - `invalidated` / `cleared`: dropped by `invalidate(key)` / `clear()`.
 * - `replaced`: `set(key, other)` stored another value over it.
 * - `discarded`: computed but never stored: invalidated while computing, too large for the
 *   budget, a bad `sizeOf`, or another value of the key was stored first.
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * const onEvict = (url: string, tex: WebGLTexture, why: EvictReason) => { console.debug(url, why); gl.deleteTexture(tex); };
 * ```
 */
export type EvictReason = 'evicted' | 'expired' | 'invalidated' | 'cleared' | 'replaced' | 'discarded';

/**
 * Options of {@link LruCache} and {@link AsyncCache}. Bad values throw `INVALID_OPTION`.
 *
 * Thread-safety: a plain data shape; any worker.
 * @example
 * ```ts
 * const opts: AsyncCacheOptions<string, ImageBitmap> = {
 *   name: 'images', maxBytes: 128 << 20, sizeOf: (b) => b.width * b.height * 4, ttlMs: 60_000,
 *   onEvict: (_url, bitmap) => { bitmap.close(); },
 * };
 * ```
 */
export interface AsyncCacheOptions<K extends CacheKey, V extends CacheValue> {
  /** The byte budget: a positive finite number. Least recently used values go first. */
  readonly maxBytes: number;
  /** A value's cost in bytes: a non-negative safe integer (an estimate is fine). */
  readonly sizeOf: (value: V, key: K) => number;
  /** At most this many entries: a positive integer. @defaultValue no limit */
  readonly maxEntries?: number;
  /**
   * Values expire this many milliseconds after they are stored (hits do not extend it): a
   * positive finite number. @defaultValue never
   */
  readonly ttlMs?: number;
  /**
   * Default `timeoutMs` of every `get()`: a positive finite number up to 2147483647 (2^31 - 1 ms,
   * about 24.8 days: `setTimeout`'s 32-bit limit; a longer delay would fire at once). @defaultValue none
   */
  readonly timeoutMs?: number;
  /** The time source of TTLs. @defaultValue `performanceClock` */
  readonly clock?: Clock;
  /**
   * Called once for every value that leaves the cache, or is computed and not kept (see
   * {@link EvictReason}): release GPU memory here. It runs once the cache is consistent again,
   * and may use the cache. If it throws, the other queued callbacks still run, then the first
   * error propagates from the call that evicted.
   */
  readonly onEvict?: (key: K, value: V, reason: EvictReason) => void;
  /** Shown in errors: `cache "textures"`. @defaultValue `'cache'` */
  readonly name?: string;
}

/**
 * Counters of a cache since it was created, and its current contents. {@link LruCache} counts no
 * misses (a `peek` that finds nothing is not counted); {@link AsyncCache} counts its `get` misses.
 *
 * Thread-safety: a plain data snapshot; any worker.
 * @example
 * ```ts
 * const s = cache.stats();
 * console.log(`hit rate ${(s.hits / (s.hits + s.misses)).toFixed(2)}, ${s.bytes} of ${s.maxBytes} bytes`);
 * ```
 */
export interface CacheStats {
  /** `peek` and `get` calls that found a value. */
  readonly hits: number;
  /** `get` calls that found none and computed. */
  readonly misses: number;
  /** `compute` calls, including runs repeated because the key was invalidated meanwhile. */
  readonly computes: number;
  /** Computes that threw or rejected (not counting those whose callers had all left). */
  readonly failures: number;
  /** Values pushed out by the budget or `maxEntries` (`onEvict` reason `evicted`). */
  readonly evictions: number;
  /** Values dropped because their TTL passed. */
  readonly expirations: number;
  /** Computed values that were not kept (reason `discarded`). */
  readonly discarded: number;
  /** Values cached now. */
  readonly entries: number;
  /** Sum of `sizeOf` over the cached values. */
  readonly bytes: number;
  /** The byte budget. */
  readonly maxBytes: number;
  /** The entry limit (Infinity: none). */
  readonly maxEntries: number;
  /** Keys with a computation running. */
  readonly inFlight: number;
}

/** Validated options with defaults filled in. @internal */
export interface ResolvedOptions<K extends CacheKey, V extends CacheValue> {
  readonly name: string;
  readonly maxBytes: number;
  readonly sizeOf: (value: V, key: K) => number;
  readonly maxEntries: number;
  /** Infinity when values never expire. */
  readonly ttlMs: number;
  readonly timeoutMs: number | undefined;
  readonly clock: Clock;
  readonly onEvict: ((key: K, value: V, reason: EvictReason) => void) | undefined;
}

/** Validates the options; throws INVALID_OPTION naming the first bad one. @internal */
export function resolveOptions<K extends CacheKey, V extends CacheValue>(
  options: AsyncCacheOptions<K, V>,
  op: string,
): ResolvedOptions<K, V> {
  if (typeof options !== 'object' || (options as unknown) === null) { // null, undefined, a number: not an options object
    throw invalidOption('cache', op, 'options', options, 'an object such as { maxBytes: 64 << 20, sizeOf: (v) => v.byteLength }');
  }
  const o: Partial<AsyncCacheOptions<K, V>> = options;
  const rawName: unknown = o.name ?? 'cache';
  const name = typeof rawName === 'string' && rawName.length > 0 ? rawName : 'cache';
  const bad = (what: string, value: unknown, allowed: string): MemoryError => invalidOption(name, op, what, value, allowed);
  if (name !== rawName) throw bad('name', rawName, 'a non-empty string');
  if (!isPositiveFinite(o.maxBytes)) throw bad('maxBytes', o.maxBytes, 'a positive finite number of bytes');
  if (typeof o.sizeOf !== 'function') throw bad('sizeOf', o.sizeOf, 'a function (value, key) => bytes');
  if (o.maxEntries !== undefined && !(Number.isSafeInteger(o.maxEntries) && o.maxEntries > 0)) {
    throw bad('maxEntries', o.maxEntries, 'a positive integer, or omit it for no limit');
  }
  if (o.ttlMs !== undefined && !isPositiveFinite(o.ttlMs)) {
    throw bad('ttlMs', o.ttlMs, 'a positive finite number of milliseconds, or omit it for no expiry');
  }
  const badTimeout = timeoutOptionError(name, op, o.timeoutMs);
  if (badTimeout !== null) throw badTimeout;
  if (o.clock !== undefined && typeof (o.clock as Partial<Clock> | null)?.now !== 'function') {
    throw bad('clock', o.clock, 'an object with a now() method');
  }
  if (o.onEvict !== undefined && typeof o.onEvict !== 'function') throw bad('onEvict', o.onEvict, 'a function (key, value, reason) => void');
  return {
    name, maxBytes: o.maxBytes, sizeOf: o.sizeOf, maxEntries: o.maxEntries ?? Infinity, ttlMs: o.ttlMs ?? Infinity,
    timeoutMs: o.timeoutMs, clock: o.clock ?? performanceClock, onEvict: o.onEvict,
  };
}
