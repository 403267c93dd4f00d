/**
 * Asynchronous asset caches, as layers: {@link AsyncCache} (LRU under a byte budget, TTL, stats),
 * {@link withDedup} (concurrent misses share one computation) and {@link withCircuitBreaker}
 * (per-key fail-fast after repeated failures). See docs/CACHE.md.
 *
 * ```ts
 * import { AsyncCache, withCircuitBreaker, withDedup } from 'nebula-memory/cache';
 * const cache = new AsyncCache<string, WebGLTexture>({ name: 'textures', maxBytes: 256 << 20, sizeOf: textureBytes });
 * const textures = withDedup(withCircuitBreaker(cache, { failureThreshold: 3, coolDownMs: 5000 }));
 * ```
 * @module nebula-memory/cache
 */
export { AsyncCache } from './async-cache.ts';
export { LruCache } from './lru-cache.ts';
export { withDedup } from './dedup.ts';
export { withCircuitBreaker } from './circuit-breaker.ts';
export { hashKey } from './key-hash.ts';
export type { CacheKey } from './key-hash.ts';
export type { AsyncLoader, GetOptions } from './loader.ts';
export type { AsyncCacheOptions, CacheStats } from './cache-options.ts';
export type { CircuitBreakerOptions } from './circuit-breaker.ts';
