import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AsyncCache, type AsyncCacheOptions } from '../src/cache/index.ts';
import { asset, controlled, evictLog, flush, rejectedWith, rejectsWith, track, type Asset } from './cache-helpers.ts';

beforeEach(() => { vi.useFakeTimers(); });
afterEach(() => { vi.useRealTimers(); });

function setup(extra: Partial<AsyncCacheOptions<string, Asset>> = {}) {
  const { log, onEvict } = evictLog<string>();
  const cache = new AsyncCache<string, Asset>({ name: 'assets', maxBytes: 100, sizeOf: (v) => v.bytes, onEvict, ...extra });
  const { compute, calls } = controlled<string, Asset>();
  return { cache, log, compute, calls };
}

describe('AsyncCache.get: misses, hits, failures', () => {
  it('a miss computes once, stores and resolves; a hit resolves without computing', async () => {
    const { cache, compute, calls } = setup();
    const t = track(cache.get('hero', compute));
    expect(calls.map((c) => c.key)).toEqual(['hero']);
    expect(cache.stats()).toMatchObject({ misses: 1, computes: 1, inFlight: 1 });
    cache.checkInvariants();
    const v = asset('hero', 10);
    calls[0].d.resolve(v);
    await flush();
    expect(t.status).toBe('fulfilled');
    expect(t.value).toBe(v);
    expect(cache.peek('hero')).toBe(v);
    expect(await cache.get('hero', compute)).toBe(v);
    expect(calls).toHaveLength(1);
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 1, computes: 1, failures: 0, inFlight: 0, bytes: 10 });
    cache.checkInvariants();
  });

  it('accepts a compute that returns a value, throws, or returns a thenable', async () => {
    const { cache } = setup();
    expect((await cache.get('sync', () => asset('s'))).id).toBe('s');
    const boom = new Error('no such file');
    await expect(cache.get('throws', () => { throw boom; })).rejects.toBe(boom);
    const thenable: PromiseLike<Asset> = { then: (ok) => Promise.resolve(ok?.(asset('t'))) as never };
    expect((await cache.get('thenable', () => thenable)).id).toBe('t');
    expect(cache.keys().sort()).toEqual(['sync', 'thenable']);
    cache.checkInvariants();
  });

  it('does not cache a failure: the next get computes again', async () => {
    const { cache, compute, calls } = setup();
    const t1 = track(cache.get('k', compute));
    const err = new Error('404');
    calls[0].d.reject(err);
    await flush();
    expect(t1.status).toBe('rejected');
    expect(t1.reason).toBe(err);
    expect(cache.size).toBe(0);
    cache.checkInvariants();
    const t2 = track(cache.get('k', compute));
    expect(calls).toHaveLength(2);
    calls[1].d.resolve(asset('k'));
    await flush();
    expect(t2.value?.id).toBe('k');
    expect(cache.stats()).toMatchObject({ misses: 2, computes: 2, failures: 1, entries: 1 });
    cache.checkInvariants();
  });

  it('rejects bad keys and bad timeouts without computing', async () => {
    const { cache, compute, calls } = setup();
    await rejectsWith(cache.get({} as unknown as string, compute), 'INVALID_KEY');
    expect((await rejectsWith(cache.get('k', null as never), 'INVALID_OPTION')).message).toContain('compute');
    for (const timeoutMs of [0, -1, Number.NaN, Infinity]) {
      const e = await rejectsWith(cache.get('k', compute, { timeoutMs }), 'INVALID_OPTION');
      expect(e.message).toContain('timeoutMs');
    }
    expect(calls).toHaveLength(0);
    expect(cache.stats().misses).toBe(0);
    cache.checkInvariants();
  });

  it('a computed value larger than the budget: CACHE_BUDGET, and the value goes to onEvict', async () => {
    const { cache, log } = setup({ maxBytes: 10 });
    const e = await rejectsWith(cache.get('huge', () => asset('huge', 11)), 'CACHE_BUDGET');
    expect(e.state.maxBytes).toBe(10);
    expect(log).toEqual([['huge', 'huge', 'discarded']]);
    expect(cache.stats()).toMatchObject({ discarded: 1, entries: 0 });
    await rejectsWith(cache.get('bad', () => asset('bad', -3)), 'INVALID_SIZE');
    expect(log[1]).toEqual(['bad', 'bad', 'discarded']);
    cache.checkInvariants();
  });
});

describe('AsyncCache.get: races', () => {
  it('overlapping misses without dedup each compute; the first value stored wins, the later is discarded', async () => {
    const { cache, compute, calls, log } = setup();
    const a = track(cache.get('k', compute));
    const b = track(cache.get('k', compute));
    expect(calls).toHaveLength(2);
    const first = asset('second-call-first', 3);
    calls[1].d.resolve(first);
    await flush();
    calls[0].d.resolve(asset('first-call-late', 3));
    await flush();
    expect(a.value).toBe(first);
    expect(b.value).toBe(first);
    expect(log).toEqual([['k', 'first-call-late', 'discarded']]);
    expect(cache.bytes).toBe(3);
    cache.checkInvariants();
  });

  it('set() during a computation wins over the computed value', async () => {
    const { cache, compute, calls, log } = setup();
    const t = track(cache.get('k', compute));
    const fresh = asset('set');
    cache.set('k', fresh);
    calls[0].d.resolve(asset('computed'));
    await flush();
    expect(t.value).toBe(fresh);
    expect(log).toEqual([['k', 'computed', 'discarded']]);
    cache.checkInvariants();
  });

  it('invalidate during an in-flight compute runs it again: the caller gets the new value', async () => {
    const { cache, compute, calls, log } = setup();
    const t = track(cache.get('shader', compute));
    expect(cache.invalidate('shader')).toBe(false); // nothing cached yet, but the computation is stale
    calls[0].d.resolve(asset('old source'));
    await flush();
    expect(t.status).toBe('pending');
    expect(calls).toHaveLength(2);
    expect(log).toEqual([['shader', 'old source', 'discarded']]);
    cache.invalidate('shader'); // again, during the second run
    calls[1].d.resolve(asset('still old'));
    await flush();
    expect(calls).toHaveLength(3);
    calls[2].d.resolve(asset('new source'));
    await flush();
    expect(t.value?.id).toBe('new source');
    expect(cache.peek('shader')?.id).toBe('new source');
    expect(cache.stats()).toMatchObject({ misses: 1, computes: 3, discarded: 2, inFlight: 0 });
    cache.checkInvariants();
  });

  it('invalidating another key does not disturb a computation', async () => {
    const { cache, compute, calls } = setup();
    const t = track(cache.get('a', compute));
    cache.invalidate('b');
    calls[0].d.resolve(asset('a'));
    await flush();
    expect(t.value?.id).toBe('a');
    expect(calls).toHaveLength(1);
  });

  it('clear during a computation runs it again too', async () => {
    const { cache, compute, calls } = setup();
    cache.set('x', asset('x'));
    const t = track(cache.get('k', compute));
    cache.clear();
    calls[0].d.resolve(asset('before clear'));
    await flush();
    expect(calls).toHaveLength(2);
    calls[1].d.resolve(asset('after clear'));
    await flush();
    expect(t.value?.id).toBe('after clear');
    expect(cache.keys()).toEqual(['k']);
    cache.checkInvariants();
  });

  it('a failure of a re-run reaches the caller and caches nothing', async () => {
    const { cache, compute, calls } = setup();
    const t = track(cache.get('k', compute));
    cache.invalidate('k');
    calls[0].d.resolve(asset('stale'));
    await flush();
    calls[1].d.reject(new Error('gone'));
    await flush();
    expect(t.status).toBe('rejected');
    expect(cache.size).toBe(0);
    expect(cache.stats()).toMatchObject({ failures: 1, inFlight: 0 });
    cache.checkInvariants();
  });
});

describe('AsyncCache.get: cancellation and timeouts', () => {
  it('abort while waiting: CACHE_ABORTED with the reason as cause; the compute is told; a late value is still cached', async () => {
    const { cache, compute, calls } = setup();
    const ac = new AbortController();
    const t = track(cache.get('k', compute, { signal: ac.signal }));
    const reason = new Error('level unloaded');
    ac.abort(reason);
    await flush();
    const e = rejectedWith(t, 'CACHE_ABORTED');
    expect(e.cause).toBe(reason);
    expect(e.message).toContain('level unloaded');
    expect(calls[0].signal.aborted).toBe(true);
    expect(calls[0].signal.reason).toBe(e);
    calls[0].d.resolve(asset('late'));
    await flush();
    expect(cache.peek('k')?.id).toBe('late');
    expect(cache.stats()).toMatchObject({ failures: 0, inFlight: 0 });
    cache.checkInvariants();
  });

  it('an aborted compute that rejects is not counted as a failure', async () => {
    const { cache } = setup();
    const ac = new AbortController();
    const p = cache.get('k', (_k, signal) => new Promise<Asset>((_ok, fail) => {
      signal.addEventListener('abort', () => { fail(new Error('stopped', { cause: signal.reason })); });
    }), { signal: ac.signal });
    ac.abort();
    await rejectsWith(p, 'CACHE_ABORTED');
    await flush();
    expect(cache.stats()).toMatchObject({ failures: 0, inFlight: 0, entries: 0 });
  });

  it('an already aborted signal rejects at once, even on a hit, and computes nothing', async () => {
    const { cache, compute, calls } = setup();
    cache.set('hit', asset('hit'));
    const signal = AbortSignal.abort('stop');
    await rejectsWith(cache.get('hit', compute, { signal }), 'CACHE_ABORTED');
    await rejectsWith(cache.get('miss', compute, { signal }), 'CACHE_ABORTED');
    expect(calls).toHaveLength(0);
  });

  it('aborted and invalidated while computing: the stale value is discarded and not re-run', async () => {
    const { cache, compute, calls, log } = setup();
    const ac = new AbortController();
    const t = track(cache.get('k', compute, { signal: ac.signal }));
    ac.abort();
    cache.invalidate('k');
    calls[0].d.resolve(asset('stale'));
    await flush();
    rejectedWith(t, 'CACHE_ABORTED');
    expect(calls).toHaveLength(1);
    expect(log).toEqual([['k', 'stale', 'discarded']]);
    expect(cache.stats()).toMatchObject({ entries: 0, inFlight: 0 });
    cache.checkInvariants();
  });

  it('timeout: CACHE_TIMEOUT after timeoutMs of fake time; the compute is told; a late value is cached', async () => {
    const { cache, compute, calls } = setup();
    const t = track(cache.get('slow', compute, { timeoutMs: 500 }));
    await vi.advanceTimersByTimeAsync(499);
    expect(t.status).toBe('pending');
    expect(calls[0].signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const e = rejectedWith(t, 'CACHE_TIMEOUT');
    expect(e.request).toMatchObject({ key: 'slow', timeoutMs: 500 });
    expect(calls[0].signal.reason).toBe(e);
    calls[0].d.resolve(asset('slow'));
    await flush();
    expect(cache.peek('slow')?.id).toBe('slow');
    expect(vi.getTimerCount()).toBe(0);
    cache.checkInvariants();
  });

  it('the cache-wide timeoutMs applies unless a call sets its own', async () => {
    const { cache, compute, calls } = setup({ timeoutMs: 100 });
    const dflt = track(cache.get('a', compute));
    const own = track(cache.get('b', compute, { timeoutMs: 300 }));
    await vi.advanceTimersByTimeAsync(100);
    rejectedWith(dflt, 'CACHE_TIMEOUT');
    expect(own.status).toBe('pending');
    calls[1].d.resolve(asset('b'));
    await flush();
    expect(own.value?.id).toBe('b');
    expect(vi.getTimerCount()).toBe(0); // the settled call's timer is gone
  });

  it('a value in time clears the timer and the abort listener', async () => {
    const { cache, compute, calls } = setup();
    const ac = new AbortController();
    const t = track(cache.get('k', compute, { signal: ac.signal, timeoutMs: 1000 }));
    expect(vi.getTimerCount()).toBe(1);
    calls[0].d.resolve(asset('k'));
    await flush();
    expect(t.status).toBe('fulfilled');
    expect(vi.getTimerCount()).toBe(0);
    ac.abort(); // too late: nothing happens
    await flush();
    expect(t.status).toBe('fulfilled');
    expect(calls[0].signal.aborted).toBe(false);
  });
});

describe('AsyncCache.get: TTL with fake time', () => {
  it('an expired value is computed again', async () => {
    const { cache, compute, calls, log } = setup({ ttlMs: 1000 });
    const t = track(cache.get('k', compute));
    calls[0].d.resolve(asset('v1'));
    await flush();
    expect(t.value?.id).toBe('v1');
    await vi.advanceTimersByTimeAsync(999);
    expect((await cache.get('k', compute)).id).toBe('v1');
    await vi.advanceTimersByTimeAsync(1);
    const t2 = track(cache.get('k', compute));
    expect(calls).toHaveLength(2);
    expect(log).toEqual([['k', 'v1', 'expired']]);
    calls[1].d.resolve(asset('v2'));
    await flush();
    expect(t2.value?.id).toBe('v2');
    expect(cache.stats()).toMatchObject({ expirations: 1, misses: 2, hits: 1 });
    cache.checkInvariants();
  });
});
