#!/usr/bin/env node
// `npm run lint:imports`: the import graph of src/ must have no cycles and no upward edges.
// Type-only imports count: a type cycle ties two modules together as much as a value cycle does
// (eslint-plugin-import-x's no-cycle skips them, which is why this is a script of its own).
//
// Layers, lowest first; a module may import from its own layer and the ones below:
//   base      build.ts, errors.ts, api.ts, api-reports.ts (and *.d.ts)
//   support   stats/ (statistics block and fields, traces), cache/ (stands alone: it imports only base)
//   memory    memory/
//   allocators allocators/
//   runtime   runtime/ (the public Memory: the core with the built-in kinds by name)
//   typed     typed/
//   tools     inspector/, config/, vite/ (the Vite plugin, for Node)
//   entry     index.ts, trace.ts, kinds.ts (the package's entries; typed/, inspector/ and cache/
//             have theirs as their index.ts)
//
// Known violations still to be removed are listed in scripts/import-baseline.json; the check
// fails on an upward edge not in it and on a cycle that is not inside one of its cycles, and
// asks for the baseline to shrink when an entry is gone or a cycle got smaller (`--update`
// writes it, refusing anything new). `--report` prints the graph's cycles and upward edges.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const SRC = join(ROOT, 'src');
const BASELINE = join(ROOT, 'scripts', 'import-baseline.json');

const LAYERS = [
  ['base', (f) => /^(build|errors|api|api-reports)\.ts$/.test(f)],
  ['support', (f) => f.startsWith('stats/') || f.startsWith('cache/')],
  ['memory', (f) => f.startsWith('memory/')],
  ['allocators', (f) => f.startsWith('allocators/')],
  ['runtime', (f) => f.startsWith('runtime/')],
  ['typed', (f) => f.startsWith('typed/')],
  ['tools', (f) => f.startsWith('inspector/') || f.startsWith('config/') || f.startsWith('vite/')],
  ['entry', (f) => /^(index|trace|kinds)\.ts$/.test(f)],
];

/** Layer index of a module (path relative to src/). */
export function layerOf(file) {
  const i = LAYERS.findIndex(([, test]) => test(file));
  if (i < 0) throw new Error(`check-imports: ${file} is in no layer; add it to LAYERS`);
  return i;
}

function sources(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(relative(SRC, p));
  }
  return out;
}

const IMPORT = /^\s*(?:import|export)\s+(type\s+)?(?:([^'"]*?)\s+from\s+)?['"](\.[^'"]+)['"]/gm;

/** Edges of the graph: `from -> to` with whether the import is type-only. */
export function importGraph() {
  const files = sources(SRC);
  const edges = [];
  for (const f of files) {
    const text = readFileSync(join(SRC, f), 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const to = normalize(join(dirname(f), m[3]));
      const names = (m[2] ?? '').trim();
      const typeOnly = m[1] !== undefined || (/^\{[^}]*\}$/.test(names) && names.slice(1, -1).split(',').every((n) => n.trim() === '' || n.trim().startsWith('type ')));
      edges.push({ from: f, to, typeOnly });
    }
  }
  return { files, edges };
}

/** Strongly connected components with more than one module (Tarjan). */
export function cycles(files, edges) {
  const next = new Map(files.map((f) => [f, []]));
  for (const e of edges) next.get(e.from)?.push(e.to);
  let index = 0;
  const idx = new Map(), low = new Map(), stack = [], on = new Set(), out = [];
  const visit = (v) => {
    idx.set(v, index); low.set(v, index); index++; stack.push(v); on.add(v);
    for (const w of next.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      for (let w = stack.pop(); ; w = stack.pop()) { on.delete(w); comp.push(w); if (w === v) break; }
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const f of files) if (!idx.has(f)) visit(f);
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

function main() {
  const { files, edges } = importGraph();
  const upward = edges.filter((e) => files.includes(e.to) && layerOf(e.to) > layerOf(e.from))
    .map((e) => `${e.from} -> ${e.to}${e.typeOnly ? ' (type)' : ''}`).sort();
  const found = cycles(files, edges).map((c) => c.join(' <-> '));
  if (process.argv.includes('--report')) {
    console.log(`${files.length} modules, ${edges.length} imports`);
    console.log(`cycles (${found.length}):`);
    for (const c of found) console.log(`  ${c}`);
    console.log(`upward edges (${upward.length}):`);
    for (const u of upward) console.log(`  ${u}`);
    return;
  }
  const baseline = JSON.parse(readFileSync(BASELINE, 'utf8'));
  const members = baseline.cycles.map((c) => new Set(c.split(' <-> ')));
  const inBaseline = (c) => members.some((m) => c.split(' <-> ').every((f) => m.has(f)));
  const added = [
    ...found.filter((c) => !inBaseline(c)).map((c) => `new import cycle: ${c}`),
    ...upward.filter((u) => !baseline.upward.includes(u)).map((u) => `new upward import: ${u}`),
  ];
  const shrunk = [
    ...baseline.cycles.filter((c) => !found.includes(c)).map((c) => `baseline cycle is gone or smaller: ${c}`),
    ...baseline.upward.filter((u) => !upward.includes(u)).map((u) => `baseline edge is gone: ${u}`),
  ];
  if (process.argv.includes('--update') && added.length === 0) {
    writeFileSync(BASELINE, `${JSON.stringify({ ...baseline, cycles: found, upward }, null, 2)}\n`);
    console.log(`baseline updated: ${found.length} cycles, ${upward.length} upward edges`);
    return;
  }
  const problems = [...added, ...shrunk.map((m) => `${m} (run npm run lint:imports -- --update)`)];
  for (const p of problems) console.error(p);
  console.log(`imports: ${files.length} modules, ${found.length} cycles and ${upward.length} upward edges (baseline ${baseline.cycles.length} and ${baseline.upward.length}), ${problems.length} problems`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}

main();
