/**
 * Measuring your own frame loop: time per frame (p50, p99, max) and the library's statistics
 * per frame, without the measuring itself creating garbage or moving the numbers.
 *
 * The recipe:
 * 1. Preallocate everything the meter writes: one Float64Array of frame times, one per statistic
 *    you follow, and one `statsInto()` scratch array. A meter that pushes into JS arrays or builds
 *    objects per frame causes the GC pauses it is trying to measure.
 * 2. Time the whole frame: your work plus `memory.advance()` (the clock publishes this thread's
 *    statistics and recycles the expiring frame; that is part of the frame's cost).
 * 3. Read statistics with `allocator.statsInto(out)` at the STAT indexes, right before
 *    `advance()` (what this frame used). `stats()` returns the same as a frozen object: fine once
 *    a second for a HUD, not every frame in a measurement.
 * 4. Leave out the warm-up frames (JIT tiers, caches filling up), then sort once at the end for
 *    percentiles. Report p50 (the typical frame) and p99 (the hitches the player sees).
 * 5. At the end, `memory.snapshot()` gives every region's totals and its 64-frame high-water
 *    history as JSON: keep it with the timings.
 *
 * Measure the build you ship: define `__NEBULA_CHECKS__ = false` (see README.md) for numbers
 * that match production; the checked build adds its checks to every call.
 */
import { STAT, STAT_COUNT, type MemorySnapshot } from 'nebula-memory';
import type { ParticleLoop } from './particle-loop.ts';

/** Percentile `p` (0-100) of sorted `xs`, interpolated between neighbours. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const k = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(k);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (k - lo);
}

/** What {@link measureFrames} measured. */
export interface FrameReport {
  readonly frames: number;
  readonly warmup: number;
  /** Frame time in milliseconds over the measured frames. */
  readonly ms: { readonly p50: number; readonly p99: number; readonly max: number; readonly mean: number };
  /** Per measured frame: arena bytes reserved, live pool slots, particles alive. */
  readonly perFrame: { readonly arenaUsed: Float64Array; readonly poolLive: Float64Array; readonly particles: Float64Array };
  /** Totals of the whole run (warm-up included), from `memory.snapshot()` at the end. */
  readonly totals: {
    readonly arenaPeak: number;
    readonly arenaResets: number;
    readonly poolAllocations: number;
    readonly poolFrees: number;
    readonly poolPeak: number;
    readonly failures: number;
    readonly errors: number;
  };
  /** The arena's high water of each of the last (up to) 64 frames, oldest first. */
  readonly arenaHistory: readonly number[];
  /** The whole snapshot, JSON-ready. */
  readonly snapshot: MemorySnapshot;
}

/** Hooks of {@link measureFrames}. */
export interface MeterHooks {
  /** The clock, in milliseconds. @defaultValue performance.now */
  readonly now?: () => number;
  /** Called once between the warm-up and the measured frames (collect garbage, start counting GCs). */
  readonly afterWarmup?: () => void;
}

/** Runs `frames` frames of `loop` and measures all but the first `warmup`. */
export function measureFrames(loop: ParticleLoop, frames: number, warmup: number, hooks: MeterHooks = {}): FrameReport {
  const now = hooks.now ?? (() => performance.now());
  const measured = frames - warmup;
  const times = new Float64Array(measured);
  const arenaUsed = new Float64Array(measured);
  const poolLive = new Float64Array(measured);
  const particles = new Float64Array(measured);
  const s = new Float64Array(STAT_COUNT); // the length statsInto() needs
  const { memory, frame, particles: pool } = loop;

  for (let f = 0; f < frames; f++) {
    if (f === warmup) hooks.afterWarmup?.(); // outside any frame's time
    const t0 = now();
    loop.step();
    const k = f - warmup;
    if (k >= 0) {
      frame.statsInto(s); // no allocation: numbers into s at the STAT indexes
      arenaUsed[k] = s[STAT.USED];
      pool.statsInto(s);
      poolLive[k] = s[STAT.USED]; // for a pool, USED is the live slots
      particles[k] = loop.liveCount;
    }
    memory.advance();
    if (k >= 0) times[k] = now() - t0;
  }

  let sum = 0;
  for (const t of times) sum += t;
  const sorted = times.slice().sort(); // a typed array sorts numerically
  const snapshot = memory.snapshot();
  const arena = snapshot.regions.find((r) => r.name === frame.name);
  const pooled = snapshot.regions.find((r) => r.name === pool.name);
  if (arena?.stats.kind !== 'arena' || pooled?.stats.kind !== 'pool') throw new Error('the snapshot lacks the loop\'s regions');
  return {
    frames,
    warmup,
    ms: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1], mean: sum / measured },
    perFrame: { arenaUsed, poolLive, particles },
    totals: {
      arenaPeak: arena.stats.peak,
      arenaResets: arena.stats.resets,
      poolAllocations: pooled.stats.allocations,
      poolFrees: pooled.stats.frees,
      poolPeak: pooled.stats.peak,
      failures: arena.stats.failures + pooled.stats.failures,
      errors: arena.stats.errors + pooled.stats.errors,
    },
    arenaHistory: arena.frameHistory,
    snapshot,
  };
}
