/**
 * The synchronous core: an LRU cache under a byte budget, with TTL, invalidation and stats.
 * {@link AsyncCache} adds `get(key, compute)` on top of it.
 * @module
 */
import type { MemoryError } from '../errors.ts';
import { resolveOptions, type AsyncCacheOptions, type CacheStats, type EvictReason, type ResolvedOptions } from './cache-options.ts';
import { budgetError, cacheError, cacheLabel, invalidKeyError, invalidOption, invalidSizeError, isPositiveFinite, showKey } from './errors.ts';
import { EvictQueue } from './evict-queue.ts';
import { isCacheKey, type CacheKey } from './key-hash.ts';
import type { CacheValue } from './loader.ts';
import { LruMap, NIL } from './lru-map.ts';

/**
 * A synchronous LRU cache under a byte budget, with TTL and stats. Keys are numbers or strings,
 * hashed without allocation; a hit (`peek`) allocates nothing. Values are anything but
 * `undefined`. Most code wants {@link AsyncCache}, which adds `get(key, compute)`.
 *
 * Thread-safety: one thread: the instance lives in its creator's heap; give each worker its own.
 * @example
 * ```ts
 * const glyphs = new LruCache<number, Float32Array>({ maxBytes: 1 << 20, sizeOf: (v) => v.byteLength });
 * glyphs.set(0x41, layoutGlyph(0x41));
 * const a = glyphs.peek(0x41);
 * ```
 */
export class LruCache<K extends CacheKey, V extends CacheValue> {
  /** Shown in errors: `cache "textures"`. */
  readonly name: string;

  /** @internal */ protected readonly map = new LruMap<K, V>();
  /** @internal */ protected readonly options: ResolvedOptions<K, V>;
  /** @internal */ protected readonly expiring: boolean;
  /** @internal */ protected discards = 0;
  private readonly out: EvictQueue<K, V> | undefined;
  private budget: number;
  private hits = 0;
  private evictions = 0;
  private expirations = 0;

  /**
   * @param options - budget, size function, TTL, clock, eviction callback.
   * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION`, naming the option (`options` itself when it is
   * not an object: `null`; `timeoutMs` above 2147483647, setTimeout's 32-bit limit).
   */
  constructor(options: AsyncCacheOptions<K, V>) {
    const o = resolveOptions(options, `new ${new.target.name}`);
    this.options = o;
    this.name = o.name;
    this.budget = o.maxBytes;
    this.expiring = o.ttlMs !== Infinity;
    this.out = o.onEvict === undefined ? undefined : new EvictQueue(o.onEvict);
  }

  /** Values cached now. Thread-safety: owner thread. @example `console.log(cache.size)` */
  get size(): number {
    return this.map.size;
  }

  /** Sum of `sizeOf` over the cached values. Thread-safety: owner thread. @example `console.log(cache.bytes)` */
  get bytes(): number {
    return this.map.bytes;
  }

  /** The byte budget; see {@link LruCache.resize}. Thread-safety: owner thread. @example `console.log(cache.maxBytes)` */
  get maxBytes(): number {
    return this.budget;
  }

  /**
   * The cached value of `key`, or `undefined`. A hit counts in `hits` and moves the entry to the
   * front of the LRU list; it allocates nothing. An expired value is dropped (`onEvict` reason
   * `expired`) and reads as `undefined`.
   *
   * Thread-safety: owner thread.
   * @throws {@link nebula-memory!MemoryError} `INVALID_KEY` for a key that is not a number or a string.
   * @example
   * ```ts
   * const tex = textures.peek('hero.png') ?? placeholder;
   * ```
   */
  peek(key: K): V | undefined {
    const map = this.map;
    const s = map.find(key);
    if (s === NIL) {
      if (!isCacheKey(key)) throw this.invalidKey(key);
      return undefined;
    }
    if (this.expiring && map.expiresAt(s) <= this.options.clock.now()) {
      this.expirations++;
      this.drop(s, 'expired');
      this.drain();
      return undefined;
    }
    map.touch(s);
    this.hits++;
    return map.valueAt(s);
  }

  /**
   * Stores `value` under `key` as the most recently used, replacing any value (`onEvict` reason
   * `replaced`), and evicts least recently used values to fit the budget. On an error nothing
   * changed.
   *
   * Thread-safety: owner thread.
   * @throws {@link nebula-memory!MemoryError} `CACHE_BUDGET` (larger than `maxBytes`), `INVALID_SIZE`,
   * `INVALID_KEY`, or `INVALID_OPTION` (an undefined value).
   * @example
   * ```ts
   * textures.set('white', createWhiteTexture(gl));
   * ```
   */
  set(key: K, value: V): void {
    this.store(key, value, this.measure(key, value));
  }

  /**
   * Drops `key`'s value (`onEvict` reason `invalidated`); returns whether there was one.
   *
   * Thread-safety: owner thread.
   * @example
   * ```ts
   * hotReload.on('change', (url) => textures.invalidate(url));
   * ```
   */
  invalidate(key: K): boolean {
    const s = this.map.find(key);
    if (s === NIL) return false;
    this.drop(s, 'invalidated');
    this.drain();
    return true;
  }

  /**
   * Drops every value (`onEvict` reason `cleared`); keeps the counters.
   *
   * Thread-safety: owner thread.
   * @example
   * ```ts
   * canvas.addEventListener('webglcontextlost', () => { textures.clear(); });
   * ```
   */
  clear(): void {
    const map = this.map;
    const out = this.out;
    if (out !== undefined) for (let s = map.head; s !== NIL; s = map.olderThan(s)) out.push(map.keyAt(s), map.valueAt(s), 'cleared');
    map.clear();
    this.drain();
  }

  /**
   * Drops every expired value now (lookups only drop the ones they meet) and returns how many.
   * It walks the whole cache: call it now and then (on a level change, every few seconds).
   *
   * Thread-safety: owner thread.
   * @example
   * ```ts
   * setInterval(() => textures.prune(), 10_000);
   * ```
   */
  prune(): number {
    if (!this.expiring) return 0;
    const map = this.map;
    const now = this.options.clock.now();
    let n = 0;
    for (let s = map.head; s !== NIL;) {
      const older = map.olderThan(s);
      if (map.expiresAt(s) <= now) {
        this.expirations++;
        this.drop(s, 'expired');
        n++;
      }
      s = older;
    }
    this.drain();
    return n;
  }

  /**
   * Changes the byte budget and evicts least recently used values down to it.
   *
   * Thread-safety: owner thread.
   * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` when `maxBytes` is not a positive finite number; nothing changes.
   * @example
   * ```ts
   * textures.resize(lowMemoryDevice ? 64 << 20 : 256 << 20);
   * ```
   */
  resize(maxBytes: number): void {
    if (!isPositiveFinite(maxBytes)) throw invalidOption(this.name, 'resize', 'maxBytes', maxBytes, 'a positive finite number of bytes');
    this.budget = maxBytes;
    this.fit(NIL);
    this.drain();
  }

  /**
   * The cached keys, most recently used first (expired ones too, until something drops them).
   * Allocates an array: for tests and tools.
   *
   * Thread-safety: owner thread.
   * @example
   * ```ts
   * console.log(textures.keys().slice(0, 5)); // the five most recently used
   * ```
   */
  keys(): K[] {
    const out: K[] = [];
    const map = this.map;
    for (let s = map.head; s !== NIL; s = map.olderThan(s)) out.push(map.keyAt(s));
    return out;
  }

  /**
   * Counters and contents; see {@link CacheStats}.
   *
   * Thread-safety: owner thread.
   * @example
   * ```ts
   * hud.text = `textures: ${cache.stats().bytes >> 20} MiB`;
   * ```
   */
  stats(): CacheStats {
    return {
      hits: this.hits, misses: 0, computes: 0, failures: 0, evictions: this.evictions, expirations: this.expirations,
      discarded: this.discards, entries: this.map.size, bytes: this.map.bytes, maxBytes: this.budget,
      maxEntries: this.options.maxEntries, inFlight: 0,
    };
  }

  /**
   * Checks the structure: the LRU list and the hash map hold the same entries, each found by its
   * key; the byte total is the sum of the sizes and within the budget; the entry count is within
   * `maxEntries`; free slots hold no keys or values.
   *
   * Thread-safety: owner thread.
   * @throws {@link nebula-memory!MemoryError} `INVARIANT_VIOLATED` with the actual values.
   * @example
   * ```ts
   * cache.checkInvariants();
   * ```
   */
  checkInvariants(): void {
    const problem = this.map.check();
    if (problem !== null) throw this.broken(problem.what, problem.state);
    const { size, bytes } = this.map;
    if (bytes > this.budget) throw this.broken(`${bytes} bytes cached, the budget is ${this.budget}`, { bytes, maxBytes: this.budget });
    if (size > this.options.maxEntries) throw this.broken(`${size} entries, maxEntries is ${this.options.maxEntries}`, { size, maxEntries: this.options.maxEntries });
  }

  /** INVARIANT_VIOLATED. @internal */
  protected broken(what: string, state: Record<string, number>): MemoryError {
    return cacheError('INVARIANT_VIOLATED', what, cacheLabel(this.name), {}, state,
      'this is a bug in nebula-memory: please report it with this message.');
  }

  /** Validates a value about to be stored and returns its size; changes nothing. @internal */
  protected measure(key: K, value: V): number {
    if (!isCacheKey(key)) throw this.invalidKey(key);
    if ((value as unknown) === undefined) {
      throw invalidOption(this.name, `set(${showKey(key)})`, 'value', value,
        'a value other than undefined (to peek, undefined means "not cached"); store null for "known to be absent"');
    }
    const size = this.options.sizeOf(value, key);
    if (!Number.isSafeInteger(size) || size < 0) throw invalidSizeError(this.name, key, size);
    if (size > this.budget) throw budgetError(this.name, key, size, this.budget, this.map.bytes, this.map.size);
    return size;
  }

  /** Stores a measured value and evicts down to the budget. @internal */
  protected store(key: K, value: V, size: number): void {
    const map = this.map;
    const expires = this.expiring ? this.options.clock.now() + this.options.ttlMs : Infinity;
    let s = map.find(key);
    if (s !== NIL) {
      const old = map.valueAt(s);
      map.replace(s, value, size, expires);
      map.touch(s);
      if (old !== value) this.out?.push(map.keyAt(s), old, 'replaced'); // the stored key (0, not -0)
    } else {
      s = map.insert(key, value, size, expires);
    }
    this.fit(s);
    this.drain();
  }

  /** A computed value that is not kept goes to onEvict as 'discarded'. @internal */
  protected discard(key: K, value: V): void {
    this.discards++;
    this.out?.push(key, value, 'discarded');
    this.drain();
  }

  /** True when live slot `s` has expired. @internal */
  protected expired(s: number): boolean {
    return this.expiring && this.map.expiresAt(s) <= this.options.clock.now();
  }

  /** INVALID_KEY. @internal */
  protected invalidKey(key: unknown): MemoryError {
    return invalidKeyError(this.name, key);
  }

  /** Evicts from the LRU end until within the budget and maxEntries, never slot `keep`. */
  private fit(keep: number): void {
    const map = this.map;
    while ((map.bytes > this.budget || map.size > this.options.maxEntries) && map.tail !== keep && map.tail !== NIL) {
      this.evictions++;
      this.drop(map.tail, 'evicted');
    }
  }

  private drop(s: number, reason: EvictReason): void {
    const map = this.map;
    this.out?.push(map.keyAt(s), map.valueAt(s), reason);
    map.remove(s);
  }

  private drain(): void {
    this.out?.drain();
  }
}
