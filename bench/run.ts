/**
 * Allocation benchmark: `npm run bench:alloc [-- --quick] [-- --build checked|fast|both] [-- --json [path]] [-- --src]`.
 * By default the cases come from the production bundle of bench/cases/all.ts (bench/bundle.ts:
 * Vite, minified, one per library build), each build in its own process; `--src` runs the
 * TypeScript sources through tsx instead. See bench/README.md.
 * @module
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundle, type Build } from './bundle.ts';
import { BATCH, checkTally } from './cases/case.ts';
import type * as CasesBundle from './cases/all.ts';
import { runChild, sendResult } from './child.ts';
import { parseCli } from './cli.ts';
import { GcLog } from './gc-log.ts';
import { cellsOf, median, runRound, type Round } from './harness.ts';
import { loadText, machineInfo, machineLine, type ForeignLoad } from './machine.ts';
import { printRatios, ratiosOf, type LibraryCaseInfo } from './ratios.ts';
import { fmt, printLabels, printTable, resultsPath, writeJson } from './report.ts';

interface Options {
  readonly quick: boolean;
  /** The library builds to run, each in its own process. */
  readonly builds: readonly Build[];
  /** Where to write the JSON (`-<build>` is added per build); null = nowhere. */
  readonly json: string | null;
  /** Run the TypeScript sources through tsx instead of the bundle. */
  readonly src: boolean;
}

interface Config {
  readonly rounds: number;
  readonly timeMs: number;
  readonly warmupMs: number;
}

/** One case's row of the table and the JSON. */
interface ResultRow {
  readonly id: string;
  readonly label: string;
  readonly ref: string;
  readonly hot: readonly string[];
  readonly medianNs: number;
  readonly minNs: number;
  readonly maxNs: number;
  readonly roundMediansNs: number[];
  readonly meanNs: number;
  readonly scavengesPer1M: number;
  readonly ops: number;
  readonly xBump: number;
  readonly xRef: number;
}

/** What a child process returns for its build. */
interface BuildRun {
  readonly build: Build;
  readonly source: 'bundle' | 'src';
  readonly config: Config & { readonly batch: number };
  readonly rounds: { readonly order: string[]; readonly load: ForeignLoad | null }[];
  readonly results: ResultRow[];
  readonly sink: number;
  readonly seconds: number;
}

const USAGE = 'usage: npm run bench:alloc -- [--quick] [--build checked|fast|both] [--json [path]] [--src]';

function configOf(quick: boolean): Config {
  return quick ? { rounds: 1, timeMs: 100, warmupMs: 50 } : { rounds: 3, timeMs: 500, warmupMs: 250 };
}

function parseOptions(argv: readonly string[]): Options {
  const args = parseCli(argv, { builds: ['checked', 'fast', 'both'], flags: ['--src'] }, USAGE);
  const b = args.build ?? 'both';
  const builds: Build[] = b === 'both' ? ['checked', 'fast'] : [b as Build];
  const json = args.jsonPath ?? (args.json || !args.quick ? resultsPath('alloc') : null);
  return { quick: args.quick, json, builds, src: args.flags.has('--src') };
}

/** `path` with `-<build>` before its `.json`. */
function jsonFor(path: string, build: Build): string {
  return path.endsWith('.json') ? `${path.slice(0, -'.json'.length)}-${build}.json` : `${path}-${build}`;
}

/** In a child: loads the cases (bundle or sources), checks the build, runs the rounds. */
async function child(build: Build, quick: boolean, from: string): Promise<void> {
  const t0 = performance.now();
  const cfg = configOf(quick);
  const mod = (await import(from === 'src' ? './cases/all.ts' : pathToFileURL(from).href)) as typeof CasesBundle;
  const loaded: Build = mod.CHECKS ? 'checked' : 'fast';
  if (loaded !== build) throw new Error(`asked for the ${build} build, but ${from} holds the ${loaded} build`);
  if (globalThis.gc === undefined) console.warn('warning: run with --expose-gc (npm run bench does) for a clean GC count');
  const cases = mod.allCases();
  const gcLog = new GcLog();
  gcLog.start();
  const rounds: Round[] = [];
  for (let k = 0; k < cfg.rounds; k++) {
    const round = await runRound(cases, { timeMs: cfg.timeMs, warmupMs: cfg.warmupMs, opsPerBatch: BATCH }, gcLog);
    rounds.push(round);
    console.error(`${build} round ${k + 1}/${cfg.rounds}: order ${round.order.join(', ')}; ${loadText(round.load)}`);
  }
  gcLog.stop();
  for (const c of cases) {
    checkTally(c);
    c.verify?.();
  }
  const summary = cases.map((c) => {
    const cells = cellsOf(rounds, c.id);
    const medians = cells.map((x) => x.medianNs);
    const ops = cells.reduce((s, x) => s + x.batches * BATCH, 0);
    const scavenges = cells.reduce((s, x) => s + x.scavenges, 0);
    return {
      id: c.id, label: c.label, ref: c.ref ?? 'bump', hot: c.hot ?? [],
      medianNs: median(medians), minNs: Math.min(...medians), maxNs: Math.max(...medians),
      roundMediansNs: medians, meanNs: median(cells.map((x) => x.meanNs)),
      scavengesPer1M: ops > 0 ? (scavenges * 1e6) / ops : NaN, ops,
    };
  });
  const byId = new Map(summary.map((s) => [s.id, s]));
  const bump = byId.get('bump')?.medianNs ?? NaN;
  const results = summary.map((s) => ({ ...s, xBump: s.medianNs / bump, xRef: s.medianNs / (byId.get(s.ref)?.medianNs ?? NaN) }));
  const run: BuildRun = {
    build, source: from === 'src' ? 'src' : 'bundle', config: { ...cfg, batch: BATCH },
    rounds: rounds.map((r) => ({ order: r.order, load: r.load })), results,
    sink: cases.reduce((s, c) => s + c.tally.acc, 0), seconds: (performance.now() - t0) / 1000,
  };
  sendResult(run);
}

function printRun(run: BuildRun): void {
  console.log(`\n${run.build} build${run.build === 'fast' ? ' (checks compiled out)' : ' (the default: every check on)'}, ` +
    `${run.source === 'bundle' ? 'production bundle' : 'TypeScript sources through tsx'}; ${run.rounds.map((r, k) => `round ${k + 1}: ${loadText(r.load)}`).join('; ')}`);
  const head = ['case', 'median ns/op', 'min-max', 'mean ns/op', 'x bump', 'x ref', 'scav/1M ops'];
  printTable(head, run.results.map((r) => [
    r.id, fmt(r.medianNs), `${fmt(r.minNs)}-${fmt(r.maxNs)}`, fmt(r.meanNs), fmt(r.xBump),
    r.ref === 'bump' ? '' : `${fmt(r.xRef)} (${r.ref})`, fmt(r.scavengesPer1M, 1),
  ]));
  console.log(`sink ${run.sink} (all accumulators and allocator invariants checked); ${fmt(run.seconds, 1)} s`);
}

async function parent(opts: Options): Promise<void> {
  const machine = machineInfo();
  const t0 = performance.now();
  const cfg = configOf(opts.quick);
  console.log(machineLine(machine));
  console.log(`${opts.quick ? 'quick' : 'full'}: ${cfg.rounds} round(s), ${cfg.timeMs} ms per task (+${cfg.warmupMs} ms warm-up), ${BATCH} ops per iteration; ` +
    `builds ${opts.builds.join(', ')}, each in its own process, from ${opts.src ? 'the TypeScript sources (tsx)' : 'production bundles (bench/bundle.ts)'}`);
  const self = fileURLToPath(import.meta.url);
  const runs: BuildRun[] = [];
  for (const build of opts.builds) {
    const from = opts.src ? 'src' : await bundle('cases', build);
    runs.push(runChild(self, ['--child', build, opts.quick ? 'quick' : 'full', from], { fast: opts.src && build === 'fast' }) as BuildRun);
  }
  for (const run of runs) printRun(run);
  console.log();
  printLabels(runs[0]?.results ?? []);

  const medians = (run: BuildRun | undefined): Map<string, number[]> | null =>
    run === undefined ? null : new Map(run.results.map((r) => [r.id, r.roundMediansNs]));
  const library: LibraryCaseInfo[] = (runs[0]?.results ?? []).filter((r) => r.hot.length > 0).map((r) => ({ id: r.id, hot: r.hot }));
  const fast = medians(runs.find((r) => r.build === 'fast'));
  const checked = medians(runs.find((r) => r.build === 'checked'));
  if (fast !== null) printRatios(`node ${process.version}, fast build`, ratiosOf(fast, checked, library));
  else if (checked !== null) printRatios(`node ${process.version}, checked build`, ratiosOf(checked, null, library));
  console.log(`\n${fmt((performance.now() - t0) / 1000, 1)} s`);

  if (opts.json !== null) {
    for (const run of runs) {
      writeJson(opts.builds.length > 1 || opts.json === resultsPath('alloc') ? jsonFor(opts.json, run.build) : opts.json, {
        date: new Date().toISOString(), machine, quick: opts.quick, build: run.build, source: run.source, config: run.config,
        rounds: run.rounds, results: run.results, sink: run.sink, seconds: run.seconds,
      });
    }
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  const [build, mode, from] = argv.slice(1);
  if ((build !== 'checked' && build !== 'fast') || argv.length !== 4) throw new Error(`child: bad arguments ${argv.join(' ')}`);
  await child(build, mode === 'quick', from);
} else await parent(parseOptions(argv));
