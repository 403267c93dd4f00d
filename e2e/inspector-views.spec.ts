/**
 * The inspector's views above the regions (the timeline and the thread table), pause and scrub,
 * and snapshots, on the demo pages (demo/inspector.html, the fountain at /, demo/snapshot.html):
 * - at 1280x900 and 1024x768, every part of the inspector shows and no two overlap
 *   (`layoutRects()`), and the page has no horizontal overflow, every card inside the viewport;
 * - the thread table names the demo's threads, attached; after "kill a worker" the fountain's
 *   table shows the killed thread reclaimed, with its reclaim record;
 * - a click on the timeline pauses on the frame under the pointer, a drag moves the cursor, the
 *   Resume button and the timeline's label row resume;
 * - "Download snapshot" saves a file the snapshot viewer draws with the numbers the paused
 *   inspector had; a bad file shows the MemoryError's message and fix;
 * - the leak table finds the demo's deliberate leak (`?sites=1`): old bullets, named by the
 *   leaking function; a click on a live cell of the particles grid selects its first slot.
 * Screenshots of the canvas are attached to the results; with NEBULA_DOC_IMAGES=1, the Chromium
 * run also writes them to docs/images/ (docs/INSPECTOR.md shows them).
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Locator, type Page, type TestInfo, expect, test } from '@playwright/test';
import type { InspectorDemoHandle } from '../demo/inspector/main.ts';
import type { InspectorReadout, InspectorSnapshot } from '../src/inspector/index.ts';
import type { CanvasLayout } from '../src/inspector/layout.ts';
import { pageState } from './checks.ts';
import { frameOfColumn, layoutFor, outsideCanvas, overlaps, partsOf, timelineColumn } from './inspector-layout.ts';
import { watchErrors } from './watch-errors.ts';

const DOC_IMAGES = fileURLToPath(new URL('../docs/images/', import.meta.url));
/** The fountain with 2 simulation workers and a small pool: quick to start, a worker to kill. */
const FOUNTAIN = '/?particles=20000&workers=2';

/** A PNG of `target`, attached to the results; with NEBULA_DOC_IMAGES=1 in Chromium, also docs/images/<name>. */
async function shoot(target: Locator, testInfo: TestInfo, name: string): Promise<void> {
  const png = await target.screenshot();
  await testInfo.attach(name, { body: png, contentType: 'image/png' });
  if (process.env.NEBULA_DOC_IMAGES === '1' && testInfo.project.name === 'chromium') {
    mkdirSync(DOC_IMAGES, { recursive: true });
    writeFileSync(`${DOC_IMAGES}${name}`, png);
  }
}

// ---- the inspector page's test handle (demo/inspector/main.ts) ----

type NoArg = 'snapshot' | 'readout' | 'pause' | 'resume' | 'stop' | 'layoutRects' | 'inspectorSnapshot' | 'inspectorThread';

/** Calls `__inspectorTest[op]()` in the page. */
async function demo<K extends NoArg>(page: Page, op: K): Promise<Awaited<ReturnType<InspectorDemoHandle[K]>>> {
  const result: unknown = await page.evaluate((name) => {
    const t = globalThis.__inspectorTest;
    if (t === undefined) throw new Error('the page has no __inspectorTest');
    return (t[name] as () => unknown)();
  }, op);
  return result as Awaited<ReturnType<InspectorDemoHandle[K]>>;
}

async function hitTest(page: Page, x: number, y: number): Promise<ReturnType<InspectorDemoHandle['hitTest']>> {
  return page.evaluate(([px, py]) => globalThis.__inspectorTest?.hitTest(px, py) ?? null, [x, y] as const);
}

// ---- the fountain's inspector (window.nebulaDemo.inspector(), demo/particles/main.ts) ----

async function fountainReadout(page: Page): Promise<InspectorReadout | null> {
  return page.evaluate(() => window.nebulaDemo?.inspector()?.readout() ?? null);
}

async function fountainLayout(page: Page): Promise<CanvasLayout | null> {
  return page.evaluate(() => window.nebulaDemo?.inspector()?.renderer.layoutRects() ?? null);
}

/** The inspector's layout: every view and region shown, no part over another, all inside the canvas. */
function expectWhole(l: CanvasLayout | null, regions: number, where: string): asserts l is CanvasLayout {
  expect(l, `${where}: the inspector has drawn`).not.toBeNull();
  if (l === null) return;
  expect(l.hidden, `${where}: sections not shown (too short)`).toBe(0);
  expect(l.timeline.shown, `${where}: the timeline is shown`).toBe(true);
  expect(l.threads.shown, `${where}: the thread table is shown`).toBe(true);
  expect(l.regions.length, `${where}: regions laid out`).toBe(regions);
  expect(l.regions.every((r) => r.shown), `${where}: every region is shown`).toBe(true);
  const parts = partsOf(l);
  // the title, 3 timeline parts, 2 thread parts, the warnings, and at least a label and a bar per region
  expect(parts.length, `${where}: drawn parts ${parts.map((p) => p.name).join(', ')}`).toBeGreaterThanOrEqual(7 + 2 * regions);
  expect(overlaps(parts), `${where}: overlapping parts`).toEqual([]);
  expect(outsideCanvas(l, parts), `${where}: parts outside the canvas`).toEqual([]);
}

/** The page's horizontal fit: its scroll width, and the cards, inspectors and canvases that reach past the viewport. */
async function horizontalFit(page: Page): Promise<{ scrollWidth: number; clientWidth: number; outside: string[] }> {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const outside: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('main, .card, .inspector-host, #inspector-view, canvas')) {
      const b = el.getBoundingClientRect();
      if (b.width === 0 && b.height === 0) continue; // not displayed
      if (b.left < -0.5 || b.right > vw + 0.5) outside.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${el.className}: ${Math.round(b.left)}..${Math.round(b.right)} px`);
    }
    return { scrollWidth: document.documentElement.scrollWidth, clientWidth: vw, outside };
  });
}

async function expectFits(page: Page, where: string): Promise<void> {
  const fit = await horizontalFit(page);
  expect(fit.scrollWidth, `${where}: no horizontal overflow (scrollWidth ${fit.scrollWidth}, viewport ${fit.clientWidth})`).toBeLessThanOrEqual(fit.clientWidth);
  expect(fit.outside, `${where}: elements past the ${fit.clientWidth} px viewport`).toEqual([]);
}

/** The thread table's attached rows by name. */
function attachedNames(r: InspectorReadout): string[] {
  return r.threadTable.filter((t) => t.state === 'attached').map((t) => t.name);
}

/** Opens the inspector page and waits until both workload workers are in its thread table. */
async function openInspectorPage(page: Page, mode: 'page' | 'worker', query = ''): Promise<InspectorReadout> {
  await page.goto(`/demo/inspector.html?mode=${mode}${query}`);
  expect(await page.evaluate(() => globalThis.crossOriginIsolated), 'the inspector page is cross-origin isolated').toBe(true);
  let last: InspectorReadout | null = null;
  await expect.poll(async () => {
    const error = await page.locator('#error').textContent();
    if (error) throw new Error(`the page shows an error: ${error}`);
    const r = await demo(page, 'readout');
    last = r;
    return ['work-0', 'work-1'].every((n) => attachedNames(r).includes(n));
  }, { message: 'the workload workers attach and show in the thread table', timeout: 30_000 }).toBe(true);
  return last as unknown as InspectorReadout;
}

/** What the kill check's recorder saw: the inspector's reclaimed row, and memory.threads()'s record of the same id. */
interface Seen {
  readonly row: InspectorReadout['threadTable'][number];
  readonly memory: { readonly reclaimedAt: number; readonly released: { readonly leases: number; readonly slots: number; readonly stacks: number } } | null;
}

/** Opens the fountain and waits for its frames, and for its four threads in the inspector's table. */
async function openFountain(page: Page): Promise<InspectorReadout> {
  await page.goto(FOUNTAIN);
  await expect.poll(async () => {
    const s = await page.evaluate(pageState);
    if (s.error !== '') throw new Error(`the page shows an error: ${s.error}`);
    return s.frame;
  }, { message: 'the fountain\'s frames advance', timeout: 30_000 }).toBeGreaterThanOrEqual(20);
  let last: InspectorReadout | null = null;
  await expect.poll(async () => {
    last = await fountainReadout(page);
    return last === null ? [] : attachedNames(last).sort();
  }, { message: 'the thread table lists the page, 2 simulation workers and the render worker', timeout: 30_000 })
    .toEqual(['main', 'render', 'sim-0', 'sim-1']);
  return last as unknown as InspectorReadout;
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

for (const mode of ['page', 'worker'] as const) {
  test(`pause and scrub (${mode}): a click on the timeline pauses on that frame, a drag moves the cursor, Resume and the label row resume`, async ({ page }, testInfo) => {
    test.setTimeout(120_000);
    const errors = watchErrors(page);
    await openInspectorPage(page, mode);
    // 64 frames on the timeline
    await expect.poll(async () => (await demo(page, 'readout')).timeline.frames.length, { message: 'the timeline fills', timeout: 60_000 }).toBe(64);
    const canvas = page.locator('#inspector canvas');
    const css = await canvas.evaluate((c) => ({ w: c.clientWidth, h: c.clientHeight }));
    const laid = layoutFor(css.w, css.h, await demo(page, 'readout'));
    if (mode === 'page') expect(await demo(page, 'layoutRects'), 'the computed layout is the page\'s').toEqual(laid);
    // pointer positions relative to the canvas (the page may scroll between two actions)
    const at = (position: { x: number; y: number }): { position: { x: number; y: number } } => ({ position });
    const readout = (): Promise<InspectorReadout> => demo(page, 'readout');

    // a click on column 40 of the bytes graph: paused, the cursor on that column's frame
    await canvas.click(at(timelineColumn(laid, 40)));
    await expect.poll(async () => (await readout()).timeline.paused, { message: 'the click pauses', timeout: 10_000 }).toBe(true);
    const paused = await readout();
    const frame40 = frameOfColumn(paused, 40);
    expect(frame40).toBeGreaterThan(0);
    expect(paused.timeline.scrub, 'the cursor is on the frame under the pointer').toBe(frame40);
    if (mode === 'page') {
      const hit = await hitTest(page, timelineColumn(laid, 40).x, timelineColumn(laid, 40).y);
      expect({ part: hit?.part, index: hit?.index }).toEqual({ part: 'timeline', index: frame40 });
    }
    await expect(page.locator('#inspector-pause')).toHaveText('Resume');
    // the game goes on, the picture does not
    const pageFrame = Number(await page.locator('#frame').textContent());
    await expect.poll(async () => Number(await page.locator('#frame').textContent()), { message: 'the page\'s frames advance', timeout: 30_000 })
      .toBeGreaterThanOrEqual(pageFrame + 10);
    const still = await readout();
    expect(still.frame, 'the readout\'s frame stays while paused').toBe(paused.frame);
    expect(still.timeline.frames).toEqual(paused.timeline.frames);
    expect(still.regions.map((x) => x.allocations)).toEqual(paused.regions.map((x) => x.allocations));

    // a drag from column 40 to column 50 moves the cursor
    await canvas.hover(at(timelineColumn(laid, 40)));
    await page.mouse.down();
    await canvas.hover(at(timelineColumn(laid, 45)));
    await canvas.hover(at(timelineColumn(laid, 50)));
    await page.mouse.up();
    const frame50 = frameOfColumn(paused, 50);
    await expect.poll(async () => (await readout()).timeline.scrub, { message: 'the drag moves the cursor', timeout: 10_000 }).toBe(frame50);
    expect((await readout()).timeline.paused).toBe(true);
    await expect(page.locator('#ro-scrub')).toHaveText(`frame ${frame50}`);
    if (mode === 'page') await shoot(canvas, testInfo, 'inspector-paused.png');

    // the Resume button: live again, frames advance in the readout
    await page.locator('#inspector-pause').click();
    await expect.poll(async () => {
      const x = await readout();
      return !x.timeline.paused && x.timeline.scrub === -1 && x.frame > paused.frame;
    }, { message: 'Resume: the readout\'s frames advance again', timeout: 30_000 }).toBe(true);
    await expect(page.locator('#inspector-pause')).toHaveText('Pause');

    // the Pause button, then a click on the timeline's label row resumes
    await page.locator('#inspector-pause').click();
    await expect(page.locator('#inspector-pause')).toHaveText('Resume');
    const again = await readout();
    expect(again.timeline.paused).toBe(true);
    expect(again.timeline.scrub, 'the button pauses without a cursor').toBe(-1);
    await canvas.click(at({ x: laid.timeline.label.x + 30, y: laid.timeline.label.y + Math.floor(laid.timeline.label.h / 2) }));
    await expect.poll(async () => {
      const x = await readout();
      return !x.timeline.paused && x.frame > again.frame;
    }, { message: 'a click on the label row resumes: the readout\'s frames advance', timeout: 30_000 }).toBe(true);
    await expect(page.locator('#inspector-pause')).toHaveText('Pause');
    expect(errors, 'no console errors').toEqual([]);
  });
}

/**
 * Clicks "Download snapshot" and saves the file in the test's output folder. In Chromium through
 * the browser's download (`page.waitForEvent('download')`). Firefox over WebDriver BiDi (ESR 153,
 * Playwright 1.64) reports no download event for it, so there the page's download link is caught
 * as it is clicked and its Blob (the file the browser would save) is read in the page.
 */
async function downloadSnapshot(page: Page, testInfo: TestInfo): Promise<{ name: string; file: string }> {
  if (testInfo.project.name === 'chromium') {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-snapshot').click()]);
    const file = testInfo.outputPath(download.suggestedFilename());
    await download.saveAs(file);
    return { name: download.suggestedFilename(), file };
  }
  await page.evaluate(() => {
    const w = window as unknown as { __saved?: Promise<{ name: string; text: string }> };
    const click = HTMLAnchorElement.prototype.click; // eslint-disable-line @typescript-eslint/unbound-method -- called with .call below
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement): void {
      HTMLAnchorElement.prototype.click = click;
      if (this.download === '' || !this.href.startsWith('blob:')) {
        click.call(this);
        return;
      }
      const name = this.download;
      w.__saved = fetch(this.href).then(async (r) => ({ name, text: await r.text() }));
    };
  });
  await page.locator('#download-snapshot').click();
  const got = await page.evaluate(async () => {
    const w = window as unknown as { __saved?: Promise<{ name: string; text: string }> };
    return w.__saved === undefined ? null : await w.__saved;
  });
  if (got === null) throw new Error('"Download snapshot" clicked no download link');
  const file = testInfo.outputPath(got.name);
  writeFileSync(file, got.text);
  return { name: got.name, file };
}

/** A readout's numbers that do not depend on the canvas or the pause: a pool's grid shape follows the canvas size. */
function moment(r: InspectorReadout): unknown {
  return {
    frame: r.frame, threads: r.threads, warnings: r.warnings, threadTable: r.threadTable,
    regions: r.regions.map((g) => ({ ...g, grid: null })),
    timeline: { frames: r.timeline.frames, frameTimes: r.timeline.frameTimes, regions: r.timeline.regions },
  };
}

/** The viewer's readout; fails when it drew nothing. */
async function viewerReadout(page: Page): Promise<InspectorReadout> {
  const r = await page.evaluate(() => globalThis.__snapshotViewer?.readout() ?? null);
  if (r === null) throw new Error('the snapshot viewer drew nothing');
  return r;
}

/** Drops a file with `text` on the viewer page (a synthetic drop event with a DataTransfer). */
async function drop(page: Page, name: string, text: string): Promise<void> {
  await page.evaluate(([n, t]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([t], n, { type: 'application/json' }));
    document.getElementById('viewer')?.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [name, text] as const);
}

for (const mode of ['page', 'worker'] as const) {
  test(`snapshot (${mode}): the downloaded file, opened in the viewer, shows the numbers the paused inspector had; a bad file says why`, async ({ page }, testInfo) => {
    test.setTimeout(180_000);
    const errors = watchErrors(page);
    // a quiet memory (the workload stops after 90 frames), paused: the picture and the file are one moment
    await openInspectorPage(page, mode, '&frames=90');
    await expect(page.locator('#status')).toHaveText(/^(stopped|error)$/, { timeout: 60_000 });
    await expect(page.locator('#status'), `#error: ${await page.locator('#error').textContent() ?? ''}`).toHaveText('stopped');
    await page.locator('#inspector-pause').click();
    await expect(page.locator('#inspector-pause')).toHaveText('Resume');
    const live = await demo(page, 'readout');
    expect(live.timeline.paused).toBe(true);
    const saved = await downloadSnapshot(page, testInfo);
    expect(saved.name).toBe(`nebula-memory-frame-${live.frame}.json`);
    const file = saved.file;
    const text = readFileSync(file, 'utf8');
    const snap = JSON.parse(text) as InspectorSnapshot;
    expect({ format: snap.format, version: snap.version, frame: snap.frame }).toEqual({ format: 'nebula-memory-inspector-snapshot', version: 1, frame: live.frame });
    // what a snapshot holds: memory.snapshot()'s numbers, and the buffer's bytes outside the data areas
    expect(snap.memory, 'the snapshot\'s numbers are memory.snapshot()\'s').toEqual(await demo(page, 'snapshot'));
    expect(snap.buffer.byteLength).toBe(64 << 20);
    testInfo.annotations.push({ type: 'snapshot', description: `${(text.length / 1024).toFixed(0)} KiB of JSON for a 64 MiB memory, ${snap.buffer.runs.length} runs` });
    expect(text.length, 'the data areas are left out: far smaller than the memory').toBeLessThan(8 << 20);
    await expect(page.locator('#snapshot-info')).toContainText(`frame ${live.frame}`);

    // the viewer: no isolation, no game
    await page.goto('/demo/snapshot.html');
    expect(await page.evaluate(() => globalThis.crossOriginIsolated), 'the viewer is served without COOP/COEP').toBe(false);
    await page.locator('#file').setInputFiles(file);
    await expect(page.locator('#status')).toHaveText('loaded', { timeout: 20_000 });
    await expect(page.locator('#error')).toHaveText('');
    await expect(page.locator('#snap-frame')).toHaveText(String(live.frame));
    await expect(page.locator('#taken-at')).toHaveText(snap.takenAt);
    await expect(page.locator('#user-agent')).toHaveText(snap.userAgent);
    await expect(page.locator('#file-name')).toHaveText(saved.name);
    const shown = await viewerReadout(page);
    expect(moment(shown), 'the viewer\'s readout is the paused inspector\'s').toEqual(moment(live));
    expect(shown.timeline.paused).toBe(false);
    const l = await page.evaluate(() => globalThis.__snapshotViewer?.layoutRects() ?? null);
    expectWhole(l, 4, 'the snapshot viewer');
    await expectFits(page, 'the snapshot viewer');
    if (mode === 'page') await shoot(page.locator('#viewer canvas'), testInfo, 'snapshot-viewer.png');

    // a snapshot of another version: INVALID_OPTION, its message and fix, and nothing drawn
    await page.locator('#file').setInputFiles({ name: 'other-version.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...snap, version: 99 })) });
    await expect(page.locator('#status')).toHaveText('not loaded');
    await expect(page.locator('#error')).toContainText('[INVALID_OPTION]');
    await expect(page.locator('#error')).toContainText('not a snapshot the inspector can load');
    await expect(page.locator('#error')).toContainText('fix: ');
    await expect(page.locator('#error')).toHaveAttribute('data-code', 'INVALID_OPTION');
    await expect(page.locator('#viewer canvas')).toHaveCount(0);
    // dropped: a file that is not JSON, then the snapshot again
    await drop(page, 'notes.txt', 'not a snapshot {');
    await expect(page.locator('#error')).toContainText('this file is not JSON');
    await expect(page.locator('#error')).toContainText('fix: ');
    await drop(page, saved.name, text);
    await expect(page.locator('#status')).toHaveText('loaded', { timeout: 20_000 });
    await expect(page.locator('#error')).toHaveText('');
    expect(moment(await viewerReadout(page))).toEqual(moment(live));
    expect(errors, 'no console errors').toEqual([]);
  });
}

/** Frames the leak check runs: worker 0 leaks a bullet every 30 frames, so some are older than 120 frames at the stop. */
const LEAK_FRAMES = 240;

test('the leak table: with ?sites=1 the deliberate leak shows as old bullets named by its function; a click on a live particles cell selects that slot', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  await openInspectorPage(page, 'page', `&sites=1&frames=${LEAK_FRAMES}`);
  await expect(page.locator('#status')).toHaveText(/^(stopped|error)$/, { timeout: 60_000 });
  expect(await page.locator('#status').textContent(), `#error: ${await page.locator('#error').textContent() ?? ''}`).toBe('stopped');
  await expect(page.locator('#sites')).toHaveText(/^recorded/);
  // The demo's build: `nebula-memory` is aliased to the sources (vite.config.ts) and nothing defines
  // __NEBULA_CHECKS__, so `vite build` (the e2e default) and the dev server both give the checked build.
  const checked = await page.evaluate(() => (globalThis as { __NEBULA_CHECKS__?: boolean }).__NEBULA_CHECKS__ !== false);
  expect(checked, 'the demo runs the checked build (birth frames and call sites recorded)').toBe(true);

  // the leak: every live bullet is a leaked one (worker 1 frees what it takes), one every 30 frames
  // from frame 30, and some are older than 120 frames. Counted every 10 frames, so poll until the
  // count after the stop is in; then the numbers no longer change.
  const bulletsOf = (r: InspectorReadout): InspectorReadout['leaks']['pools'][number] | undefined => r.leaks.pools.find((p) => p.name === 'bullets');
  await expect.poll(async () => {
    const b = bulletsOf(await demo(page, 'readout'));
    return { live: b?.live, old: (b?.old ?? 0) > 0 };
  }, { message: 'the leaked bullets, some older than 120 frames', timeout: 10_000 }).toEqual({ live: LEAK_FRAMES / 30, old: true });
  const r = await demo(page, 'readout');
  expect(r.leaks.oldFrames).toBe(120);
  expect(r.leaks.pools.map((p) => p.name)).toEqual(['particles', 'bullets']);
  const bullets = bulletsOf(r);
  expect(bullets?.topOld[0]?.site, 'the top site of the old bullets names the leaking function').toMatch(/fireAndForget/);
  expect(bullets?.topOld[0]?.count).toBe(bullets?.old);
  expect(bullets?.topLive[0]?.site).toMatch(/fireAndForget/);

  // a click on a live cell of the particles grid: its first slot is selected and described
  const l = await demo(page, 'layoutRects');
  expect(l).not.toBeNull();
  if (l === null) return;
  const k = r.regions.findIndex((g) => g.name === 'particles');
  const pool = r.regions[k];
  const grid = pool.kind === 'pool' ? pool.grid : null;
  expect(grid, 'the particles grid is drawn').not.toBeNull();
  if (grid === null) return;
  const rect = l.regions[k].grid;
  const dpr = await page.evaluate(() => devicePixelRatio);
  const canvas = page.locator('#inspector canvas');
  const box = await canvas.boundingBox();
  expect(box).not.toBeNull();
  if (box === null) return;
  const workers = new Map(r.threadTable.filter((t) => t.name.startsWith('work-')).map((t) => [t.id, t.name]));
  expect(workers.size).toBe(2);
  type Selected = NonNullable<InspectorReadout['leaks']['selected']>;
  let selected: Selected | null = null;
  let slot = -1;
  // the first cells whose first slot is live (the workers allocate from the low slots up); a few tries at most
  for (let cell = 0; cell < Math.min(grid.cells, 64) && selected?.live !== true; cell++) {
    const x = rect.x + Math.floor(((cell % grid.cols) * grid.cellPx + grid.cellPx / 2) / dpr);
    const y = rect.y + Math.floor((Math.floor(cell / grid.cols) * grid.cellPx + grid.cellPx / 2) / dpr);
    await page.mouse.click(box.x + x, box.y + y);
    slot = cell * grid.slotsPerCell;
    await expect.poll(async () => (await demo(page, 'readout')).leaks.selected?.slot, { message: `cell ${cell} selects slot ${slot}`, timeout: 5_000 }).toBe(slot);
    selected = (await demo(page, 'readout')).leaks.selected;
  }
  expect(selected?.live, 'a live particles slot was clicked').toBe(true);
  if (selected === null) return;
  expect(selected.region).toBe('particles');
  expect(selected.slot).toBe(slot);
  expect([...workers.keys()], 'the slot\'s owner is a workload worker').toContain(selected.thread);
  expect(selected.frame, 'its birth frame (checked build)').toBeGreaterThanOrEqual(0);
  expect(selected.frame).toBeLessThanOrEqual(r.frame);
  expect(selected.site, 'its call site (?sites=1)').not.toBeNull();
  // the line the leak table draws for it
  const name = workers.get(selected.thread) ?? '';
  expect(selected.text).toMatch(new RegExp(`^particles slot ${slot}: live, thread ${selected.thread} ${name}, born frame ${selected.frame} \\(${r.frame - selected.frame} ago\\), \\S.*$`));
  // for the record (and docs/images/inspector-leaks.png): the pointer off the canvas, so no tooltip covers the table
  await page.mouse.move(0, 0);
  await shoot(canvas, testInfo, 'inspector-leaks.png');
  expect(errors, 'no console errors').toEqual([]);
});

test('hovering an arena lane names the thread that leased it and whether (and since which frame) it holds a lease', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = watchErrors(page);
  const first = await openInspectorPage(page, 'page');
  const k = first.regions.findIndex((r) => r.kind === 'arena' && r.name === 'frame');
  expect(k, 'the demo has the arena "frame"').toBeGreaterThanOrEqual(0);
  // scan the lane strip for a thread's lane (the workers lease every frame), as the pointer would
  let hit: Awaited<ReturnType<typeof hitTest>> = null;
  await expect.poll(async () => {
    hit = await page.evaluate((region) => {
      const t = globalThis.__inspectorTest;
      const lanes = t?.layoutRects()?.regions[region].lanes;
      if (t === undefined || lanes === undefined || lanes.h === 0) return null;
      for (let x = lanes.x; x < lanes.x + lanes.w; x += 1) {
        const h = t.hitTest(x + 0.5, lanes.y + lanes.h / 2);
        if (h?.part === 'lanes' && h.index >= 0) return h;
      }
      return null;
    }, k);
    return hit !== null;
  }, { message: 'a lane of the arena "frame" is under some point of the strip', timeout: 30_000 }).toBe(true);
  const found = hit as unknown as NonNullable<Awaited<ReturnType<typeof hitTest>>>;
  const readout = await demo(page, 'readout');
  const name = readout.threadTable.find((t) => t.id === found.index)?.name ?? '';
  expect(found.region).toBe('frame');
  expect(found.lines[0]).toBe(`arena "frame", thread ${String(found.index)} "${name}"`);
  expect(found.lines[1]).toMatch(/^\d+ B leased this frame \(\d+%\)$/);
  expect(found.lines[2]).toMatch(/^(holds a lease since frame \d+( \(\d+ frames\))?|holds no lease now)$/);
  expect(errors).toEqual([]);
});
