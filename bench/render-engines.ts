/**
 * The per-engine targets table of docs/PERFORMANCE.md (the speed issue's targets): each path's
 * ratio to its hand-written reference in Node, Chromium, Firefox (default and raised inlining
 * limit) and WebKit, as the median of the per-round ratios with their min-max, from the newest
 * bundled runs in bench/results.
 * @module
 */

/** One allocation case of a Node run: its per-round medians. */
interface NodeAllocRow { readonly id: string; readonly roundMediansNs?: readonly number[] }
/** A Node allocation run (one build). */
export interface NodeAllocDoc { readonly results: readonly NodeAllocRow[] }
/** A Node frame-loop run: p50 and p99 of each process. */
export interface NodeFrameDoc { readonly results: readonly { readonly id: string; readonly perRun: readonly { readonly p50: number; readonly p99: number }[] }[] }
/** A browser frame-loop row: one value per fresh page. */
interface PageFrameRow { readonly id: string; readonly p50Runs: readonly number[]; readonly p99Runs: readonly number[] }
/** A browser run's ratios (median, min, max) and frame-loop rows. */
interface EngineRun {
  readonly browser: string;
  readonly result: { readonly build: string; readonly frames?: { readonly rows: readonly PageFrameRow[] } };
}
/** The browser results file. */
export interface EngineDoc {
  readonly runs: readonly EngineRun[];
  readonly ratios: Readonly<Record<string, readonly Spread[] | undefined>>;
}

/** A ratio with its spread over rounds (or runs). */
interface Spread { readonly name: string; readonly median: number; readonly min: number; readonly max: number }

const ENGINES: readonly (readonly [string, string])[] = [
  ['node', 'Node 20'], ['chromium', 'Chromium'], ['firefox', 'Firefox'], ['firefox-inline', 'Firefox (limit 1000)'], ['webkit', 'WebKit'],
];

/** Each target: its row label, the ratio's name in the results, and its limit. */
const TARGETS: readonly { readonly label: string; readonly ratio: string; readonly limit: number }[] = [
  { label: 'arena `alloc(16, 16)` ÷ hand bump', ratio: 'arena ÷ bump', limit: 1.25 },
  { label: 'arena after `reserve()` ÷ hand bump', ratio: 'arena-reserve ÷ bump', limit: 1.25 },
  { label: '`tmp.vec3()` ÷ hand bump', ratio: 'tmp.vec3 ÷ bump', limit: 1.25 },
  { label: 'pool alloc + offsetOf + free ÷ free list', ratio: 'pool ÷ free-list', limit: 1.5 },
  { label: 'stack push + pop ÷ hand stack', ratio: 'stack ÷ hand-stack', limit: 1.3 },
  { label: 'frame loop p50 ÷ hand arena (`arena`)', ratio: 'frame arena p50', limit: 1.1 },
  { label: 'frame loop p99 ÷ hand arena (`arena`)', ratio: 'frame arena p99', limit: 1.1 },
  { label: 'frame loop p50 ÷ hand arena (`arena-reserve`)', ratio: 'frame arena-reserve p50', limit: 1.1 },
  { label: 'frame loop p99 ÷ hand arena (`arena-reserve`)', ratio: 'frame arena-reserve p99', limit: 1.1 },
  { label: 'checked ÷ fast, arena', ratio: 'arena checked ÷ fast', limit: 2.5 },
  { label: 'checked ÷ fast, pool', ratio: 'pool checked ÷ fast', limit: 2.5 },
  { label: 'checked ÷ fast, stack', ratio: 'stack checked ÷ fast', limit: 2.5 },
];

const med = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The ratios of runs `a[k] / b[k]`, as a spread, or null when either side is missing. */
function spreadOf(name: string, a: readonly number[] | undefined, b: readonly number[] | undefined): Spread | null {
  if (a === undefined || b === undefined) return null;
  const rs: number[] = [];
  for (let k = 0; k < Math.min(a.length, b.length); k++) rs.push(a[k] / b[k]);
  return rs.length === 0 ? null : { name, median: med(rs), min: Math.min(...rs), max: Math.max(...rs) };
}

/** Node's spreads: allocation rounds (fast build; checked ÷ fast pairs round k of each process) and frame-loop processes. */
function nodeSpreads(fast: NodeAllocDoc | null, checked: NodeAllocDoc | null, frame: NodeFrameDoc | null): Spread[] {
  const out: Spread[] = [];
  const rounds = (d: NodeAllocDoc | null, id: string): readonly number[] | undefined => d?.results.find((r) => r.id === id)?.roundMediansNs;
  const push = (s: Spread | null): void => { if (s !== null) out.push(s); };
  for (const t of TARGETS) {
    const [a, b] = t.ratio.split(' ÷ ');
    if (t.ratio.startsWith('frame')) continue;
    if (b === 'fast') push(spreadOf(t.ratio, rounds(checked, a.replace(' checked', '')), rounds(fast, a.replace(' checked', ''))));
    else push(spreadOf(t.ratio, rounds(fast, a), rounds(fast, b)));
  }
  const runs = (id: string, q: 'p50' | 'p99'): readonly number[] | undefined => frame?.results.find((r) => r.id === id)?.perRun.map((x) => x[q]);
  for (const v of ['arena', 'arena-reserve']) {
    for (const q of ['p50', 'p99'] as const) push(spreadOf(`frame ${v} ${q}`, runs(`${v}/fast`, q), runs('hand-arena', q)));
  }
  return out;
}

/** One engine's spreads from the browser results: the allocation ratios and the fast build's fresh-page frame loop. */
function engineSpreads(doc: EngineDoc, engine: string): Spread[] {
  const out = [...(doc.ratios[engine] ?? [])];
  const rows = doc.runs.find((r) => r.browser === engine && r.result.build === 'fast')?.result.frames?.rows ?? [];
  const row = (id: string): PageFrameRow | undefined => rows.find((r) => r.id === id);
  for (const v of ['arena', 'arena-reserve']) {
    for (const q of ['p50', 'p99'] as const) {
      const s = spreadOf(`frame ${v} ${q}`, row(v)?.[`${q}Runs`], row('hand-arena')?.[`${q}Runs`]);
      if (s !== null) out.push(s);
    }
  }
  return out;
}

const cell = (s: Spread | undefined, limit: number): string => {
  if (s === undefined) return '-';
  const text = `${s.median.toFixed(2)} (${s.min.toFixed(2)}-${s.max.toFixed(2)})`;
  return s.median <= limit ? text : `**${text}**`;
};

/**
 * The table: one row per target, one column per engine; a missed target's cell is bold.
 * @example
 * ```ts
 * const md = engineTargetsTable(fastDoc, checkedDoc, frameDoc, browserDoc);
 * ```
 */
export function engineTargetsTable(fast: NodeAllocDoc | null, checked: NodeAllocDoc | null, frame: NodeFrameDoc | null, browser: EngineDoc | null): string {
  const by = new Map<string, Spread[]>();
  by.set('node', nodeSpreads(fast, checked, frame));
  for (const [engine] of ENGINES.slice(1)) by.set(engine, browser === null ? [] : engineSpreads(browser, engine));
  const rows = TARGETS.map((t) => {
    const cells = ENGINES.map(([engine]) => cell(by.get(engine)?.find((s) => s.name === t.ratio), t.limit));
    const met = ENGINES.filter(([engine]) => {
      const s = by.get(engine)?.find((x) => x.name === t.ratio);
      return s !== undefined && s.median <= t.limit;
    }).length;
    return `| ${t.label} | ≤ ${String(t.limit)} | ${cells.join(' | ')} | ${String(met)} of ${String(ENGINES.length)} |`;
  });
  return [
    `| target | limit | ${ENGINES.map(([, name]) => name).join(' | ')} | met in |`,
    `|---|---:|${ENGINES.map(() => '---:|').join('')}---:|`,
    ...rows,
  ].join('\n');
}
