/**
 * What the inspector e2e specs share: the demo pages' handles (`__inspectorTest`, the fountain's
 * `nebulaDemo`), opening a page until its threads show, the layout and fit checks, and
 * screenshots (with NEBULA_DOC_IMAGES=1 the Chromium run writes them to docs/images/).
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Locator, type Page, type TestInfo, expect } from '@playwright/test';
import type { InspectorDemoHandle } from '../demo/inspector/main.ts';
import type { InspectorReadout } from '../src/inspector/index.ts';
import type { CanvasLayout } from '../src/inspector/layout.ts';
import { pageState } from './checks.ts';
import { outsideCanvas, overlaps, partsOf } from './inspector-layout.ts';
export const DOC_IMAGES = fileURLToPath(new URL('../docs/images/', import.meta.url));
/** The fountain with 2 simulation workers and a small pool: quick to start, a worker to kill. */
export const FOUNTAIN = '/?particles=20000&workers=2';

/** A PNG of `target`, attached to the results; with NEBULA_DOC_IMAGES=1 in Chromium, also docs/images/<name>. */
export async function shoot(target: Locator, testInfo: TestInfo, name: string): Promise<void> {
  const png = await target.screenshot();
  await testInfo.attach(name, { body: png, contentType: 'image/png' });
  if (process.env.NEBULA_DOC_IMAGES === '1' && testInfo.project.name === 'chromium') {
    mkdirSync(DOC_IMAGES, { recursive: true });
    writeFileSync(`${DOC_IMAGES}${name}`, png);
  }
}

// ---- the inspector page's test handle (demo/inspector/main.ts) ----

export type NoArg = 'snapshot' | 'readout' | 'pause' | 'resume' | 'stop' | 'layoutRects' | 'inspectorSnapshot' | 'inspectorThread';

/** Calls `__inspectorTest[op]()` in the page. */
export async function demo<K extends NoArg>(page: Page, op: K): Promise<Awaited<ReturnType<InspectorDemoHandle[K]>>> {
  const result: unknown = await page.evaluate((name) => {
    const t = globalThis.__inspectorTest;
    if (t === undefined) throw new Error('the page has no __inspectorTest');
    return (t[name] as () => unknown)();
  }, op);
  return result as Awaited<ReturnType<InspectorDemoHandle[K]>>;
}

export async function hitTest(page: Page, x: number, y: number): Promise<ReturnType<InspectorDemoHandle['hitTest']>> {
  return page.evaluate(([px, py]) => globalThis.__inspectorTest?.hitTest(px, py) ?? null, [x, y] as const);
}

// ---- the fountain's inspector (window.nebulaDemo.inspector(), demo/particles/main.ts) ----

export async function fountainReadout(page: Page): Promise<InspectorReadout | null> {
  return page.evaluate(() => window.nebulaDemo?.inspector()?.readout() ?? null);
}

export async function fountainLayout(page: Page): Promise<CanvasLayout | null> {
  return page.evaluate(() => window.nebulaDemo?.inspector()?.renderer.layoutRects() ?? null);
}

/** The inspector's layout: every view and region shown, no part over another, all inside the canvas. */
export function expectWhole(l: CanvasLayout | null, regions: number, where: string): asserts l is CanvasLayout {
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
export async function horizontalFit(page: Page): Promise<{ scrollWidth: number; clientWidth: number; outside: string[] }> {
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

export async function expectFits(page: Page, where: string): Promise<void> {
  const fit = await horizontalFit(page);
  expect(fit.scrollWidth, `${where}: no horizontal overflow (scrollWidth ${fit.scrollWidth}, viewport ${fit.clientWidth})`).toBeLessThanOrEqual(fit.clientWidth);
  expect(fit.outside, `${where}: elements past the ${fit.clientWidth} px viewport`).toEqual([]);
}

/** The thread table's attached rows by name. */
export function attachedNames(r: InspectorReadout): string[] {
  return r.threadTable.filter((t) => t.state === 'attached').map((t) => t.name);
}

/** Opens the inspector page and waits until both workload workers are in its thread table. */
export async function openInspectorPage(page: Page, mode: 'page' | 'worker', query = ''): Promise<InspectorReadout> {
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

/** Opens the fountain and waits for its frames, and for its four threads in the inspector's table. */
export async function openFountain(page: Page): Promise<InspectorReadout> {
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
