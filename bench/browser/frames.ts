/**
 * A short frame loop in the page: the frame-loop bench's `arena` variant against `hand-arena`
 * (bench/frame-loop/variants.ts: the same physics, temporaries from the library's frame arena or
 * from a hand-written bump arena over the same SharedArrayBuffer), runs interleaved, frames back
 * to back. Browsers give no GC counts and round `performance.now()`, so this reports frame-time
 * percentiles only, and checks that both variants end in the same state.
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

/** Runs arena, arena-reserve and hand-arena `cfg.runs` times each, interleaved; throws when their end states differ. */
export async function runFrames(cfg: FramesConfig, progress: (line: string) => void): Promise<FramesResult> {
  const variants = [arena, arenaReserve, handArena];
  const per = new Map(variants.map((v) => [v.id, { p50: [] as number[], p99: [] as number[] }]));
  let print = '';
  for (let r = 0; r < cfg.runs; r++) {
    for (const v of r % 2 === 0 ? variants : [...variants].reverse()) {
      const x = runOnce(v, cfg);
      if (print === '') print = x.fingerprint;
      else if (x.fingerprint !== print) throw new Error(`frame loop: ${v.id} ended in state ${x.fingerprint}, not ${print}`);
      per.get(v.id)?.p50.push(x.p50);
      per.get(v.id)?.p99.push(x.p99);
      progress(`frame loop run ${r + 1}/${cfg.runs} ${v.id}: p50 ${x.p50.toFixed(3)} ms, p99 ${x.p99.toFixed(3)} ms`);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  const rows = variants.map((v) => {
    const m = per.get(v.id) ?? { p50: [], p99: [] };
    return { id: v.id, p50: pct(m.p50, 50), p99: pct(m.p99, 50), p50Runs: m.p50, p99Runs: m.p99 };
  });
  const [a, ar, h] = rows;
  return {
    config: { ...cfg, warmupFrames: WARMUP_FRAMES }, rows, p50Ratio: a.p50 / h.p50, p99Ratio: a.p99 / h.p99,
    reserveP50Ratio: ar.p50 / h.p50, reserveP99Ratio: ar.p99 / h.p99, fingerprint: print,
  };
}
