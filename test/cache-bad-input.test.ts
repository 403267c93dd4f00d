/**
 * Bad input to the caches: timeouts past setTimeout's 32-bit limit, `null` and other non-objects
 * as options, signals that are not AbortSignals, loaders that are not loaders. Each is a
 * MemoryError `INVALID_OPTION` (never a TypeError, never a silent timeout), and nothing changes.
 */
import { describe, expect, it } from 'vitest';
import { AsyncCache, LruCache, withCircuitBreaker, withDedup, type AsyncLoader, type GetOptions } from '../src/cache/index.ts';
import { asset, controlled, flush, rejectsWith, throwsCode, track, type Asset } from './cache-helpers.ts';

const LIMIT = 2147483647; // 2^31 - 1 ms: setTimeout's largest delay
const sizeOf = (v: Asset): number => v.bytes;

function layers(): [string, AsyncLoader<string, Asset>, AsyncCache<string, Asset>][] {
  const make = (): AsyncCache<string, Asset> => new AsyncCache<string, Asset>({ name: 'assets', maxBytes: 100, sizeOf });
  const a = make();
  const b = make();
  const c = make();
  return [
    ['AsyncCache', a, a],
    ['withDedup', withDedup(b), b],
    ['withCircuitBreaker', withCircuitBreaker(c, { failureThreshold: 1, coolDownMs: 1000 }), c],
  ];
}

describe('timeoutMs above 2^31 - 1 ms (setTimeout would fire at once) is INVALID_OPTION', () => {
  it('at construction: the message and the suggestion give the limit and the reason', () => {
    for (const timeoutMs of [LIMIT + 1, 2 ** 31, 2 ** 32, 1e12, Number.MAX_VALUE, Infinity]) {
      const e = throwsCode(() => new AsyncCache({ maxBytes: 10, sizeOf, timeoutMs }), 'INVALID_OPTION');
      expect(e.message).toContain('new AsyncCache option timeoutMs is invalid');
      expect(e.message).toContain(String(LIMIT));
      expect(e.message).toContain('setTimeout');
      expect(e.suggestion).toContain(String(LIMIT));
      expect(e.request).toEqual({ timeoutMs });
    }
    throwsCode(() => new LruCache({ maxBytes: 10, sizeOf, timeoutMs: 2 ** 31 }), 'INVALID_OPTION');
    expect(new AsyncCache({ maxBytes: 10, sizeOf, timeoutMs: LIMIT }).name).toBe('cache'); // the limit itself is fine
  });

  it('per call, in every layer, on a miss and on a hit, without computing', async () => {
    for (const [name, loader, cache] of layers()) {
      cache.set('hit', asset('hit'));
      const { compute, calls } = controlled<string, Asset>();
      for (const key of ['miss', 'hit']) {
        for (const timeoutMs of [LIMIT + 1, 2 ** 40, Infinity]) {
          const e = await rejectsWith(loader.get(key, compute, { timeoutMs }), 'INVALID_OPTION');
          expect(e.message, name).toContain(String(LIMIT));
        }
      }
      expect(calls, name).toHaveLength(0);
      expect(cache.stats().misses, name).toBe(0);
      cache.checkInvariants();
    }
  });

  it('a timeout of exactly 2^31 - 1 ms waits (real timers): the call is still pending, then resolves', async () => {
    for (const [name, loader] of layers()) {
      const { compute, calls } = controlled<string, Asset>();
      const t = track(loader.get('slow', compute, { timeoutMs: LIMIT }));
      await new Promise((res) => setTimeout(res, 20));
      expect(t.status, name).toBe('pending'); // before the fix a 2^31 timeout rejected here with CACHE_TIMEOUT
      calls[0].d.resolve(asset('slow'));
      await flush();
      expect(t.status, name).toBe('fulfilled');
    }
    const cache = new AsyncCache<string, Asset>({ maxBytes: 10, sizeOf, timeoutMs: LIMIT });
    const { compute, calls } = controlled<string, Asset>();
    const t = track(cache.get('k', compute));
    await new Promise((res) => setTimeout(res, 20));
    expect(t.status).toBe('pending');
    calls[0].d.resolve(asset('k'));
    await flush();
    expect(t.status).toBe('fulfilled');
  });

  it('a circuit breaker cool-down is not a timer: any positive finite length works', async () => {
    let now = 0;
    const cache = new AsyncCache<string, Asset>({ maxBytes: 10, sizeOf });
    const b = withCircuitBreaker(cache, { failureThreshold: 1, coolDownMs: 2 ** 40, clock: { now: () => now } });
    await expect(b.get('k', () => { throw new Error('x'); })).rejects.toThrow('x');
    now = 2 ** 32;
    expect(b.state('k')).toBe('open'); // not clamped to an immediate retry
    now = 2 ** 40;
    expect(b.state('k')).toBe('half-open');
  });
});

describe('option objects and arguments that are not what they should be', () => {
  it('null, undefined or a number as cache options: INVALID_OPTION naming options', () => {
    for (const options of [null, undefined, 5, 'big']) {
      const e = throwsCode(() => new AsyncCache(options as never), 'INVALID_OPTION');
      expect(e.message).toContain('option options is invalid');
      throwsCode(() => new LruCache(options as never), 'INVALID_OPTION');
    }
  });

  it('get() options: null, a number, a signal that is not an AbortSignal: INVALID_OPTION, nothing computed, no failure counted', async () => {
    const bad: unknown[] = [null, 5, 'fast', { signal: {} }, { signal: null }, { signal: 'abort' }, { timeoutMs: '100' }];
    for (const [name, loader, cache] of layers()) {
      const { compute, calls } = controlled<string, Asset>();
      for (const options of bad) {
        const e = await rejectsWith(loader.get('k', compute, options as GetOptions), 'INVALID_OPTION');
        expect(e.message, `${name} ${JSON.stringify(options)}`).toMatch(/get option (options|signal|timeoutMs) is invalid/);
      }
      expect(calls, name).toHaveLength(0);
      expect(cache.stats(), name).toMatchObject({ misses: 0, failures: 0, inFlight: 0 });
      if ('state' in loader) expect((loader as { state(k: string): string }).state('k')).toBe('closed'); // the caller's mistake, not a failure
      cache.checkInvariants();
    }
  });

  it('withDedup / withCircuitBreaker: a loader or options that are not objects are INVALID_OPTION', () => {
    const cache = new AsyncCache<string, Asset>({ maxBytes: 10, sizeOf });
    for (const inner of [null, undefined, {}, { get: () => 1 }, 5]) {
      throwsCode(() => withDedup(inner as never), 'INVALID_OPTION');
      throwsCode(() => withCircuitBreaker(inner as never, { failureThreshold: 1, coolDownMs: 1 }), 'INVALID_OPTION');
    }
    for (const options of [null, undefined, 3]) {
      const e = throwsCode(() => withCircuitBreaker(cache, options as never), 'INVALID_OPTION');
      expect(e.message).toContain('withCircuitBreaker option options is invalid');
    }
    expect(withDedup(withCircuitBreaker(cache, { failureThreshold: 1, coolDownMs: 1 })).name).toBe('cache');
  });
});
