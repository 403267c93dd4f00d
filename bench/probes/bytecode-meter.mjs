#!/usr/bin/env node
// Measures how many bytecode bytes SpiderMonkey sees in a method: each variant's `alloc` runs in
// a 4096-op loop in Firefox at several values of `javascript.options.inlining_bytecode_max_length`;
// a variant turns fast (inlined) at the first limit at or above its size. Write the variants as the
// minifier emits them (esbuild and Vite turn `if (c) { a; return p; } return s();` into a
// conditional expression, which costs about 8 bytes more).
//
//   node bench/probes/bytecode-meter.mjs [variants.mjs] [limits]     # e.g. 110,118,122,126,130,134
//
// variants.mjs: `export default { name: 'alloc(e, t, o) { ... }' }`, each calling `this.slow(...)`
// on a miss, on an object with fields cur, end (a 512 KiB lane), c (an Int32Array(2)) and count.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { firefox } from 'playwright';

const DEFAULT = {
  bump: 'alloc(size, align) { const p = (this.cur + align - 1) & -align; const n = p + size; if (n <= this.end) { this.cur = n; return p; } return this.slow(size, align); }',
  arena: 'alloc(e,t,o){return(e+=o=this.cur+(t=t-1|7&~-(t>0))&~t)<=this.end?(this.cur=e,o):this.slow(e-o,t+1)}',
  arenaCounted: 'alloc(e,t,o){return(e+=o=this.cur+(t=t-1|7&~-(t>0))&~t)<=this.end?(this.cur=e,++this.c[0],o):this.slow(e-o,t+1)}',
};
const variants = process.argv[2] ? (await import(pathToFileURL(process.argv[2]).href)).default : DEFAULT;
const limits = (process.argv[3] ?? '100,110,118,122,126,130,134,140,150,1000').split(',').map(Number);

const names = Object.keys(variants);
const script = [
  'const f32 = new Float32Array(new SharedArrayBuffer(1 << 20));',
  ...names.map((k, i) => `class C${i} { constructor() { this.cur = 64; this.end = 1 << 19; this.c = new Int32Array(2); this.count = 0; } ${variants[k]} slow() { throw new Error('full'); } reset() { this.cur = 64; } }
const case${i} = (() => { const b = new C${i}(); return () => { let acc = 0; for (let i = 0; i < 4096; i++) { const q = b.alloc(16, 16) >> 2; f32[q] = i; f32[q + 1] = i * 0.5; f32[q + 2] = -i; acc += f32[q + 1]; } b.reset(); return acc; }; })();`),
  `const cases = [${names.map((_, i) => `case${i}`).join(', ')}];`,
  'function time(fn, ms) { let n = 0; const t0 = performance.now(); let t; do { for (let k = 0; k < 20; k++) fn(); n += 20; t = performance.now(); } while (t - t0 < ms); return ((t - t0) * 1e6) / (n * 4096); }',
  'for (const c of cases) time(c, 150); const res = cases.map(() => []); for (let r = 0; r < 3; r++) cases.forEach((c, i) => res[i].push(time(c, 100)));',
  'console.log("METER " + JSON.stringify(res.map((x) => x.sort((a, b) => a - b)[1])));',
].join('\n');
const html = `<!doctype html><script>${script}</script>`;
const server = createServer((_q, s) => {
  s.writeHead(200, { 'Content-Type': 'text/html', 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
  s.end(html);
});
await new Promise((r) => server.listen(0, r));
const url = `http://localhost:${server.address().port}/`;
console.log(`ns/op of each variant at each inlining limit (Firefox); a variant is inlined from the limit where it drops`);
console.log(['limit', ...names].map((s) => s.padStart(14)).join(''));
try {
  for (const limit of limits) {
    const browser = await firefox.launch({ channel: 'moz-firefox', executablePath: '/usr/bin/firefox-esr', firefoxUserPrefs: { 'javascript.options.inlining_bytecode_max_length': limit } });
    const page = await browser.newPage();
    const line = new Promise((resolve) => page.on('console', (m) => { if (m.text().startsWith('METER ')) resolve(m.text().slice(6)); }));
    await page.goto(url);
    const ns = JSON.parse(await line);
    console.log([String(limit), ...ns.map((x) => x.toFixed(2))].map((s) => s.padStart(14)).join(''));
    await browser.close();
  }
} finally {
  server.close();
}
