/**
 * The browser bench page's entry: `?build=fast` selects the fast build (before the library
 * loads), `?quick=1` a short run. Prints a table to the page and the console, and leaves the
 * result in `window.__benchResult` (and a `BENCH_RESULT <json>` console line) for
 * bench/browser/run.ts.
 * @module
 */
import type { SuiteResult } from './suite.ts';

declare global {
  interface Window {
    /** The finished run, or an error message. */
    __benchResult?: SuiteResult | { readonly error: string };
  }
}

const params = new URLSearchParams(location.search);
const fast = params.get('build') === 'fast';
const quick = params.get('quick') === '1';
const out = document.getElementById('out');

function print(line: string): void {
  console.log(line);
  if (out !== null) out.textContent = `${out.textContent === 'running...' ? '' : out.textContent}${line}\n`;
}

async function main(): Promise<void> {
  if (fast) (globalThis as { __NEBULA_CHECKS__?: boolean }).__NEBULA_CHECKS__ = false;
  const { runSuite } = await import('./suite.ts');
  print(`${navigator.userAgent}; crossOriginIsolated=${String(crossOriginIsolated)}; build ${fast ? 'fast' : 'checked'}; ${quick ? 'quick' : 'full'}`);
  const cfg = quick
    ? { rounds: 1, timeMs: 150, warmupMs: 75, batchesPerIteration: 16 }
    : { rounds: 3, timeMs: 600, warmupMs: 300, batchesPerIteration: 64 };
  const result = await runSuite(cfg, print);
  print('');
  print(`${'case'.padEnd(12)} ${'median ns/op'.padStart(12)} ${'min-max'.padStart(13)} ${'x bump'.padStart(7)}  x ref`);
  for (const r of result.results) {
    print(`${r.id.padEnd(12)} ${r.medianNs.toFixed(2).padStart(12)} ${`${r.minNs.toFixed(2)}-${r.maxNs.toFixed(2)}`.padStart(13)} ${r.xBump.toFixed(2).padStart(7)}  ${r.ref === 'bump' ? '' : `${r.xRef.toFixed(2)} (${r.ref})`}`);
  }
  print(`${result.seconds.toFixed(1)} s`);
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
  window.__benchResult = result;
}

main().catch((e: unknown) => {
  const error = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
  print(`failed: ${error}`); // run.ts reads this line
  window.__benchResult = { error };
});
