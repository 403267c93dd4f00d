import { defineConfig, devices } from '@playwright/test';

// System browsers from apt (npx playwright install cannot download here).
const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

export default defineConfig({
  testDir: './e2e',
  testIgnore: /webkit\//, // e2e/webkit/run.ts drives WebKit through WebKitWebDriver, not Playwright
  timeout: 30_000,
  workers: 2,
  reporter: process.env.PW_JSON ? [['line'], ['json', { outputFile: process.env.PW_JSON }]] : process.env.CI ? 'line' : 'list',
  use: { baseURL: 'http://localhost:4173' },
  webServer: [{
    // default: production build + `vite preview`; E2E_DEV=1: the vite dev server. Both send COOP/COEP.
    command: process.env.E2E_DEV
      ? 'npx vite --port 4173 --strictPort'
      : 'npx vite build && npx vite preview --port 4173 --strictPort',
    url: 'http://localhost:4173',
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  }, {
    // the same build from a server that sends neither header (like GitHub Pages): the service-worker shim's test
    command: 'npx vite preview --port 4175 --strictPort',
    env: { NEBULA_NO_ISOLATION: '1' },
    url: 'http://localhost:4175',
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  }],
  projects: [
    { name: 'chromium', use: { ...devices['Desktop Chrome'],
      launchOptions: { executablePath: '/usr/bin/chromium', args: chromiumArgs } } },
    // Stock Firefox over WebDriver BiDi. @playwright/test 1.65.x fails on ESR 153:
    // "Protocol error (emulation.setMediaFeaturesOverride): unknown command" -> pin 1.64.1.
    // Headless Firefox has no WebGL (bugzil.la/1375585): with a display (xvfb-run -a), run it headed.
    // e2e/gc.spec.ts reads a DevTools-protocol trace: Chromium only.
    { name: 'firefox', testIgnore: /gc\.spec\.ts$/, use: { ...devices['Desktop Firefox'], channel: 'moz-firefox',
      headless: !process.env.DISPLAY, launchOptions: { executablePath: '/usr/bin/firefox-esr' } } },
  ],
});
