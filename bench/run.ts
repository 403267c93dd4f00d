/**
 * Allocation benchmark: `npm run bench [-- --quick] [-- --json [path]]`. See bench/README.md.
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { CHECKS } from '../src/build.ts';
import { BATCH, checkTally, type AllocCase } from './cases/case.ts';
import { float32ArrayCase, glMatrixCase } from './cases/gc-objects.ts';
import { bumpCase, freeListCase } from './cases/handwritten.ts';
import { libraryCases } from './cases/library.ts';
import { GcLog } from './gc-log.ts';
import { cpuSnapshot, foreignLoad, machineInfo, machineLine } from './machine.ts';

interface Options {
  readonly quick: boolean;
  /** Which build of the library runs: the checked default, or fast (checks compiled out). */
  readonly build: 'checked' | 'fast';
  /** Where to write the JSON; null = nowhere. */
  readonly json: string | null;
}

interface Config {
  readonly rounds: number;
  readonly timeMs: number;
  readonly warmupMs: number;
}

/** One case in one round. */
interface RoundCell {
  readonly medianNs: number;
  readonly meanNs: number;
  readonly batches: number;
  readonly scavenges: number;
}

interface Round {
  readonly order: string[];
  readonly cells: Map<string, RoundCell>;
  readonly load: { others: number; steal: number } | null;
}

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const USAGE = 'usage: npm run bench -- [--quick] [--json [path]] [--build checked|fast]';

function parseOptions(argv: readonly string[]): Options {
  let quick = false;
  let json: string | null = null;
  let wantJson = false;
  let build: Options['build'] = 'checked';
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a === '--quick') quick = true;
    else if (a === '--build' && (argv[k + 1] === 'checked' || argv[k + 1] === 'fast')) build = argv[++k] as Options['build'];
    else if (a === '--json') {
      wantJson = true;
      if (k + 1 < argv.length && !argv[k + 1].startsWith('--')) json = argv[++k];
    } else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  const date = new Date().toISOString().slice(0, 10);
  if (json === null && (wantJson || !quick)) json = join(BENCH_DIR, 'results', `alloc-${date}-${build}.json`);
  if ((build === 'fast') === CHECKS) {
    throw new Error(`--build ${build} but the library was loaded as the ${CHECKS ? 'checked' : 'fast'} build; ` +
      'the fast build needs --import ./bench/fast-build.mjs before tsx (npm run bench does both)');
  }
  return { quick, json, build };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
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

async function runRound(cases: readonly AllocCase[], cfg: Config, gcLog: GcLog): Promise<Round> {
  const windows = new Map<string, { from: number; to: number }>();
  const bench = new Bench({
    time: cfg.timeMs,
    warmupTime: cfg.warmupMs,
    throws: true,
    setup: (task, mode) => {
      if (mode !== 'run' || task === undefined) return;
      globalThis.gc?.(); // start each task with an empty young generation
      windows.set(task.name, { from: performance.now(), to: Infinity });
    },
    teardown: (task, mode) => {
      const w = task === undefined ? undefined : windows.get(task.name);
      if (mode === 'run' && w !== undefined) w.to = performance.now();
    },
  });
  const order = shuffled(cases).map((c) => {
    bench.add(c.id, c.batch);
    return c.id;
  });
  globalThis.gc?.();
  const before = cpuSnapshot();
  bench.runSync();
  const load = foreignLoad(before, cpuSnapshot());
  await gcLog.flush();
  const cells = new Map<string, RoundCell>();
  for (const task of bench.tasks) {
    const r = task.result;
    if (r.state !== 'completed') throw new Error(`task ${task.name} ended ${r.state}`);
    const w = windows.get(task.name);
    cells.set(task.name, {
      medianNs: (r.latency.p50 * 1e6) / BATCH,
      meanNs: (r.latency.mean * 1e6) / BATCH,
      batches: r.latency.samplesCount,
      scavenges: w === undefined ? 0 : gcLog.countBetween(w.from, w.to),
    });
  }
  return { order, cells, load };
}

function fmt(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '-';
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const cfg: Config = opts.quick ? { rounds: 1, timeMs: 100, warmupMs: 50 } : { rounds: 3, timeMs: 500, warmupMs: 250 };
  const machine = machineInfo();
  const t0 = performance.now();
  if (globalThis.gc === undefined) console.warn('warning: run with --expose-gc (npm run bench does) for a clean GC count');
  console.log(machineLine(machine));
  console.log(`library build: ${opts.build}${opts.build === 'fast' ? ' (checks compiled out)' : ' (the default: every check on)'}`);
  console.log(`${opts.quick ? 'quick' : 'full'}: ${cfg.rounds} round(s), ${cfg.timeMs} ms per task (+${cfg.warmupMs} ms warm-up), ${BATCH} ops per iteration`);

  const cases: AllocCase[] = [float32ArrayCase(), bumpCase(), freeListCase(), ...libraryCases(), glMatrixCase()];
  const gcLog = new GcLog();
  gcLog.start();
  const rounds: Round[] = [];
  for (let k = 0; k < cfg.rounds; k++) {
    const round = await runRound(cases, cfg, gcLog);
    rounds.push(round);
    const load = round.load === null ? 'n/a' : `other processes ${fmt(round.load.others)} cores, steal ${fmt(round.load.steal)}`;
    console.log(`round ${k + 1}/${cfg.rounds}: order ${round.order.join(', ')}; ${load}`);
  }
  gcLog.stop();

  for (const c of cases) {
    checkTally(c);
    c.verify?.();
  }

  const summary = cases.map((c) => {
    const cells = rounds.map((r) => r.cells.get(c.id)).filter((x) => x !== undefined);
    const medians = cells.map((x) => x.medianNs);
    const ops = cells.reduce((s, x) => s + x.batches * BATCH, 0);
    const scavenges = cells.reduce((s, x) => s + x.scavenges, 0);
    return {
      id: c.id, label: c.label, ref: c.ref ?? 'bump',
      medianNs: median(medians), minNs: Math.min(...medians), maxNs: Math.max(...medians),
      roundMediansNs: medians, meanNs: median(cells.map((x) => x.meanNs)),
      scavengesPer1M: ops > 0 ? (scavenges * 1e6) / ops : NaN, ops,
    };
  });
  const byId = new Map(summary.map((s) => [s.id, s]));
  const bump = byId.get('bump')?.medianNs ?? NaN;
  const results = summary.map((s) => ({
    ...s,
    xBump: s.medianNs / bump,
    xRef: s.medianNs / (byId.get(s.ref)?.medianNs ?? NaN),
  }));

  const head = ['case', 'median ns/op', 'min-max', 'mean ns/op', 'x bump', 'x ref', 'scav/1M ops'];
  const rows = results.map((r) => [
    r.id, fmt(r.medianNs), `${fmt(r.minNs)}-${fmt(r.maxNs)}`, fmt(r.meanNs), fmt(r.xBump),
    r.ref === 'bump' ? '' : `${fmt(r.xRef)} (${r.ref})`, fmt(r.scavengesPer1M, 1),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: readonly string[]): string => cells.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  console.log();
  console.log(line(head));
  for (const row of rows) console.log(line(row));
  console.log();
  for (const r of results) console.log(`  ${r.id.padEnd(widths[0])}  ${r.label}`);

  const sink = cases.reduce((s, c) => s + c.tally.acc, 0);
  const seconds = (performance.now() - t0) / 1000;
  console.log(`\nsink ${sink} (all accumulators and allocator invariants checked); ${fmt(seconds, 1)} s`);

  if (opts.json !== null) {
    mkdirSync(dirname(opts.json), { recursive: true });
    const doc = {
      date: new Date().toISOString(), machine, quick: opts.quick, build: opts.build, config: { ...cfg, batch: BATCH },
      rounds: rounds.map((r) => ({ order: r.order, load: r.load })), results, sink, seconds,
    };
    const round3 = (_key: string, v: unknown): unknown => (typeof v === 'number' ? Math.round(v * 1000) / 1000 : v);
    writeFileSync(opts.json, `${JSON.stringify(doc, round3, 2)}\n`);
    console.log(`wrote ${opts.json}`);
  }
}

await main();
