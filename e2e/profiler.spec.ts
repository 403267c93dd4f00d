/**
 * The browser's own profiler sees the fountain's frames: with `?profile=1` the clock thread's
 * `advance()` adds a User Timing measure per frame (`nebula-memory frame`) and one per region with
 * its peak, in Chrome DevTools' extensibility format, which the Performance panel shows on a
 * `nebula-memory` track group. Off by default: then no entry is made.
 * @module
 */
import { expect, test } from '@playwright/test';

interface Entry { name: string; duration: number; detail: { frame?: number; peakBytes?: number; capacityBytes?: number; devtools?: { dataType?: string; trackGroup?: string; track?: string } } | null }

/** The measures the page holds whose name starts with `nebula-memory`. */
async function measures(page: import('@playwright/test').Page): Promise<Entry[]> {
  return page.evaluate(() => performance.getEntriesByType('measure')
    .filter((e) => e.name.startsWith('nebula-memory'))
    .map((e) => ({ name: e.name, duration: e.duration, detail: (e as PerformanceMeasure).detail as Entry['detail'] })));
}

test('?profile=1: every frame and every region\'s peak become User Timing measures', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto('/?profile=1');
  await expect.poll(async () => (await measures(page)).filter((e) => e.name === 'nebula-memory frame').length, { message: 'frame measures appear', timeout: 30_000 }).toBeGreaterThan(5);
  const all = await measures(page);
  const frames = all.filter((e) => e.name === 'nebula-memory frame');
  // consecutive frames, each with its number and a duration, on the 'frames' track of the group
  const numbers = frames.map((e) => e.detail?.frame ?? -1);
  expect(numbers.every((n, k) => k === 0 || n === numbers[k - 1] + 1)).toBe(true);
  for (const f of frames) {
    expect(f.duration).toBeGreaterThanOrEqual(0);
    expect(f.detail?.devtools).toMatchObject({ dataType: 'track-entry', trackGroup: 'nebula-memory', track: 'frames' });
  }
  // the particle pool and the arenas, each on a track of its own, with peak and capacity
  const pool = all.filter((e) => e.name === 'nebula-memory pool particles');
  expect(pool.length).toBeGreaterThan(0);
  expect(pool[0].detail?.devtools).toMatchObject({ dataType: 'track-entry', trackGroup: 'nebula-memory', track: 'pool particles' });
  expect(pool[0].detail?.capacityBytes).toBeGreaterThan(0);
  expect(all.some((e) => e.name === 'nebula-memory arena frame')).toBe(true);
  // switched off, the entries stop
  await page.evaluate(() => { window.nebulaDemo?.profileFrames(false); performance.clearMeasures(); });
  const frameNow = await page.evaluate(() => window.nebulaDemo?.stats().frame ?? 0);
  await expect.poll(async () => page.evaluate(() => window.nebulaDemo?.stats().frame ?? 0), { timeout: 30_000 }).toBeGreaterThan(frameNow + 10);
  expect((await measures(page)).length).toBe(0);
});

test('without ?profile=1 the fountain makes no User Timing entries', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto('/');
  await expect.poll(async () => page.evaluate(() => window.nebulaDemo?.stats().frame ?? 0), { timeout: 30_000 }).toBeGreaterThan(30);
  expect((await measures(page)).length).toBe(0);
});
