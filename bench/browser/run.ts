/**
 * Runs the browser bench page in Chromium, Firefox (at the default inlining limit and at a raised
 * one) and WebKit, each library build in a fresh page, and writes bench/results/browser-<date>.json.
 * The page is the production bundle of bench/browser/page.ts (bench/bundle.ts, one per build),
 * served by a static node:http server with COOP/COEP (server.ts).
 *
 * ```sh
 * npm run bench:browser                 # full: 4 engines x 2 builds, 3 rounds x 600 ms per case; writes bench/results/browser-<date>.json
 * npm run bench:browser -- --quick      # smoke test: 2 rounds x 100 ms; writes nothing
 * # --browsers chromium,firefox,firefox-inline,webkit  --build fast|checked|both  --json [path]
 * ```
 * @module
 */
import type { Browser } from 'playwright';
import { bundleAll, type Build } from '../bundle.ts';
import { parseCli } from '../cli.ts';
import { machineInfo, machineLine } from '../machine.ts';
import { inlineGaps, printRatios, ratiosOf, type LibraryCaseInfo, type RoundMedians } from '../ratios.ts';
import { fmt, printTable, resultsPath, writeJson } from '../report.ts';
import { INLINE_PREF, INLINE_RAISED, launchChromium, launchFirefox } from './engines.ts';
import { FRAME_VARIANTS, framesConfig, framesResult, type FrameRun, type FramesResult } from './frames.ts';
import type { FramePageResult, PageResult } from './page.ts';
import { startServer } from './server.ts';
import { withWebKit } from './webkit.ts';

const ENGINES = ['chromium', 'firefox', 'firefox-inline', 'webkit'] as const;
type Engine = (typeof ENGINES)[number];
const USAGE = `usage: bench/browser/run.ts [--quick] [--browsers ${ENGINES.join(',')}] [--build fast|checked|both] [--json [path]]`;

/** One page run: engine, its version, and the page's result. */
interface Run {
  readonly browser: Engine;
  readonly version: string;
  readonly result: PageResult & { readonly frames: FramesResult };
}

type PageOutcome = PageResult | { readonly error: string };
type FrameOutcome = FramePageResult | { readonly error: string };

/** Playwright engines: a browser per engine, a fresh page per build; the result from the page's BENCH_RESULT line. */
async function runPlaywrightPage<T>(browser: Browser, tag: string, url: string, timeoutMs: number): Promise<T | { readonly error: string }> {
  const page = await browser.newPage();
  const result = new Promise<T | { readonly error: string }>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`${tag}: no result after ${timeoutMs} ms`)); }, timeoutMs);
    page.on('console', (m) => {
      const t = m.text();
      if (t.startsWith('BENCH_RESULT ')) {
        clearTimeout(timer);
        resolve(JSON.parse(t.slice('BENCH_RESULT '.length)) as T);
      } else if (t.startsWith('failed: ')) {
        clearTimeout(timer);
        resolve({ error: t });
      } else console.log(`  [${tag}] ${t}`);
    });
  });
  page.on('pageerror', (e) => { console.error(`  [${tag}] page error: ${e.message}`); });
  await page.goto(url);
  try {
    return await result;
  } finally {
    await page.close();
  }
}

/** Checks what a page returned: no error, isolated, the asked build, and (firefox-inline) a raised inlining limit that took effect. */
function checked(engine: Engine, build: Build, res: PageOutcome): PageResult {
  const tag = `${engine} ${build}`;
  if ('error' in res) throw new Error(`${tag}: ${res.error}`);
  if (!res.crossOriginIsolated) throw new Error(`${tag}: the page is not cross-origin isolated (COOP/COEP missing)`);
  if (res.build !== build) throw new Error(`${tag}: asked for the ${build} build, the page ran ${res.build}`);
  const p = res.probe;
  console.log(`  [${tag}] inlining probe: small ${fmt(p.smallNs)} ns/call, ${p.largeSteps}-step ${fmt(p.largeNs)} ns/call`);
  if (engine === 'firefox-inline' && p.largeNs > 2 * p.smallNs && p.largeNs - p.smallNs > 0.5) {
    throw new Error(`${tag}: ${INLINE_PREF}=${INLINE_RAISED} did not take effect: the probe's large function still costs a call ` +
      `(${fmt(p.largeNs)} against ${fmt(p.smallNs)} ns)`);
  }
  return res;
}

/**
 * The frame loop of one build: `runs` rounds, each a fresh page per variant (the order alternates
 * per round), put together; `open` loads a page and returns what it left.
 */
async function framePages(tag: string, build: Build, cfg: ReturnType<typeof framesConfig>, url: (b: Build) => string, open: (url: string) => Promise<FrameOutcome>): Promise<FramesResult> {
  const runs: FrameRun[] = [];
  for (let r = 0; r < cfg.runs; r++) {
    for (const v of r % 2 === 0 ? FRAME_VARIANTS : [...FRAME_VARIANTS].reverse()) {
      const res = await open(`${url(build)}&frames=${v.id}`);
      if ('error' in res) throw new Error(`${tag} frame loop ${v.id}: ${res.error}`);
      if (res.build !== build || !res.crossOriginIsolated) throw new Error(`${tag} frame loop ${v.id}: ran the ${res.build} build, isolated ${String(res.crossOriginIsolated)}`);
      runs.push(res.run);
      console.log(`  [${tag}] frame loop run ${r + 1}/${cfg.runs} ${v.id} (own page): p50 ${fmt(res.run.p50, 3)} ms, p99 ${fmt(res.run.p99, 3)} ms`);
    }
  }
  return framesResult(cfg, runs);
}

async function runEngine(engine: Engine, builds: readonly Build[], origin: string, quick: boolean): Promise<Run[]> {
  const timeoutMs = quick ? 180_000 : 900_000;
  const url = (b: Build): string => `${origin}/?build=${b}${quick ? '&quick=1' : ''}`;
  const cfg = framesConfig(quick);
  const runs: Run[] = [];
  if (engine === 'webkit') {
    for (const build of builds) { // a fresh MiniBrowser per build
      await withWebKit(async (s) => {
        console.log(`webkit (WebKitGTK ${s.version}), ${build} build`);
        const open = async (u: string): Promise<unknown> => {
          await s.navigate(u);
          const t0 = Date.now();
          let res: unknown = null;
          while (res === null) {
            if (Date.now() - t0 > timeoutMs) throw new Error(`webkit ${build}: no result after ${timeoutMs} ms from ${u}`);
            await new Promise((resolve) => setTimeout(resolve, 500));
            res = await s.execute('return window.__benchResult ?? null;');
          }
          return res;
        };
        const suite = checked(engine, build, await open(url(build)) as PageOutcome);
        const frames = await framePages(`webkit ${build}`, build, cfg, url, async (u) => await open(u) as FrameOutcome);
        runs.push({ browser: engine, version: s.version, result: { ...suite, frames } });
      });
    }
    return runs;
  }
  const browser = await (engine === 'chromium' ? launchChromium()
    : launchFirefox(engine === 'firefox-inline' ? { [INLINE_PREF]: INLINE_RAISED } : {}));
  try {
    for (const build of builds) {
      const tag = `${engine} ${build}`;
      console.log(`${engine} ${browser.version()}, ${build} build${engine === 'firefox-inline' ? ` (${INLINE_PREF} = ${INLINE_RAISED})` : ''}`);
      const suite = checked(engine, build, await runPlaywrightPage<PageResult>(browser, tag, url(build), timeoutMs));
      const frames = await framePages(tag, build, cfg, url, (u) => runPlaywrightPage<FramePageResult>(browser, tag, u, timeoutMs));
      runs.push({ browser: engine, version: browser.version(), result: { ...suite, frames } });
    }
  } finally {
    await browser.close();
  }
  return runs;
}

function roundMedians(run: Run | undefined): RoundMedians | null {
  if (run === undefined) return null;
  return new Map(run.result.results.map((r) => [r.id, run.result.rounds.map((x) => x.mediansNs[r.id] ?? NaN)]));
}

function report(runs: readonly Run[]): { ratios: Record<string, unknown>; gaps: unknown[] } {
  const ids = runs[0]?.result.results.map((r) => r.id) ?? [];
  for (const build of ['fast', 'checked'] as const) { // one table per build: ns/op, then x ref, per engine
    const bRuns = runs.filter((r) => r.result.build === build);
    if (bRuns.length === 0) continue;
    console.log(`\n${build} build: median ns/op over rounds; x ref = ÷ the case's reference (bump unless named)`);
    printTable(
      ['case', ...bRuns.map((r) => `${r.browser} ns/op`), ...bRuns.map((r) => `${r.browser} x ref`)],
      ids.map((id) => {
        const rows = bRuns.map((r) => r.result.results.find((x) => x.id === id));
        return [id, ...rows.map((x) => fmt(x?.medianNs ?? NaN)), ...rows.map((x) => (x === undefined ? '-' : x.ref === 'bump' ? fmt(x.xBump) : `${fmt(x.xRef)} ${x.ref}`))];
      }),
    );
  }
  const library: LibraryCaseInfo[] = (runs[0]?.result.results ?? []).filter((r) => r.hot.length > 0).map((r) => ({ id: r.id, hot: r.hot }));
  const ratios: Record<string, unknown> = {};
  for (const engine of ENGINES) {
    const fast = roundMedians(runs.find((r) => r.browser === engine && r.result.build === 'fast'));
    const chk = roundMedians(runs.find((r) => r.browser === engine && r.result.build === 'checked'));
    const base = fast ?? chk;
    if (base === null) continue;
    const rs = ratiosOf(base, fast === null ? null : chk, library);
    ratios[engine] = rs;
    printRatios(`${engine}, ${fast === null ? 'checked' : 'fast'} build`, rs);
  }
  const ff = runs.find((r) => r.browser === 'firefox' && r.result.build === 'fast');
  const ffi = runs.find((r) => r.browser === 'firefox-inline' && r.result.build === 'fast');
  const gaps = ff === undefined || ffi === undefined ? [] : inlineGaps(ff.result.results, ffi.result.results, library);
  if (ff !== undefined && ffi !== undefined) {
    console.log(`\nFirefox inlining gap (fast build, firefox ÷ firefox-inline ns/op): ${library.map((c) => {
      const a = ff.result.results.find((x) => x.id === c.id);
      const b = ffi.result.results.find((x) => x.id === c.id);
      return `${c.id} ${fmt((a?.medianNs ?? NaN) / (b?.medianNs ?? NaN))}x`;
    }).join(', ')}`);
    for (const g of gaps) console.log(g.text);
    if (gaps.length === 0) console.log('firefox: no library case is over 15% slower at the default inlining limit (130 bytecode bytes)');
  }
  printTable(
    ['frame loop', 'n x frames', 'hand-arena p50 / p99 ms', 'arena p50 / p99 ms', 'arena/hand p50 / p99', 'arena-reserve p50 / p99 ms', 'reserve/hand p50 / p99'],
    runs.map((r) => {
      const f = r.result.frames;
      const [a, ar, h] = f.rows;
      const pair = (x: number, y: number, d = 2): string => `${fmt(x, d)} / ${fmt(y, d)}`;
      return [`${r.browser}/${r.result.build}`, `${f.config.n} x ${f.config.frames}`, pair(h.p50, h.p99, 3), pair(a.p50, a.p99, 3), pair(f.p50Ratio, f.p99Ratio), pair(ar.p50, ar.p99, 3), pair(f.reserveP50Ratio, f.reserveP99Ratio)];
    }),
  );
  console.log('frame loop: median of runs (each run of each variant in a fresh page, the order alternating); target arena <= 1.1x hand-arena');
  return { ratios, gaps };
}

async function main(): Promise<void> {
  const args = parseCli(process.argv.slice(2), { lists: ['--browsers'], builds: ['checked', 'fast', 'both'] }, USAGE);
  const engines: readonly string[] = args.lists.get('--browsers') ?? ENGINES;
  for (const e of engines) if (!(ENGINES as readonly string[]).includes(e)) throw new Error(`unknown browser ${e}\n${USAGE}`);
  const builds: Build[] = args.build === null || args.build === 'both' ? ['fast', 'checked'] : [args.build as Build];
  const json = args.jsonPath ?? (args.json || !args.quick ? resultsPath('browser') : null);
  const machine = machineInfo();
  const t0 = performance.now();
  console.log(machineLine(machine));
  await bundleAll(['page'], builds);
  const server = await startServer();
  const runs: Run[] = [];
  try {
    for (const e of engines as readonly Engine[]) runs.push(...await runEngine(e, builds, server.origin, args.quick));
  } finally {
    await server.close();
  }
  const { ratios, gaps } = report(runs);
  const seconds = (performance.now() - t0) / 1000;
  console.log(`\n${fmt(seconds, 1)} s`);
  if (json !== null) writeJson(json, { date: new Date().toISOString(), machine, quick: args.quick, source: 'bundle', runs, ratios, gaps, seconds });
}

await main();
