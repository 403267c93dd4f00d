/**
 * The frame loop (PERF-BASELINE.md section C): 100,000 particles x 600 frames with 4 vec3
 * temporaries per particle per frame, naive gl-matrix against the library. Every variant runs in
 * its own process; the table gives frame-time percentiles of the steady state (frames 20 on) and
 * the GCs in it. Each child runs the production bundle of the variants (bench/bundle.ts) in its
 * library build. See bench/README.md.
 *
 * ```sh
 * node --expose-gc --import tsx bench/frame-loop.bench.ts            # 3 runs x 4 variants, ~1.5 min; writes bench/results/frame-loop-<date>.json
 * node --expose-gc --import tsx bench/frame-loop.bench.ts --quick    # 20,000 x 120, 1 run, ~10 s; writes nothing
 * node --expose-gc --import tsx bench/frame-loop.bench.ts --build fast --variants naive,arena --runs 1
 * ```
 * @module
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundle, type Build } from './bundle.ts';
import { runChild, sendResult } from './child.ts';
import { parseCli } from './cli.ts';
import { runFrames, WARMUP_FRAMES, type FrameRun } from './frame-loop/run-frames.ts';
import type * as FramesBundle from './frame-loop/entry.ts';
import { VARIANTS, type FrameLoopVariant } from './frame-loop/variants.ts';
import { GC_MAJOR, GC_MINOR } from './gc-log.ts';
import { median, percentile } from './harness.ts';
import { loadText, machineInfo, machineLine, QUIET_CORES, quietest } from './machine.ts';
import { fmt, printLabels, printTable, resultsPath, writeJson } from './report.ts';

/** The frame-loop target (issue "Benchmarks"): naive p99 / library p99. */
const TARGET_P99_RATIO = 6;
/** The arena against the hand-written arena: p50 and p99 at most this ratio (issue "Benchmarks of what users ship"). */
const TARGET_HAND_RATIO = 1.1;
/** Checksums must agree to this relative tolerance (they are bit-identical when every variant rounds alike). */
const CHECKSUM_TOLERANCE = 1e-6;
/** No repeats once the whole bench has taken this long, s. */
const RETRY_BUDGET_S = 80;
const USAGE = 'usage: frame-loop.bench.ts [--quick] [--runs K] [--tries T] [--n N] [--frames F] [--variants a,b] [--build checked|fast|both] [--json [path]]';

interface Options {
  readonly quick: boolean;
  readonly n: number;
  readonly frames: number;
  readonly runs: number;
  /** Attempts per run: a run taken while other processes used > QUIET_CORES is repeated, the quietest kept. */
  readonly tries: number;
  readonly variants: readonly string[];
  /** Library builds to run the library variants in (naive uses no library: it runs once, in the checked process). */
  readonly builds: readonly ('checked' | 'fast')[];
  readonly json: string | null;
}

/** One row of the table: a variant in one build. */
interface Job {
  /** `arena`, or `arena/fast` in the fast build. */
  readonly key: string;
  readonly variant: FrameLoopVariant;
  readonly build: 'checked' | 'fast';
}

/** One run's steady-state figures. */
interface RunStats {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  /** p99 of frame time minus the CPU wait inside the frame. */
  readonly p99NoWait: number;
  readonly scavenges: number;
  readonly markCompacts: number;
  /** Every GC pause in the steady state, summed, ms. */
  readonly gcMs: number;
  readonly maxPauseMs: number;
  readonly framesWithGc: number;
  readonly steadyFrames: number;
  readonly gcFrameP50: number;
  readonly gcFrameP99: number;
  /** Scavenges over the whole child process from setup on (setup and warm-up included). */
  readonly allScavenges: number;
  readonly setupMs: number;
  readonly others: number;
}

function parseOptions(argv: readonly string[]): Options {
  const args = parseCli(argv, { ints: ['--n', '--frames', '--runs', '--tries'], lists: ['--variants'], builds: ['checked', 'fast', 'both'] }, USAGE);
  const quick = args.quick;
  const int = (name: string, quickValue: number, fullValue: number): number => args.ints.get(name) ?? (quick ? quickValue : fullValue);
  const variants = args.lists.get('--variants') ?? VARIANTS.map((v) => v.id);
  for (const v of variants) if (!VARIANTS.some((x) => x.id === v)) throw new Error(`unknown variant ${v}; have ${VARIANTS.map((x) => x.id).join(', ')}`);
  const frames = int('--frames', 120, 600);
  if (frames <= WARMUP_FRAMES) throw new Error(`--frames must exceed the ${WARMUP_FRAMES} warm-up frames`);
  const build = args.build ?? 'both';
  return {
    quick, n: int('--n', 20_000, 100_000), frames, runs: int('--runs', 1, 3), tries: int('--tries', 1, 2), variants,
    builds: build === 'both' ? ['checked', 'fast'] : [build as 'checked' | 'fast'],
    json: args.jsonPath ?? (args.json || !quick ? resultsPath('frame-loop') : null),
  };
}

function statsOf(run: FrameRun): RunStats {
  const steady = run.frameMs.slice(WARMUP_FRAMES);
  const noWait = run.waitMs === null ? steady : steady.map((t, k) => t - (run.waitMs?.[k + WARMUP_FRAMES] ?? 0));
  const gcs = run.gc.filter((g) => g.frame >= WARMUP_FRAMES);
  const perFrame = new Float64Array(run.frames - WARMUP_FRAMES);
  for (const g of gcs) perFrame[g.frame - WARMUP_FRAMES] += g.ms;
  const withGc = new Set(gcs.map((g) => g.frame));
  return {
    p50: percentile(steady, 50), p90: percentile(steady, 90), p99: percentile(steady, 99), max: Math.max(...steady),
    p99NoWait: percentile(noWait, 99),
    scavenges: gcs.filter((g) => g.kind === GC_MINOR).length,
    markCompacts: gcs.filter((g) => g.kind === GC_MAJOR).length,
    gcMs: gcs.reduce((s, g) => s + g.ms, 0),
    maxPauseMs: Math.max(0, ...gcs.map((g) => g.ms)),
    framesWithGc: withGc.size,
    steadyFrames: steady.length,
    gcFrameP50: percentile(perFrame, 50), gcFrameP99: percentile(perFrame, 99),
    allScavenges: run.gc.filter((g) => g.kind === GC_MINOR).length,
    setupMs: run.setupMs,
    others: run.load?.others ?? NaN,
  };
}

/** The median of each figure over the runs, with the range of p50 and p99. */
function summarize(runs: readonly RunStats[]): RunStats & { readonly p50Range: [number, number]; readonly p99Range: [number, number] } {
  const m = (f: (r: RunStats) => number): number => median(runs.map(f));
  const range = (f: (r: RunStats) => number): [number, number] => [Math.min(...runs.map(f)), Math.max(...runs.map(f))];
  return {
    p50: m((r) => r.p50), p90: m((r) => r.p90), p99: m((r) => r.p99), max: m((r) => r.max), p99NoWait: m((r) => r.p99NoWait),
    scavenges: m((r) => r.scavenges), markCompacts: m((r) => r.markCompacts), gcMs: m((r) => r.gcMs), maxPauseMs: m((r) => r.maxPauseMs),
    framesWithGc: m((r) => r.framesWithGc), steadyFrames: m((r) => r.steadyFrames), gcFrameP50: m((r) => r.gcFrameP50),
    gcFrameP99: m((r) => r.gcFrameP99), allScavenges: m((r) => r.allScavenges), setupMs: m((r) => r.setupMs), others: m((r) => r.others),
    p50Range: range((r) => r.p50), p99Range: range((r) => r.p99),
  };
}

async function parent(opts: Options): Promise<void> {
  const t0 = performance.now();
  const machine = machineInfo();
  console.log(machineLine(machine));
  console.log(`frame loop: ${opts.n.toLocaleString('en-US')} particles x ${opts.frames} frames, 4 vec3 temporaries per particle; ` +
    `${opts.runs} run(s) of each variant, interleaved, each in its own process (repeated up to ${opts.tries}x while other processes use > ${QUIET_CORES} cores); ` +
    `library build(s): ${opts.builds.join(', ')}; steady state = frames ${WARMUP_FRAMES}+`);
  const self = fileURLToPath(import.meta.url);
  const jobs: Job[] = VARIANTS.filter((v) => opts.variants.includes(v.id)).flatMap((variant) =>
    (variant.buildMatters ? opts.builds : opts.builds.slice(0, 1)).map((build) => ({ key: build === 'fast' && variant.buildMatters ? `${variant.id}/fast` : variant.id, variant, build })));
  const bundles = new Map<Build, string>();
  for (const b of new Set(jobs.map((j) => j.build))) bundles.set(b, await bundle('frames', b));
  const runs = new Map<string, FrameRun[]>(jobs.map((j) => [j.key, []]));
  const width = Math.max(...jobs.map((j) => j.key.length));
  for (let r = 0; r < opts.runs; r++) {
    for (let k = 0; k < jobs.length; k++) {
      const job = jobs[(k + r) % jobs.length]; // rotate, so no variant always runs first
      const { best } = quietest(opts.tries, (attempt) => {
        const t = performance.now();
        const run = runChild(self, ['--child', job.variant.id, String(opts.n), String(opts.frames), job.build, bundles.get(job.build) ?? '']) as FrameRun;
        const s = statsOf(run);
        console.log(`run ${r + 1}/${opts.runs}${attempt > 1 ? ` (try ${attempt})` : ''} ${job.key.padEnd(width)} p50 ${fmt(s.p50)} p99 ${fmt(s.p99)} max ${fmt(s.max)} ms, ` +
          `${s.scavenges} scavenges in ${s.framesWithGc} of ${s.steadyFrames} frames; ${loadText(run.load)}; ${fmt((performance.now() - t) / 1000, 1)} s`);
        return run;
      }, (run) => run.load, () => (performance.now() - t0) / 1000 < RETRY_BUDGET_S);
      runs.get(job.key)?.push(best);
    }
  }

  // the same physics must end in the same state everywhere
  const all = [...runs.values()].flat();
  const ref = all[0];
  for (const run of all) {
    const rel = Math.abs(run.checksum - ref.checksum) / Math.max(1, Math.abs(ref.checksum));
    if (!(rel <= CHECKSUM_TOLERANCE)) throw new Error(`checksum of ${run.variant} (${run.build}) is ${run.checksum}, ${ref.variant} has ${ref.checksum}: the variants disagree`);
  }
  const identical = all.every((run) => run.fingerprint === ref.fingerprint);

  const summary = jobs.map((j) => ({ id: j.key, label: j.build === 'fast' ? `${j.variant.id} in the fast build (checks compiled out)` : j.variant.label, perRun: (runs.get(j.key) ?? []).map(statsOf) }))
    .map((x) => ({ ...x, ...summarize(x.perRun) }));
  const naive = summary.find((s) => s.id === 'naive');
  const hand = summary.find((s) => s.id === 'hand-arena');
  const ratio = (a: number | undefined, b: number): string => (a === undefined ? '' : fmt(a / b));
  const xHand = (s: { readonly id: string; readonly p50: number; readonly p99: number }): string =>
    (hand === undefined || !s.id.startsWith('arena') ? '' : `${fmt(s.p50 / hand.p50)} / ${fmt(s.p99 / hand.p99)}`);
  const range = (r: readonly [number, number]): string => (opts.runs > 1 ? ` (${fmt(r[0])}-${fmt(r[1])})` : '');
  printTable(
    ['variant', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'p99 w/o CPU wait', 'p50 naive/x', 'p99 naive/x', 'p50 / p99 x/hand-arena'],
    summary.map((s) => [s.id, `${fmt(s.p50)}${range(s.p50Range)}`, fmt(s.p90), `${fmt(s.p99)}${range(s.p99Range)}`, fmt(s.max), fmt(s.p99NoWait),
      ratio(naive?.p50, s.p50), ratio(naive?.p99, s.p99), xHand(s)]),
  );
  printTable(
    ['variant', 'scavenges', 'mark-compacts', 'GC ms', 'max pause ms', 'frames with GC', 'GC ms/frame p50 / p99', 'scav. whole run', 'setup ms', 'others cores'],
    summary.map((s) => [s.id, String(s.scavenges), String(s.markCompacts), fmt(s.gcMs, 1), fmt(s.maxPauseMs), `${s.framesWithGc} of ${s.steadyFrames}`,
      `${fmt(s.gcFrameP50)} / ${fmt(s.gcFrameP99)}`, String(s.allScavenges), fmt(s.setupMs, 0), fmt(s.others)]),
  );
  console.log();
  printLabels(summary);
  console.log(`\nmedian of ${opts.runs} run(s) per variant${opts.runs > 1 ? ' (min-max over runs)' : ''}; "p99 w/o CPU wait" subtracts, per frame, the time the main thread waited for a CPU; ` +
    `"scav. whole run" counts from setup on, the other GC columns frames ${WARMUP_FRAMES}+`);
  console.log(`checksum ${ref.checksum} in all ${all.length} runs (tolerance ${CHECKSUM_TOLERANCE}); bit-identical state: ${identical ? 'yes' : 'no'} (fingerprint ${ref.fingerprint})`);

  const handVerdicts = hand === undefined ? [] : summary.filter((s) => s.id.startsWith('arena')).map((s) => {
    const p50 = s.p50 / hand.p50;
    const p99 = s.p99 / hand.p99;
    const ok = p50 <= TARGET_HAND_RATIO && p99 <= TARGET_HAND_RATIO;
    console.log(`${s.id} vs hand-arena: p50 ${fmt(p50)}x, p99 ${fmt(p99)}x (target <= ${TARGET_HAND_RATIO}x): ${opts.quick ? 'not judged in a quick run' : ok ? 'PASS' : 'FAIL'}`);
    return { id: s.id, p50Ratio: p50, p99Ratio: p99, pass: ok };
  });
  const verdicts = summary.filter((s) => s.id !== 'naive' && s.id !== 'hand-arena').map((s) => {
    const r = naive === undefined ? NaN : naive.p99 / s.p99;
    const rNoWait = naive === undefined ? NaN : naive.p99NoWait / s.p99NoWait;
    const ok = s.scavenges === 0 && r >= TARGET_P99_RATIO;
    console.log(`${s.id}: ${s.scavenges} scavenges in steady state (target 0), p99 ${fmt(r)}x lower than naive ` +
      `(${fmt(rNoWait)}x without CPU wait; target >= ${TARGET_P99_RATIO}x): ${opts.quick ? 'not judged in a quick run' : ok ? 'PASS' : 'FAIL'}`);
    return { id: s.id, scavenges: s.scavenges, p99Ratio: r, p99RatioNoWait: rNoWait, pass: ok };
  });
  const seconds = (performance.now() - t0) / 1000;
  console.log(`${fmt(seconds, 1)} s`);
  if (opts.json !== null) {
    writeJson(opts.json, {
      date: new Date().toISOString(), machine, builds: opts.builds,
      config: { n: opts.n, frames: opts.frames, runs: opts.runs, tries: opts.tries, quietCores: QUIET_CORES, warmupFrames: WARMUP_FRAMES, tempsPerParticle: 4 },
      source: 'bundle', checksum: ref.checksum, bitIdentical: identical, results: summary, verdicts, handVerdicts, seconds,
    });
  }
}

async function child(argv: readonly string[]): Promise<void> {
  const [id, n, frames, build, from] = argv;
  if ((build !== 'checked' && build !== 'fast') || argv.length !== 5) throw new Error(`child: bad arguments ${argv.join(' ')}`);
  const mod = (await import(pathToFileURL(from).href)) as typeof FramesBundle;
  const loaded: Build = mod.CHECKS ? 'checked' : 'fast';
  if (loaded !== build) throw new Error(`child: asked for the ${build} build, ${from} holds the ${loaded} build`);
  const variant = mod.VARIANTS.find((v) => v.id === id);
  if (variant === undefined) throw new Error(`child: unknown variant ${id}`);
  sendResult(await runFrames(variant, Number(n), Number(frames), loaded));
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') await child(argv.slice(1));
else await parent(parseOptions(argv));
