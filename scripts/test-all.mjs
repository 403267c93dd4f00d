#!/usr/bin/env node
// `npm test`: every check in order: lint, typecheck, the import graph (no new cycles or upward imports), unit tests in node + chromium + firefox +
// webkit, e2e (Playwright: chromium, firefox; webdriverio: webkit), docs, and a quick bench smoke run. Prints one summary and the line `N passed, N failed`.
// Counts: each unit/e2e test is one; lint, typecheck and docs count one each.
// First a preflight (scripts/preflight.mjs) installs the missing Debian browsers, WebKitWebDriver and Xvfb
// (as root, or through `sudo -n`), or stops with the one command to run and `0 passed, 1 failed`.
// NEBULA_SKIP_PREFLIGHT=1 skips it, as does a run of only steps that need no browser.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preflight } from './preflight.mjs';

const only = process.argv.slice(2);
{
  const pre = preflight({ steps: only });
  if (!pre.ok) {
    console.log(pre.message);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}
const out = join(tmpdir(), `nebula-test-${process.pid}`);
mkdirSync(out, { recursive: true });
const results = [];

function run(name, cmd, args, env = {}) {
  if (only.length && !only.includes(name)) return null;
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  return { ok: r.status === 0, secs, status: r.status ?? r.signal };
}

function step(name, cmd, args) {
  const r = run(name, cmd, args);
  if (r) results.push({ name, passed: r.ok ? 1 : 0, failed: r.ok ? 0 : 1, secs: r.secs });
}

function readJson(file) {
  try { return JSON.parse(readFileSync(file, 'utf8')); } catch { return null; }
}

// The names of the tests that failed, with the first line of each error, repeated in the summary so
// that the tail of a CI log says which test broke.
const failures = [];
const firstLine = (text) => String(text ?? '').replace(/\x1b\[[0-9;]*m/g, '').split('\n').find((l) => l.trim() !== '')?.trim().slice(0, 300) ?? '';

function vitestFailures(j) {
  for (const file of j?.testResults ?? []) {
    for (const t of file.assertionResults ?? []) {
      if (t.status === 'failed') failures.push(`unit ${file.name?.replace(process.cwd() + '/', '')} > ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`);
    }
    if (file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed')) {
      failures.push(`unit ${file.name?.replace(process.cwd() + '/', '')}: ${firstLine(file.message)}`);
    }
  }
}

function playwrightFailures(suites, path = []) {
  for (const suite of suites ?? []) {
    const here = suite.title ? [...path, suite.title] : path;
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status !== 'unexpected') continue;
        const last = t.results?.[t.results.length - 1];
        failures.push(`e2e [${t.projectName}] ${[...here, spec.title].join(' > ')}: ${firstLine(last?.error?.message)}`);
      }
    }
    playwrightFailures(suite.suites, here);
  }
}

step('lint', 'npx', ['eslint', '.']);
step('typecheck', 'npx', ['tsc', '--noEmit']);
step('imports', 'node', ['scripts/check-imports.mjs']);

// Unit tests: all four projects in one vitest run; WebKit needs Xvfb and WebKitWebDriver.
{
  const json = join(out, 'vitest.json');
  const haveWebkit = existsSync('/usr/bin/WebKitWebDriver') && spawnSync('which', ['xvfb-run']).status === 0;
  const r = haveWebkit
    ? run('unit', 'xvfb-run', ['-a', 'scripts/with-webkit.sh', 'npx', 'vitest', 'run'], { VITEST_JSON: json })
    : run('unit', 'npx', ['vitest', 'run'], { VITEST_JSON: json });
  if (r) {
    const j = readJson(json);
    vitestFailures(j);
    const passed = j?.numPassedTests ?? 0;
    const failed = (j?.numFailedTests ?? 0) + (r.ok ? 0 : (j?.numFailedTests ? 0 : 1));
    results.push({ name: 'unit (node, chromium, firefox' + (haveWebkit ? ', webkit)' : ')'), passed, failed: failed + (haveWebkit ? 0 : 1), secs: r.secs });
    if (!haveWebkit) console.error('webkit project not run: install webkit2gtk-driver and xvfb (see README.md)');
  }
}

// e2e in Chromium and Firefox (Playwright). Headless Firefox has no WebGL, so with Xvfb it runs headed.
{
  const json = join(out, 'playwright.json');
  const haveXvfb = spawnSync('which', ['xvfb-run']).status === 0;
  const r = haveXvfb
    ? run('e2e', 'xvfb-run', ['-a', 'npx', 'playwright', 'test'], { PW_JSON: json })
    : run('e2e', 'npx', ['playwright', 'test'], { PW_JSON: json });
  if (r) {
    const pw = readJson(json);
    playwrightFailures(pw?.suites);
    for (const e of pw?.errors ?? []) failures.push(`e2e: ${firstLine(e.message)}`);
    const s = pw?.stats;
    const passed = (s?.expected ?? 0) + (s?.flaky ?? 0);
    const failed = (s?.unexpected ?? 0) + (r.ok || s?.unexpected ? 0 : 1);
    results.push({ name: 'e2e (chromium, firefox)', passed, failed, secs: r.secs });
    if (!haveXvfb) console.error('firefox e2e ran headless, without WebGL: install xvfb (see README.md)');
  }
}

// e2e in WebKit: MiniBrowser through WebKitWebDriver (webdriverio), every page of demo/pages.json.
{
  const json = join(out, 'webkit-e2e.json');
  const haveWebkit = existsSync('/usr/bin/WebKitWebDriver') && spawnSync('which', ['xvfb-run']).status === 0;
  if (haveWebkit) {
    const r = run('e2e-webkit', 'xvfb-run', ['-a', 'scripts/with-webkit.sh', 'node', '--import', 'tsx', 'e2e/webkit/run.ts'], { WEBKIT_E2E_JSON: json });
    if (r) {
      const j = readJson(json);
      for (const t of j?.results ?? []) if (t.error !== null) failures.push(`e2e [webkit] ${t.name}: ${firstLine(t.error)}`);
      const passed = j?.passed ?? 0;
      const failed = (j?.failed ?? 0) + (r.ok || j?.failed ? 0 : 1);
      // checks that passed on a later run after WebKit's web process crashed (docs/DEMO.md)
      const crashes = j?.crashes ? `, ${j.crashes} survived a web-process crash` : '';
      results.push({ name: `e2e (webkit${crashes})`, passed, failed, secs: r.secs });
    }
  } else if (!only.length || only.includes('e2e-webkit')) {
    console.error('webkit e2e not run: install webkit2gtk-driver and xvfb (see README.md)');
    results.push({ name: 'e2e (webkit): not run', passed: 0, failed: 1, secs: '0.0' });
  }
}

step('docs', 'npx', ['typedoc', '--logLevel', 'Warn']);
// docs/PERFORMANCE.md's tables must match the committed bench results
step('perf-doc', 'node', ['--import', 'tsx', 'bench/render-performance.ts', '--check']);
// the package as a consumer gets it: npm pack, publint + attw, install in a temporary project,
// tsc --strict with and without the DOM, the README examples in Node, vite builds + Chromium
step('consumer', 'node', ['scripts/consumer-test.mjs']);
// every entry within its size budget (scripts/size-budgets.json), minified + gzipped
step('size', 'node', ['scripts/size-check.mjs']);
// docs/METRICS.md must be measured from the current sources (npm run metrics rewrites it)
step('metrics', 'node', ['--import', 'tsx', 'scripts/metrics.ts', '--check']);
// the benches must keep running: every bench of `npm run bench` (both builds, workers, frame loop,
// stats, bulk, the browser page in Chromium and Firefox) in its --quick form; no timing targets here
step('bench-smoke', 'node', ['scripts/bench.mjs', '--quick']);
rmSync(out, { recursive: true, force: true });

console.log('\n=== summary');
for (const r of results) console.log(`${r.failed ? 'FAIL' : 'ok  '} ${r.name}: ${r.passed} passed, ${r.failed} failed (${r.secs} s)`);
if (failures.length) {
  console.log('\n=== failed tests');
  for (const f of failures) console.log(`  ${f}`);
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
