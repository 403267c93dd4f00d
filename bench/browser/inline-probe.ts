/**
 * Proves that Firefox's inlining limit can be raised through Playwright's `firefoxUserPrefs` on
 * the `moz-firefox` (WebDriver BiDi) channel: headless Firefox has no about:config to read the
 * pref back, so this times it. A hot loop calls functions of growing bytecode size (k chained
 * integer steps each, about 14 bytecode bytes per step); at the default limit (130 bytes) the
 * ones over it stay calls, with the raised limit they are inlined, so only they get faster. The
 * steps sit in a branch the loop never takes, so every size costs the same when inlined.
 *
 * ```sh
 * node --import tsx bench/browser/inline-probe.ts    # ~20 s: prints ns per call at both limits
 * ```
 * @module
 */
import { launchFirefox } from './engines.ts';

/** Steps per probe function: a step is `x = (x * 31 + a) | 0`. */
const STEPS = [2, 4, 6, 8, 10, 12, 16, 24];

/** The page-side probe: defines one function per size, times a hot loop over each, ns per call. */
function probeSource(steps: readonly number[]): string {
  // the steps sit in a branch the loop never takes: they count toward the bytecode length, not the time
  const fns = steps.map((k) => `function f${k}(a, b) { let x = b; if (a < 0) { ${'x = (x * 31 + a) | 0; '.repeat(k)}} return (x + a) | 0; }`).join('\n');
  const loops = steps.map((k) => `
    (() => {
      let best = Infinity, s = 0;
      for (let r = 0; r < 5; r++) {
        const t = performance.now();
        for (let i = 0; i < 2e7; i++) s = f${k}(i, s);
        best = Math.min(best, performance.now() - t);
      }
      out['${k}'] = best * 1e6 / 2e7;
      sink += s;
    })();`).join('\n');
  return `${fns}\n const out = {}; let sink = 0; ${loops}\n out.sink = sink; window.__probe = out;`;
}

async function measure(prefs: Readonly<Record<string, number>>): Promise<Record<string, number>> {
  const browser = await launchFirefox(prefs);
  try {
    const page = await browser.newPage();
    // a page script, not page.evaluate: evaluated code may be compiled differently
    await page.setContent(`<script>${probeSource(STEPS)}</script>`);
    const handle = await page.waitForFunction(() => (window as { __probe?: unknown }).__probe, undefined, { timeout: 120_000 });
    return await handle.jsonValue() as Record<string, number>;
  } finally {
    await browser.close();
  }
}

const base = await measure({});
const raised = await measure({ 'javascript.options.inlining_bytecode_max_length': 1000 });
console.log('steps  ns/call default  ns/call raised (1000)  default ÷ raised');
for (const k of STEPS) {
  const a = base[String(k)] ?? NaN;
  const b = raised[String(k)] ?? NaN;
  console.log(`${String(k).padStart(5)}  ${a.toFixed(2).padStart(15)}  ${b.toFixed(2).padStart(21)}  ${(a / b).toFixed(2).padStart(16)}`);
}
