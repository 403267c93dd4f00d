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
import { type EngineDoc, type NodeFrameDoc, engineTargetsTable } from './render-engines.ts';

const BENCH = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(BENCH, 'results');
const DOC = join(BENCH, '..', 'docs', 'PERFORMANCE.md');

interface Machine { readonly node: string; readonly v8: string; readonly platform: string; readonly cpu: string; readonly cores: number }
interface AllocRow { readonly id: string; readonly label: string; readonly medianNs: number; readonly xBump: number; readonly xRef: number; readonly ref: string; readonly scavengesPer1M: number }
interface AllocDoc { readonly date: string; readonly machine: Machine; readonly build?: string; readonly results: readonly AllocRow[] }
interface FrameRow { readonly id: string; readonly label: string; readonly p50: number; readonly p99: number; readonly max: number; readonly scavenges: number; readonly framesWithGc: number; readonly steadyFrames: number }
interface FrameDoc { readonly date: string; readonly machine: Machine; readonly results: readonly FrameRow[] }
interface WorkerRow { readonly mode: string; readonly workers: number; readonly totalMops: number; readonly busyNsPerOp: number; readonly scaling: number }
interface WorkerVerdict { readonly build: string; readonly target: string; readonly measured: number; readonly pass: boolean; readonly othersCores?: number; readonly cpuScaling?: number }
interface WorkersDoc { readonly date: string; readonly machine: Machine; readonly results: readonly { readonly build: string; readonly rows: readonly WorkerRow[] }[]; readonly verdicts?: readonly WorkerVerdict[] }
interface FrameVerdict { readonly id: string; readonly scavenges: number; readonly p99Ratio: number; readonly p99RatioNoWait: number }
interface StatsRow { readonly id: string; readonly onNs: number; readonly offNs: number; readonly deltaNs: number; readonly deltaVsBumpNs: number }
interface StatsDoc { readonly date: string; readonly machine: Machine; readonly config: { readonly processes: number; readonly rounds: number }; readonly results: readonly StatsRow[]; readonly load: { readonly medianOthers: number; readonly maxOthers: number } }
interface BulkCell { readonly kind: string; readonly bytes: number; readonly gbps: number; readonly xRef: number | null }
interface BulkDoc { readonly date: string; readonly machine: Machine; readonly results: readonly { readonly id: string; readonly label: string; readonly ref: string | null; readonly cells: readonly BulkCell[] }[] }
interface TypedRow { readonly id: string; readonly median: number; readonly xBump: number; readonly gcScavenges: number; readonly gcOps: number }
interface TypedDoc { readonly date: string; readonly machine: Machine; readonly results: readonly TypedRow[] }
interface BrowserRow { readonly id: string; readonly label: string; readonly ref: string; readonly medianNs: number; readonly xBump: number; readonly xRef: number }
interface BrowserRun { readonly browser: string; readonly version: string; readonly result: { readonly build: string; readonly results: readonly BrowserRow[] } }
interface BrowserDoc { readonly date: string; readonly machine: Machine; readonly runs: readonly BrowserRun[] }

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

/** What the checked build costs: checked / fast per allocation path, from the two allocation runs. */
function checkedCostTable(checked: AllocDoc, fast: AllocDoc): string {
  const paths: readonly (readonly [string, string])[] = [['arena', 'arena alloc'], ['pool', 'pool alloc + offsetOf + free'], ['stack', 'stack push + pop']];
  return [
    '| path | checked / fast |',
    '|---|---:|',
    ...paths.map(([id, what]) => {
      const c = checked.results.find((r) => r.id === id);
      const f = fast.results.find((r) => r.id === id);
      return `| ${what} | ${c && f ? f2(c.medianNs / f.medianNs) : '-'} |`;
    }),
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

/** The stats-overhead table. */
function statsTable(doc: StatsDoc): string {
  return [
    machineLine(doc.machine, doc.date),
    `Fast build; ${doc.config.processes} processes per setting, alternating, x ${doc.config.rounds} rounds; other processes ${f2(doc.load.medianOthers)} cores (median), ${f2(doc.load.maxOthers)} (max).`,
    '',
    '| case | stats on ns/op | stats off ns/op | on - off ns | on - off, each process less its bump |',
    '|---|---:|---:|---:|---:|',
    ...doc.results.map((r) => `| ${r.id} | ${f2(r.onNs)} | ${f2(r.offNs)} | ${f2(r.deltaNs)} | ${r.id === 'bump' ? '' : f2(r.deltaVsBumpNs)} |`),
  ].join('\n');
}

const sizeName = (c: BulkCell): string => `${String(c.bytes / (1 << 20))} MiB ${c.kind}`;

/** The bulk fill/copy table: GB/s per memory, and the library ops against their TypedArray call. */
function bulkTable(doc: BulkDoc): string {
  const cols = doc.results[0]?.cells ?? [];
  return [
    machineLine(doc.machine, doc.date),
    '',
    `| op | ${cols.map((c) => `${sizeName(c)} GB/s`).join(' | ')} | x ref (${cols.map(sizeName).join(', ')}) | ref |`,
    `|---|${cols.map(() => '---:|').join('')}---:|---|`,
    ...doc.results.map((r) => `| ${r.id} | ${r.cells.map((c) => c.gbps.toFixed(1)).join(' | ')} | ${r.ref === null ? '' : r.cells.map((c) => f2(c.xRef ?? NaN)).join(' / ')} | ${r.ref ?? ''} |`),
  ].join('\n');
}

/** The typed temporaries table. */
function typedTable(doc: TypedDoc): string {
  return [
    machineLine(doc.machine, doc.date),
    '',
    '| case | median ns/op | x bump | scavenges in steady state | per 1M ops |',
    '|---|---:|---:|---:|---:|',
    ...doc.results.map((r) => `| ${r.id} | ${f2(r.median)} | ${f2(r.xBump)} | ${String(r.gcScavenges)} | ${(r.gcScavenges * 1e6 / r.gcOps).toFixed(1)} |`),
  ].join('\n');
}

/** The browser table: ns/op and ratios per browser and build. */
function browserTable(doc: BrowserDoc): string {
  const runs = doc.runs;
  const ids = runs[0]?.result.results.map((r) => r.id) ?? [];
  const head = runs.map((r) => `${r.browser} ${r.version.split('.')[0] ?? ''} ${r.result.build}`);
  return [
    machineLine(doc.machine, doc.date),
    `Browsers: ${runs.filter((r, k) => runs.findIndex((x) => x.browser === r.browser) === k).map((r) => `${r.browser} ${r.version}`).join(', ')}.`,
    '',
    `| case | ${head.map((h) => `${h} ns/op`).join(' | ')} | ${head.map((h) => `${h} x bump (x ref)`).join(' | ')} |`,
    `|---|${runs.map(() => '---:|').join('')}${runs.map(() => '---:|').join('')}`,
    ...ids.map((id) => {
      const rows = runs.map((r) => r.result.results.find((x) => x.id === id));
      const ratio = (x: BrowserRow | undefined): string => (x === undefined ? '-' : x.ref === 'bump' ? f2(x.xBump) : `${f2(x.xBump)} (${f2(x.xRef)} x ${x.ref})`);
      return `| ${id} | ${rows.map((x) => f2(x?.medianNs ?? NaN)).join(' | ')} | ${rows.map(ratio).join(' | ')} |`;
    }),
  ].join('\n');
}

/** Why a target was missed: the reading of the numbers, kept with the table (shown only for missed targets). */
const WHY: Readonly<Record<string, string>> = {
  arena: 'see "Allocation cost"',
  tmpVec3: 'see "Typed temporaries"',
  poolFreeList: 'Node 20\'s V8 (11.3) runs the pool (and the stack) at 2-3x its hand-written reference, while Chromium 156\'s V8 runs the same bundle at about 1x (see the browser table); with pool-burst left out of the process the pool measured the same (1.93x against 2.05x, a quick run), so the cause is the older engine\'s handling of the small-method chains, not shared type feedback',
  poolMalloc: 'MemPool with one live block is a short list walk (about 18 ns); 5x faster would be 3.6 ns, below the hand-written free list (4.07 ns) on this op, so no pool can meet it here; PERF-BASELINE measured MemPool at 22.7 ns',
  sharedPool: 'see "Workers"',
  lanes: 'one run\'s ratio moves between 1.3x and 2.3x on this VM (the 1-worker baseline itself moves between 3.6 and 6.0 ns per op); see "Workers"',
  scavenges: '',
  p99: 'naive\'s GC on this VM is a steady 1 ms of scavenges per frame with pauses under 4 ms, so its p99 is 15-18 ms, not PERF-BASELINE\'s 26 ms; the arena\'s p99 sits close to its own p50 (its compute), and the p50 ratio is about 5x, so 6x at p99 would need the naive loop\'s GC spikes that this machine does not show',
  stats: 'see "Stats overhead"',
};

interface Target { readonly key: string; readonly target: string; readonly measured: string; readonly met: boolean | null; readonly source: string }

/** The targets of issue #7, each with its measured ratio from the newest results. */
function targetsTable(r: { alloc: { checked: AllocDoc | null; fast: AllocDoc | null }; typed: TypedDoc | null; workers: WorkersDoc | null; frame: FrameDoc | null; frameVerdicts: readonly FrameVerdict[]; stats: StatsDoc | null }): string {
  const out: Target[] = [];
  const row = (d: AllocDoc | null, id: string): AllocRow | undefined => d?.results.find((x) => x.id === id);
  const fa = row(r.alloc.fast, 'arena');
  const ca = row(r.alloc.checked, 'arena');
  out.push({ key: 'arena', target: 'arena alloc <= 1.25x bump', measured: `${f2(fa?.xBump ?? NaN)}x (checked build ${f2(ca?.xBump ?? NaN)}x)`, met: fa ? fa.xBump <= 1.25 : null, source: 'alloc, fast build' });
  const tv = r.typed?.results.find((x) => x.id === 'tmp.vec3');
  out.push({ key: 'tmpVec3', target: 'tmp.vec3() <= 1.5x bump', measured: `${f2(tv?.xBump ?? NaN)}x, ${String(tv?.gcScavenges ?? '-')} scavenges`, met: tv ? tv.xBump <= 1.5 && tv.gcScavenges === 0 : null, source: 'typed (bump of 12 B)' });
  const fp = row(r.alloc.fast, 'pool');
  const cp = row(r.alloc.checked, 'pool');
  out.push({ key: 'poolFreeList', target: 'owner-thread pool alloc+free <= 1.3x the Int32Array free list', measured: `${f2(fp?.xRef ?? NaN)}x (checked build ${f2(cp?.xRef ?? NaN)}x)`, met: fp ? fp.xRef <= 1.3 : null, source: 'alloc, fast build' });
  const tm = row(r.alloc.fast, 'thi.ng-malloc');
  const faster = tm && fp ? tm.medianNs / fp.medianNs : NaN;
  const tmc = row(r.alloc.checked, 'thi.ng-malloc');
  out.push({ key: 'poolMalloc', target: 'pool alloc+free >= 5x faster than @thi.ng/malloc malloc+free', measured: `${f2(faster)}x faster (checked build ${f2(tmc && cp ? tmc.medianNs / cp.medianNs : NaN)}x)`, met: Number.isFinite(faster) ? faster >= 5 : null, source: 'alloc, fast build' });
  const wv = (build: string, what: string): WorkerVerdict | undefined => r.workers?.verdicts?.find((v) => v.build === build && v.target.startsWith(what));
  const sp = wv('fast', 'shared pool');
  out.push({ key: 'sharedPool', target: 'shared pool from 2 workers <= 3x the free list per op', measured: `${f2(sp?.measured ?? NaN)}x (checked build ${f2(wv('checked', 'shared pool')?.measured ?? NaN)}x)`, met: sp ? sp.pass : null, source: 'workers, fast build' });
  const ln = wv('fast', 'lanes');
  const lc = wv('checked', 'lanes');
  const cpu = (v: WorkerVerdict | undefined): string => (v?.cpuScaling === undefined ? '' : `, ${f2(v.cpuScaling)}x by CPU time`);
  const others = (v: WorkerVerdict | undefined): string => (v?.othersCores === undefined ? '' : `; other processes ${f2(v.othersCores)} cores`);
  out.push({ key: 'lanes', target: 'lanes 1 -> 2 workers scale >= 1.7x', measured: `${f2(ln?.measured ?? NaN)}x${cpu(ln)}${others(ln)} (checked build ${f2(lc?.measured ?? NaN)}x${cpu(lc)})`, met: ln ? ln.pass : null, source: 'workers, fast build' });
  const lib = r.frameVerdicts;
  const scav = lib.map((v) => `${v.id} ${String(v.scavenges)}`).join(', ');
  out.push({ key: 'scavenges', target: 'frame loop: 0 scavenges in steady state', measured: scav, met: lib.length > 0 ? lib.every((v) => v.scavenges === 0) : null, source: 'frame loop' });
  const arenas = lib.filter((v) => v.id.startsWith('arena'));
  out.push({ key: 'p99', target: 'frame loop: p99 >= 6x lower than naive', measured: lib.map((v) => `${v.id} ${f2(v.p99Ratio)}x`).join(', '), met: arenas.length > 0 ? arenas.every((v) => v.p99Ratio >= 6) : null, source: 'frame loop (judged on every arena row)' });
  const st = (id: string): StatsRow | undefined => r.stats?.results.find((x) => x.id === id);
  const sa = st('arena');
  const sq = st('pool');
  out.push({ key: 'stats', target: 'stats overhead <= 0.5 ns', measured: `arena ${f2(sa?.deltaNs ?? NaN)} ns, pool ${f2(sq?.deltaNs ?? NaN)} ns`, met: sa && sq ? sa.deltaNs <= 0.5 && sq.deltaNs <= 0.5 : null, source: 'stats, fast build' });
  return [
    '| target | measured | met? | from | why missed |',
    '|---|---|---|---|---|',
    ...out.map((t) => `| ${t.target} | ${t.measured} | ${t.met === null ? 'not measured' : t.met ? 'met' : '**missed**'} | ${t.source} | ${t.met === false ? WHY[t.key] ?? '' : ''} |`),
  ].join('\n');
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
  if (checked !== null && fast !== null) {
    doc = replaceBlock(doc, 'alloc', allocTable(checked, fast));
    doc = replaceBlock(doc, 'checked-cost', checkedCostTable(checked, fast));
  }
  const frame = load('frame-loop-') as FrameDoc | null;
  if (frame !== null) doc = replaceBlock(doc, 'frame-loop', frameTable(frame));
  const workers = load('workers-') as WorkersDoc | null;
  if (workers !== null) doc = replaceBlock(doc, 'workers', workersTable(workers));
  const stats = load('stats-') as StatsDoc | null;
  if (stats !== null) doc = replaceBlock(doc, 'stats', statsTable(stats));
  const bulk = load('bulk-') as BulkDoc | null;
  if (bulk !== null) doc = replaceBlock(doc, 'bulk', bulkTable(bulk));
  const typed = load('typed-') as TypedDoc | null;
  if (typed !== null) doc = replaceBlock(doc, 'typed', typedTable(typed));
  const browser = load('browser-') as BrowserDoc | null;
  if (browser !== null) doc = replaceBlock(doc, 'browser', browserTable(browser));
  doc = replaceBlock(doc, 'engines', engineTargetsTable(fast, checked, frame as NodeFrameDoc | null, browser as EngineDoc | null));
  const frameVerdicts = (frame as { verdicts?: readonly FrameVerdict[] } | null)?.verdicts ?? [];
  doc = replaceBlock(doc, 'targets', targetsTable({ alloc: { checked, fast }, typed, workers, frame, frameVerdicts, stats }));
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
