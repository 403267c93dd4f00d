/**
 * The inspector's views on the demo pages (demo/inspector.html, the fountain at /):
 * - at 1280x900 and 1024x768, every part of the inspector shows and no two overlap
 *   (`layoutRects()`), and the page has no horizontal overflow, every card inside the viewport;
 * - the thread table names the demo's threads, attached; after "kill a worker" the fountain's
 *   table shows the killed thread reclaimed, with its reclaim record.
 * Pause, scrub, snapshots, the leak table and lane hovers are in inspector-tools.spec.ts.
 * @module
 */
import { expect, test } from '@playwright/test';
import type { InspectorReadout } from '../src/inspector/index.ts';
import { layoutFor } from './inspector-layout.ts';
import { watchErrors } from './watch-errors.ts';
import { demo, expectFits, expectWhole, fountainLayout, fountainReadout, hitTest, openFountain, openInspectorPage, shoot } from './inspector-page.ts';

/** What the kill check's recorder saw: the inspector's reclaimed row, and memory.threads()'s record of the same id. */
interface Seen {
  readonly row: InspectorReadout['threadTable'][number];
  readonly memory: { readonly reclaimedAt: number; readonly released: { readonly leases: number; readonly slots: number; readonly stacks: number } } | null;
}

for (const viewport of [{ width: 1280, height: 900 }, { width: 1024, height: 768 }]) {
  test.describe(`at ${viewport.width}x${viewport.height}`, () => {
    test.use({ viewport });

    test('the inspector page: the timeline, the thread table and the four regions show, none overlaps; the page fits', async ({ page }, testInfo) => {
      test.setTimeout(120_000);
      const errors = watchErrors(page);
      const r = await openInspectorPage(page, 'page');
      // the thread table: this page and both workers, by name, attached; nothing else
      expect(r.threadTable.map((t) => `${t.id} ${t.name} ${t.state}`)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^0 page attached$/), expect.stringMatching(/ work-0 attached$/), expect.stringMatching(/ work-1 attached$/)]));
      expect(r.threadTable).toHaveLength(3);
      // the layout once its three thread rows are in
      await expect.poll(async () => (await demo(page, 'layoutRects'))?.threads.rowCount, { message: 'three thread rows laid out', timeout: 10_000 }).toBe(3);
      const l = await demo(page, 'layoutRects');
      expectWhole(l, 4, 'the inspector page');
      // the canvas is laid out at its CSS size, and fills its host
      const canvas = page.locator('#inspector canvas');
      const css = await canvas.evaluate((c) => ({ w: c.clientWidth, h: c.clientHeight, host: c.closest('.inspector-host')?.clientWidth ?? -1 }));
      expect({ w: l.width, h: l.height }).toEqual({ w: css.w, h: css.h });
      expect(css.w).toBe(css.host);
      // a thread row under the pointer is that thread
      const row = { x: l.threads.rows.x + 40, y: l.threads.rows.y + 6 };
      const hit = await hitTest(page, row.x, row.y);
      expect(hit?.part).toBe('threads');
      expect(hit?.index).toBe(r.threadTable[0].id);
      await expectFits(page, `the inspector page at ${viewport.width} px`);
      if (viewport.width === 1280) {
        // for the record: a full timeline, and the deliberate failure of frame 60 in the warnings
        await expect.poll(async () => (await demo(page, 'readout')).timeline.frames.length, { message: 'the timeline fills', timeout: 60_000 }).toBe(64);
        await shoot(canvas, testInfo, 'inspector-page.png');
      }
      expect(errors, 'no console errors').toEqual([]);
    });

    test('the fountain: its inspector card shows the timeline, the thread table and the four regions, none overlaps; the page fits', async ({ page }) => {
      test.setTimeout(120_000);
      const errors = watchErrors(page);
      const r = await openFountain(page);
      // every thread reports its frame: none lags (the render worker publishes after each draw)
      expect(r.warnings.filter((w) => w.kind === 'lag'), 'lag warnings').toEqual([]);
      const l = await fountainLayout(page);
      expectWhole(l, 4, 'the fountain');
      await expectFits(page, `the fountain at ${viewport.width} px`);
      expect(errors, 'no console errors').toEqual([]);
    });
  });
}

test('in a worker: the thread table names the workload and the inspector\'s own thread, and the layout fits', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  await openInspectorPage(page, 'worker');
  await expect.poll(async () => (await demo(page, 'readout')).timeline.frames.length, { message: 'the timeline fills', timeout: 60_000 }).toBe(64);
  const r = await demo(page, 'readout');
  const own = await demo(page, 'inspectorThread');
  const byId = new Map(r.threadTable.map((t) => [t.id, t]));
  expect(byId.get(0)?.name).toBe('page');
  expect(byId.get(own)?.state, 'the inspector worker is a thread of the memory').toBe('attached');
  expect(byId.get(own)?.name, 'the inspector worker attaches as "inspector"').toBe('inspector');
  expect(r.threadTable).toHaveLength(4);
  // it reports a frame each draw: its row catches up with the clock (lag 0), and no thread is warned about as lagging
  await expect.poll(async () => {
    const now = await demo(page, 'readout');
    return { lag: now.threadTable.find((t) => t.id === own)?.lag, lagWarnings: now.warnings.filter((w) => w.kind === 'lag').length };
  }, { message: 'the inspector worker\'s row: lag 0, no lag warning', timeout: 10_000 }).toEqual({ lag: 0, lagWarnings: 0 });
  // the worker lays out with the renderer's own function: no part overlaps
  const canvas = page.locator('#inspector canvas');
  const css = await canvas.evaluate((c) => ({ w: c.clientWidth, h: c.clientHeight }));
  expectWhole(layoutFor(css.w, css.h, r), 4, 'the inspector in a worker');
  await expectFits(page, 'the inspector page in worker mode');
  await shoot(canvas, testInfo, 'inspector-worker.png');
  expect(errors, 'no console errors').toEqual([]);
});

test('the fountain: after "kill a worker", the thread table shows the killed thread reclaimed, with its reclaim record', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  const r = await openFountain(page);
  // the first kill takes simulation worker 0
  const victim = r.threadTable.find((t) => t.name === 'sim-0');
  expect(victim?.state).toBe('attached');
  // The replacement claims the lowest free thread id, the dead worker's, within 100-700 ms: a
  // recorder reads the inspector's readout every animation frame and pauses the inspector on the
  // first draw that has the reclaimed row, so the picture keeps it.
  await page.evaluate(() => {
    const w = window as unknown as { __reclaimed: unknown };
    w.__reclaimed = null;
    const look = (): void => {
      const inspector = window.nebulaDemo?.inspector() ?? null;
      const row = inspector?.readout().threadTable.find((t) => t.state === 'reclaimed');
      if (inspector !== null && row !== undefined) {
        inspector.pause();
        w.__reclaimed = { row, memory: window.nebulaDemo?.threads().find((t) => t.id === row.id) ?? null };
        return;
      }
      requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });
  await expect(page.locator('#ctl-kill')).toBeEnabled({ timeout: 10_000 });
  await page.locator('#ctl-kill').click();
  let seen: Seen | null = null;
  await expect.poll(async () => {
    seen = await page.evaluate(() => (window as unknown as { __reclaimed: Seen | null }).__reclaimed);
    return seen !== null;
  }, { message: 'the killed thread shows reclaimed in the inspector\'s thread table', timeout: 30_000 }).toBe(true);
  const { row, memory } = seen as unknown as Seen;
  expect(row.id, 'the reclaimed row is the killed worker\'s').toBe(victim?.id);
  expect(row.name).toBe('sim-0');
  expect(row.state).toBe('reclaimed');
  // memory.threads() has the reclaim record (src/memory): the frame, and what came back
  expect(memory?.reclaimedAt ?? -1, 'memory.threads(): reclaimedAt of the killed thread').toBeGreaterThanOrEqual(0);
  // the inspector's row must carry the same record (soft: the rest of the test goes on and the screenshot is taken)
  expect.soft(row.reclaimedAt, `the inspector's thread table: reclaimedAt (memory.threads() says ${String(memory?.reclaimedAt)})`).toBeGreaterThanOrEqual(0);
  expect.soft({ reclaimedAt: row.reclaimedAt, released: row.released }, 'the inspector\'s reclaim record is memory.threads()\'s')
    .toEqual({ reclaimedAt: memory?.reclaimedAt, released: memory?.released });
  expect.soft(row.released.leases, 'killed mid-frame, it held arena leases').toBeGreaterThanOrEqual(1);
  const l = await fountainLayout(page);
  expectWhole(l, 4, 'the fountain, paused on the reclaimed row');
  await shoot(page.locator('#inspector-view canvas'), testInfo, 'inspector-threads-reclaimed.png');
  // resumed: the replacement attaches (the same id, a new generation) and the table shows it
  await page.evaluate(() => { window.nebulaDemo?.inspector()?.resume(); });
  await expect.poll(async () => {
    const x = await fountainReadout(page);
    return x?.threadTable.find((t) => t.name === 'sim-0')?.state ?? 'none';
  }, { message: 'the replacement sim-0 attaches', timeout: 30_000 }).toBe('attached');
  await expect(page.locator('#error')).toHaveText('');
  expect(errors, 'no console errors').toEqual([]);
});
