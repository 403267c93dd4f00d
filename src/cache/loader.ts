/**
 * The contract every cache layer implements, so layers stack: the core {@link AsyncCache},
 * {@link withDedup} and {@link withCircuitBreaker} all are {@link AsyncLoader}s and wrap one.
 * @module
 */
import type { CacheKey } from './key-hash.ts';

/**
 * What a cache may hold: anything but `undefined`, which {@link AsyncLoader.peek} uses for
 * "not cached". Store `null` for "known to be absent".
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * const cache = new AsyncCache<string, WebGLTexture | null>({ maxBytes: 64 << 20, sizeOf: () => 1 });
 * ```
 */
export type CacheValue = object | string | number | boolean | bigint | symbol | null;

/**
 * Computes the value of a key on a miss. It gets the key and a signal that aborts when no caller
 * waits any more (every caller aborted or timed out): pass it on to `fetch()` and friends. It may
 * return the value or a promise of it; a throw or a rejection fails the callers and caches
 * nothing.
 *
 * Thread-safety: called on the cache's thread.
 * @example
 * ```ts
 * const loadJson: Compute<string, unknown> = async (url, signal) => (await fetch(url, { signal })).json();
 * ```
 */
export type Compute<K extends CacheKey, V> = (key: K, signal: AbortSignalLike) => V | PromiseLike<V>;

/**
 * `AbortSignal` where the program declares one (the DOM or WebWorker lib, Node's types), else
 * {@link AbortSignalShape}: so that these declarations compile without the DOM lib.
 *
 * Thread-safety: a type; any worker.
 */
export type AbortSignalLike = typeof globalThis extends GlobalWithAbortSignal<infer S> ? S : AbortSignalShape;

/** A global scope that declares `AbortSignal`. Thread-safety: a type; any worker. */
export interface GlobalWithAbortSignal<S> {
  /** The `AbortSignal` class. */
  readonly AbortSignal: {
    /** Its instances' type. */
    readonly prototype: S;
  };
}

/** The part of an `AbortSignal` the cache reads, where no lib declares one. Thread-safety: a type; any worker. */
export interface AbortSignalShape {
  /** True once aborted. */
  readonly aborted: boolean;
  /** Why it was aborted. */
  readonly reason: unknown;
}

/**
 * Options of one `get()`: cancellation and a time limit for this caller only.
 *
 * Thread-safety: a plain data shape; any worker.
 * @example
 * ```ts
 * const ac = new AbortController();
 * const tex = await textures.get('hero.png', loadTexture, { signal: ac.signal, timeoutMs: 5000 });
 * ```
 */
export interface GetOptions {
  /**
   * Aborts this caller's wait: its promise rejects with `CACHE_ABORTED`, whose `cause` is the
   * signal's reason. An already aborted signal rejects at once, even on a hit.
   */
  readonly signal?: AbortSignalLike | undefined;
  /**
   * Milliseconds this caller waits on a miss before its promise rejects with `CACHE_TIMEOUT`: a
   * positive finite number up to 2147483647 (2^31 - 1 ms, about 24.8 days: `setTimeout` keeps
   * delays in 32 bits and fires at once for longer ones, so more is `INVALID_OPTION`). Omitted:
   * the cache's `timeoutMs` (none by default).
   */
  readonly timeoutMs?: number | undefined;
}

/**
 * An asynchronous cache, or a layer over one. `get` returns the cached value or computes it;
 * `peek` is the synchronous, allocation-free hit path for per-frame code.
 *
 * Thread-safety: one thread: the instance lives in its creator's heap; give each worker its own.
 * @example
 * ```ts
 * function drawSprite(textures: AsyncLoader<string, WebGLTexture>, url: string): void {
 *   const tex = textures.peek(url);           // this frame: no promise, no garbage
 *   if (tex === undefined) void textures.get(url, loadTexture).catch(console.error); // later frames
 *   bindTexture(tex ?? placeholder);
 * }
 * ```
 */
export interface AsyncLoader<K extends CacheKey, V extends CacheValue> {
  /** The cache's name, as errors show it: `cache "textures"`. */
  readonly name: string;
  /**
   * The value of `key`: the cached one, or `compute(key, signal)`'s result, cached.
   * @param key - a number or a short string.
   * @param compute - called on a miss only.
   * @param options - this caller's signal and timeout.
   */
  get(key: K, compute: Compute<K, V>, options?: GetOptions): Promise<V>;
  /**
   * The cached value of `key`, or `undefined`: synchronous, allocates nothing, and counts as a
   * use (a hit moves the entry to the front of the LRU list).
   */
  peek(key: K): V | undefined;
  /**
   * Drops `key`'s value; a computation of `key` in flight is not cached and runs again.
   * Returns whether a value was dropped.
   */
  invalidate(key: K): boolean;
  /** Drops every value; computations in flight are not cached and run again. */
  clear(): void;
}
