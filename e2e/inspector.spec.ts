/**
 * The live inspector on its demo page (demo/inspector.html), in both modes: drawn on the page,
 * and drawn in a worker on a transferred OffscreenCanvas. Once the workload stops (after 180
 * frames, so the memory is quiet), the inspector's readout must equal `memory.snapshot()`
 * field by field, the numbers the page shows must be the snapshot's, the canvas must hold a
 * drawing, and a screenshot goes to test-results/inspector/ for the record.
 * @module
 */
import { type Page, expect, test } from '@playwright/test';
import type { MemorySnapshot } from '../src/index.ts';
import type { InspectorReadout } from '../src/inspector/index.ts';
import { compareReadout } from '../test/fixtures/inspector-compare.ts';
import type { CanvasLayout } from '../src/inspector/layout.ts';
import { layoutFor } from './inspector-layout.ts';
import { watchErrors } from './watch-errors.ts';

const FRAMES = 180;

interface DemoHandle {
  snapshot(): MemorySnapshot;
  readout(): Promise<InspectorReadout>;
  layoutRects(): CanvasLayout | null;
  inspectorThread(): Promise<number>;
}

/** Pixels of a PNG, decoded by the browser itself: how many differ from the background, and how many colours. */
async function pixelStats(page: Page, png: Buffer): Promise<{ pixels: number; drawn: number; colours: number }> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d');
    if (ctx === null) throw new Error('no 2D context');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let drawn = 0;
    const colours = new Set<number>();
    for (let k = 0; k < d.length; k += 4) {
      if (Math.abs(d[k] - 15) + Math.abs(d[k + 1] - 18) + Math.abs(d[k + 2] - 24) > 12) drawn++;
      colours.add((d[k] << 16) | (d[k + 1] << 8) | d[k + 2]);
    }
    return { pixels: d.length / 4, drawn, colours: colours.size };
  }, png.toString('base64'));
}

for (const mode of ['page', 'worker'] as const) {
  test(`inspector drawn ${mode === 'page' ? 'on the page' : 'in a worker (OffscreenCanvas)'} shows snapshot()'s numbers`, async ({ page }, testInfo) => {
    // its waits (the run to stop: 30 s, the worker's tooltip frame: 30 s) are bounded each; the
    // test's own limit holds them all, also on a loaded machine
    test.setTimeout(120_000);
    const errors = watchErrors(page);
    await page.goto(`/demo/inspector.html?mode=${mode}&frames=${FRAMES}`);
    // `vite preview` answers an unbuilt page with index.html: say what is missing instead of timing out
    expect(await page.locator('body').getAttribute('data-page'),
      'demo/inspector.html is not in the build: list it in demo/pages.json (vite.config.ts builds every page there)').toBe('inspector');
    expect(await page.evaluate(() => globalThis.crossOriginIsolated), 'page must be cross-origin isolated (COOP/COEP headers)').toBe(true);
    const status = page.locator('#status');
    await expect(status).toHaveText(/^(stopped|error)$/, { timeout: 30_000 });
    expect(await status.textContent(), `#error: ${await page.locator('#error').textContent() ?? ''}`).toBe('stopped');
    await expect(page.locator('#mode')).toHaveText(mode);

    // the inspector's numbers against snapshot(), read in the page at the same moment
    const { snapshot, readout } = await page.evaluate(async () => {
      const t = (globalThis as unknown as { __inspectorTest: DemoHandle }).__inspectorTest;
      return { snapshot: t.snapshot(), readout: await t.readout() };
    });
    expect(compareReadout(readout, snapshot)).toEqual([]);
    expect(readout.frame).toBe(FRAMES);
    expect(readout.regions.map((r) => `${r.kind} ${r.name}`)).toEqual(['arena frame', 'pool particles', 'pool bullets', 'stack scratch']);
    const particles = snapshot.regions[1].stats;
    expect(particles.kind === 'pool' && particles.live).toBeGreaterThan(50_000);
    const scratch = snapshot.regions[3].stats;
    expect(scratch.kind === 'stack' && scratch.marks.length).toBe(4);
    // the deliberate failure at frame 60 and 180: the warning list names it with its code
    expect(readout.warnings.filter((w) => w.kind !== 'lag').map((w) => `${w.region} ${w.kind} ${w.lastError ?? '-'}`))
      .toEqual(['bullets failures POOL_EXHAUSTED', 'bullets errors POOL_EXHAUSTED']);
    // and no thread lags: the workload stopped with every thread at the clock's frame, and the
    // inspector's own worker (worker mode) reports a frame on every draw
    const own = await page.evaluate(() => (globalThis as unknown as { __inspectorTest: DemoHandle }).__inspectorTest.inspectorThread());
    expect(readout.warnings.filter((w) => w.kind === 'lag').map((w) => `thread ${w.thread}${w.thread === own ? ' (the inspector\'s own)' : ''} lags ${w.value} frames`),
      'lag warnings').toEqual([]);

    // the numbers the page shows are the snapshot's
    for (const r of snapshot.regions) {
      const s = r.stats;
      const shown = { used: s.kind === 'pool' ? s.live : s.used, peak: s.peak, capacity: s.capacity, allocations: s.allocations,
        failures: s.failures, errors: s.errors, lastError: s.lastError ?? '' };
      for (const [field, value] of Object.entries(shown)) {
        await expect(page.locator(`#rg-${r.name}-${field}`), `${r.name} ${field}`).toHaveText(String(value));
      }
    }
    await expect(page.locator('#ro-frame')).toHaveText(String(FRAMES));

    // the canvas holds a drawing: many non-background pixels, in many colours (thread hues, text, bars)
    const canvas = page.locator('#inspector canvas');
    const stats = await pixelStats(page, await canvas.screenshot());
    expect(stats.drawn / stats.pixels, `drawn pixels ${stats.drawn} of ${stats.pixels}`).toBeGreaterThan(0.1);
    expect(stats.colours).toBeGreaterThan(50);

    // hover the particles' grid: the page's tooltip names the pool slot range under the pointer;
    // in a worker, it is drawn on the canvas (the worker lays out: the same layout, computed here)
    const box = await canvas.boundingBox();
    if (box === null) throw new Error('no canvas box');
    const css = await canvas.evaluate((c) => ({ w: c.clientWidth, h: c.clientHeight }));
    const layout = mode === 'page'
      ? await page.evaluate(() => (globalThis as unknown as { __inspectorTest: DemoHandle }).__inspectorTest.layoutRects())
      : layoutFor(css.w, css.h, readout);
    const grid = layout?.regions[1].grid;
    if (grid === undefined || grid.h === 0) throw new Error(`the particles' grid is not drawn: ${JSON.stringify(layout)}`);
    await page.mouse.move(box.x + grid.x + Math.floor(grid.w / 3), box.y + grid.y + Math.floor(grid.h / 2));
    if (mode === 'page') {
      await expect(page.locator('.nebula-inspector-tooltip')).toContainText('pool "particles", slots ');
    } else {
      const before = stats.drawn;
      // the worker draws the tooltip on its next animation frame; under the full suite's load
      // Firefox's worker frames came slower than poll's default 5 s once (a wait, not a timing claim)
      // each try moves the pointer again by a pixel (a move the worker has not seen yet is hit-tested anew)
      let nudge = 0;
      await expect.poll(async () => {
        nudge ^= 1;
        await page.mouse.move(box.x + grid.x + Math.floor(grid.w / 3) + nudge, box.y + grid.y + Math.floor(grid.h / 2));
        return (await pixelStats(page, await canvas.screenshot())).drawn;
      }, { timeout: 30_000 }).not.toBe(before);
    }

    // a screenshot for the record, with the tooltip
    await page.screenshot({ path: `${testInfo.project.outputDir}/inspector/${mode}-${testInfo.project.name}.png`, fullPage: true });
    expect(errors, 'no console errors').toEqual([]);
  });
}
