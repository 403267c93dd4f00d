import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AsyncCache, withDedup } from '../src/cache/index.ts';
import { asset, controlled, evictLog, flush, rejectedWith, rejectsWith, track, type Asset } from './cache-helpers.ts';

beforeEach(() => { vi.useFakeTimers(); });
afterEach(() => { vi.useRealTimers(); });

function setup(timeoutMs?: number) {
  const { log, onEvict } = evictLog<string>();
  const cache = new AsyncCache<string, Asset>({ name: 'textures', maxBytes: 100, sizeOf: (v) => v.bytes, onEvict, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  const loader = withDedup(cache);
  const { compute, calls } = controlled<string, Asset>();
  const check = (): void => { cache.checkInvariants(); };
  return { cache, loader, log, compute, calls, check };
}

describe('withDedup', () => {
  it('concurrent misses of one key share a single computation', async () => {
    const { cache, loader, compute, calls, check } = setup();
    const ts = Array.from({ length: 5 }, () => track(loader.get('hero.png', compute)));
    const other = track(loader.get('other.png', compute));
    expect(calls.map((c) => c.key)).toEqual(['hero.png', 'other.png']);
    expect(loader.stats()).toEqual({ started: 2, joined: 4, inFlight: 2 });
    check();
    const v = asset('hero', 4);
    calls[0].d.resolve(v);
    calls[1].d.resolve(asset('other'));
    await flush();
    for (const t of ts) expect(t.value).toBe(v);
    expect(other.value?.id).toBe('other');
    expect(await loader.get('hero.png', compute)).toBe(v); // a hit now: no computation, no flight
    expect(calls).toHaveLength(2);
    expect(loader.stats().inFlight).toBe(0);
    expect(cache.stats()).toMatchObject({ misses: 2, computes: 2 });
    expect(loader.peek('hero.png')).toBe(v);
    expect(loader.name).toBe('textures');
    check();
  });

  it('a failure reaches every waiter and is not cached: the next call computes again', async () => {
    const { cache, loader, compute, calls, check } = setup();
    const ts = [track(loader.get('k', compute)), track(loader.get('k', compute)), track(loader.get('k', compute))];
    const err = new Error('decode failed');
    calls[0].d.reject(err);
    await flush();
    for (const t of ts) expect(t.reason).toBe(err);
    expect(loader.stats().inFlight).toBe(0);
    expect(cache.size).toBe(0);
    const again = track(loader.get('k', compute));
    expect(calls).toHaveLength(2);
    calls[1].d.resolve(asset('k'));
    await flush();
    expect(again.value?.id).toBe('k');
    check();
  });

  it('one waiter aborting does not disturb the others or the computation', async () => {
    const { loader, compute, calls, check } = setup();
    const ac = new AbortController();
    const leaving = track(loader.get('k', compute, { signal: ac.signal }));
    const staying = track(loader.get('k', compute));
    ac.abort(new Error('scene changed'));
    await flush();
    expect(rejectedWith(leaving, 'CACHE_ABORTED').cause).toEqual(new Error('scene changed'));
    expect(calls[0].signal.aborted).toBe(false);
    calls[0].d.resolve(asset('k'));
    await flush();
    expect(staying.value?.id).toBe('k');
    check();
  });

  it('when every waiter leaves, the computation is aborted and the next get starts afresh', async () => {
    const { loader, compute, calls, log, check } = setup();
    const a = new AbortController();
    const b = new AbortController();
    const t1 = track(loader.get('k', compute, { signal: a.signal }));
    const t2 = track(loader.get('k', compute, { signal: b.signal }));
    a.abort();
    await flush();
    expect(calls[0].signal.aborted).toBe(false);
    b.abort();
    await flush();
    rejectedWith(t1, 'CACHE_ABORTED');
    rejectedWith(t2, 'CACHE_ABORTED');
    expect(calls[0].signal.aborted).toBe(true);
    expect(loader.stats().inFlight).toBe(0);
    const fresh = track(loader.get('k', compute));
    expect(calls).toHaveLength(2);
    // the abandoned computation delivers anyway: its value is cached, and the new one loses
    calls[0].d.resolve(asset('abandoned but fine'));
    await flush();
    calls[1].d.resolve(asset('fresh'));
    await flush();
    expect(fresh.value?.id).toBe('abandoned but fine');
    expect(log).toEqual([['k', 'fresh', 'discarded']]);
    check();
  });

  it('each waiter has its own timeout; the shared computation goes on', async () => {
    const { loader, compute, calls, check } = setup();
    const impatient = track(loader.get('k', compute, { timeoutMs: 100 }));
    const patient = track(loader.get('k', compute, { timeoutMs: 1000 }));
    await vi.advanceTimersByTimeAsync(100);
    rejectedWith(impatient, 'CACHE_TIMEOUT');
    expect(patient.status).toBe('pending');
    expect(calls[0].signal.aborted).toBe(false);
    calls[0].d.resolve(asset('k'));
    await flush();
    expect(patient.value?.id).toBe('k');
    expect(vi.getTimerCount()).toBe(0);
    check();
  });

  it("the cache's timeout bounds the shared computation for everyone", async () => {
    const { loader, compute, calls } = setup(200);
    const a = track(loader.get('k', compute));
    const b = track(loader.get('k', compute));
    await vi.advanceTimersByTimeAsync(200);
    rejectedWith(a, 'CACHE_TIMEOUT');
    rejectedWith(b, 'CACHE_TIMEOUT');
    expect(calls[0].signal.aborted).toBe(true);
    expect(loader.stats().inFlight).toBe(0);
  });

  it('invalidate during an in-flight computation: one re-run, and old and new waiters get the new value', async () => {
    const { cache, loader, compute, calls, log, check } = setup();
    const before = track(loader.get('atlas', compute));
    loader.invalidate('atlas');
    const after = track(loader.get('atlas', compute)); // joins the same (re-running) computation
    expect(loader.stats()).toMatchObject({ started: 1, joined: 1 });
    calls[0].d.resolve(asset('old'));
    await flush();
    expect(calls).toHaveLength(2);
    calls[1].d.resolve(asset('new'));
    await flush();
    expect(before.value?.id).toBe('new');
    expect(after.value).toBe(before.value);
    expect(log).toEqual([['atlas', 'old', 'discarded']]);
    expect(cache.stats().computes).toBe(2);
    loader.clear();
    expect(cache.size).toBe(0);
    check();
  });

  it('failure while others wait, with one of them aborting first', async () => {
    const { loader, compute, calls, check } = setup();
    const ac = new AbortController();
    const a = track(loader.get('k', compute, { signal: ac.signal }));
    const b = track(loader.get('k', compute));
    ac.abort();
    calls[0].d.reject(new Error('network'));
    await flush();
    rejectedWith(a, 'CACHE_ABORTED');
    expect((b.reason as Error).message).toBe('network');
    check();
  });

  it('rejects aborted signals, bad keys and bad timeouts at once', async () => {
    const { loader, compute, calls } = setup();
    await rejectsWith(loader.get('k', compute, { signal: AbortSignal.abort() }), 'CACHE_ABORTED');
    await rejectsWith(loader.get(Symbol('k') as unknown as string, compute), 'INVALID_KEY');
    await rejectsWith(loader.get('k', compute, { timeoutMs: -1 }), 'INVALID_OPTION');
    expect(calls).toHaveLength(0);
  });
});
