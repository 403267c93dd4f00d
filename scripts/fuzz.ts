/**
 * `npm run fuzz`: the long model-based fuzz of the public API (the model: test/model-fuzz-model.ts;
 * the CI-sized run: test/model-fuzz.test.ts).
 *
 *   node --import tsx scripts/fuzz.ts [--ops 100000] [--build fast|checked] [--seed N] [--ops-per-run 400]
 *   node --import tsx scripts/fuzz.ts --build checked --seed N --run R --ops-per-run 400 --trace   (replay one run)
 *
 * Runs until every allocator (arena, pool, stack) ran at least `--ops` operations, in fresh runs of
 * `--ops-per-run` operations each, and prints operations per allocator and per kind, expected errors
 * by code, mismatches by kind and the first failures with their replay commands. Exits 1 on a mismatch.
 *
 * Builds: the build is a module constant (`CHECKS` in src/build.ts) fixed when src is first
 * imported, so one process runs one build. `--build fast` sets `globalThis.__NEBULA_CHECKS__ = false`
 * before importing anything of src (the documented no-bundler switch, docs/SAFETY.md) and checks
 * that `CHECKS` came out false; without `--build` the script runs itself once per build, checked
 * first. (The Vitest project node-fast does the same through `define`.)
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    ops: { type: 'string', default: '100000' },
    build: { type: 'string' },
    seed: { type: 'string', default: '1' },
    'ops-per-run': { type: 'string', default: '400' },
    run: { type: 'string' },
    trace: { type: 'boolean', default: false },
    'show-failures': { type: 'string', default: '3' },
  },
});

const num = (name: string, v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, not ${v}`);
  return n;
};

if (values.build === undefined) {
  // one process per build: the build constant is fixed at the first import of src
  let status = 0;
  for (const build of ['checked', 'fast']) {
    const args = [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2), '--build', build];
    const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
    status = Math.max(status, r.status ?? 1);
  }
  process.exit(status);
}
if (values.build !== 'fast' && values.build !== 'checked') throw new Error(`--build must be fast or checked, not ${values.build}`);
(globalThis as { __NEBULA_CHECKS__?: boolean }).__NEBULA_CHECKS__ = values.build === 'checked';

const { CHECKS } = await import('../src/build.ts');
const { formatFailure, newCounts, runFuzz } = await import('../test/model-fuzz-model.ts');
if (CHECKS !== (values.build === 'checked')) throw new Error(`asked for the ${values.build} build, but CHECKS is ${String(CHECKS)}`);

const seed = num('seed', values.seed);
const opsPerRun = num('ops-per-run', values['ops-per-run']);
const minOps = num('ops', values.ops);
const only = values.run === undefined ? undefined : num('run', values.run);
const show = num('show-failures', values['show-failures']);
const fmt = (n: number): string => n.toLocaleString('en-US');

console.log(`model fuzz, ${values.build} build: seed ${seed}, ${opsPerRun} operations per run, ` +
  (only === undefined ? `until every allocator ran ${fmt(minOps)}` : `replaying run ${only}`));
const counts = newCounts();
let shown = 0;
const t0 = performance.now();
runFuzz({
  seed, opsPerRun, ...(only === undefined ? { minOpsPerAllocator: minOps } : { onlyRun: only }),
  ...(values.trace ? { echo: (line: string) => { console.log(`  ${line}`); } } : {}),
  onFailure: (f) => {
    if (shown++ < show) console.log(`\n${formatFailure(f, opsPerRun)}\n`);
  },
}, counts);
const secs = (performance.now() - t0) / 1000;

const total = counts.allocators.arena + counts.allocators.pool + counts.allocators.stack;
const table = (title: string, r: Record<string, number>): void => {
  const keys = Object.keys(r).sort();
  console.log(`${title}${keys.length === 0 ? ' none' : ''}`);
  for (const k of keys) console.log(`  ${k.padEnd(30)} ${fmt(r[k]).padStart(10)}`);
};
console.log(`runs ${fmt(counts.runs)}, ${fmt(total)} operations in ${secs.toFixed(1)} s (${fmt(Math.round(total / secs))} operations/s, ` +
  'each followed by checkInvariants() of both views and every live stamp)');
table('operations per allocator:', counts.allocators);
table('operations per kind:', counts.ops);
table('errors by code (expected by the model, thrown with that exact code):', counts.errors);
table('mismatches by kind (failed runs):', counts.mismatches);
process.exitCode = Object.keys(counts.mismatches).length > 0 ? 1 : 0;
