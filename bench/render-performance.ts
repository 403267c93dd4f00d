/**
 * Renders the measured tables of docs/PERFORMANCE.md from the newest bench/results/*.json:
 * every block between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->` is replaced, and
 * the text around the blocks (the reading of the numbers) is left as written.
 *
 * usage: node --import tsx bench/render-performance.ts [--check]
 * `--check` exits 1 when the file is not up to date with the results, without writing.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(BENCH, 'results');
const DOC = join(BENCH, '..', 'docs', 'PERFORMANCE.md');

interface Machine { readonly node: string; readonly v8: string; readonly platform: string; readonly cpu: string; readonly cores: number }
interface AllocRow { readonly id: string; readonly label: string; readonly medianNs: number; readonly xBump: number; readonly xRef: number; readonly ref: string; readonly scavengesPer1M: number }
interface AllocDoc { readonly date: string; readonly machine: Machine; readonly build?: string; readonly results: readonly AllocRow[] }
interface FrameRow { readonly id: string; readonly label: string; readonly p50: number; readonly p99: number; readonly max: number; readonly scavenges: number; readonly framesWithGc: number; readonly steadyFrames: number }
interface FrameDoc { readonly date: string; readonly machine: Machine; readonly results: readonly FrameRow[] }
interface WorkerRow { readonly mode: string; readonly workers: number; readonly totalMops: number; readonly busyNsPerOp: number; readonly scaling: number }
interface WorkersDoc { readonly date: string; readonly machine: Machine; readonly results: readonly { readonly build: string; readonly rows: readonly WorkerRow[] }[] }

/** The newest results file whose name starts with `prefix` (names end in the date). */
function newest(prefix: string): string | null {
  const names = readdirSync(RESULTS).filter((n) => n.startsWith(prefix) && n.endsWith('.json')).sort();
  return names.length === 0 ? null : join(RESULTS, names[names.length - 1]);
}

function load(prefix: string): unknown {
  const file = newest(prefix);
  return file === null ? null : JSON.parse(readFileSync(file, 'utf8'));
}

const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '-');
const machineLine = (m: Machine, date: string): string =>
  `Run ${date.slice(0, 10)}: node ${m.node} (V8 ${m.v8}), ${m.platform}, ${m.cpu}, ${m.cores} cores.`;

/** The allocation table: both builds side by side. */
function allocTable(checked: AllocDoc, fast: AllocDoc): string {
  const rows = fast.results.map((f) => {
    const c = checked.results.find((r) => r.id === f.id);
    const ref = f.ref === 'bump' ? '' : ` (${f2(f.xRef)} x ${f.ref})`;
    return `| ${f.id} | ${f.label} | ${f2(f.medianNs)} | ${f2(f.xBump)}${ref} | ${c ? f2(c.medianNs) : '-'} | ${c ? f2(c.xBump) : '-'} | ${c ? f2(c.medianNs / f.medianNs) : '-'} | ${f2(f.scavengesPer1M)} |`;
  });
  return [
    machineLine(fast.machine, fast.date),
    '',
    '| case | what | fast ns/op | x bump | checked ns/op | x bump | checked / fast | scavenges / 1M ops |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

/** The frame-loop table. */
function frameTable(doc: FrameDoc): string {
  const naive = doc.results.find((r) => r.id === 'naive');
  const rows = doc.results.map((r) => `| ${r.id} | ${f2(r.p50)} | ${f2(r.p99)} | ${f2(r.max)} | ${r.scavenges} | ${r.framesWithGc} of ${r.steadyFrames} | ${naive ? f2(naive.p50 / r.p50) : '-'} | ${naive ? f2(naive.p99 / r.p99) : '-'} |`);
  return [
    machineLine(doc.machine, doc.date),
    '',
    '| variant | p50 ms | p99 ms | max ms | scavenges | frames with GC | p50 naive/x | p99 naive/x |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

/** The workers table, one block per build. */
function workersTable(doc: WorkersDoc): string {
  const out = [machineLine(doc.machine, doc.date)];
  for (const b of doc.results) {
    out.push('', `${b.build} build:`, '', '| mode | workers | total M ops/s | ns/op per worker | scaling vs 1 |', '|---|---:|---:|---:|---:|');
    for (const r of b.rows) out.push(`| ${r.mode} | ${r.workers} | ${f2(r.totalMops)} | ${f2(r.busyNsPerOp)} | ${f2(r.scaling)} |`);
  }
  return out.join('\n');
}

function replaceBlock(doc: string, name: string, body: string): string {
  const open = `<!-- generated:${name} -->`;
  const close = `<!-- /generated:${name} -->`;
  const a = doc.indexOf(open);
  const z = doc.indexOf(close);
  if (a < 0 || z < a) throw new Error(`docs/PERFORMANCE.md has no ${open} ... ${close} block`);
  return `${doc.slice(0, a + open.length)}\n${body}\n${doc.slice(z)}`;
}

function main(): void {
  const check = process.argv.includes('--check');
  let doc = readFileSync(DOC, 'utf8');
  const before = doc;
  const checked = load(newestBuild('checked')) as AllocDoc | null;
  const fast = load(newestBuild('fast')) as AllocDoc | null;
  if (checked !== null && fast !== null) doc = replaceBlock(doc, 'alloc', allocTable(checked, fast));
  const frame = load('frame-loop-') as FrameDoc | null;
  if (frame !== null) doc = replaceBlock(doc, 'frame-loop', frameTable(frame));
  const workers = load('workers-') as WorkersDoc | null;
  if (workers !== null) doc = replaceBlock(doc, 'workers', workersTable(workers));
  if (check) {
    if (doc !== before) {
      console.error('docs/PERFORMANCE.md is out of date with bench/results: run node --import tsx bench/render-performance.ts');
      process.exit(1);
    }
    console.log('docs/PERFORMANCE.md matches bench/results');
    return;
  }
  writeFileSync(DOC, doc);
  console.log(doc === before ? 'docs/PERFORMANCE.md already up to date' : 'docs/PERFORMANCE.md tables rendered from bench/results');
}

/** The prefix of the newest allocation results of one build. */
function newestBuild(build: 'checked' | 'fast'): string {
  const names = readdirSync(RESULTS).filter((n) => n.startsWith('alloc-') && n.endsWith(`-${build}.json`)).sort();
  return names.length === 0 ? `alloc-none-${build}` : names[names.length - 1].replace(/\.json$/, '');
}

main();
