/**
 * The measuring loop the tinybench benches share (run.ts, typed.bench.ts, cache.bench.ts): one
 * round is a fresh tinybench `Bench` over the cases, a full GC before each measured task, the
 * scavenges that started while each task was measured, and the CPU other processes took meanwhile.
 * Plus the small statistics every bench needs.
 * @module
 */
import { Bench } from 'tinybench';
import type { GcLog } from './gc-log.ts';
import { cpuSnapshot, foreignLoad, type ForeignLoad } from './machine.ts';

/** A case as the round runner sees it: an id and one iteration (a batch of ops). */
export interface BatchCase {
  readonly id: string;
  readonly batch: () => void;
}

/** How one round runs. */
export interface RoundConfig {
  /** Measured time per task, ms. */
  readonly timeMs: number;
  /** Warm-up per task, ms (not measured, no GC counted). */
  readonly warmupMs: number;
  /** Ops in one iteration: ns/op = iteration latency / opsPerBatch. */
  readonly opsPerBatch: number;
  /** Run the tasks in a random order (the default), or in the given order. */
  readonly shuffle?: boolean;
}

/** One case in one round. */
export interface RoundCell {
  /** Median iteration latency per op, ns. */
  readonly medianNs: number;
  /** Mean iteration latency per op, ns: includes the GC pauses that landed in iterations. */
  readonly meanNs: number;
  /** Measured iterations. */
  readonly batches: number;
  /** Scavenges that started while tinybench measured the case (its own sample arrays included). */
  readonly scavenges: number;
}

/** One round: the task order, each case's cell, and the CPU other processes used during it. */
export interface Round {
  readonly order: string[];
  readonly cells: Map<string, RoundCell>;
  readonly load: ForeignLoad | null;
}

/** Median of `xs` (NaN when empty). */
export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

/** The `p`-th percentile of `xs` by linear interpolation between order statistics (NaN when empty). */
export function percentile(xs: ArrayLike<number>, p: number): number {
  const s = Array.from(xs).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const k = ((s.length - 1) * p) / 100;
  const lo = Math.floor(k);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo] + (s[hi] - s[lo]) * (k - lo);
}

/** A shuffled copy of `xs` (Fisher-Yates). */
export function shuffled<T>(xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/**
 * Runs every case once in a fresh `Bench`: warm-up, then a full GC and the measured run per task.
 * `gcLog` must be observing; its entries are flushed before the cells are read.
 */
export async function runRound(cases: readonly BatchCase[], cfg: RoundConfig, gcLog: GcLog): Promise<Round> {
  const windows = new Map<string, { from: number; to: number }>();
  const bench = new Bench({
    time: cfg.timeMs,
    warmupTime: cfg.warmupMs,
    throws: true,
    setup: (task, mode) => {
      if (mode !== 'run' || task === undefined) return;
      globalThis.gc?.(); // start each measured task with an empty young generation
      windows.set(task.name, { from: performance.now(), to: Infinity });
    },
    teardown: (task, mode) => {
      const w = task === undefined ? undefined : windows.get(task.name);
      if (mode === 'run' && w !== undefined) w.to = performance.now();
    },
  });
  const order = (cfg.shuffle === false ? [...cases] : shuffled(cases)).map((c) => {
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
      medianNs: (r.latency.p50 * 1e6) / cfg.opsPerBatch,
      meanNs: (r.latency.mean * 1e6) / cfg.opsPerBatch,
      batches: r.latency.samplesCount,
      scavenges: w === undefined ? 0 : gcLog.countBetween(w.from, w.to),
    });
  }
  return { order, cells, load };
}

/** The cells of case `id` over several rounds (rounds that lack it are skipped). */
export function cellsOf(rounds: readonly Round[], id: string): RoundCell[] {
  return rounds.map((r) => r.cells.get(id)).filter((c) => c !== undefined);
}
