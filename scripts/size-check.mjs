#!/usr/bin/env node
// `npm run size` (a step of `npm test`): the size of each entry point, minified and gzipped, in
// the fast build (what a production bundle gets) and the checked build, against the budgets in
// scripts/size-budgets.json. Each entry is bundled whole (every export kept) with esbuild, as a
// bundler would for an application that uses all of it; `core` is what an application that calls
// only createMemory() gets (the memory with its three allocators).
//   node scripts/size-check.mjs           check, print the table, exit 1 over budget
//   node scripts/size-check.mjs --json    print the measurements as JSON (for docs/METRICS.md)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What is measured: a name, the module an application imports, and what it imports from it. */
export const ENTRIES = [
  ['core', 'src/index.ts', 'createMemory'],
  ['nebula-memory', 'src/index.ts', '*'],
  ['nebula-memory/typed', 'src/typed/index.ts', '*'],
  ['nebula-memory/inspector', 'src/inspector/index.ts', '*'],
  ['nebula-memory/cache', 'src/cache/index.ts', '*'],
  ['nebula-memory/trace', 'src/trace.ts', '*'],
  ['nebula-memory/kinds', 'src/kinds.ts', '*'],
  ['nebula-memory/vite', 'src/vite/index.ts', '*'],
];

/** Minified and gzipped bytes of one entry in one build. */
async function measure(file, what, fast, node) {
  const contents = what === '*' ? `export * from ${JSON.stringify(join(root, file))};` : `export { ${what} } from ${JSON.stringify(join(root, file))};`;
  const r = await build({
    stdin: { contents, resolveDir: root, loader: 'ts' }, bundle: true, format: 'esm', minify: true, write: false,
    platform: node ? 'node' : 'neutral', external: ['vite', 'node:*'], logLevel: 'silent',
    define: fast ? { __NEBULA_CHECKS__: 'false' } : {},
  });
  const code = r.outputFiles[0].contents;
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

/** Every entry in both builds. */
export async function sizes() {
  const out = [];
  for (const [name, file, what] of ENTRIES) {
    const node = name.endsWith('/vite');
    out.push({ name, fast: await measure(file, what, true, node), checked: await measure(file, what, false, node) });
  }
  return out;
}

const kb = (n) => (n / 1024).toFixed(1);

async function main() {
  const measured = await sizes();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(measured, null, 2));
    return;
  }
  const budgets = JSON.parse(readFileSync(join(root, 'scripts', 'size-budgets.json'), 'utf8'));
  let over = 0;
  console.log('| entry | fast min | fast min+gzip | budget | target | checked min+gzip |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const m of measured) {
    const b = budgets.entries[m.name];
    const ok = b !== undefined && m.fast.gzip <= b.budget;
    if (!ok) over++;
    const target = b?.target === undefined ? '' : `${kb(b.target)} kB`;
    console.log(`| ${m.name} | ${kb(m.fast.min)} kB | ${kb(m.fast.gzip)} kB${ok ? '' : ' **over**'} | ${b === undefined ? '(none)' : `${kb(b.budget)} kB`} | ${target} | ${kb(m.checked.gzip)} kB |`);
  }
  if (over > 0) {
    console.error(`${over} entr${over === 1 ? 'y is' : 'ies are'} over budget (scripts/size-budgets.json)`);
    process.exit(1);
  }
  console.log('every entry within its budget');
}

if (fileURLToPath(import.meta.url) === process.argv[1]) await main();
