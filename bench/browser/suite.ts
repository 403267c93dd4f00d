/**
 * The key allocation cases in a browser page, on tinybench: the library's arena, pool, stack and
 * `tmp.vec3()` beside the hand-written bump, free list and stack and GC allocation. Part of the
 * page bundle (page.ts), built once per library build by bench/bundle.ts.
 * @module
 */
import { Bench } from 'tinybench';
import { CHECKS } from '../../src/index.ts';
import { BATCH, checkTally, type AllocCase } from '../cases/case.ts';
import { float32ArrayCase, glMatrixCase } from '../cases/gc-objects.ts';
import { bumpCase, freeListCase, handStackCase } from '../cases/handwritten.ts';
import { libraryCases } from '../cases/library.ts';
import { tmpVec3Case } from '../cases/typed.ts';

/** How a page run is configured. */
export interface SuiteConfig {
  readonly rounds: number;
  readonly timeMs: number;
  readonly warmupMs: number;
  /** Batches of {@link BATCH} ops per tinybench iteration: iterations well above the timer's resolution. */
  readonly batchesPerIteration: number;
}

/** One case's result in a page run. */
export interface SuiteRow {
  readonly id: string;
  readonly label: string;
  /** The case's reference for `xRef`: `bump`, `free-list` for the pool, `hand-stack` for the stack. */
  readonly ref: string;
  /** The library methods the op calls (library cases only). */
  readonly hot: readonly string[];
  /** Median of the round medians, ns per op. */
  readonly medianNs: number;
  readonly minNs: number;
  readonly maxNs: number;
  readonly xBump: number;
  readonly xRef: number;
}

/** What a page run returns (and prints). */
export interface SuiteResult {
  readonly build: 'checked' | 'fast';
  readonly userAgent: string;
  readonly crossOriginIsolated: boolean;
  readonly config: SuiteConfig & { readonly batch: number };
  readonly rounds: { readonly order: string[]; readonly mediansNs: Record<string, number> }[];
  readonly results: SuiteRow[];
  readonly seconds: number;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function shuffled<T>(xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Runs every case for `cfg.rounds` rounds (a fresh shuffled Bench each) and checks every accumulator. */
export async function runSuite(cfg: SuiteConfig, progress: (line: string) => void): Promise<SuiteResult> {
  const t0 = performance.now();
  const [arena, pool, stack, , arenaReserve] = libraryCases();
  const cases: AllocCase[] = [bumpCase(), freeListCase(), handStackCase(), arena, arenaReserve, pool, stack, tmpVec3Case(), glMatrixCase(), float32ArrayCase()];
  const k = cfg.batchesPerIteration;
  const rounds: SuiteResult['rounds'][number][] = [];
  for (let r = 0; r < cfg.rounds; r++) {
    const bench = new Bench({ time: cfg.timeMs, warmupTime: cfg.warmupMs, throws: true });
    const order = shuffled(cases).map((c) => {
      const batch = c.batch;
      bench.add(c.id, () => {
        for (let j = 0; j < k; j++) batch();
      });
      return c.id;
    });
    bench.runSync();
    const mediansNs: Record<string, number> = {};
    for (const task of bench.tasks) {
      const res = task.result;
      if (res.state !== 'completed') throw new Error(`task ${task.name} ended ${res.state}`);
      mediansNs[task.name] = (res.latency.p50 * 1e6) / (k * BATCH);
    }
    rounds.push({ order, mediansNs });
    progress(`round ${r + 1}/${cfg.rounds}: order ${order.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  for (const c of cases) {
    checkTally(c);
    c.verify?.();
  }
  const med = new Map(cases.map((c) => {
    const ms = rounds.map((r) => r.mediansNs[c.id] ?? NaN);
    return [c.id, { m: median(ms), lo: Math.min(...ms), hi: Math.max(...ms) }];
  }));
  const ns = (id: string): number => med.get(id)?.m ?? NaN;
  const results = cases.map((c) => {
    const m = med.get(c.id);
    const ref = c.ref ?? 'bump';
    return { id: c.id, label: c.label, ref, hot: c.hot ?? [], medianNs: ns(c.id), minNs: m?.lo ?? NaN, maxNs: m?.hi ?? NaN, xBump: ns(c.id) / ns('bump'), xRef: ns(c.id) / ns(ref) };
  });
  return {
    build: CHECKS ? 'checked' : 'fast', userAgent: navigator.userAgent, crossOriginIsolated,
    config: { ...cfg, batch: BATCH }, rounds, results, seconds: (performance.now() - t0) / 1000,
  };
}
