/**
 * Runs the browser bench page (bench/browser/index.html) in Chromium and Firefox through
 * Playwright, each build in a fresh page, and writes bench/results/browser-<date>.json.
 *
 * ```sh
 * npm run bench:browser                 # full: both browsers x both builds, 3 rounds x 600 ms per case, ~2 min
 * npm run bench:browser -- --quick      # smoke test: 1 round x 150 ms, ~30 s; writes nothing
 * # --browsers chromium,firefox  --build checked|fast|both  --json [path]
 * ```
 * The page is served by Vite (bench/browser/vite.config.ts, port 4180, COOP/COEP headers).
 * Launch options as in the root playwright.config.ts: the system browsers from apt.
 * @module
 */
import { fileURLToPath } from 'node:url';
import { chromium, firefox, type Browser } from 'playwright';
import { createServer } from 'vite';
import { parseCli } from '../cli.ts';
import { machineInfo, machineLine } from '../machine.ts';
import { fmt, printTable, resultsPath, writeJson } from '../report.ts';
import type { SuiteResult } from './suite.ts';

const USAGE = 'usage: bench/browser/run.ts [--quick] [--browsers chromium,firefox] [--build checked|fast|both] [--json [path]]';
const PORT = 4180;
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const LAUNCH: Readonly<Record<string, () => Promise<Browser>>> = {
  chromium: () => chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }),
  // stock Firefox ESR over WebDriver BiDi (playwright 1.64.x)
  firefox: () => firefox.launch({ channel: 'moz-firefox', executablePath: '/usr/bin/firefox-esr' }),
};

/** One page run: browser, its version, and the page's result. */
interface Run {
  readonly browser: string;
  readonly version: string;
  readonly result: SuiteResult;
}

async function runPage(browser: Browser, name: string, build: string, quick: boolean, timeoutMs: number): Promise<SuiteResult> {
  const page = await browser.newPage();
  // the result comes from the page's BENCH_RESULT console line: a late navigation cannot lose it
  const result = new Promise<SuiteResult | { readonly error: string }>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`${name} ${build}: no result after ${timeoutMs} ms`)); }, timeoutMs);
    page.on('console', (m) => {
      const t = m.text();
      if (t.startsWith('BENCH_RESULT ')) {
        clearTimeout(timer);
        resolve(JSON.parse(t.slice('BENCH_RESULT '.length)) as SuiteResult);
      } else if (t.startsWith('failed: ')) {
        clearTimeout(timer);
        resolve({ error: t });
      } else console.log(`  [${name} ${build}] ${t}`);
    });
  });
  page.on('pageerror', (e) => { console.error(`  [${name} ${build}] page error: ${e.message}`); });
  await page.goto(`http://localhost:${PORT}/?build=${build}${quick ? '&quick=1' : ''}`);
  const res = await result;
  await page.close();
  if ('error' in res) throw new Error(`${name} ${build}: ${res.error}`);
  if (!res.crossOriginIsolated) throw new Error(`${name}: the page is not cross-origin isolated (COOP/COEP missing)`);
  if (res.build !== build) throw new Error(`${name}: asked for the ${build} build, the page ran ${res.build}`);
  return res;
}

async function main(): Promise<void> {
  const args = parseCli(process.argv.slice(2), { lists: ['--browsers'], builds: ['checked', 'fast', 'both'] }, USAGE);
  const browsers = args.lists.get('--browsers') ?? ['chromium', 'firefox'];
  const builds = args.build === null || args.build === 'both' ? ['fast', 'checked'] : [args.build];
  const json = args.jsonPath ?? (args.json || !args.quick ? resultsPath('browser') : null);
  const machine = machineInfo();
  const t0 = performance.now();
  console.log(machineLine(machine));
  const server = await createServer({ configFile: fileURLToPath(new URL('./vite.config.ts', import.meta.url)) });
  await server.listen();
  const runs: Run[] = [];
  try {
    for (const name of browsers) {
      if (!Object.hasOwn(LAUNCH, name)) throw new Error(`unknown browser ${name}\n${USAGE}`);
      const browser = await LAUNCH[name]();
      try {
        for (const build of builds) {
          console.log(`${name} ${browser.version()}, ${build} build`);
          runs.push({ browser: name, version: browser.version(), result: await runPage(browser, name, build, args.quick, args.quick ? 120_000 : 600_000) });
        }
      } finally {
        await browser.close();
      }
    }
  } finally {
    await server.close();
  }
  const ids = runs[0]?.result.results.map((r) => r.id) ?? [];
  const cols = runs.map((r) => `${r.browser}/${r.result.build}`);
  printTable(
    ['case', ...cols.map((c) => `${c} ns/op`), ...cols.map((c) => `${c} x bump`)],
    ids.map((id) => {
      const rows = runs.map((r) => r.result.results.find((x) => x.id === id));
      return [id, ...rows.map((x) => fmt(x?.medianNs ?? NaN)), ...rows.map((x) => (x === undefined ? '-' : x.ref === 'bump' ? fmt(x.xBump) : `${fmt(x.xRef)} ${x.ref}`))];
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  console.log(`\n${fmt(seconds, 1)} s`);
  if (json !== null) writeJson(json, { date: new Date().toISOString(), machine, quick: args.quick, runs, seconds });
}

await main();
