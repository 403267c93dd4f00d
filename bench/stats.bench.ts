/**
 * Stats overhead: the library's allocation paths in the fast build with statistics on (the
 * default) against statistics compiled out (`globalThis.__NEBULA_STATS__ = false`, the
 * bench/stats-off.mjs preload). Each setting runs in its own processes, alternating, in one run;
 * every process measures the hand-written bump too, as a control for per-process code placement.
 *
 * ```sh
 * node --expose-gc --import tsx bench/stats.bench.ts           # 4 processes per setting x 3 rounds x 300 ms per case, ~45 s; writes bench/results/stats-<date>.json
 * node --expose-gc --import tsx bench/stats.bench.ts --quick   # 1 process per setting x 1 round x 100 ms; writes nothing
 * ```
 * Target (issue "Benchmarks"): stats cost at most 0.5 ns per op on arena alloc and pool alloc+free.
 * @module
 */
import { fileURLToPath } from 'node:url';
import { BATCH, checkTally, type AllocCase } from './cases/case.ts';
import { bumpCase } from './cases/handwritten.ts';
import { libraryCases } from './cases/library.ts';
import { assertBuild, runChild, sendResult, statsLoaded } from './child.ts';
import { parseCli } from './cli.ts';
import { GcLog } from './gc-log.ts';
import { median, runRound } from './harness.ts';
import { loadText, machineInfo, machineLine, type ForeignLoad } from './machine.ts';
import { fmt, printTable, resultsPath, writeJson } from './report.ts';

/** The target: stats on minus stats off, ns per op, on each of {@link TARGET_CASES}. */
const TARGET_NS = 0.5;
const TARGET_CASES = ['arena', 'pool'];
const USAGE = 'usage: stats.bench.ts [--quick] [--processes N] [--rounds K] [--json [path]]';

/** What one child measured: per round, each case's median ns/op. */
interface ChildResult {
  readonly stats: boolean;
  /** The library's own `STATS` constant in this process, or null when src/build.ts has none. */
  readonly libraryStats: boolean | null;
  readonly rounds: { readonly medians: Record<string, number>; readonly load: ForeignLoad | null }[];
}

/** One case's line of the result. */
interface Row {
  readonly id: string;
  /** Median over processes of each process's median, stats on / off. */
  readonly onNs: number;
  readonly offNs: number;
  /** onNs - offNs. */
  readonly deltaNs: number;
  /** The same delta after subtracting each process's bump median (code-placement control). */
  readonly deltaVsBumpNs: number;
  readonly onProcessNs: number[];
  readonly offProcessNs: number[];
}

async function child(rounds: number, timeMs: number): Promise<void> {
  assertBuild('fast');
  const cases: AllocCase[] = [bumpCase(), ...libraryCases()];
  const gcLog = new GcLog();
  gcLog.start();
  const out: ChildResult['rounds'][number][] = [];
  for (let r = 0; r < rounds; r++) {
    const round = await runRound(cases, { timeMs, warmupMs: timeMs / 2, opsPerBatch: BATCH }, gcLog);
    const medians: Record<string, number> = {};
    for (const [id, cell] of round.cells) medians[id] = cell.medianNs;
    out.push({ medians, load: round.load });
    console.error(`  stats ${statsLoaded() ? 'on ' : 'off'} round ${r + 1}: ${loadText(round.load)}`);
  }
  gcLog.stop();
  for (const c of cases) {
    checkTally(c);
    c.verify?.();
  }
  // read by name: a library without the switch runs the same code in both settings, and says so
  const build: Record<string, unknown> = await import('../src/build.ts');
  const libraryStats = typeof build.STATS === 'boolean' ? build.STATS : null;
  const result: ChildResult = { stats: statsLoaded(), libraryStats, rounds: out };
  sendResult(result);
}

function processMedian(res: ChildResult, id: string): number {
  return median(res.rounds.map((r) => r.medians[id] ?? NaN));
}

function parent(argv: readonly string[]): void {
  const args = parseCli(argv, { ints: ['--processes', '--rounds'] }, USAGE);
  const processes = args.ints.get('--processes') ?? (args.quick ? 1 : 4);
  const rounds = args.ints.get('--rounds') ?? (args.quick ? 1 : 3);
  const timeMs = args.quick ? 100 : 300;
  const json = args.jsonPath ?? (args.json || !args.quick ? resultsPath('stats') : null);
  const machine = machineInfo();
  const t0 = performance.now();
  console.log(machineLine(machine));
  console.log(`fast build, stats on vs off: ${processes} process(es) per setting, alternating, x ${rounds} round(s) x ${timeMs} ms per case (+${timeMs / 2} ms warm-up)`);
  const self = fileURLToPath(import.meta.url);
  const on: ChildResult[] = [];
  const off: ChildResult[] = [];
  for (let p = 0; p < processes; p++) {
    for (const statsOff of p % 2 === 0 ? [false, true] : [true, false]) {
      const res = runChild(self, ['--child', String(rounds), String(timeMs)], { fast: true, statsOff }) as ChildResult;
      if (res.libraryStats === null) console.warn('warning: src/build.ts exports no STATS: both settings run the same code');
      else if (res.libraryStats === statsOff) throw new Error(`the library's STATS is ${String(res.libraryStats)} with stats ${statsOff ? 'off' : 'on'}`);
      if (res.stats === statsOff) throw new Error(`child ran with stats ${res.stats ? 'on' : 'off'}, asked ${statsOff ? 'off' : 'on'}`);
      (statsOff ? off : on).push(res);
    }
  }
  const rows: Row[] = ['bump', 'arena', 'pool', 'stack'].map((id) => {
    const onProcessNs = on.map((r) => processMedian(r, id));
    const offProcessNs = off.map((r) => processMedian(r, id));
    const onNs = median(onProcessNs);
    const offNs = median(offProcessNs);
    const onRel = median(on.map((r) => processMedian(r, id) - processMedian(r, 'bump')));
    const offRel = median(off.map((r) => processMedian(r, id) - processMedian(r, 'bump')));
    return { id, onNs, offNs, deltaNs: onNs - offNs, deltaVsBumpNs: onRel - offRel, onProcessNs, offProcessNs };
  });
  printTable(
    ['case', 'stats on ns/op', 'stats off ns/op', 'on - off', 'on - off (vs bump)', 'per process on', 'per process off'],
    rows.map((r) => [r.id, fmt(r.onNs), fmt(r.offNs), fmt(r.deltaNs), r.id === 'bump' ? '' : fmt(r.deltaVsBumpNs),
      r.onProcessNs.map((x) => fmt(x)).join(' / '), r.offProcessNs.map((x) => fmt(x)).join(' / ')]),
  );
  const loads = [...on, ...off].flatMap((r) => r.rounds.map((x) => x.load?.others ?? NaN));
  console.log(`\nother processes: median ${fmt(median(loads))} cores, max ${fmt(Math.max(...loads))} cores over all rounds`);
  const verdicts = TARGET_CASES.map((id) => {
    const r = rows.find((x) => x.id === id);
    const met = r !== undefined && r.deltaNs <= TARGET_NS;
    console.log(`stats overhead ${id}: ${fmt(r?.deltaNs ?? NaN)} ns/op (target <= ${TARGET_NS} ns): ${met ? 'MET' : 'MISSED'}`);
    return { id, deltaNs: r?.deltaNs ?? NaN, met };
  });
  const seconds = (performance.now() - t0) / 1000;
  console.log(`${fmt(seconds, 1)} s`);
  if (json !== null) {
    writeJson(json, {
      date: new Date().toISOString(), machine, quick: args.quick, build: 'fast', config: { processes, rounds, timeMs, batch: BATCH },
      results: rows, targets: verdicts, load: { medianOthers: median(loads), maxOthers: Math.max(...loads) }, seconds,
    });
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') await child(Number(argv[1]), Number(argv[2]));
else parent(argv);
