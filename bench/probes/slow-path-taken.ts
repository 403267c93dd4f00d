/**
 * A minimal page that shows what a taken slow path costs an allocator's fast path: the same bump
 * allocator (the arena's fast-build `alloc()`), 4096 allocations a batch, in four variants that
 * differ only in when the slow path (a lease of a new lane) runs:
 *
 * - `never`: the lane is big enough; the slow path never runs;
 * - `atReset`: `reset()` leases the next lane itself, so `alloc()` never takes its slow path;
 * - `firstInLoop`: the first `alloc()` of a batch leases (what a frame arena does every frame);
 * - `firstBeforeLoop`: the same, with that first `alloc()` before the loop.
 *
 * - `callAtReset`, `callFirstInLoop`: as `atReset` and `firstInLoop`, with the lease made by a call
 *   to a function too big to inline (as the library's lease is).
 *
 * Measured 2026-12-07 (ns per allocation, two runs): Firefox `never` 2.8 / 3.6, `atReset` 2.6 /
 * 3.6, `firstInLoop` 4.8 / 6.0, `firstBeforeLoop` 5.0 / 6.0. Once the slow path has run,
 * SpiderMonkey compiles its call into the inlined fast path, and the loop around it is 1.7-1.8x
 * slower even where the call is never made (our reading: a call the loop may make keeps loads from
 * being hoisted out of it).
 *
 * WebKit (third run, with the call variants): `never` 1.33, `atReset` 3.35, `firstInLoop` 1.45,
 * `firstBeforeLoop` 1.60, `callAtReset` 3.33, `callFirstInLoop` 3.34. JavaScriptCore runs the
 * loop at hand speed only while the lane's end is written by the constructor alone or inside the
 * loop itself; once code outside the loop writes it (`reset()` or a lease call), the same loop is
 * 2.5x slower. Our reading: JSC folds a property that was never replaced into a constant (its
 * replacement watchpoint), as it does for the hand-written references' `readonly` limits; a lane
 * end that moves between frames cannot be folded. Chromium is bimodal (1.5-3.3) in every variant.
 *
 * ```sh
 * node --import tsx bench/probes/slow-path-taken.ts [chromium,firefox,webkit]
 * ```
 * @module
 */
import { launchChromium, launchFirefox } from '../browser/engines.ts';
import { withWebKit } from '../browser/webkit.ts';

const FAST = '(e += o = this.cur + (t = t - 1 | 7 & ~-(t > 0)) & ~t) <= this.end ? (this.cur = e, o) : this.slow(e - o, t + 1)';
const SLOW = 'slow(e, t, o) { this.end = this.cur + 131072; o = this.cur + t - 1 & -t; this.cur = o + e; return o; }';
/** The same slow path, leasing through a call too big to inline (as the library's lease is). */
const SLOW_CALL = 'slow(e, t, o) { lease(this); o = this.cur + t - 1 & -t; this.cur = o + e; return o; }';
/** A function no engine inlines (its bytecode is far over every limit); it sets the lane's end. */
const LEASE = `function lease(b) { let s = 0; for (let k = 0; k < 2; k++) { ${Array.from({ length: 60 }, (_, i) => `s = (s + (b.cur ^ ${i}) * ${i + 3}) | 0;`).join(' ')} } b.end = b.cur + 131072 + (s & 0); }`;

/** Each variant: its constructor and reset, and whether the batch allocates once before the loop. */
const VARIANTS: Readonly<Record<string, { readonly init: string; readonly before: boolean; readonly slow?: string }>> = {
  never: { init: 'constructor() { this.cur = 64; this.end = 1 << 21; } reset() { this.cur = 64; }', before: false },
  atReset: { init: 'constructor() { this.cur = 64; this.end = 64; } reset() { this.cur = 64; this.end = 64 + 131072; }', before: false },
  firstInLoop: { init: 'constructor() { this.cur = 64; this.end = 64; } reset() { this.cur = 64; this.end = 64; }', before: false },
  firstBeforeLoop: { init: 'constructor() { this.cur = 64; this.end = 64; } reset() { this.cur = 64; this.end = 64; }', before: true },
  callAtReset: { init: 'constructor() { this.cur = 64; this.end = 64; } reset() { this.cur = 64; this.end = 64 + 131072; }', before: false, slow: SLOW_CALL },
  callFirstInLoop: { init: 'constructor() { this.cur = 64; this.end = 64; } reset() { this.cur = 64; this.end = 64; }', before: false, slow: SLOW_CALL },
};

/** The page's script: one class and one batch function per variant (no shared feedback), timed in rounds. */
function pageScript(): string {
  const parts = ['const f32 = new Float32Array(new ArrayBuffer(1 << 23));', LEASE];
  for (const [k, v] of Object.entries(VARIANTS)) {
    parts.push(`class C_${k} { ${v.init} alloc(e, t, o) { return ${FAST}; } ${v.slow ?? SLOW} }`);
    parts.push(`const case_${k} = (() => { const b = new C_${k}(); return () => { let acc = 0; ${v.before ? 'b.alloc(4, 4); ' : ''}for (let i = 0; i < 4096; i++) { const q = b.alloc(16, 16) >> 2; f32[q] = i; f32[q + 1] = i * 0.5; f32[q + 2] = -i; acc += f32[q + 1]; } b.reset(); return acc; }; })();`);
  }
  parts.push(`const cases = { ${Object.keys(VARIANTS).map((k) => `${k}: case_${k}`).join(', ')} };`);
  parts.push('function time(fn, ms) { let n = 0, s = 0; const t0 = performance.now(); let t; do { for (let k = 0; k < 20; k++) s += fn(); n += 20; t = performance.now(); } while (t - t0 < ms); return ((t - t0) * 1e6) / (n * 4096); }');
  parts.push('setTimeout(() => { const res = {}; for (const k in cases) time(cases[k], 150); for (let r = 0; r < 5; r++) for (const k in cases) (res[k] ??= []).push(time(cases[k], 100)); const out = {}; for (const k in res) out[k] = +res[k].sort((a, b) => a - b)[2].toFixed(2); window.__probe = JSON.stringify(out); }, 100);');
  return parts.join('\n');
}

const html = `<!doctype html><script>${pageScript()}</script>`;
const engines = (process.argv[2] ?? 'chromium,firefox,webkit').split(',');

for (const engine of engines) {
  let result: string;
  if (engine === 'webkit') {
    result = await withWebKit(async (s) => {
      await s.navigate(`data:text/html,${encodeURIComponent(html)}`);
      for (;;) {
        const v = await s.execute('return window.__probe ?? null;');
        if (typeof v === 'string') return v;
        await new Promise((r) => setTimeout(r, 300));
      }
    });
  } else {
    const browser = engine === 'firefox' ? await launchFirefox() : await launchChromium();
    try {
      const page = await browser.newPage();
      await page.setContent(html);
      const handle = await page.waitForFunction(() => (window as { __probe?: string }).__probe, undefined, { timeout: 120_000 });
      result = String(await handle.jsonValue());
    } finally {
      await browser.close();
    }
  }
  console.log(`${engine.padEnd(10)} ns per alloc: ${result}`);
}
