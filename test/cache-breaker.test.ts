import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AsyncCache, withCircuitBreaker, withDedup } from '../src/cache/index.ts';
import { asset, controlled, flush, rejectedWith, rejectsWith, throwsCode, track, type Asset } from './cache-helpers.ts';

beforeEach(() => { vi.useFakeTimers(); });
afterEach(() => { vi.useRealTimers(); });

function setup(failureThreshold = 3, coolDownMs = 1000) {
  const cache = new AsyncCache<string, Asset>({ name: 'shaders', maxBytes: 100, sizeOf: (v) => v.bytes });
  const breaker = withCircuitBreaker(cache, { failureThreshold, coolDownMs });
  const { compute, calls } = controlled<string, Asset>();
  return { cache, breaker, compute, calls };
}

/** Starts a get and fails its computation. */
async function failOnce(breaker: ReturnType<typeof setup>['breaker'], calls: ReturnType<typeof setup>['calls'], compute: ReturnType<typeof setup>['compute'], key: string, msg = 'compile error'): Promise<void> {
  const t = track(breaker.get(key, compute));
  calls[calls.length - 1].d.reject(new Error(msg));
  await flush();
  expect(t.status).toBe('rejected');
}

describe('withCircuitBreaker', () => {
  it('opens after N failures in a row and then fails fast with CIRCUIT_OPEN, saying when it retries', async () => {
    const { breaker, compute, calls } = setup(3, 1000);
    const t0 = performance.now();
    for (let i = 0; i < 3; i++) {
      expect(breaker.state('sprite')).toBe('closed');
      await failOnce(breaker, calls, compute, 'sprite', `error ${i}`);
    }
    expect(breaker.state('sprite')).toBe('open');
    await vi.advanceTimersByTimeAsync(400);
    const e = await rejectsWith(breaker.get('sprite', compute), 'CIRCUIT_OPEN');
    expect(calls).toHaveLength(3); // failed fast: no computation
    expect(e.state).toMatchObject({ failures: 3, failureThreshold: 3, coolDownMs: 1000, retryAt: t0 + 1000, retryInMs: 600, trialRunning: false });
    expect(e.message).toContain('retries in 600 ms');
    expect((e.cause as Error).message).toBe('error 2');
    expect(e.suggestion).toMatch(/invalidate\(key\)/);
    expect(breaker.stats()).toEqual({ open: 1, tracked: 1, opened: 1, rejected: 1 });
  });

  it('half-open after the cool-down: one trial goes through, others fail fast; success closes', async () => {
    const { breaker, compute, calls } = setup(2, 1000);
    await failOnce(breaker, calls, compute, 'k');
    await failOnce(breaker, calls, compute, 'k');
    await vi.advanceTimersByTimeAsync(999);
    expect(breaker.state('k')).toBe('open');
    await vi.advanceTimersByTimeAsync(1);
    expect(breaker.state('k')).toBe('half-open');
    const trial = track(breaker.get('k', compute));
    expect(calls).toHaveLength(3);
    const e = await rejectsWith(breaker.get('k', compute), 'CIRCUIT_OPEN');
    expect(e.state).toMatchObject({ trialRunning: true, retryInMs: 0 });
    expect(breaker.state('k')).toBe('half-open');
    calls[2].d.resolve(asset('k'));
    await flush();
    expect(trial.value?.id).toBe('k');
    expect(breaker.state('k')).toBe('closed');
    expect(breaker.stats()).toMatchObject({ open: 0, tracked: 0 });
  });

  it('a failed trial opens the circuit for another cool-down', async () => {
    const { breaker, compute, calls } = setup(1, 500);
    await failOnce(breaker, calls, compute, 'k');
    await vi.advanceTimersByTimeAsync(500);
    await failOnce(breaker, calls, compute, 'k', 'still broken');
    expect(breaker.state('k')).toBe('open');
    await vi.advanceTimersByTimeAsync(499);
    const e = await rejectsWith(breaker.get('k', compute), 'CIRCUIT_OPEN');
    expect(e.state.retryInMs).toBe(1);
    expect(breaker.stats().opened).toBe(2);
  });

  it('a success resets the count: only failures in a row open it', async () => {
    const { breaker, compute, calls, cache } = setup(3);
    await failOnce(breaker, calls, compute, 'k');
    await failOnce(breaker, calls, compute, 'k');
    const ok = track(breaker.get('k', compute));
    calls[2].d.resolve(asset('k'));
    await flush();
    expect(ok.status).toBe('fulfilled');
    cache.invalidate('k');
    await failOnce(breaker, calls, compute, 'k');
    await failOnce(breaker, calls, compute, 'k');
    expect(breaker.state('k')).toBe('closed');
  });

  it('keeps one circuit per key', async () => {
    const { breaker, compute, calls } = setup(1);
    await failOnce(breaker, calls, compute, 'broken');
    await rejectsWith(breaker.get('broken', compute), 'CIRCUIT_OPEN');
    const fine = track(breaker.get('fine', compute));
    calls[1].d.resolve(asset('fine'));
    await flush();
    expect(fine.value?.id).toBe('fine');
    expect(breaker.state('fine')).toBe('closed');
  });

  it("the caller's own abort is no failure; an aborted trial lets the next call try", async () => {
    const { breaker, compute, calls } = setup(1, 100);
    for (let i = 0; i < 3; i++) {
      const ac = new AbortController();
      const t = track(breaker.get('k', compute, { signal: ac.signal }));
      ac.abort();
      await flush();
      rejectedWith(t, 'CACHE_ABORTED');
    }
    expect(breaker.state('k')).toBe('closed');
    await failOnce(breaker, calls, compute, 'k');
    await vi.advanceTimersByTimeAsync(100);
    const ac = new AbortController();
    const trial = track(breaker.get('k', compute, { signal: ac.signal }));
    ac.abort();
    await flush();
    rejectedWith(trial, 'CACHE_ABORTED');
    expect(breaker.state('k')).toBe('half-open');
    const next = track(breaker.get('k', compute)); // may try at once
    calls[calls.length - 1].d.resolve(asset('k'));
    await flush();
    expect(next.value?.id).toBe('k');
  });

  it("the caller's own bad arguments are no failure", async () => {
    const { breaker, compute, calls } = setup(1);
    await rejectsWith(breaker.get('k', compute, { timeoutMs: -1 }), 'INVALID_OPTION');
    await rejectsWith(breaker.get('k', 'not a function' as never), 'INVALID_OPTION');
    await flush();
    expect(breaker.state('k')).toBe('closed');
    expect(calls).toHaveLength(0);
  });

  it('timeouts count as failures', async () => {
    const { breaker, compute } = setup(2);
    for (let i = 0; i < 2; i++) {
      const t = track(breaker.get('slow', compute, { timeoutMs: 50 }));
      await vi.advanceTimersByTimeAsync(50);
      rejectedWith(t, 'CACHE_TIMEOUT');
    }
    expect(breaker.state('slow')).toBe('open');
  });

  it('invalidate and clear forget the failures; hits are never blocked', async () => {
    const { cache, breaker, compute, calls } = setup(1);
    await failOnce(breaker, calls, compute, 'a');
    expect(breaker.invalidate('a')).toBe(false);
    expect(breaker.state('a')).toBe('closed');
    await failOnce(breaker, calls, compute, 'a');
    await failOnce(breaker, calls, compute, 'b');
    breaker.clear();
    expect([breaker.state('a'), breaker.state('b')]).toEqual(['closed', 'closed']);
    await failOnce(breaker, calls, compute, 'a');
    cache.set('a', asset('from elsewhere'));
    expect((await breaker.get('a', compute)).id).toBe('from elsewhere');
    expect(breaker.peek('a')?.id).toBe('from elsewhere');
    expect(breaker.name).toBe('shaders');
  });

  it('under withDedup, one failed computation shared by many callers counts once', async () => {
    const { cache, breaker, compute, calls } = setup(2);
    const loader = withDedup(breaker);
    const round = async (): Promise<void> => {
      const ts = Array.from({ length: 5 }, () => track(loader.get('k', compute)));
      calls[calls.length - 1].d.reject(new Error('bad'));
      await flush();
      for (const t of ts) expect(t.status).toBe('rejected');
    };
    await round();
    expect(calls).toHaveLength(1);
    expect(breaker.state('k')).toBe('closed');
    await round();
    expect(breaker.state('k')).toBe('open');
    const ts = [track(loader.get('k', compute)), track(loader.get('k', compute))];
    await flush();
    for (const t of ts) rejectedWith(t, 'CIRCUIT_OPEN');
    expect(calls).toHaveLength(2);
    cache.checkInvariants();
  });

  it('checks its options (INVALID_OPTION) and rejects bad calls at once', async () => {
    const cache = new AsyncCache<string, Asset>({ maxBytes: 10, sizeOf: () => 1 });
    for (const opts of [{ failureThreshold: 0, coolDownMs: 1 }, { failureThreshold: 1.5, coolDownMs: 1 }, { failureThreshold: 1, coolDownMs: 0 },
      { failureThreshold: 1, coolDownMs: Infinity }, { failureThreshold: 1, coolDownMs: Number.NaN }, { failureThreshold: 1, coolDownMs: 1, clock: {} }]) {
      throwsCode(() => withCircuitBreaker(cache, opts as never), 'INVALID_OPTION');
    }
    const b = withCircuitBreaker(cache, { failureThreshold: 1, coolDownMs: 1 });
    await rejectsWith(b.get('k', () => asset('k'), { signal: AbortSignal.abort() }), 'CACHE_ABORTED');
    await rejectsWith(b.get(null as unknown as string, () => asset('k')), 'INVALID_KEY');
  });

  it('follows an injected clock', async () => {
    let now = 0;
    const cache = new AsyncCache<string, Asset>({ maxBytes: 10, sizeOf: () => 1 });
    const b = withCircuitBreaker(cache, { failureThreshold: 1, coolDownMs: 10, clock: { now: () => now } });
    await expect(b.get('k', () => { throw new Error('x'); })).rejects.toThrow('x');
    expect(b.state('k')).toBe('open');
    now = 10;
    expect(b.state('k')).toBe('half-open');
  });
});
