import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { webdriverio } from '@vitest/browser-webdriverio';
import viteConfig from './vite.config.ts'; // brings nebulaMemory(): COOP/COEP on the server (needed for SharedArrayBuffer)

const include: string[] = ['test/**/*.test.ts'];
/** Tests that run Node tools (the bundlers, Vite's servers): the node project only. */
const nodeOnly: string[] = ['test/build-switch.test.ts', 'test/vite-plugin.test.ts', 'test/public-api.test.ts'];
const exclude: string[] = [...configDefaults.exclude, ...nodeOnly];
/** Tests that need a browser (module Web Workers in a cross-origin-isolated page): not in node and node-fast. */
const browserOnly: string[] = ['test/examples-browser.test.ts'];
/** Tests that run real workers under real timing; also run in the browsers' fast build. */
const concurrencyTests: string[] = ['test/free-clock.test.ts', 'test/kill.test.ts', 'test/kill-cycles.test.ts', 'test/workers.test.ts'];
const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const webkitPort = process.env.WEBKIT_WEBDRIVER_PORT; // set by scripts/with-webkit.sh
const reporters = process.env.VITEST_JSON ? ['default', ['json', { outputFile: process.env.VITEST_JSON }]] : ['default'];

export default mergeConfig(viteConfig, defineConfig({
  test: {
    reporters: reporters as never,
    // a limit catches hangs, not slowness: the explorer and heap tests are bounded by work, and
    // under the full suite (7 projects on 2 cores) some ran 35-60 s where they take 8 s alone
    testTimeout: 180_000,
    projects: [
      { extends: true, test: { name: 'node', environment: 'node', include, exclude: [...configDefaults.exclude, ...browserOnly] } },
      // the fast build: every `if (CHECKS)` compiled away; tests of those checks skip themselves
      { extends: true, define: { __NEBULA_CHECKS__: 'false' }, test: { name: 'node-fast', environment: 'node', include, exclude: [...exclude, ...browserOnly] } },
      { extends: true, test: { name: 'chromium', include, exclude, browser: {
        enabled: true, headless: true, screenshotFailures: false,
        provider: playwright({ launchOptions: { executablePath: '/usr/bin/chromium', args: chromiumArgs } }),
        instances: [{ browser: 'chromium' }],
      } } },
      { extends: true, test: { name: 'firefox', include, exclude, browser: {
        enabled: true, headless: true, screenshotFailures: false,
        // Debian firefox-esr over WebDriver BiDi: channel 'moz-firefox' (playwright 1.64.x, not 1.65)
        provider: playwright({ launchOptions: { channel: 'moz-firefox', executablePath: '/usr/bin/firefox-esr' } }),
        instances: [{ browser: 'firefox' }],
      } } },
      // the fast build in the browsers, for the tests that run real workers under real timing:
      // a free-running clock and killed workers must hold without the checks too
      ...(['chromium', 'firefox'] as const).map((b) => ({ extends: true as const, define: { __NEBULA_CHECKS__: 'false' }, test: {
        name: `${b}-fast`, include: concurrencyTests, browser: {
          enabled: true, headless: true, screenshotFailures: false,
          provider: b === 'chromium'
            ? playwright({ launchOptions: { executablePath: '/usr/bin/chromium', args: chromiumArgs } })
            : playwright({ launchOptions: { channel: 'moz-firefox', executablePath: '/usr/bin/firefox-esr' } }),
          instances: [{ browser: b }],
        },
      } })),
      ...(webkitPort ? [{ extends: true as const, test: { name: 'webkit', include, exclude, browser: {
        enabled: true, headless: false, screenshotFailures: false, // MiniBrowser: no headless, use Xvfb
        provider: webdriverio({
          hostname: '127.0.0.1', port: Number(webkitPort),
          capabilities: { 'webkitgtk:browserOptions': {
            binary: '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', args: ['--automation'],
          } } as WebdriverIO.Capabilities,
          // vitest sends browserName 'safari'; WebKitWebDriver only accepts 'MiniBrowser'
          transformRequest: (req) => typeof req.body === 'string'
            ? { ...req, body: req.body.replaceAll('"browserName":"safari"', '"browserName":"MiniBrowser"') }
            : req,
        }),
        instances: [{ browser: 'safari' as const }],
      } } }] : []),
    ],
  },
}));
