/**
 * Random operation sequences against simple models: the LRU core against a Map-free array model,
 * and random interleavings of gets, settlements, aborts and invalidations through the layers.
 * checkInvariants() runs after every step.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AsyncCache, LruCache, withCircuitBreaker, withDedup, type AsyncLoader, type CacheKey } from '../src/cache/index.ts';
import type { EvictReason } from '../src/cache/cache-options.ts';
import { MemoryError } from '../src/index.ts';
import { deferred, flush, type Call } from './cache-helpers.ts';
import { inBrowser } from './helpers.ts';

const RUNS = inBrowser ? 150 : 400;

const keyArb: fc.Arbitrary<CacheKey> = fc.oneof(
  fc.constantFrom<CacheKey>(0, -0, Number.NaN, 1, 2, 1.5, -7, 2 ** 40, 'a', 'b', '1', '', 'tex/hero.png'),
  fc.integer({ min: 0, max: 40 }),
  fc.string({ maxLength: 3 }),
);

type Op =
  | { t: 'set'; key: CacheKey; size: number }
  | { t: 'peek'; key: CacheKey }
  | { t: 'invalidate'; key: CacheKey }
  | { t: 'clear' }
  | { t: 'advance'; ms: number }
  | { t: 'prune' }
  | { t: 'resize'; maxBytes: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ t: fc.constant('set' as const), key: keyArb, size: fc.integer({ min: 0, max: 40 }) }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('peek' as const), key: keyArb }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('invalidate' as const), key: keyArb }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('clear' as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 60 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('prune' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('resize' as const), maxBytes: fc.oneof(fc.integer({ min: 1, max: 200 }), fc.constantFrom(0, -1, Number.NaN, Infinity)) }) },
);

interface Entry {
  key: CacheKey;
  value: object;
  size: number;
  expires: number;
}

function expectCode(fn: () => unknown, code: string): void {
  let caught: unknown;
  try { fn(); } catch (e) { caught = e; }
  expect(caught).toBeInstanceOf(MemoryError);
  expect((caught as MemoryError).code as string).toBe(code);
}

describe('model: LRU core', () => {
  it('behaves like an array kept in recency order', () => {
    fc.assert(fc.property(
      fc.array(opArb, { maxLength: 80 }),
      fc.integer({ min: 1, max: 150 }),
      fc.option(fc.integer({ min: 10, max: 100 }), { nil: undefined }),
      fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
      (ops, maxBytes0, ttlMs, maxEntries) => {
        let now = 0;
        const log: [CacheKey, object, EvictReason][] = [];
        const cache = new LruCache<CacheKey, object>({
          maxBytes: maxBytes0, sizeOf: (v) => sizes.get(v) ?? -1, clock: { now: () => now },
          onEvict: (k, v, why) => { log.push([k, v, why]); },
          ...(ttlMs === undefined ? {} : { ttlMs }), ...(maxEntries === undefined ? {} : { maxEntries }),
        });
        const sizes = new WeakMap<object, number>();
        // the model: most recently used first
        let model: Entry[] = [];
        let maxBytes = maxBytes0;
        const want: [CacheKey, object, EvictReason][] = [];
        let hits = 0;
        let evictions = 0;
        let expirations = 0;
        const find = (key: CacheKey): number => model.findIndex((e) => [e.key].includes(key)); // SameValueZero
        const bytes = (): number => model.reduce((s, e) => s + e.size, 0);
        const fit = (keep: Entry | null): void => {
          while (model.length > 0 && (bytes() > maxBytes || model.length > (maxEntries ?? Infinity)) && model[model.length - 1] !== keep) {
            const e = model.pop();
            if (e === undefined) break;
            evictions++;
            want.push([e.key, e.value, 'evicted']);
          }
        };
        for (const op of ops) {
          if (op.t === 'set') {
            const value = {};
            sizes.set(value, op.size);
            if (op.size > maxBytes) {
              expectCode(() => { cache.set(op.key, value); }, 'CACHE_BUDGET');
            } else {
              cache.set(op.key, value);
              const i = find(op.key);
              let key = op.key;
              if (i >= 0) {
                const [old] = model.splice(i, 1);
                key = old.key; // the first key stored stays (0 vs -0)
                want.push([old.key, old.value, 'replaced']);
              }
              const e: Entry = { key, value, size: op.size, expires: ttlMs === undefined ? Infinity : now + ttlMs };
              model.unshift(e);
              fit(e);
            }
          } else if (op.t === 'peek') {
            const got = cache.peek(op.key);
            const i = find(op.key);
            if (i < 0) expect(got).toBeUndefined();
            else if (model[i].expires <= now) {
              expect(got).toBeUndefined();
              const [e] = model.splice(i, 1);
              expirations++;
              want.push([e.key, e.value, 'expired']);
            } else {
              const [e] = model.splice(i, 1);
              model.unshift(e);
              hits++;
              expect(got).toBe(e.value);
            }
          } else if (op.t === 'invalidate') {
            const i = find(op.key);
            expect(cache.invalidate(op.key)).toBe(i >= 0);
            if (i >= 0) {
              const [e] = model.splice(i, 1);
              want.push([e.key, e.value, 'invalidated']);
            }
          } else if (op.t === 'clear') {
            cache.clear();
            for (const e of model) want.push([e.key, e.value, 'cleared']);
            model = [];
          } else if (op.t === 'advance') {
            now += op.ms;
          } else if (op.t === 'prune') {
            const expired = model.filter((e) => e.expires <= now);
            expect(cache.prune()).toBe(expired.length);
            for (const e of expired) want.push([e.key, e.value, 'expired']);
            expirations += expired.length;
            model = model.filter((e) => e.expires > now);
          } else if (Number.isFinite(op.maxBytes) && op.maxBytes > 0) {
            cache.resize(op.maxBytes);
            maxBytes = op.maxBytes;
            fit(null);
          } else {
            expectCode(() => { cache.resize(op.maxBytes); }, 'INVALID_OPTION');
          }
          cache.checkInvariants();
          expect(cache.keys()).toEqual(model.map((e) => e.key));
          expect(log).toEqual(want);
          expect(cache.stats()).toMatchObject({ hits, evictions, expirations, entries: model.length, bytes: bytes(), maxBytes });
        }
      },
    ), { numRuns: RUNS });
  });
});

type RaceOp =
  | { t: 'get'; key: number; abortable: boolean }
  | { t: 'resolve'; pick: number; size: number }
  | { t: 'reject'; pick: number }
  | { t: 'abort'; pick: number }
  | { t: 'invalidate'; key: number }
  | { t: 'clear' }
  | { t: 'peek'; key: number };

const raceArb: fc.Arbitrary<RaceOp> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant('get' as const), key: fc.integer({ min: 0, max: 3 }), abortable: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('resolve' as const), pick: fc.nat(), size: fc.integer({ min: 0, max: 6 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('reject' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('abort' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('invalidate' as const), key: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('clear' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('peek' as const), key: fc.integer({ min: 0, max: 3 }) }) },
);

interface Val {
  readonly id: number;
  readonly size: number;
}

describe('model: races through the layers', () => {
  it('every get settles, one live computation per key (with dedup), no caller ever gets a discarded value', async () => {
    const layering = fc.constantFrom('cache' as const, 'dedup' as const, 'dedup+breaker' as const);
    await fc.assert(fc.asyncProperty(fc.array(raceArb, { maxLength: 40 }), layering, async (ops, layers) => {
      const discarded = new Set<Val>();
      const evictedTwice: Val[] = [];
      const gone = new Set<Val>();
      const cache = new AsyncCache<number, Val>({
        maxBytes: 8, sizeOf: (v) => v.size,
        onEvict: (_k, v, why) => {
          if (gone.has(v)) evictedTwice.push(v);
          gone.add(v);
          if (why === 'discarded') discarded.add(v);
        },
      });
      const loader: AsyncLoader<number, Val> = layers === 'cache' ? cache
        : layers === 'dedup' ? withDedup(cache)
          : withDedup(withCircuitBreaker(cache, { failureThreshold: 2, coolDownMs: 1 }));
      const handedOutDiscarded: Val[] = [];
      const calls: Call<number, Val>[] = [];
      const compute = (key: number, signal: AbortSignal): Promise<Val> => {
        const d = deferred<Val>();
        calls.push({ key, signal, d });
        return d.promise;
      };
      const open: { key: number; call: Call<number, Val>; settled: boolean }[] = [];
      const gets: { status: string; value?: Val; ac: AbortController | undefined }[] = [];
      let nextId = 0;
      const settle = (i: number, how: 'resolve' | 'reject', size = 1): void => {
        const o = open[i];
        o.settled = true;
        if (how === 'resolve') o.call.d.resolve({ id: nextId++, size });
        else o.call.d.reject(new Error('failed'));
      };
      const sync = (): void => { for (const c of calls.slice(open.length)) open.push({ key: c.key, call: c, settled: false }); };
      for (const op of ops) {
        if (op.t === 'get') {
          const ac = op.abortable ? new AbortController() : undefined;
          const g: (typeof gets)[number] = { status: 'pending', ac };
          gets.push(g);
          loader.get(op.key, compute, { signal: ac?.signal }).then(
            (v) => { g.status = 'fulfilled'; g.value = v; if (discarded.has(v)) handedOutDiscarded.push(v); },
            () => { g.status = 'rejected'; },
          );
        } else if (op.t === 'resolve' || op.t === 'reject') {
          const live = open.map((o, i) => (o.settled ? -1 : i)).filter((i) => i >= 0);
          if (live.length > 0) settle(live[op.pick % live.length], op.t, op.t === 'resolve' ? op.size : 1);
        } else if (op.t === 'abort') {
          if (gets.length > 0) gets[op.pick % gets.length].ac?.abort();
        } else if (op.t === 'invalidate') loader.invalidate(op.key);
        else if (op.t === 'clear') loader.clear();
        else loader.peek(op.key);
        await flush();
        sync();
        // at most one computation per key that is not settled and whose signal is not aborted
        const live = new Map<number, number>();
        for (const o of open) if (!o.settled && !o.call.signal.aborted) live.set(o.key, (live.get(o.key) ?? 0) + 1);
        if (layers !== 'cache') for (const n of live.values()) expect(n).toBe(1);
        expect(handedOutDiscarded).toEqual([]);
        cache.checkInvariants();
      }
      // settle everything still running (re-runs after invalidation add computations)
      for (let round = 0; round < 20 && open.some((o) => !o.settled); round++) {
        for (let i = 0; i < open.length; i++) if (!open[i].settled) settle(i, 'resolve');
        await flush();
        sync();
      }
      expect(open.every((o) => o.settled)).toBe(true);
      expect(gets.every((g) => g.status !== 'pending')).toBe(true);
      expect(evictedTwice).toEqual([]);
      expect(handedOutDiscarded).toEqual([]);
      expect(cache.stats().inFlight).toBe(0);
      cache.checkInvariants();
    }), { numRuns: inBrowser ? 100 : 300 });
  });
});
