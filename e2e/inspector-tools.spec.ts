/**
 * The inspector's tools on the demo pages (demo/inspector.html, demo/snapshot.html):
 * - a click on the timeline pauses on the frame under the pointer, a drag moves the cursor, the
 *   Resume button and the timeline's label row resume;
 * - "Download snapshot" saves a file the snapshot viewer draws with the numbers the paused
 *   inspector had; a bad file shows the MemoryError's message and fix;
 * - the leak table finds the demo's deliberate leak (`?sites=1`): old bullets, named by the
 *   leaking function; a click on a live cell of the particles grid selects its first slot;
 * - hovering an arena lane names the leasing thread and whether it holds a lease, since when.
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { type Page, type TestInfo, expect, test } from '@playwright/test';
import type { InspectorReadout, InspectorSnapshot } from '../src/inspector/index.ts';
import { frameOfColumn, layoutFor, timelineColumn } from './inspector-layout.ts';
import { watchErrors } from './watch-errors.ts';
import { demo, expectFits, expectWhole, hitTest, openInspectorPage, shoot } from './inspector-page.ts';

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
