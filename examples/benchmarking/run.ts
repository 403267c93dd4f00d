/**
 * The benchmarking example: measure the particle loop, print a readable report.
 * main.ts runs it directly; test/examples.test.ts asserts its (deterministic) statistics.
 */
import { CHECKS } from 'nebula-memory';
import { type FrameReport, measureFrames } from './frame-meter.ts';
import { type GcCount, startGcCount } from './gc-counter.ts';
import { ParticleLoop, type ParticleLoopOptions } from './particle-loop.ts';

/** What {@link runBenchmarking} measured. */
export interface BenchmarkingResult {
  readonly build: 'checked' | 'fast';
  readonly report: FrameReport;
  /** GCs during the measured loop, where the engine reports them (Node); null elsewhere. */
  readonly gcs: { readonly minor: number; readonly major: number } | null;
}

/** Options: the loop's sizes, and how many frames to run and to leave out as warm-up. */
export interface BenchmarkingOptions extends ParticleLoopOptions {
  readonly frames?: number;
  readonly warmup?: number;
}

/** Measures `frames` frames (the first `warmup` left out) and reports. */
export async function runBenchmarking(options: BenchmarkingOptions = {}, log?: (line: string) => void): Promise<BenchmarkingResult> {
  const { frames = 300, warmup = 60 } = options;
  const out = log ?? (() => undefined);
  const loop = new ParticleLoop(options);
  const counting: { gc: GcCount | null } = { gc: null };
  const report = measureFrames(loop, frames, warmup, {
    afterWarmup: () => {
      // The warm-up frames ran in the interpreter and left garbage of their own: collect it now
      // (with --expose-gc), so a GC in the measured frames comes from what the frames allocate.
      (globalThis as { gc?: () => void }).gc?.();
      counting.gc = startGcCount();
    },
  });
  const gcs = counting.gc === null ? null : await counting.gc.stop();
  loop.clear();
  loop.memory.checkInvariants();

  const { ms, totals, perFrame } = report;
  const last = perFrame.particles.length - 1;
  out(`particle loop: ${loop.spawn} spawned per frame, ${loop.life} frames of life, ${frames} frames (${warmup} warm-up), ${CHECKS ? 'checked' : 'fast'} build`);
  out(`frame time (ms, ${frames - warmup} frames): p50 ${ms.p50.toFixed(3)}, p99 ${ms.p99.toFixed(3)}, max ${ms.max.toFixed(3)}, mean ${ms.mean.toFixed(3)}`);
  out(`GCs during the loop: ${gcs === null ? 'not reported by this engine' : `${gcs.minor} minor, ${gcs.major} major`}`);
  out(`last frame: ${perFrame.particles[last] ?? 0} particles, ${perFrame.poolLive[last] ?? 0} live pool slots, ${perFrame.arenaUsed[last] ?? 0} arena bytes reserved`);
  out(`totals (memory.snapshot()): pool ${totals.poolAllocations} allocations, ${totals.poolFrees} frees, peak ${totals.poolPeak} live; arena peak ${totals.arenaPeak} bytes/frame, ${totals.arenaResets} frame recycles; ${totals.failures} failures, ${totals.errors} errors`);
  out(`arena high water, last ${report.arenaHistory.length} frames: ${report.arenaHistory.slice(-8).join(', ')} (the last 8)`);
  out('');
  out('Then the library\'s own benchmarks: `npm run bench -- --quick` (smoke run, ~75 s) or `npm run bench` (full, writes bench/results/*.json);');
  out('see examples/benchmarking/README.md and bench/README.md.');
  return { build: CHECKS ? 'checked' : 'fast', report, gcs };
}
