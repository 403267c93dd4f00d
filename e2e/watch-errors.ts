/**
 * The Playwright specs' error watch: every console error and uncaught exception of a page and of
 * its workers, collected so a test can assert there were none.
 * @module
 */
import type { ConsoleMessage, Page } from '@playwright/test';

/** Collects console errors and uncaught exceptions of `page` and its workers, from now on. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m: ConsoleMessage) => { if (m.type() === 'error') errors.push(`console.error: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('worker', (w) => { w.on('console', (m: ConsoleMessage) => { if (m.type() === 'error') errors.push(`worker console.error: ${m.text()}`); }); });
  return errors;
}
