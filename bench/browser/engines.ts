/**
 * How the browser bench starts its engines: Chromium and Firefox ESR from apt through Playwright
 * (launch options as in the root playwright.config.ts), and Firefox with a raised inlining limit.
 * WebKit has no Playwright build here: see webkit.ts.
 * @module
 */
import { existsSync } from 'node:fs';
import { chromium, firefox, type Browser } from 'playwright';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

/** The pref that sets SpiderMonkey's inlining limit, in bytecode bytes (default 130). */
export const INLINE_PREF = 'javascript.options.inlining_bytecode_max_length';
/** The raised limit of the `firefox-inline` engine. */
export const INLINE_RAISED = 1000;

/** Throws a clear error when a system browser is missing. */
function need(path: string, apt: string): void {
  if (!existsSync(path)) throw new Error(`browser bench: ${path} is missing (apt: ${apt})`);
}

/** Chromium from /usr/bin/chromium. */
export function launchChromium(): Promise<Browser> {
  need('/usr/bin/chromium', 'chromium');
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * Stock Firefox ESR over WebDriver BiDi (Playwright 1.64's `moz-firefox` channel). `prefs` go
 * into the fresh profile's user.js (Playwright's BiDi launcher writes `firefoxUserPrefs` there);
 * bench/browser/inline-probe.ts shows that the inlining pref takes effect this way.
 */
export function launchFirefox(prefs: Readonly<Record<string, number | boolean | string>> = {}): Promise<Browser> {
  need('/usr/bin/firefox-esr', 'firefox-esr');
  return firefox.launch({ channel: 'moz-firefox', executablePath: '/usr/bin/firefox-esr', firefoxUserPrefs: { ...prefs } });
}
