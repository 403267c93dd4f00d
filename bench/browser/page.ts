/**
 * The browser bench page's entry, bundled once per library build (bench/bundle.ts:
 * `bench/.out/page-<build>.mjs`), so the page runs what a user's production bundle holds. `?quick=1`
 * makes the run short. Runs the allocation suite (suite.ts) and an inlining probe; with
 * `?frames=<variant>` it runs one run of that frame-loop variant instead (frames.ts: each run in a
 * page of its own). Prints to the page and the console, and leaves the result in
 * `window.__benchResult` (and a `BENCH_RESULT <json>` console line) for bench/browser/run.ts.
 * @module
 */
import { framesConfig, runFrameVariant, type FrameRun } from './frames.ts';
import { CHECKS } from '../../src/index.ts';
import { inlineProbe, type InlineProbe } from './probe.ts';
import { runSuite, type SuiteResult } from './suite.ts';

/** What the suite page leaves for the runner. */
export type PageResult = SuiteResult & { readonly probe: InlineProbe };
/** What a frame-loop page (`?frames=<variant>`) leaves for the runner. */
export interface FramePageResult {
  readonly build: 'fast' | 'checked';
  readonly crossOriginIsolated: boolean;
  readonly run: FrameRun;
}

declare global {
  interface Window {
    /** The finished run, or an error message. */
    __benchResult?: PageResult | FramePageResult | { readonly error: string };
  }
}

const params = new URLSearchParams(location.search);
const quick = params.get('quick') === '1';
const frameVariant = params.get('frames');
const out = document.getElementById('out');

function print(line: string): void {
  console.log(line);
  if (out !== null) out.textContent = `${out.textContent === 'running...' ? '' : out.textContent}${line}\n`;
}

async function main(): Promise<void> {
  const cfg = quick
    ? { rounds: 2, timeMs: 100, warmupMs: 50, batchesPerIteration: 32 }
    : { rounds: 3, timeMs: 600, warmupMs: 300, batchesPerIteration: 64 };
  const suite = await runSuite(cfg, print);
  print(`${navigator.userAgent}; crossOriginIsolated=${String(crossOriginIsolated)}; build ${suite.build}; ${quick ? 'quick' : 'full'}`);
  print('');
  print(`${'case'.padEnd(12)} ${'median ns/op'.padStart(12)} ${'min-max'.padStart(13)} ${'x bump'.padStart(7)}  x ref`);
  for (const r of suite.results) {
    print(`${r.id.padEnd(12)} ${r.medianNs.toFixed(2).padStart(12)} ${`${r.minNs.toFixed(2)}-${r.maxNs.toFixed(2)}`.padStart(13)} ${r.xBump.toFixed(2).padStart(7)}  ${r.ref === 'bump' ? '' : `${r.xRef.toFixed(2)} (${r.ref})`}`);
  }
  const probe = inlineProbe();
  print(`inlining probe: ${probe.smallNs.toFixed(2)} ns/call (small function), ${probe.largeNs.toFixed(2)} ns/call (${probe.largeSteps}-step function, over 130 bytecode bytes)`);
  const result: PageResult = { ...suite, probe };
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
  window.__benchResult = result;
}

/** A frame-loop page: one run of one variant, alone in the page. */
function frames(id: string): void {
  const run = runFrameVariant(id, framesConfig(quick));
  print(`frame loop ${id}: p50 ${run.p50.toFixed(3)} ms, p99 ${run.p99.toFixed(3)} ms`);
  const result: FramePageResult = { build: CHECKS ? 'checked' : 'fast', crossOriginIsolated, run };
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
  window.__benchResult = result;
}

(frameVariant !== null ? new Promise<void>((resolve) => { setTimeout(() => { frames(frameVariant); resolve(); }, 0); }) : main()).catch((e: unknown) => {
  const error = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
  print(`failed: ${error}`); // run.ts reads this line
  window.__benchResult = { error };
});
