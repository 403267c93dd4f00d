/**
 * Asynchronous asset caches, as layers: {@link AsyncCache} (LRU under a byte budget, TTL, stats),
 * {@link withDedup} (concurrent misses share one computation) and {@link withCircuitBreaker}
 * (per-key fail-fast after repeated failures). See docs/CACHE.md.
 *
 * ```ts
 * const cache = new AsyncCache<string, WebGLTexture>({ name: 'textures', maxBytes: 256 << 20, sizeOf: textureBytes });
 * const textures = withDedup(withCircuitBreaker(cache, { failureThreshold: 3, coolDownMs: 5000 }));
 * ```
 * @module
 */
export { AsyncCache } from './async-cache.ts';
export { LruCache } from './lru-cache.ts';
export { DedupLoader, withDedup } from './dedup.ts';
export { CircuitBreakerLoader, withCircuitBreaker } from './circuit-breaker.ts';
export { hashKey, hashNumber, hashString, sameKey, SHORT_KEY_LENGTH } from './key-hash.ts';
export { performanceClock } from './clock.ts';
export type { CacheKey } from './key-hash.ts';
export type { Clock } from './clock.ts';
export type { AsyncLoader, CacheValue, Compute, GetOptions } from './loader.ts';
export type { AsyncCacheOptions, CacheStats, EvictReason } from './cache-options.ts';
export type { DedupStats } from './dedup.ts';
export type { CircuitBreakerOptions, CircuitBreakerStats, CircuitState } from './circuit-breaker.ts';
