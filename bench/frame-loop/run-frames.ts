/**
 * One frame-loop run in this process: set a variant up, settle the heap, run the frames back to
 * back, and record each frame's time, the CPU wait inside it, and every GC with its frame.
 * @module
 */
import { GcLog } from '../gc-log.ts';
import { cpuSnapshot, foreignLoad, type ForeignLoad } from '../machine.ts';
import { ThreadSchedStat } from '../schedstat.ts';
import { checksum, fingerprint, initialState } from './physics.ts';
import type { FrameLoopVariant } from './variants.ts';

/**
 * Frames before the steady state: JIT warm-up (the first frames run in the interpreter and make
 * garbage of their own) and the young generation's first growth.
 */
export const WARMUP_FRAMES = 20;

/** What a child reports for one run. */
export interface FrameRun {
  readonly variant: string;
  readonly n: number;
  readonly frames: number;
  readonly build: 'checked' | 'fast';
  /** Setup time (state, views, rings), ms. */
  readonly setupMs: number;
  /** Each frame's wall time, ms. */
  readonly frameMs: number[];
  /** Time the main thread waited for a CPU during each frame, ms (kernel schedstat); null where unavailable. */
  readonly waitMs: number[] | null;
  /** Every GC from setup on: frame index (-1 before the first frame), kind, pause ms. */
  readonly gc: { readonly frame: number; readonly kind: number; readonly ms: number }[];
  readonly checksum: number;
  readonly fingerprint: string;
  /** Heap used after the run, MB. */
  readonly heapMB: number;
  /** CPU other processes used during the frames. */
  readonly load: ForeignLoad | null;
}

/**
 * Runs `variant` with `n` particles for `frames` frames and returns what happened. The heap is
 * settled with full GCs after setup and again after the warm-up frames (outside any frame's
 * time), so warm-up garbage cannot spill a scavenge into the steady state: a steady-state
 * scavenge then comes from what the frames themselves allocate.
 */
export async function runFrames(variant: FrameLoopVariant, n: number, frames: number, build: 'checked' | 'fast'): Promise<FrameRun> {
  const gcLog = new GcLog();
  gcLog.start();
  const init = initialState(n);
  const t0 = performance.now();
  const sim = variant.setup(init, n);
  const setupMs = performance.now() - t0;
  globalThis.gc?.();
  globalThis.gc?.(); // settle the heap: setup garbage gone, survivors in old space

  const sched = ThreadSchedStat.open();
  const start = new Float64Array(frames);
  const ms = new Float64Array(frames);
  const wait = new Float64Array(frames);
  const before = cpuSnapshot();
  for (let f = 0; f < frames; f++) {
    sched?.sample();
    const w0 = sched === null ? 0 : sched.waitNs;
    const a = performance.now();
    sim.step();
    const b = performance.now();
    sched?.sample();
    const w1 = sched === null ? 0 : sched.waitNs;
    start[f] = a;
    ms[f] = b - a;
    wait[f] = (w1 - w0) / 1e6;
    if (f === WARMUP_FRAMES - 1) globalThis.gc?.(); // counted in the last warm-up frame's gap, not timed
  }
  const load = foreignLoad(before, cpuSnapshot());
  sched?.close();
  await gcLog.flush();
  gcLog.stop();

  // each GC belongs to the frame it started in (or the gap after it: frames run back to back)
  const gc = gcLog.entries().map((e) => {
    let f = -1;
    while (f + 1 < frames && start[f + 1] <= e.start) f++;
    return { frame: f, kind: e.kind, ms: e.duration };
  });
  const state = sim.snapshot();
  sim.verify();
  return {
    variant: variant.id, n, frames, build, setupMs,
    frameMs: Array.from(ms), waitMs: sched === null ? null : Array.from(wait), gc,
    checksum: checksum(state), fingerprint: fingerprint(state), heapMB: process.memoryUsage().heapUsed / 2 ** 20, load,
  };
}
