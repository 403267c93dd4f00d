/**
 * The browser bench page's entry, bundled once per library build (bench/bundle.ts:
 * `bench/.out/page-<build>.mjs`), so the page runs what a user's production bundle holds. `?quick=1`
 * makes the run short. Runs the allocation suite (suite.ts), an inlining probe, and a short frame
 * loop (frames.ts); prints a table to the page and the console, and leaves the result in
 * `window.__benchResult` (and a `BENCH_RESULT <json>` console line) for bench/browser/run.ts.
 * @module
 */
import { runFrames, type FramesResult } from './frames.ts';
import { inlineProbe, type InlineProbe } from './probe.ts';
import { runSuite, type SuiteResult } from './suite.ts';

/** What the page leaves for the runner. */
export type PageResult = SuiteResult & { readonly probe: InlineProbe; readonly frames: FramesResult };

declare global {
  interface Window {
    /** The finished run, or an error message. */
    __benchResult?: PageResult | { readonly error: string };
  }
}

const quick = new URLSearchParams(location.search).get('quick') === '1';
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
  const frames = await runFrames(quick ? { n: 20_000, frames: 60, runs: 2 } : { n: 100_000, frames: 200, runs: 3 }, print);
  print(`frame loop: arena ÷ hand-arena p50 ${frames.p50Ratio.toFixed(2)}x, p99 ${frames.p99Ratio.toFixed(2)}x; arena-reserve ÷ hand-arena p50 ${frames.reserveP50Ratio.toFixed(2)}x, p99 ${frames.reserveP99Ratio.toFixed(2)}x`);
  const result: PageResult = { ...suite, probe, frames };
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
  window.__benchResult = result;
}

main().catch((e: unknown) => {
  const error = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
  print(`failed: ${error}`); // run.ts reads this line
  window.__benchResult = { error };
});
