#!/usr/bin/env node
// `npm run bench -- [--quick] [--only a,b] [args]`: every bench of issue #7, each in its own
// process, one after the other: allocation (production bundles of the checked and the fast
// build, each in its own process), typed temporaries, stats overhead, bulk fill/copy, workers,
// frame loop (bundled), and the browser page (bundled; Chromium, Firefox at the default and at a
// raised inlining limit, WebKit). --quick goes to every bench (a smoke test; the benches then
// write no results); --only picks steps by name; any other argument goes to the allocation run
// only (e.g. --json out.json). A failed step stops the run with its status.
import { spawnSync } from 'node:child_process';

const node = (...argv) => ['--expose-gc', '--import', 'tsx', ...argv];
const STEPS = {
  'alloc': (q, rest) => node('bench/run.ts', ...q, ...rest),
  'typed': (q) => node('bench/typed.bench.ts', ...q),
  'stats': (q) => node('bench/stats.bench.ts', ...q),
  'bulk': (q) => node('bench/bulk.bench.ts', ...q),
  'workers': (q) => node('bench/workers.bench.ts', ...q),
  'frame-loop': (q) => node('bench/frame-loop.bench.ts', ...q),
  'browser': (q) => ['--import', 'tsx', 'bench/browser/run.ts', ...q, '--browsers', 'chromium,firefox,firefox-inline,webkit'],
};

const args = process.argv.slice(2);
const quick = args.includes('--quick') ? ['--quick'] : [];
let only = Object.keys(STEPS);
const rest = [];
for (let k = 0; k < args.length; k++) {
  if (args[k] === '--quick') continue;
  if (args[k] === '--only' && k + 1 < args.length) {
    only = args[++k].split(',');
    const bad = only.filter((s) => !(s in STEPS));
    if (bad.length > 0) {
      console.error(`unknown step(s) ${bad.join(', ')}; steps: ${Object.keys(STEPS).join(', ')}`);
      process.exit(2);
    }
  } else rest.push(args[k]);
}
const t0 = Date.now();
for (const name of only) {
  console.log(`\n=== bench: ${name}${quick.length > 0 ? ' (quick)' : ''} ===`);
  const r = spawnSync(process.execPath, STEPS[name](quick, rest), { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`bench ${name} failed (status ${String(r.status)}, signal ${String(r.signal)})`);
    process.exit(r.status ?? 1);
  }
}
console.log(`\nall benches done (${only.join(', ')}) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
