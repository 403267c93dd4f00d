/**
 * Fresh processes for measurements whose heaps or JIT state must not mix: the parent runs a
 * script with `--child ...` arguments, the child prints one `RESULT <json>` line on stdout.
 * Also which library build (checked or fast) a process runs.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CHECKS } from '../src/build.ts';
import { BENCH_DIR } from './report.ts';

const PREFIX = 'RESULT ';

/** Node flags of a child: --expose-gc and tsx, plus the fast-build preload when `fast`, the stats-off preload when `statsOff`. */
export function childNodeArgs(fast: boolean, statsOff = false): string[] {
  return [
    '--expose-gc',
    ...(fast ? ['--import', join(BENCH_DIR, 'fast-build.mjs')] : []),
    ...(statsOff ? ['--import', join(BENCH_DIR, 'stats-off.mjs')] : []),
    '--import', 'tsx',
  ];
}

/**
 * Runs `node <flags> script ...args` to completion and returns the child's RESULT, parsed.
 * The child's stderr goes to ours (progress lines); its stdout is read for the RESULT line.
 */
export function runChild(script: string, args: readonly string[], options: { readonly fast?: boolean; readonly statsOff?: boolean } = {}): unknown {
  const r = spawnSync(process.execPath, [...childNodeArgs(options.fast === true, options.statsOff === true), script, ...args], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20,
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith(PREFIX));
  if (r.status !== 0 || line === undefined) {
    throw new Error(`child ${script} ${args.join(' ')} failed (status ${String(r.status)}, signal ${String(r.signal)})\n${r.stdout}`);
  }
  return JSON.parse(line.slice(PREFIX.length));
}

/** In a child: prints the result line the parent reads. */
export function sendResult(result: unknown): void {
  console.log(`${PREFIX}${JSON.stringify(result)}`);
}

/** Which build of the library this process loaded. */
export function loadedBuild(): 'checked' | 'fast' {
  return CHECKS ? 'checked' : 'fast';
}

/** False when this process compiled the library's statistics out (the stats-off.mjs preload). */
export function statsLoaded(): boolean {
  return (globalThis as { __NEBULA_STATS__?: boolean }).__NEBULA_STATS__ !== false;
}

/** Throws unless the library was loaded as `build` (the fast build needs the fast-build.mjs preload). */
export function assertBuild(build: 'checked' | 'fast'): void {
  if (build !== loadedBuild()) {
    throw new Error(`--build ${build} but the library was loaded as the ${loadedBuild()} build; ` +
      'the fast build needs --import ./bench/fast-build.mjs before tsx (npm run bench does both)');
  }
}
