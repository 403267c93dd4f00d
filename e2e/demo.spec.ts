/**
 * End-to-end checks of the demo pages listed in demo/pages.json, against the production build
 * served by `vite preview` (see playwright.config.ts). The server sends COOP/COEP on every page
 * except those marked `"isolated": false` (the fallback page). The same checks run in WebKit
 * through e2e/webkit/run.ts.
 * @module
 */
import { type Page, expect, test } from '@playwright/test';
import pages from '../demo/pages.json' with { type: 'json' };
import { expectedChecksum } from '../demo/protocol.ts';
import { clockState, type DemoPage, type PageState, pageState, type RecoveryState, recoveryState } from './checks.ts';
import { watchErrors } from './watch-errors.ts';

const manifest: readonly DemoPage[] = pages;

/** Polls the page's state until `ok` holds; fails with the last state (and the page's #error) otherwise. */
async function until(page: Page, what: string, ok: (s: PageState) => boolean, timeout = 30_000): Promise<PageState> {
  await expect.poll(async () => {
    const s = await page.evaluate(pageState);
    if (s.error !== '') throw new Error(`${what}: the page shows an error: ${s.error}`);
    return ok(s);
  }, { message: what, timeout }).toBe(true);
  return page.evaluate(pageState);
}

/** The fountain's checks, on the isolated page and on the fallback page alike: frames advance and the renderer draws. */
async function fountainRuns(page: Page): Promise<PageState> {
  const a = await until(page, 'frames advance', (s) => s.frame >= 20);
  await until(page, 'frames keep advancing', (s) => s.frame >= a.frame + 10);
  // the renderer counts lit pixels of a frame it drew (readPixels, or the 2D raster), every 60
  // frames; a loaded machine was seen at under 2 frames a second (WebKit), so the bound catches a
  // renderer that never draws, not a slow one
  const drawn = await until(page, 'the renderer draws: lit pixels', (s) => s.lit > 500, 120_000);
  expect(drawn.drawn, 'particles drawn in the last frame').toBeGreaterThan(1000);
  // the render worker's wait never timed out with a frame waiting: no notify was lost
  const clock = await page.evaluate(clockState);
  if (clock !== null) expect(clock.renderRescued, `lost notifies, clock ${JSON.stringify(clock)}`).toBe(0);
  return drawn;
}

test('demo/pages.json lists at least one page', () => {
  expect(manifest.length).toBeGreaterThan(0);
  expect(manifest.map((p) => p.kind)).toEqual(expect.arrayContaining(['particles', 'fallback']));
});

for (const demo of manifest) {
  test(`${demo.path}: ${demo.title}`, async ({ page }) => {
    test.setTimeout(240_000); // holds the bounded waits (up to 30 + 30 + 120 s on a slow machine)
    const errors = watchErrors(page);
    await page.goto(demo.path);
    const isolated = await page.evaluate(() => globalThis.crossOriginIsolated);
    // isolation is the precondition of the isolated pages, and absent on the fallback page on purpose: fail, never skip
    expect(isolated, demo.isolated ? 'page must be cross-origin isolated (COOP/COEP headers)' : 'the fallback page is served without COOP/COEP').toBe(demo.isolated);

    if (demo.kind === 'allocators') {
      // wait for the run to end either way, so a failure shows the page's #error at once
      const status = page.locator('#status');
      await expect(status).toHaveText(/^(ok|error|single-thread)$/, { timeout: 30_000 });
      expect(await status.textContent(), `#error: ${await page.locator('#error').textContent() ?? ''}`).toBe('ok');
      const allocs = Number(await page.locator('#worker-allocs').textContent());
      expect(allocs).toBeGreaterThan(0);
      await expect(page.locator('#checksum')).toHaveText(String(expectedChecksum(allocs)));
      await expect(page.locator('#mode')).toContainText('worker');
      // the sprite cache: every sprite made once, drawn from cache hits, concurrent misses shared
      expect(Number(await page.locator('#sprite-hits').textContent())).toBeGreaterThan(1000);
      expect(Number(await page.locator('#sprite-joined').textContent())).toBeGreaterThan(0);
    } else if (demo.kind === 'inspector') {
      // e2e/inspector.spec.ts checks the inspector in depth; here: it runs and draws frames
      const frame = Number(await page.locator('#frame').textContent());
      await expect.poll(async () => Number(await page.locator('#frame').textContent()), { message: 'frames advance', timeout: 30_000 }).toBeGreaterThan(frame);
    } else if (demo.kind === 'snapshot') {
      // e2e/inspector-views.spec.ts loads a downloaded snapshot and a bad file; here: the viewer
      // waits for a file, without isolation (it runs no game), and nothing is drawn yet
      await expect(page.locator('#file')).toHaveAttribute('type', 'file');
      await expect(page.locator('#viewer')).toHaveAttribute('data-state', 'empty');
      await expect(page.locator('#viewer canvas')).toHaveCount(0);
    } else {
      const s = await fountainRuns(page);
      if (demo.kind === 'fallback') {
        // the fallback explains itself: why, which headers the response lacked, and what to set
        expect(s.isolationHidden, 'the isolation card is shown').toBe(false);
        expect(s.threads).toContain('single-thread');
        await expect(page.locator('#isolation-reason')).toContainText('not cross-origin isolated');
        await expect(page.locator('#isolation-fix')).toContainText('Cross-Origin-Embedder-Policy');
        await expect(page.locator('#isolation-missing')).toContainText('Cross-Origin-Opener-Policy');
        await expect(page.locator('#isolation-missing')).toContainText('Cross-Origin-Embedder-Policy');
        await expect(page.locator('#isolation-coop')).toHaveText('(absent)');
      } else {
        expect(s.isolationHidden, 'no isolation card on an isolated page').toBe(true);
        // the inspector's counters move: the simulation workers publish their counts every frame
        const counted = await until(page, 'the pool\'s published allocations count the workers\' births', (x) => x.poolAllocs > 0);
        await until(page, 'and keep counting', (x) => x.poolAllocs > counted.poolAllocs);
        expect(s.threads).toContain('simulation worker');
        expect(s.threads).toContain('render worker');
        await expect(page.locator('#upload')).toContainText('WebGL2');
      }
      await expect(page.locator('#inspector'), 'the inspector is mounted').toHaveAttribute('data-inspector', 'mounted');
      await expect(page.locator('#inspector-view canvas')).toHaveCount(1);
    }
    for (const check of demo.checks) {
      await expect(page.locator(check.selector), `${check.selector} on ${demo.path}`).toHaveText(check.text);
    }
    expect(errors, 'no console errors').toEqual([]);
  });
}

test.describe('without the service-worker shim', () => {
  // the plugin's service worker (src/vite/service-worker.ts) would isolate the stripped page after one reload: block it here
  test.use({ serviceWorkers: 'block' });
  test('the allocators page, stripped of COOP/COEP, falls back to a single thread and says why', async ({ page }) => {
    const errors = watchErrors(page);
    // Serve the page minus the two isolation headers. From a document fulfilled by route(),
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
    await page.goto('/allocators.html');
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(false);
    await expect(page.locator('#status')).toHaveText('single-thread', { timeout: 30_000 });
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
});

test('the fountain is seeded: two runs stopped at the same frame draw the same image', async ({ page }, testInfo) => {
  const shots: Buffer[] = [];
  for (let run = 0; run < 2; run++) {
    await page.goto('/?particles=20000&workers=1&seed=7&stopAt=45');
    await expect(page.locator('#status')).toHaveText('stopped', { timeout: 30_000 });
    await expect(page.locator('#error')).toHaveText('');
    await page.waitForTimeout(200); // the last frame reaches the screen
    shots.push(await page.locator('#view').screenshot());
  }
  await testInfo.attach('fountain-seed-7-frame-45.png', { body: shots[0], contentType: 'image/png' });
  expect(shots[0].equals(shots[1]), 'the same seed and frame give the same pixels').toBe(true);
});

test('a server without the headers: the service-worker shim isolates the page after one reload, and leaves the fallback page alone', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('http://localhost:4175/allocators.html');
  // the shim registers itself and reloads once, when it controls the page
  // (the reload may destroy the context mid-evaluate: that reads as not yet)
  await expect.poll(() => page.evaluate(() => globalThis.crossOriginIsolated).catch(() => false), { timeout: 20_000 }).toBe(true);
  await expect(page.locator('#status')).toHaveText(/^(ok|error|single-thread)$/, { timeout: 30_000 });
  await expect(page.locator('#status')).toHaveText('ok');
  await expect(page.locator('#shared')).toHaveText('true');
  await page.goto('http://localhost:4175/fallback.html');
  expect(await page.evaluate(() => globalThis.crossOriginIsolated), 'the shim skips fallback.html').toBe(false);
  await until(page, 'the fallback names the missing headers', (s) => s.missing.includes('Cross-Origin-Embedder-Policy'));
  expect(errors, 'no console errors').toEqual([]);
});

test.describe('the fountain loses a simulation worker mid-frame', () => {
  // 20,000 particles on 2 simulation workers: a share to lose and one that goes on; the emitter keeps the pool full
  const url = '/?particles=20000&workers=2';

  async function recovery(page: Page): Promise<RecoveryState> {
    const s = await page.evaluate(recoveryState);
    if (s === null) throw new Error('the page has no fountain stats');
    if (s.error !== '') throw new Error(`the page shows an error: ${s.error}`);
    return s;
  }

  /**
   * Clicks `button` and checks the recovery: the clock goes on (30 more frames), the dead thread
   * is reclaimed with the lanes it held mid-frame, and the replacement adopts its particles.
   */
  async function loseOne(page: Page, button: string, n: number): Promise<RecoveryState> {
    const before = await recovery(page);
    await page.locator(button).click(); // enabled again only once the last loss is handled
    await expect.poll(async () => (await recovery(page)).frame, { message: `loss ${n}: the clock goes on (30 frames)`, timeout: 10_000 })
      .toBeGreaterThanOrEqual(before.frame + 30);
    await expect.poll(async () => {
      const s = await recovery(page);
      return s.recovery.reclaims === n && s.recovery.restarts === n && !s.recovery.busy && s.recovery.workers === 2;
    }, { message: `loss ${n}: reclaimed and replaced`, timeout: 10_000 }).toBe(true);
    const s = await recovery(page);
    expect(s.recovery.last, `loss ${n}: the last loss is reported`).not.toBeNull();
    const last = s.recovery.last!; // eslint-disable-line @typescript-eslint/no-non-null-assertion -- checked just above
    expect(last.failure, `loss ${n}: the replacement started`).toBe('');
    // mid-frame: it held its lanes of the arenas "frame" and "draw"
    expect(last.leases, `loss ${n}: lanes reclaimed, ${JSON.stringify(last)}`).toBeGreaterThanOrEqual(1);
    expect(last.adopted, `loss ${n}: the replacement adopts the dead worker's particles, ${JSON.stringify(last)}`).toBeGreaterThan(before.live / 4);
    // the particle count recovers, and they are drawn again
    await expect.poll(async () => (await recovery(page)).live, { message: `loss ${n}: live particles recover`, timeout: 10_000 })
      .toBeGreaterThanOrEqual(Math.floor(before.live * 0.9));
    await expect.poll(async () => (await recovery(page)).drawn, { message: `loss ${n}: drawn particles recover`, timeout: 10_000 })
      .toBeGreaterThanOrEqual(Math.floor(before.drawn * 0.9));
    // none is orphaned: the workers simulate (about) every live slot of the pool again
    await expect.poll(async () => {
      const x = await recovery(page);
      return x.live >= x.poolLive * 0.95;
    }, { message: `loss ${n}: every live slot is simulated again`, timeout: 10_000 }).toBe(true);
    return recovery(page);
  }

  test('kill a worker, 3 times: the clock never stops, each thread is reclaimed, the particles recover', async ({ page }) => {
    const errors = watchErrors(page);
    await page.goto(url);
    await until(page, 'frames advance', (s) => s.frame >= 20);
    let s = await recovery(page);
    expect(s.recovery.kills).toBe(0);
    for (let n = 1; n <= 3; n++) {
      s = await loseOne(page, '#ctl-kill', n);
      expect(s.recovery.kills, 'kills').toBe(n);
      expect(s.recovery.reclaims, 'reclaims === kills').toBe(s.recovery.kills);
      expect(s.recovery.crashes, 'no crash').toBe(0);
      await page.waitForTimeout(300);
    }
    expect(s.line).toContain('reclaimed: 3');
    expect(s.renderRescued, 'lost notifies').toBe(0);
    await expect(page.locator('#thread-list')).toContainText('sim-0: attached');
    await expect(page.locator('#thread-list')).toContainText('sim-1: attached');
    await expect(page.locator('#error')).toHaveText('');
    expect(errors, 'no console errors').toEqual([]);
  });

  test('crash a worker: its error event terminates, reclaims and replaces it', async ({ page }) => {
    const errors = watchErrors(page);
    await page.goto(url);
    await until(page, 'frames advance', (s) => s.frame >= 20);
    const s = await loseOne(page, '#ctl-crash', 1);
    expect(s.recovery.crashes, 'crashes').toBe(1);
    expect(s.recovery.kills, 'kills').toBe(0);
    expect(s.recovery.reclaims, 'reclaims === crashes').toBe(1);
    expect(s.line).toContain('crashed in frame');
    expect(s.renderRescued, 'lost notifies').toBe(0);
    await expect(page.locator('#error')).toHaveText('');
    expect(errors, 'no console errors').toEqual([]);
  });
});
