/**
 * Cache keys and their hash: numbers and strings, hashed without allocating.
 *
 * Numbers: an int32 is mixed directly; any other number is mixed from its IEEE-754 bits, read
 * through a module-level scratch `Float64Array` (no boxing). Strings: FNV-1a over the UTF-16 code
 * units (`charCodeAt`), then a murmur3 finalizer so every bit reaches the low bits a bucket index
 * uses. Equality is SameValueZero, as in `Map`.
 * @module
 */

/**
 * A cache key: a number or a string. Keys compare like `Map` keys (SameValueZero): `0` and `-0`
 * are one key, every `NaN` is one key, and `1` and `'1'` are two keys. Strings of up to
 * `SHORT_KEY_LENGTH` code units are the fast case: a hit hashes every code unit, so its cost
 * grows with the key's length (it never allocates, whatever the length).
 *
 * Thread-safety: a number or a string; any worker.
 * @example
 * ```ts
 * const byId: CacheKey = 42;
 * const byUrl: CacheKey = 'tex/hero.png';
 * ```
 */
export type CacheKey = number | string;

/**
 * Keys up to this many UTF-16 code units are "short": a hit on such a key costs about as much as
 * on a number key (see bench/cache.bench.ts). Longer keys work the same; each lookup hashes them
 * in full, so keep per-frame keys short or use numbers.
 *
 * Thread-safety: a constant; any worker.
 * @example
 * ```ts
 * if (url.length > SHORT_KEY_LENGTH) console.warn(`long cache key: ${url}`);
 * ```
 */
export const SHORT_KEY_LENGTH = 32;

// scratch view for the bits of a non-int32 number: writing and reading it allocates nothing
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/** murmur3's 32-bit finalizer: every input bit affects every output bit. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * The 32-bit hash of a number key. `0` and `-0` hash alike, and so does every `NaN`.
 *
 * Thread-safety: pure; any worker (the scratch buffer is per thread).
 * @example
 * ```ts
 * console.log(hashNumber(-0) === hashNumber(0)); // true
 * ```
 */
export function hashNumber(n: number): number {
  let h: number;
  if ((n | 0) === n) h = n | 0; // every int32, and -0 (as 0)
  else if (Number.isNaN(n)) h = 0x7ff80000; // one hash for every NaN payload
  else {
    F64[0] = n;
    h = U32[0] ^ Math.imul(U32[1], 0x9e3779b1);
  }
  return fmix32(h);
}

/**
 * The 32-bit hash of a string key: FNV-1a over its UTF-16 code units, then a finalizer. Reads the
 * string with `charCodeAt`, so it allocates nothing (an engine flattens a concatenated string
 * once, on its first read).
 *
 * Thread-safety: pure; any worker.
 * @example
 * ```ts
 * console.log(hashString('tex/hero.png') === hashString('tex/' + 'hero.png')); // true
 * ```
 */
export function hashString(s: string): number {
  let h = 0x811c9dc5 | 0;
  const n = s.length;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix32(h ^ n);
}

/**
 * The 32-bit hash of a key: `hashNumber` or `hashString`. Equal keys (SameValueZero)
 * hash alike. A number and the string of its digits may collide; they are still two keys. A value
 * that is not a key hashes to 0 (the caches then refuse it with `INVALID_KEY`).
 *
 * Thread-safety: pure; any worker.
 * @example
 * ```ts
 * const bucket = hashKey('tex/hero.png') & (1024 - 1);
 * ```
 */
export function hashKey(key: CacheKey): number {
  if (typeof key === 'number') return hashNumber(key);
  return typeof key === 'string' ? hashString(key) : 0; // not a key: found nowhere, never stored
}

/**
 * SameValueZero for keys: `===`, except that `NaN` equals `NaN`.
 *
 * Thread-safety: pure; any worker.
 * @example
 * ```ts
 * console.log(sameKey(NaN, NaN), sameKey(0, -0), sameKey(1, '1')); // true true false
 * ```
 */
export function sameKey(a: CacheKey, b: CacheKey): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));
}

/** True for a number or a string. @internal */
export function isCacheKey(key: unknown): key is CacheKey {
  return typeof key === 'number' || typeof key === 'string';
}
