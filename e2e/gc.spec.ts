/**
 * Chromium only: arena mode makes no garbage in steady state, measured through the DevTools
 * protocol. A trace (Tracing domain, categories `devtools.timeline` and `v8`) records every
 * `MinorGC`/`MajorGC` event of every thread of the page's renderer process, dedicated workers
 * included. The workers name their threads in the trace with one `console.timeStamp()` each, so
 * the simulation and render workers are told apart from the main thread.
 *
 * The same measurement in plain JS mode must see GCs on the simulation thread, or it measures
 * nothing. Frame times of both modes are printed and attached (`frame-times.json`).
 * @module
 */
import { type Browser, type Page, expect, test } from '@playwright/test';

/** One trace event, as far as this test reads it. */
interface TraceEvent {
  readonly name: string;
  readonly pid: number;
  readonly tid: number;
  readonly args?: { readonly data?: { readonly message?: string } };
}

/** GC events per named thread, during one trace window. */
type GcCounts = Record<string, number>;

/** The demo's numbers (see DemoStats in demo/particles/main.ts). */
interface Stats {
  readonly frame: number;
  readonly frameP50: number;
  readonly frameP99: number;
  readonly simP50: number;
  readonly simP99: number;
  readonly frames: number;
  readonly gcFrames: number;
  readonly renderMs: number;
  readonly waits: { readonly sim: number; readonly render: number };
}

const stats = (page: Page): Promise<Stats> => page.evaluate(() => {
  const demo = window.nebulaDemo;
  if (demo === undefined) throw new Error('no window.nebulaDemo');
  return demo.stats();
});

async function waitFrames(page: Page, frames: number): Promise<void> {
  const start = (await stats(page)).frame;
  await expect.poll(async () => (await stats(page)).frame, { timeout: 60_000, message: `${frames} more frames` }).toBeGreaterThanOrEqual(start + frames);
}

/** Traces `ms` of the running page and counts GC events per thread: "main", "nebula-sim-0", "nebula-render", … */
async function traceGcs(browser: Browser, page: Page, ms: number): Promise<{ gcs: GcCounts; stats: Stats }> {
  await browser.startTracing(page, { categories: ['devtools.timeline', 'v8', '__metadata'] });
  await page.evaluate(() => {
    window.nebulaDemo?.markThreads();
    window.nebulaDemo?.resetStats();
  });
  await page.waitForTimeout(ms);
  const s = await stats(page);
  const buffer = await browser.stopTracing();
  const parsed = JSON.parse(buffer.toString('utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents ?? [];
  const names = new Map<string, string>();
  for (const e of events) {
    const label = e.args?.data?.message;
    if (e.name === 'TimeStamp' && label?.startsWith('nebula-') === true) names.set(`${e.pid}:${e.tid}`, label);
  }
  const main = events.find((e) => e.name === 'thread_name' && (e.args as { name?: string } | undefined)?.name === 'CrRendererMain');
  if (main !== undefined) names.set(`${main.pid}:${main.tid}`, 'main');
  const gcs: GcCounts = {};
  for (const name of names.values()) gcs[name] = 0;
  for (const e of events) {
    if (e.name !== 'MinorGC' && e.name !== 'MajorGC') continue;
    const name = names.get(`${e.pid}:${e.tid}`) ?? `other ${e.pid}:${e.tid}`;
    gcs[name] = (gcs[name] ?? 0) + 1;
  }
  return { gcs, stats: s };
}

test('arena mode: no GC on the simulation and render workers in steady state; plain JS mode: GCs (DevTools protocol)', async ({ page, browser }, testInfo) => {
  test.setTimeout(180_000);
  await page.goto('/?mode=arena&seed=1&workers=1');
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
  // steady state: JIT warm-up and the first heap growth are over
  await waitFrames(page, 150);
  const arena = await traceGcs(browser, page, 5000);
  expect(Object.keys(arena.gcs), 'both workers named their threads in the trace').toEqual(expect.arrayContaining(['nebula-sim-0', 'nebula-render']));
  expect(arena.stats.frames, 'frames advanced during the trace').toBeGreaterThanOrEqual(20);

  await page.selectOption('#ctl-mode', 'plain');
  await waitFrames(page, 60);
  const plain = await traceGcs(browser, page, 5000);
  expect(plain.stats.frames, 'frames advanced during the trace').toBeGreaterThanOrEqual(10);

  const report = {
    particles: 100_000, workers: 1, traceMs: 5000,
    arena: { gcs: arena.gcs, ...pick(arena.stats) },
    plain: { gcs: plain.gcs, ...pick(plain.stats) },
  };
  console.log(`frame times, headless Chromium: ${JSON.stringify(report)}`);
  await testInfo.attach('frame-times.json', { body: JSON.stringify(report, null, 2), contentType: 'application/json' });

  expect(arena.gcs['nebula-sim-0'], 'GCs on the simulation worker in arena mode').toBe(0);
  expect(arena.gcs['nebula-render'], 'GCs on the render worker in arena mode').toBe(0);
  expect(plain.gcs['nebula-sim-0'], 'plain JS mode must show GCs on the simulation worker, or the measurement sees nothing').toBeGreaterThan(0);
});

function pick(s: Stats): Record<string, number> {
  const r = (x: number): number => Math.round(x * 100) / 100;
  return {
    frames: s.frames, frameP50: r(s.frameP50), frameP99: r(s.frameP99), simP50: r(s.simP50), simP99: r(s.simP99),
    gcFramesSeenBySentinel: s.gcFrames, renderMs: r(s.renderMs), waitsForSim: s.waits.sim, waitsForRender: s.waits.render,
  };
}
