// The consumer's Vite app (scripts/consumer-test.mjs): `vite build` in development and production
// mode with the package's own plugin, which build each bundle holds, then `vite preview` of each,
// and the dev server, in Chromium: cross-origin isolated, which build runs, and the module
// worker's writes seen by the page.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { freePort, indent, run } from './util.mjs';

/** Code only the checks' branches hold (as in test/build-switch.test.ts), and the switch itself. */
const CHECK_MARKERS = [/__NEBULA_CHECKS__/, /\.noteAlloc\(/, /\.handleError\(["'`]free/, /\.guard\(/, /\.markOfThisLease\(/];

/** The two builds: the development mode must get the checked build, the production one the fast build. */
export const MODES = [
  { name: 'development', outDir: 'dist-dev', args: ['--mode', 'development'], checked: true },
  { name: 'production', outDir: 'dist-prod', args: [], checked: false },
];

const vite = (dir) => join(dir, 'node_modules/vite/bin/vite.js');

/** `vite build` in one mode; records the build and what its bundle holds. */
export async function buildApp(checks, dir, mode) {
  const r = await run(process.execPath, [vite(dir), 'build', ...mode.args, '--outDir', mode.outDir, '--emptyOutDir'], { cwd: dir, timeout: 120_000 });
  if (!checks.add(`vite build (${mode.name} mode)`, r.ok, r.ok ? `${r.secs} s` : r.out.split('\n').find((l) => /error/i.test(l)) ?? '')) {
    console.log(indent(r.out));
    return false;
  }
  const out = join(dir, mode.outDir);
  const js = readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
  const code = Object.fromEntries(js.map((f) => [f, readFileSync(join(out, f), 'utf8')]));
  const all = Object.values(code).join('\n');
  const workerChunk = js.find((f) => f !== 'coi-serviceworker.js' && code[f].includes('consumer-worker') && !code[f].includes('consumerResult'));
  checks.add(`vite build (${mode.name}): the module worker is a chunk of its own`, workerChunk !== undefined, workerChunk ?? js.join(', '));
  checks.add(`vite build (${mode.name}): the plugin emitted coi-serviceworker.js`, existsSync(join(out, 'coi-serviceworker.js')));
  const present = CHECK_MARKERS.filter((m) => m.test(all)).map((m) => m.source);
  if (mode.checked) {
    checks.add(`vite build (${mode.name}): the bundle holds the checked build`, present.length === CHECK_MARKERS.length,
      `check code present: ${present.join(', ') || 'none'}`);
  } else {
    checks.add(`vite build (${mode.name}): the bundle holds the fast build (no __NEBULA_CHECKS__, no check code)`, present.length === 0,
      present.length ? `check code present: ${present.join(', ')}` : '');
  }
  return true;
}

/** The dev server (`vite`): it must serve the checked build. */
export const DEV_SERVER = { name: 'dev server', serve: true, checked: true };

/** Starts `vite preview` of one build, or the dev server, on a free port; resolves with its URL and the process. */
async function startServer(dir, mode) {
  const port = await freePort();
  const command = mode.serve ? [] : ['preview', '--outDir', mode.outDir];
  const child = spawn(process.execPath, [vite(dir), ...command, '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = `http://127.0.0.1:${port}/`;
  let out = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vite ${command[0] ?? '(dev server)'} did not start in 30 s:\n${out}`)), 30_000);
    const onData = (d) => {
      out += d;
      if (out.includes(`127.0.0.1:${port}`)) { clearTimeout(timer); resolve(); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`vite ${command[0] ?? '(dev server)'} exited (${code}):\n${out}`)); });
  });
  return { url, child };
}

/** Ends a server this script started. */
function stopServer(child) {
  child.removeAllListeners('exit');
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}

/** Serves each build with `vite preview` (or the app with the dev server) and runs it in Chromium. */
export async function runInChromium(checks, root, dir, modes) {
  const { chromium } = createRequire(join(root, 'package.json'))('playwright');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
  try {
    for (const mode of modes) {
      let preview = null;
      const serve = mode.serve ? 'vite dev server' : `vite preview (${mode.name})`;
      try {
        preview = await startServer(dir, mode);
        const res = await fetch(preview.url);
        const coop = res.headers.get('cross-origin-opener-policy');
        const coep = res.headers.get('cross-origin-embedder-policy');
        checks.add(`${serve}: the plugin sends COOP/COEP`, coop === 'same-origin' && coep === 'require-corp', `COOP ${coop}, COEP ${coep}`);
        const page = await browser.newPage();
        const errors = [];
        page.on('pageerror', (e) => errors.push(e.message));
        // a failed request is reported below with its URL (the page has no favicon)
        page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text()); });
        page.on('response', (res) => { if (res.status() >= 400 && !res.url().endsWith('/favicon.ico')) errors.push(`${res.status()} ${res.url()}`); });
        await page.goto(preview.url);
        let result = null;
        try {
          await page.waitForFunction(() => window.consumerResult !== undefined, null, { timeout: 20_000 });
          result = await page.evaluate(() => window.consumerResult);
        } catch (e) {
          result = { error: `no result: ${e.message.split('\n')[0]}` };
        }
        console.log(`    ${mode.name}: ${JSON.stringify(result)}${errors.length ? `; page errors: ${errors.join(' | ')}` : ''}`);
        const r = result ?? {};
        checks.equal(`Chromium (${mode.name}): crossOriginIsolated`, r.crossOriginIsolated, true);
        checks.equal(`Chromium (${mode.name}): the memory is a SharedArrayBuffer`, r.shared, true);
        checks.equal(`Chromium (${mode.name}): CHECKS on the page and in the worker`, [r.checks, r.workerChecks], [mode.checked, mode.checked]);
        checks.equal(`Chromium (${mode.name}): a double free ${mode.checked ? 'throws' : 'is not checked'}`, r.doubleFree, mode.checked ? 'DOUBLE_FREE' : 'accepted');
        checks.equal(`Chromium (${mode.name}): the worker's writes (page slot, own pool slot, arena block) seen by the page`,
          [r.pageSlot, r.workerPoolSlot, r.workerArena], [0x5eed, 4242, 1.5]);
        checks.add(`Chromium (${mode.name}): the worker attached as a thread of its own`, Array.isArray(r.threads) && r.threads[0] !== r.threads[1], JSON.stringify(r.threads));
        checks.add(`Chromium (${mode.name}): no page errors`, errors.length === 0, errors.join(' | '));
        await page.close();
      } catch (e) {
        checks.add(`Chromium (${mode.name}): ${serve} and the page`, false, e.message);
      } finally {
        if (preview) stopServer(preview.child);
      }
    }
  } finally {
    await browser.close();
  }
}
