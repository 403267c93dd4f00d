/**
 * Allocation benchmark: `npm run bench [-- --quick] [-- --json [path]]`. See bench/README.md.
 * @module
 */
import { BATCH, checkTally, type AllocCase } from './cases/case.ts';
import { float32ArrayCase, glMatrixCase, mat4Case, objectLiteralCase } from './cases/gc-objects.ts';
import { arrayPoolCase, bumpCase, freeListCase } from './cases/handwritten.ts';
import { libraryCases } from './cases/library.ts';
import { thingMallocCase } from './cases/thing-malloc.ts';
import { assertBuild } from './child.ts';
import { parseCli } from './cli.ts';
import { GcLog } from './gc-log.ts';
import { cellsOf, median, runRound, type Round } from './harness.ts';
import { loadText, machineInfo, machineLine } from './machine.ts';
import { fmt, printLabels, printTable, resultsPath, writeJson } from './report.ts';

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

const USAGE = 'usage: npm run bench -- [--quick] [--json [path]] [--build checked|fast]';

function parseOptions(argv: readonly string[]): Options {
  const args = parseCli(argv, { builds: ['checked', 'fast'] }, USAGE);
  const build = (args.build ?? 'checked') as Options['build'];
  const json = args.jsonPath ?? (args.json || !args.quick ? resultsPath('alloc', `-${build}`) : null);
  assertBuild(build);
  return { quick: args.quick, json, build };
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

  const cases: AllocCase[] = [
    float32ArrayCase(), objectLiteralCase(), bumpCase(), freeListCase(), arrayPoolCase(), thingMallocCase(),
    ...libraryCases(), glMatrixCase(), mat4Case(),
  ];
  const gcLog = new GcLog();
  gcLog.start();
  const rounds: Round[] = [];
  for (let k = 0; k < cfg.rounds; k++) {
    const round = await runRound(cases, { timeMs: cfg.timeMs, warmupMs: cfg.warmupMs, opsPerBatch: BATCH }, gcLog);
    rounds.push(round);
    console.log(`round ${k + 1}/${cfg.rounds}: order ${round.order.join(', ')}; ${loadText(round.load)}`);
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
  printTable(head, rows);
  console.log();
  printLabels(results);

  const sink = cases.reduce((s, c) => s + c.tally.acc, 0);
  const seconds = (performance.now() - t0) / 1000;
  console.log(`\nsink ${sink} (all accumulators and allocator invariants checked); ${fmt(seconds, 1)} s`);

  if (opts.json !== null) {
    writeJson(opts.json, {
      date: new Date().toISOString(), machine, quick: opts.quick, build: opts.build, config: { ...cfg, batch: BATCH },
      rounds: rounds.map((r) => ({ order: r.order, load: r.load })), results, sink, seconds,
    });
  }
}

await main();
