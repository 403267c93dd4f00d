import { describe, expect, it } from 'vitest';
import { LruCache, hashKey, type CacheKey } from '../src/cache/index.ts';
import { SHORT_KEY_LENGTH, hashNumber, hashString, sameKey } from '../src/cache/key-hash.ts';

function nanWithPayload(payload: number): number {
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  u[1] = 0x7ff80000;
  u[0] = payload;
  return f[0];
}

function maxBucketLoad(keys: readonly CacheKey[], buckets: number): number {
  const load = new Uint32Array(buckets);
  for (const k of keys) load[hashKey(k) & (buckets - 1)]++;
  return Math.max(...load);
}

describe('key hashing', () => {
  it('is a deterministic int32, the same for equal keys', () => {
    for (const k of [0, 1, -1, 2 ** 31, -(2 ** 31), 2 ** 53, 1.5, -1e-300, Infinity, -Infinity, '', 'a', 'tex/hero.png', 'é✓😀']) {
      const h = hashKey(k);
      expect(Number.isInteger(h)).toBe(true);
      expect(h | 0).toBe(h);
      expect(hashKey(k)).toBe(h);
    }
    expect(hashString('tex/' + 'hero.png')).toBe(hashString('tex/hero.png'));
    expect(hashKey('tex/hero.png')).toBe(hashString('tex/hero.png'));
    expect(hashKey(7.25)).toBe(hashNumber(7.25));
  });

  it('hashes 0 and -0 alike, and every NaN alike (SameValueZero)', () => {
    expect(hashNumber(-0)).toBe(hashNumber(0));
    expect(hashNumber(nanWithPayload(1))).toBe(hashNumber(Number.NaN));
    expect(hashNumber(nanWithPayload(12345))).toBe(hashNumber(Number.NaN));
    expect(sameKey(Number.NaN, nanWithPayload(7))).toBe(true);
    expect(sameKey(0, -0)).toBe(true);
    expect(sameKey(1, '1')).toBe(false);
    expect(sameKey('a', 'a')).toBe(true);
  });

  it('spreads sequential ints, floats and similar short strings over the buckets', () => {
    const n = 4096;
    const ints = Array.from({ length: n }, (_, i) => i);
    const spaced = Array.from({ length: n }, (_, i) => i * 1024);
    const floats = Array.from({ length: n }, (_, i) => i + 0.5);
    const names = Array.from({ length: n }, (_, i) => `tex/${i}.png`);
    const oneChar = Array.from({ length: 26 * 26 }, (_, i) => String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26)));
    // 4096 keys in 1024 buckets: 4 per bucket on average; a poor hash piles dozens into one
    for (const keys of [ints, spaced, floats, names]) expect(maxBucketLoad(keys, 1024)).toBeLessThanOrEqual(16);
    expect(maxBucketLoad(oneChar, 256)).toBeLessThanOrEqual(12);
    // low bits see high bits: keys that differ only above bit 16 still spread
    expect(maxBucketLoad(Array.from({ length: 256 }, (_, i) => i << 16), 256)).toBeLessThanOrEqual(8);
  });

  it('keys of any length work; short means at most SHORT_KEY_LENGTH code units', () => {
    expect(SHORT_KEY_LENGTH).toBe(32);
    const c = new LruCache<string, number>({ maxBytes: 1000, sizeOf: () => 1 });
    const long = 'assets/levels/forest/textures/'.repeat(10);
    c.set(long + 'a', 1);
    c.set(long + 'b', 2);
    expect(c.peek(long + 'a')).toBe(1);
    expect(c.peek(long + 'b')).toBe(2);
    expect(c.peek(long)).toBeUndefined();
    c.checkInvariants();
  });
});
