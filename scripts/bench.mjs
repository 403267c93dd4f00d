#!/usr/bin/env node
// `npm run bench -- [args]`: the allocation bench in the checked build, then in the fast build,
// each in its own process, with the same arguments (npm would append them to the last command only).
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const runs = [
  ['--expose-gc', '--import', 'tsx', 'bench/run.ts', ...args],
  ['--expose-gc', '--import', './bench/fast-build.mjs', '--import', 'tsx', 'bench/run.ts', ...args, '--build', 'fast'],
];
for (const argv of runs) {
  const r = spawnSync(process.execPath, argv, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
