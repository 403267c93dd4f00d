/**
 * The cost of a cache hit: `AsyncCache.peek()` on number keys and short string keys, next to a
 * plain `Map.get` on the same keys, plus the promise-returning `get()` hit and the layered stack.
 * Counts scavenges per case: the `peek` hit path must show 0.
 *
 *   node --expose-gc --import tsx bench/cache.bench.ts            # 3 rounds x 500 ms per case
 *   node --expose-gc --import tsx bench/cache.bench.ts --quick    # 1 round x 100 ms per case
 *
 * One tinybench iteration is a batch of BATCH lookups over all ENTRIES keys in a shuffled order
 * (the same order for every case); ns/hit = batch median / BATCH. Every case sums the ids of the
 * values it found, and the run fails unless each sum is exactly batches x (0 + 1 + ... + ENTRIES - 1).
 * @module
 */
import { AsyncCache, withCircuitBreaker, withDedup, type AsyncLoader } from '../src/cache/index.ts';
import { GcLog } from './gc-log.ts';
import { cellsOf, median, runRound, type Round } from './harness.ts';
import { machineInfo, machineLine } from './machine.ts';
import { printLabels, printTable } from './report.ts';

const ENTRIES = 4096;
const BATCH = ENTRIES;
const BATCH_SUM = (ENTRIES * (ENTRIES - 1)) / 2;

interface Value {
  readonly id: number;
}

interface Case {
  readonly id: string;
  readonly label: string;
  /** The Map.get case this one is compared with; none for the baselines. */
  readonly ref?: string;
  readonly batch: () => void;
  acc: number;
  batches: number;
  /** Sums are checked only for cases that read values synchronously. */
  readonly checked: boolean;
}

function shuffledOrder(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  let seed = 0x2545f491;
  for (let i = n - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1103515245) + 12345) | 0;
    const j = (seed >>> 8) % (i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** Flat (not concatenated) copies of the strings, as keys read from a manifest would be. */
function flat(keys: readonly string[]): string[] {
  return JSON.parse(JSON.stringify(keys)) as string[];
}

function makeCases(): { cases: Case[]; verify: () => void } {
  const order = shuffledOrder(ENTRIES);
  const values: Value[] = Array.from({ length: ENTRIES }, (_, id) => ({ id }));
  const numKeys = Array.from({ length: ENTRIES }, (_, i) => i * 7 + 1);
  const shortKeys = flat(Array.from({ length: ENTRIES }, (_, i) => `tex/${i}.png`)); // 9-12 chars
  const longKeys = flat(Array.from({ length: ENTRIES }, (_, i) => `assets/levels/forest/textures/rock_${String(i).padStart(5, '0')}.ktx2`)); // 52 chars

  const numMap = new Map<number, Value>();
  const shortMap = new Map<string, Value>();
  const longMap = new Map<string, Value>();
  const options = { maxBytes: ENTRIES * 64, sizeOf: (): number => 64 };
  const numCache = new AsyncCache<number, Value>({ ...options, name: 'num' });
  const shortCache = new AsyncCache<string, Value>({ ...options, name: 'short' });
  const longCache = new AsyncCache<string, Value>({ ...options, name: 'long' });
  for (let i = 0; i < ENTRIES; i++) {
    numMap.set(numKeys[i], values[i]);
    shortMap.set(shortKeys[i], values[i]);
    longMap.set(longKeys[i], values[i]);
    numCache.set(numKeys[i], values[i]);
    shortCache.set(shortKeys[i], values[i]);
    longCache.set(longKeys[i], values[i]);
  }
  const layered: AsyncLoader<string, Value> = withDedup(withCircuitBreaker(shortCache, { failureThreshold: 3, coolDownMs: 1000 }));
  const never = (): Value => { throw new Error('a hit must not compute'); };
  let sink: Promise<Value> | undefined;

  const cases: Case[] = [];
  const add = (id: string, label: string, ref: string | undefined, body: (c: Case) => void, checked = true): void => {
    const c: Case = { id, label, ...(ref === undefined ? {} : { ref }), batch: () => { body(c); c.batches++; }, acc: 0, batches: 0, checked };
    cases.push(c);
  };
  const mapCase = <K>(id: string, label: string, map: Map<K, Value>, keys: readonly K[]): void => {
    add(id, label, undefined, (c) => {
      let s = 0;
      for (let i = 0; i < BATCH; i++) {
        const v = map.get(keys[order[i]]);
        if (v !== undefined) s += v.id; // a miss would show in the checked sum
      }
      c.acc += s;
    });
  };
  const peekCase = <K extends number | string>(id: string, label: string, ref: string, cache: { peek(key: K): Value | undefined }, keys: readonly K[]): void => {
    add(id, label, ref, (c) => {
      let s = 0;
      for (let i = 0; i < BATCH; i++) {
        const v = cache.peek(keys[order[i]]);
        if (v !== undefined) s += v.id;
      }
      c.acc += s;
    });
  };
  mapCase('map-num', 'Map<number, V>.get, int keys', numMap, numKeys);
  peekCase('peek-num', 'AsyncCache.peek, int keys (hash, LRU move to front)', 'map-num', numCache, numKeys);
  mapCase('map-short', 'Map<string, V>.get, 9-12 char keys', shortMap, shortKeys);
  peekCase('peek-short', 'AsyncCache.peek, 9-12 char keys', 'map-short', shortCache, shortKeys);
  peekCase('layers-short', 'withDedup(withCircuitBreaker(cache)).peek, 9-12 char keys', 'map-short', layered, shortKeys);
  mapCase('map-long', 'Map<string, V>.get, 52 char keys', longMap, longKeys);
  peekCase('peek-long', 'AsyncCache.peek, 52 char keys (hashes all 52 chars)', 'map-long', longCache, longKeys);
  add('get-short', 'AsyncCache.get hit, 9-12 char keys: returns a resolved Promise (allocates)', 'map-short', () => {
    for (let i = 0; i < BATCH; i++) sink = shortCache.get(shortKeys[order[i]], never);
  }, false);
  const verify = (): void => {
    for (const c of [numCache, shortCache, longCache]) c.checkInvariants();
    if (sink === undefined) throw new Error('get-short never ran');
  };
  return { cases, verify };
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const rounds = quick ? 1 : 3;
  const timeMs = quick ? 100 : 500;
  const warmupMs = quick ? 50 : 250;
  if (globalThis.gc === undefined) console.warn('warning: run with --expose-gc for a clean GC count');
  console.log(machineLine(machineInfo()));
  console.log(`cache hit bench: ${rounds} round(s) x ${timeMs} ms per case, ${BATCH} hits per iteration over ${ENTRIES} entries`);
  const { cases, verify } = makeCases();
  const gc = new GcLog();
  gc.start();
  const results: Round[] = [];
  // in the listed order, as before the shared runner: Map.get first, then its cache twin
  for (let k = 0; k < rounds; k++) results.push(await runRound(cases, { timeMs, warmupMs, opsPerBatch: BATCH, shuffle: false }, gc));
  gc.stop();

  for (const c of cases) {
    if (c.checked && c.acc !== c.batches * BATCH_SUM) throw new Error(`${c.id}: sum ${c.acc} != ${c.batches} x ${BATCH_SUM}: a lookup missed`);
  }
  verify();

  const summary = new Map(cases.map((c) => {
    const cells = cellsOf(results, c.id);
    const ns = cells.map((x) => x.medianNs);
    const hits = cells.reduce((s, x) => s + x.batches * BATCH, 0);
    const scav = cells.reduce((s, x) => s + x.scavenges, 0);
    return [c.id, { ns: median(ns), min: Math.min(...ns), max: Math.max(...ns), scavPer1M: (scav * 1e6) / hits, scav, hits }];
  }));
  const head = ['case', 'ns/hit', 'min-max', 'x Map.get', '+ns vs Map', 'M hits', 'scavenges', 'scav/1M hits'];
  const rows = cases.map((c) => {
    const s = summary.get(c.id);
    const ref = c.ref === undefined ? undefined : summary.get(c.ref);
    if (s === undefined) throw new Error(`no result for ${c.id}`);
    return [c.id, s.ns.toFixed(2), `${s.min.toFixed(2)}-${s.max.toFixed(2)}`,
      ref === undefined ? '' : `${(s.ns / ref.ns).toFixed(2)} (${c.ref ?? ''})`,
      ref === undefined ? '' : (s.ns - ref.ns).toFixed(2), (s.hits / 1e6).toFixed(1), String(s.scav), s.scavPer1M.toFixed(1)];
  });
  printTable(head, rows);
  console.log();
  printLabels(cases);
  const peekScav = cases.filter((c) => c.id.startsWith('peek') || c.id.startsWith('layers')).reduce((s, c) => s + (summary.get(c.id)?.scav ?? 0), 0);
  console.log(`\npeek hits: ${peekScav} scavenges in total (must be 0); sums checked for every synchronous case`);
  if (peekScav !== 0 && globalThis.gc !== undefined) process.exitCode = 1;
}

await main();
