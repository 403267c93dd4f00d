/**
 * The browser frame loop: the frame-loop bench's `arena` and `arena-reserve` variants against
 * `hand-arena` (bench/frame-loop/variants.ts: the same physics, temporaries from the library's
 * frame arena or from a hand-written bump arena over the same SharedArrayBuffer), frames back to
 * back. Each run of each variant is a fresh page (`?frames=<id>`, as the Node bench gives each
 * its own process): in one page the variants share the library's functions, so one variant's
 * type feedback would slow another's loop. Browsers give no GC counts and round
 * `performance.now()`, so this reports frame-time percentiles only, and checks that every
 * variant ends in the same state.
 * @module
 */
import { checksum, fingerprint, initialState } from '../frame-loop/physics.ts';
import { arena, arenaReserve, handArena, type FrameLoopVariant } from '../frame-loop/variants.ts';

/** Frames before the steady state (JIT warm-up). */
const WARMUP_FRAMES = 20;

/** How the page's frame loop runs. */
export interface FramesConfig {
  readonly n: number;
  readonly frames: number;
  /** Runs of each variant, interleaved (the order alternates per run). */
  readonly runs: number;
}

/** One variant over its runs: median of the runs' steady-state p50 and p99, ms. */
export interface FramesRow {
  readonly id: string;
  readonly p50: number;
  readonly p99: number;
  readonly p50Runs: number[];
  readonly p99Runs: number[];
}

/** What the page's frame loop reports. */
export interface FramesResult {
  readonly config: FramesConfig & { readonly warmupFrames: number };
  readonly rows: FramesRow[];
  /** arena ÷ hand-arena, p50 and p99 (medians of the runs). */
  readonly p50Ratio: number;
  readonly p99Ratio: number;
  /** arena-reserve (the frame's lane reserved before the loop) ÷ hand-arena, p50 and p99. */
  readonly reserveP50Ratio: number;
  readonly reserveP99Ratio: number;
  readonly fingerprint: string;
}

function pct(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const k = ((s.length - 1) * p) / 100;
  const lo = Math.floor(k);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo] + (s[hi] - s[lo]) * (k - lo);
}

function runOnce(variant: FrameLoopVariant, cfg: FramesConfig): { p50: number; p99: number; fingerprint: string; checksum: number } {
  const sim = variant.setup(initialState(cfg.n), cfg.n);
  const ms: number[] = [];
  for (let f = 0; f < cfg.frames; f++) {
    const a = performance.now();
    sim.step();
    ms.push(performance.now() - a);
  }
  const state = sim.snapshot();
  sim.verify();
  const steady = ms.slice(WARMUP_FRAMES);
  return { p50: pct(steady, 50), p99: pct(steady, 99), fingerprint: fingerprint(state), checksum: checksum(state) };
}

/** The variants the browser runs, in their order. */
export const FRAME_VARIANTS: readonly FrameLoopVariant[] = [arena, arenaReserve, handArena];

/** The frame loop's size: short in a quick run. */
export function framesConfig(quick: boolean): FramesConfig {
  return quick ? { n: 20_000, frames: 60, runs: 2 } : { n: 100_000, frames: 200, runs: 3 };
}

/** One run of one variant, in a page of its own. */
export interface FrameRun {
  readonly id: string;
  readonly p50: number;
  readonly p99: number;
  readonly fingerprint: string;
}

/** Runs variant `id` once (the page's only work). */
export function runFrameVariant(id: string, cfg: FramesConfig): FrameRun {
  const v = FRAME_VARIANTS.find((x) => x.id === id);
  if (v === undefined) throw new Error(`frame loop: no variant "${id}" (${FRAME_VARIANTS.map((x) => x.id).join(', ')})`);
  const x = runOnce(v, cfg);
  return { id, p50: x.p50, p99: x.p99, fingerprint: x.fingerprint };
}

/** The runs of every variant, put together: medians, ratios to hand-arena; throws when their end states differ. */
export function framesResult(cfg: FramesConfig, runs: readonly FrameRun[]): FramesResult {
  const print = runs[0]?.fingerprint ?? '';
  for (const x of runs) if (x.fingerprint !== print) throw new Error(`frame loop: ${x.id} ended in state ${x.fingerprint}, not ${print}`);
  const rows = FRAME_VARIANTS.map((v) => {
    const mine = runs.filter((x) => x.id === v.id);
    const p50 = mine.map((x) => x.p50);
    const p99 = mine.map((x) => x.p99);
    return { id: v.id, p50: pct(p50, 50), p99: pct(p99, 50), p50Runs: p50, p99Runs: p99 };
  });
  const [a, ar, h] = rows;
  return {
    config: { ...cfg, warmupFrames: WARMUP_FRAMES }, rows, p50Ratio: a.p50 / h.p50, p99Ratio: a.p99 / h.p99,
    reserveP50Ratio: ar.p50 / h.p50, reserveP99Ratio: ar.p99 / h.p99, fingerprint: print,
  };
}
