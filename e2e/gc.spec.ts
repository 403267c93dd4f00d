/**
 * Chromium only: arena mode makes no garbage in steady state, measured through the DevTools
 * protocol. The test attaches to every worker of the page (`Target.setAutoAttach`) and, during a
 * window of frames, polls each isolate's `Runtime.getHeapUsage` every 100 ms: allocation only
 * makes the used heap grow, so every drop is a GC, and the growth between drops is what the
 * thread allocated.
 *
 * Why not a trace: recording one (Tracing, categories `devtools.timeline`/`v8`, which carry the
 * `MinorGC`/`MajorGC` events) changes how V8 runs the hot loop, which then boxes its floats and
 * makes hundreds of kilobytes of garbage a second that it does not make otherwise. A forced
 * `HeapProfiler.collectGarbage` has the same effect (it drops the optimized code).
 *
 * Steady state: after a warm-up of 150 frames, the test waits for the simulation worker's next
 * GC (at most 40 s), then for its heap to stay quiet for 3 s (the collector's follow-up work, like
 * finishing an incremental marking, is done; at most 20 s): the warm-up's garbage is gone and
 * cannot spill a GC into the window, as the benchmarks run a GC after their warm-up. A frame loop
 * that made garbage would never be quiet that long: plain JS mode has a GC in every frame.
 *
 * The same measurement in plain JS mode must see GCs on the simulation thread, or it measures
 * nothing. Frame times of both modes are printed and attached (`frame-times.json`).
 * @module
 */
import { type CDPSession, type Page, expect, test } from '@playwright/test';

/** The demo's numbers (see DemoStats in demo/particles/demo-stats.ts). */
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

/** One isolate's window: GCs seen (heap drops; several GCs between two polls count once) and bytes allocated per frame (growth between polls, without what the GCs between them took: a lower bound). */
interface HeapWindow {
  gcs: number;
  bytesPerFrame: number;
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

/** The page's DevTools session, attached to its workers too (non-flat: messages go through Target.sendMessageToTarget). */
async function attach(page: Page): Promise<{ usedSizes: () => Promise<Record<string, number>> }> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const workers = new Map<string, string>(); // worker name -> session id
  const pending = new Map<number, (result: { usedSize: number }) => void>();
  let id = 0;
  cdp.on('Target.attachedToTarget', (e) => {
    workers.set(e.targetInfo.title, e.sessionId);
  });
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const reply = JSON.parse(e.message) as { id?: number; result?: { usedSize: number } };
    if (reply.id !== undefined && reply.result !== undefined) pending.get(reply.id)?.(reply.result);
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  const usage = (sessionId: string): Promise<{ usedSize: number }> => new Promise((resolve) => {
    const n = ++id;
    pending.set(n, resolve);
    void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: n, method: 'Runtime.getHeapUsage' }) });
  });
  return {
    usedSizes: async () => {
      const out: Record<string, number> = { main: (await cdp.send('Runtime.getHeapUsage')).usedSize };
      for (const [name, sid] of workers) out[name] = (await usage(sid)).usedSize;
      return out;
    },
  };
}

/** Waits for the next GC of the worker `name` (a drop of its used heap), at most `ms`; true when one came. */
async function nextGc(usedSizes: () => Promise<Record<string, number>>, name: string, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  let last = (await usedSizes())[name] ?? 0;
  while (Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const used = (await usedSizes())[name] ?? 0;
    if (used < last) return true;
    last = used;
  }
  return false;
}

/** Waits until the worker `name`'s used heap has not dropped for `quietMs`, at most `ms`; true when it was quiet. */
async function quiet(usedSizes: () => Promise<Record<string, number>>, name: string, quietMs: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  let last = (await usedSizes())[name] ?? 0;
  let since = Date.now();
  while (Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const used = (await usedSizes())[name] ?? 0;
    if (used < last) since = Date.now();
    else if (Date.now() - since >= quietMs) return true;
    last = used;
  }
  return false;
}

/** Polls every isolate's used heap for `ms`; a drop is a GC. */
async function heapWindow(page: Page, usedSizes: () => Promise<Record<string, number>>, ms: number): Promise<{ heaps: Record<string, HeapWindow>; stats: Stats }> {
  await page.evaluate(() => {
    window.nebulaDemo?.resetStats();
  });
  const f0 = (await stats(page)).frame;
  let last = await usedSizes();
  const heaps: Record<string, HeapWindow> = {};
  const grown: Record<string, number> = {};
  for (const name of Object.keys(last)) {
    heaps[name] = { gcs: 0, bytesPerFrame: 0 };
    grown[name] = 0;
  }
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await page.waitForTimeout(100);
    const now = await usedSizes();
    for (const [name, used] of Object.entries(now)) {
      const before = last[name] ?? used;
      const h = heaps[name] ?? (heaps[name] = { gcs: 0, bytesPerFrame: 0 });
      if (used < before) h.gcs++;
      else grown[name] = (grown[name] ?? 0) + used - before;
    }
    last = now;
  }
  const s = await stats(page);
  const frames = Math.max(1, s.frame - f0);
  for (const [name, h] of Object.entries(heaps)) h.bytesPerFrame = Math.round((grown[name] ?? 0) / frames);
  return { heaps, stats: s };
}

test('arena mode: no GC on the simulation and render workers in steady state; plain JS mode: GCs (DevTools protocol)', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const devtools = await attach(page);
  await page.goto('/?mode=arena&seed=1&workers=1');
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
  // steady state: JIT warm-up and the first heap growth are over
  await waitFrames(page, 150);
  const afterGc = await nextGc(devtools.usedSizes, 'nebula-sim-0', 40_000);
  const quietBefore = await quiet(devtools.usedSizes, 'nebula-sim-0', 3000, 20_000);
  const arena = await heapWindow(page, devtools.usedSizes, 5000);
  expect(Object.keys(arena.heaps), 'both workers are attached').toEqual(expect.arrayContaining(['nebula-sim-0', 'nebula-render']));
  expect(arena.stats.frames, 'frames advanced during the window').toBeGreaterThanOrEqual(20);

  await page.selectOption('#ctl-mode', 'plain');
  await waitFrames(page, 60);
  const plain = await heapWindow(page, devtools.usedSizes, 5000);
  expect(plain.stats.frames, 'frames advanced during the window').toBeGreaterThanOrEqual(10);

  const report = {
    particles: 100_000, workers: 1, windowMs: 5000, windowStartsAfterAGc: afterGc, quietBefore,
    arena: { heaps: arena.heaps, ...pick(arena.stats) },
    plain: { heaps: plain.heaps, ...pick(plain.stats) },
  };
  console.log(`frame times, headless Chromium: ${JSON.stringify(report)}`);
  await testInfo.attach('frame-times.json', { body: JSON.stringify(report, null, 2), contentType: 'application/json' });

  expect(arena.heaps['nebula-sim-0'].gcs, 'GCs on the simulation worker in arena mode').toBe(0);
  expect(arena.heaps['nebula-render'].gcs, 'GCs on the render worker in arena mode').toBe(0);
  expect(plain.heaps['nebula-sim-0'].gcs, 'plain JS mode must show GCs on the simulation worker, or the measurement sees nothing').toBeGreaterThan(0);
});

function pick(s: Stats): Record<string, number> {
  const r = (x: number): number => Math.round(x * 100) / 100;
  return {
    frames: s.frames, frameP50: r(s.frameP50), frameP99: r(s.frameP99), simP50: r(s.simP50), simP99: r(s.simP99),
    gcFramesSeenBySentinel: s.gcFrames, renderMs: r(s.renderMs), waitsForSim: s.waits.sim, waitsForRender: s.waits.render,
  };
}
