/**
 * End-to-end checks of the demo pages listed in demo/pages.json, against the production build
 * served by `vite preview` with COOP/COEP (see playwright.config.ts).
 * @module
 */
import { type ConsoleMessage, type Page, expect, test } from '@playwright/test';
import pages from '../demo/pages.json' with { type: 'json' };
import { expectedChecksum } from '../demo/protocol.ts';

/** One entry of demo/pages.json. */
interface DemoPage {
  /** URL path under the preview server. */
  readonly path: string;
  /** Human title. */
  readonly title: string;
  /** Element texts the page must show once it is done. */
  readonly checks: readonly { readonly selector: string; readonly text: string }[];
}

const manifest: readonly DemoPage[] = pages;

/** Collects console errors and uncaught exceptions of a page (and of its workers). */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('worker', (w) => {
    w.on('console', (m: ConsoleMessage) => {
      if (m.type() === 'error') errors.push(`worker console.error: ${m.text()}`);
    });
  });
  return errors;
}

test('demo/pages.json lists at least one page', () => {
  expect(manifest.length).toBeGreaterThan(0);
});

for (const demo of manifest) {
  test(`${demo.path}: ${demo.title}`, async ({ page }) => {
    const errors = watchErrors(page);
    await page.goto(demo.path);

    // cross-origin isolation is the precondition of the whole demo: fail, never skip
    expect(await page.evaluate(() => globalThis.crossOriginIsolated), 'page must be cross-origin isolated (COOP/COEP headers)').toBe(true);

    // wait for the run to end either way, so a failure shows the page's #error at once
    const status = page.locator('#status');
    await expect(status).toHaveText(/^(ok|error|single-thread)$/, { timeout: 20_000 });
    expect(await status.textContent(), `#error: ${await page.locator('#error').textContent() ?? ''}`).toBe('ok');

    const allocs = Number(await page.locator('#worker-allocs').textContent());
    expect(allocs).toBeGreaterThan(0);
    await expect(page.locator('#checksum')).toHaveText(String(expectedChecksum(allocs)));
    await expect(page.locator('#error')).toHaveText('');
    await expect(page.locator('#mode')).toContainText('worker');

    for (const check of demo.checks) {
      await expect(page.locator(check.selector), `${check.selector} on ${demo.path}`).toHaveText(check.text);
    }
    // the sprite cache: every sprite made once, drawn from cache hits, concurrent misses shared
    if (demo.path === '/') {
      expect(Number(await page.locator('#sprite-hits').textContent())).toBeGreaterThan(1000);
      expect(Number(await page.locator('#sprite-joined').textContent())).toBeGreaterThan(0);
    }
    expect(errors, 'no console errors').toEqual([]);
  });
}

test('without COOP/COEP the page falls back to a single thread and says why', async ({ page }) => {
  const errors = watchErrors(page);
  // Serve the same pages minus the two isolation headers. From a document fulfilled by route(),
  // both browsers refuse WebSockets to localhost (Chromium: ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS),
  // so under E2E_DEV=1 Vite's HMR socket logs errors. Mock that socket (open and silent); the demo opens none.
  await page.routeWebSocket(/.*/, () => undefined);
  await page.route('**/*', async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['cross-origin-opener-policy'];
    delete headers['cross-origin-embedder-policy'];
    await route.fulfill({ response, headers });
  });
  await page.goto('/');
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(false);
  await expect(page.locator('#status')).toHaveText('single-thread', { timeout: 20_000 });
  await expect(page.locator('#shared')).toHaveText('false');
  await expect(page.locator('#mode')).toContainText('single-thread');
  await expect(page.locator('#isolation-reason')).toContainText('not cross-origin isolated');
  await expect(page.locator('#isolation-fix')).toContainText('Cross-Origin-Embedder-Policy');
  const allocs = Number(await page.locator('#worker-allocs').textContent());
  expect(allocs).toBeGreaterThan(0);
  await expect(page.locator('#checksum')).toHaveText(String(expectedChecksum(allocs)));
  await expect(page.locator('#error')).toHaveText('');
  expect(errors, 'no console errors').toEqual([]);
});
