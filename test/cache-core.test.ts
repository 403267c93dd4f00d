import { afterEach, describe, expect, it, vi } from 'vitest';
import { AsyncCache, LruCache, type CacheKey } from '../src/cache/index.ts';
import { asset, evictLog, throwsCode, type Asset } from './cache-helpers.ts';

afterEach(() => { vi.useRealTimers(); });

function lru<K extends CacheKey>(maxBytes: number, extra: { maxEntries?: number; ttlMs?: number } = {}) {
  const { log, onEvict } = evictLog<K>();
  const cache = new LruCache<K, Asset>({ name: 'test', maxBytes, sizeOf: (v) => v.bytes, onEvict, ...extra });
  return { cache, log };
}

describe('LruCache: storage, LRU order and the byte budget', () => {
  it('peek finds values and moves them to the front; a miss changes nothing', () => {
    const { cache } = lru<string>(100);
    for (const k of ['a', 'b', 'c']) { cache.set(k, asset(k)); cache.checkInvariants(); }
    expect(cache.keys()).toEqual(['c', 'b', 'a']);
    expect(cache.peek('a')?.id).toBe('a');
    expect(cache.keys()).toEqual(['a', 'c', 'b']);
    cache.checkInvariants();
    expect(cache.peek('zz')).toBeUndefined();
    expect(cache.keys()).toEqual(['a', 'c', 'b']);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 0, entries: 3, bytes: 3, maxBytes: 100 });
    expect([cache.size, cache.bytes, cache.maxBytes, cache.name]).toEqual([3, 3, 100, 'test']);
  });

  it('evicts least recently used values to fit the budget, and never the one just stored', () => {
    const { cache, log } = lru<string>(10);
    cache.set('a', asset('a', 4));
    cache.set('b', asset('b', 4));
    cache.checkInvariants();
    cache.peek('a');
    cache.set('c', asset('c', 4)); // 12 > 10: b is the least recently used
    cache.checkInvariants();
    expect(log).toEqual([['b', 'b', 'evicted']]);
    expect(cache.keys()).toEqual(['c', 'a']);
    expect(cache.bytes).toBe(8);
    cache.set('big', asset('big', 10)); // exactly the budget: everything else goes
    cache.checkInvariants();
    expect(cache.keys()).toEqual(['big']);
    expect(log.slice(1)).toEqual([['a', 'a', 'evicted'], ['c', 'c', 'evicted']]);
    expect(cache.stats()).toMatchObject({ evictions: 3, entries: 1, bytes: 10 });
  });

  it('honours maxEntries', () => {
    const { cache, log } = lru<number>(1000, { maxEntries: 2 });
    for (let i = 0; i < 4; i++) { cache.set(i, asset(`v${i}`, 0)); cache.checkInvariants(); }
    expect(cache.keys()).toEqual([3, 2]);
    expect(log.map((e) => e[0])).toEqual([0, 1]);
  });

  it('replacing a value reports the old one once; storing the same value again reports nothing', () => {
    const { cache, log } = lru<string>(100);
    const v1 = asset('v1', 5);
    const v2 = asset('v2', 7);
    cache.set('k', v1);
    cache.set('k', v2);
    cache.checkInvariants();
    expect(log).toEqual([['k', 'v1', 'replaced']]);
    expect(cache.bytes).toBe(7);
    cache.set('k', v2);
    expect(log).toHaveLength(1);
    expect(cache.peek('k')).toBe(v2);
    cache.checkInvariants();
  });

  it('refuses a value larger than the whole budget (CACHE_BUDGET) and stays intact', () => {
    const { cache, log } = lru<string>(10);
    cache.set('a', asset('a', 6));
    const e = throwsCode(() => { cache.set('huge', asset('huge', 11)); }, 'CACHE_BUDGET');
    expect(e.request).toMatchObject({ key: 'huge', size: 11 });
    expect(e.state).toMatchObject({ maxBytes: 10, bytes: 6, entries: 1 });
    expect(e.suggestion).toMatch(/raise maxBytes to at least 11/);
    expect(e.message).toContain('cache "test"');
    throwsCode(() => { cache.set('a', asset('a2', 11)); }, 'CACHE_BUDGET'); // not even over an existing key
    expect(cache.peek('a')?.id).toBe('a');
    expect(log).toEqual([]);
    cache.checkInvariants();
  });

  it('refuses bad sizes (INVALID_SIZE), bad keys (INVALID_KEY) and undefined values, and stays intact', () => {
    let size: unknown = 1;
    const cache = new LruCache<CacheKey, string>({ maxBytes: 100, sizeOf: () => size as number });
    cache.set('ok', 'v');
    for (const bad of [-1, 1.5, Number.NaN, Infinity, '3', undefined, 2 ** 53]) {
      size = bad;
      expect(throwsCode(() => { cache.set('x', 'v'); }, 'INVALID_SIZE').request.size).toBe(bad);
      cache.checkInvariants();
    }
    size = 1;
    for (const key of [{}, undefined, null, true, Symbol('k'), 10n]) {
      throwsCode(() => { cache.set(key as CacheKey, 'v'); }, 'INVALID_KEY');
      throwsCode(() => cache.peek(key as CacheKey), 'INVALID_KEY');
    }
    throwsCode(() => { cache.set('u', undefined as unknown as string); }, 'INVALID_OPTION');
    const boom = new Error('sizeOf failed');
    const throwing = new LruCache<string, string>({ maxBytes: 10, sizeOf: (v) => { if (v === 'bad') throw boom; return 1; } });
    throwing.set('a', 'fine');
    expect(() => { throwing.set('a', 'bad'); }).toThrow(boom);
    expect(throwing.peek('a')).toBe('fine');
    throwing.checkInvariants();
    expect(cache.keys()).toEqual(['ok']);
    cache.checkInvariants();
  });

  it('checks every option (INVALID_OPTION, naming it)', () => {
    const sizeOf = (): number => 1;
    const bad: [string, Record<string, unknown>][] = [
      ['maxBytes', { maxBytes: -1, sizeOf }], ['maxBytes', { maxBytes: 0, sizeOf }], ['maxBytes', { maxBytes: Number.NaN, sizeOf }],
      ['maxBytes', { maxBytes: Infinity, sizeOf }], ['maxBytes', { maxBytes: '10', sizeOf }], ['maxBytes', { sizeOf }],
      ['sizeOf', { maxBytes: 10 }], ['sizeOf', { maxBytes: 10, sizeOf: 4 }],
      ['maxEntries', { maxBytes: 10, sizeOf, maxEntries: 0 }], ['maxEntries', { maxBytes: 10, sizeOf, maxEntries: 1.5 }],
      ['ttlMs', { maxBytes: 10, sizeOf, ttlMs: 0 }], ['ttlMs', { maxBytes: 10, sizeOf, ttlMs: -5 }],
      ['ttlMs', { maxBytes: 10, sizeOf, ttlMs: Number.NaN }], ['ttlMs', { maxBytes: 10, sizeOf, ttlMs: Infinity }],
      ['timeoutMs', { maxBytes: 10, sizeOf, timeoutMs: Number.NaN }], ['timeoutMs', { maxBytes: 10, sizeOf, timeoutMs: 0 }],
      ['clock', { maxBytes: 10, sizeOf, clock: {} }], ['clock', { maxBytes: 10, sizeOf, clock: null }],
      ['onEvict', { maxBytes: 10, sizeOf, onEvict: 'log' }], ['name', { maxBytes: 10, sizeOf, name: '' }],
    ];
    for (const [what, opts] of bad) {
      const e = throwsCode(() => new AsyncCache(opts as never), 'INVALID_OPTION');
      expect(e.message).toContain(`new AsyncCache option ${what} is invalid`);
      expect(e.request).toHaveProperty(what);
    }
    throwsCode(() => new LruCache(undefined as never), 'INVALID_OPTION');
  });

  it('resize evicts down to the new budget; a bad budget leaves the cache intact', () => {
    const { cache, log } = lru<number>(100);
    for (let i = 0; i < 10; i++) cache.set(i, asset(`v${i}`, 10));
    for (const bad of [-1, 0, Number.NaN, Infinity]) {
      throwsCode(() => { cache.resize(bad); }, 'INVALID_OPTION');
      expect([cache.size, cache.maxBytes]).toEqual([10, 100]);
      cache.checkInvariants();
    }
    cache.resize(35);
    cache.checkInvariants();
    expect(cache.keys()).toEqual([9, 8, 7]);
    expect(log.every((e) => e[2] === 'evicted')).toBe(true);
    expect(log).toHaveLength(7);
    cache.resize(1000);
    expect(cache.maxBytes).toBe(1000);
  });

  it('clear drops everything (reason cleared) and the cache works afterwards', () => {
    const { cache, log } = lru<number>(1000);
    for (let i = 0; i < 100; i++) cache.set(i, asset(`v${i}`));
    cache.peek(5);
    cache.clear();
    cache.checkInvariants();
    expect([cache.size, cache.bytes]).toEqual([0, 0]);
    expect(log).toHaveLength(100);
    expect(log[0]).toEqual([5, 'v5', 'cleared']);
    expect(cache.stats().hits).toBe(1);
    cache.set(1, asset('again'));
    expect(cache.peek(1)?.id).toBe('again');
    cache.checkInvariants();
  });

  it('invalidate drops one key and says whether it was there', () => {
    const { cache, log } = lru<string>(10);
    cache.set('a', asset('a'));
    expect(cache.invalidate('a')).toBe(true);
    expect(cache.invalidate('a')).toBe(false);
    expect(log).toEqual([['a', 'a', 'invalidated']]);
    cache.checkInvariants();
  });
});

describe('LruCache: number and string keys', () => {
  it('treats 0 and -0 as one key, NaN as one key, 1 and "1" as two keys', () => {
    const c = new LruCache<CacheKey, string>({ maxBytes: 100, sizeOf: () => 1 });
    c.set(0, 'zero');
    expect(c.peek(-0)).toBe('zero');
    c.set(Number.NaN, 'nan');
    expect(c.peek(0 / 0)).toBe('nan');
    c.set(1, 'one');
    c.set('1', 'string one');
    expect([c.peek(1), c.peek('1')]).toEqual(['one', 'string one']);
    for (const k of [1.5, -1.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, Number.MIN_VALUE, Infinity, -Infinity, '', ' ']) c.set(k, `k${String(k)}`);
    for (const k of [1.5, -1.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, Number.MIN_VALUE, Infinity, -Infinity, '', ' ']) expect(c.peek(k)).toBe(`k${String(k)}`);
    expect(c.peek(1.5000000000000002)).toBeUndefined();
    expect(c.size).toBe(14);
    c.checkInvariants();
  });

  it('grows past its first capacity and shrinks back on clear, with every key still found', () => {
    const c = new LruCache<CacheKey, number>({ maxBytes: 1e9, sizeOf: () => 8 });
    for (let i = 0; i < 3000; i++) c.set(i % 2 === 0 ? i : `key-${i}`, i);
    c.checkInvariants();
    for (let i = 0; i < 3000; i += 2) expect(c.invalidate(i)).toBe(true);
    c.checkInvariants();
    for (let i = 1; i < 3000; i += 2) expect(c.peek(`key-${i}`)).toBe(i);
    expect(c.peek(0)).toBeUndefined();
    expect([c.size, c.bytes]).toEqual([1500, 12000]);
    c.clear();
    c.checkInvariants();
  });
});

describe('LruCache: TTL with fake time', () => {
  it('a value expires ttlMs after it was stored; hits do not extend it', () => {
    vi.useFakeTimers();
    const { cache, log } = lru<string>(100, { ttlMs: 1000 }); // default clock: performance.now(), faked
    cache.set('a', asset('a'));
    vi.advanceTimersByTime(600);
    cache.set('b', asset('b'));
    vi.advanceTimersByTime(399);
    expect(cache.peek('a')?.id).toBe('a');
    vi.advanceTimersByTime(1);
    expect(cache.peek('a')).toBeUndefined();
    cache.checkInvariants();
    expect(log).toEqual([['a', 'a', 'expired']]);
    expect(cache.peek('b')?.id).toBe('b');
    cache.set('b', asset('b2')); // storing again restarts the TTL
    vi.advanceTimersByTime(999);
    expect(cache.peek('b')?.id).toBe('b2');
    expect(cache.stats()).toMatchObject({ expirations: 1, entries: 1 });
  });

  it('prune drops every expired value at once', () => {
    vi.useFakeTimers();
    const { cache, log } = lru<number>(100, { ttlMs: 100 });
    for (let i = 0; i < 6; i++) {
      cache.set(i, asset(`v${i}`));
      vi.advanceTimersByTime(30);
    }
    // stored at 0, 30, ..., 150; now 180: the ones stored at 0..60 have expired
    expect(cache.prune()).toBe(3);
    cache.checkInvariants();
    expect(cache.keys()).toEqual([5, 4, 3]);
    expect(log.map((e) => e[2])).toEqual(['expired', 'expired', 'expired']);
    expect(lru<number>(10).cache.prune()).toBe(0);
  });

  it('follows an injected clock (game time)', () => {
    let gameMs = 0;
    const cache = new LruCache<string, string>({ maxBytes: 10, sizeOf: () => 1, ttlMs: 50, clock: { now: () => gameMs } });
    cache.set('a', 'x');
    gameMs = 49;
    expect(cache.peek('a')).toBe('x');
    gameMs = 50;
    expect(cache.peek('a')).toBeUndefined();
  });
});

describe('LruCache: onEvict', () => {
  it('a throwing callback: the cache stays consistent, later callbacks run, the first error propagates', () => {
    const seen: string[] = [];
    const cache = new LruCache<string, string>({
      maxBytes: 2, sizeOf: () => 1,
      onEvict: (k) => { seen.push(k); if (k !== 'b') throw new Error(`dispose ${k} failed`); },
    });
    cache.set('a', '1');
    cache.set('b', '2');
    expect(() => { cache.set('c', '3'); }).toThrow('dispose a failed'); // c is stored all the same
    cache.checkInvariants();
    expect(cache.keys()).toEqual(['c', 'b']);
    expect(() => { cache.clear(); }).toThrow('dispose c failed'); // b's callback still runs
    expect(seen).toEqual(['a', 'c', 'b']);
    cache.checkInvariants();
    expect(cache.size).toBe(0);
    cache.set('b', '4');
    expect(() => { cache.resize(1); }).not.toThrow();
    expect(cache.keys()).toEqual(['b']);
    cache.checkInvariants();
  });

  it('a callback may use the cache; its own evictions are reported in order', () => {
    const log: string[] = [];
    const cache: LruCache<string, string> = new LruCache<string, string>({
      maxBytes: 3, sizeOf: () => 1,
      onEvict: (k, v, why) => {
        log.push(`${k}:${why}`);
        if (v === 'respawn') cache.set(`${k}'`, 'x'); // re-enters while draining
      },
    });
    cache.set('a', 'respawn');
    cache.set('b', 'x');
    cache.set('c', 'x');
    cache.set('d', 'x'); // evicts a, whose callback stores a', which evicts b
    cache.checkInvariants();
    expect(log).toEqual(['a:evicted', 'b:evicted']);
    expect(cache.keys()).toEqual(["a'", 'd', 'c']);
  });
});
