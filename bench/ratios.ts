/**
 * The ratios every allocation run prints (Node's bench/run.ts and each browser engine): each
 * library case against its hand-written reference, GC allocation against `tmp.vec3()`, and the
 * checked build against the fast one, each as the median of the per-round ratios with their
 * min-max (rounds run the cases interleaved, in shuffled order). Plus the Firefox inlining gap:
 * a library case that runs slower at Firefox's default inlining limit than at a raised one.
 * @module
 */
import { median } from './harness.ts';
import { fmt } from './report.ts';

/** The ratios of the fast build: `[case, reference]`. */
export const RATIO_PAIRS: readonly (readonly [string, string])[] = [
  ['arena', 'bump'], ['arena-reserve', 'bump'], ['tmp.vec3', 'bump'], ['pool', 'free-list'], ['stack', 'hand-stack'], ['vec3.create', 'tmp.vec3'],
];

/** The library cases (for checked ÷ fast) with their hot methods, as the cases list them. */
export interface LibraryCaseInfo {
  readonly id: string;
  readonly hot: readonly string[];
}

/** One case's per-round medians, ns/op, round k at index k. */
export type RoundMedians = ReadonlyMap<string, readonly number[]>;

/** A ratio: median of the per-round ratios, and their range. */
export interface Ratio {
  readonly name: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

function ratioOf(name: string, a: readonly number[] | undefined, b: readonly number[] | undefined): Ratio | null {
  if (a === undefined || b === undefined) return null;
  const n = Math.min(a.length, b.length);
  const rs: number[] = [];
  for (let k = 0; k < n; k++) rs.push(a[k] / b[k]);
  if (rs.length === 0) return null;
  return { name, median: median(rs), min: Math.min(...rs), max: Math.max(...rs) };
}

/**
 * The fast build's reference ratios, and checked ÷ fast per library case (round k of the checked
 * run against round k of the fast run: separate processes or pages, so only their order pairs them).
 */
export function ratiosOf(fast: RoundMedians, checked: RoundMedians | null, library: readonly LibraryCaseInfo[]): Ratio[] {
  const out: Ratio[] = [];
  for (const [a, b] of RATIO_PAIRS) {
    const r = ratioOf(`${a} ÷ ${b}`, fast.get(a), fast.get(b));
    if (r !== null) out.push(r);
  }
  if (checked !== null) {
    for (const c of library) {
      const r = ratioOf(`${c.id} checked ÷ fast`, checked.get(c.id), fast.get(c.id));
      if (r !== null) out.push(r);
    }
  }
  return out;
}

/** `1.23x (1.10-1.30)`; the range only when there is more than one round. */
export function ratioText(r: Ratio): string {
  return r.min === r.max ? `${fmt(r.median)}x` : `${fmt(r.median)}x (${fmt(r.min)}-${fmt(r.max)})`;
}

/** Prints `label: name r, name r, ...` lines, one per ratio. */
export function printRatios(label: string, ratios: readonly Ratio[]): void {
  console.log(`\n${label} (median of per-round ratios, min-max over rounds):`);
  const w = Math.max(0, ...ratios.map((r) => r.name.length));
  for (const r of ratios) console.log(`  ${r.name.padEnd(w)}  ${ratioText(r)}`);
}

/** One case's figures in one engine: median and range of its round medians, ns/op. */
export interface CaseNs {
  readonly id: string;
  readonly medianNs: number;
  readonly minNs: number;
  readonly maxNs: number;
}

/** A slowdown at Firefox's default inlining limit. */
export interface InlineGap {
  readonly id: string;
  /** ns/op at the default limit ÷ ns/op at the raised one. */
  readonly ratio: number;
  readonly hot: readonly string[];
  readonly text: string;
}

/** Firefox's default `javascript.options.inlining_bytecode_max_length`. */
export const FIREFOX_INLINE_DEFAULT = 130;
/** A gap counts above this ratio, and only when the two engines' round ranges do not overlap. */
export const GAP_THRESHOLD = 1.15;

/**
 * The library cases that run more than {@link GAP_THRESHOLD}x slower in `firefox` (default
 * inlining limit) than in `firefox-inline` (raised limit), by more than the rounds' spread.
 */
export function inlineGaps(base: readonly CaseNs[], raised: readonly CaseNs[], library: readonly LibraryCaseInfo[]): InlineGap[] {
  const out: InlineGap[] = [];
  for (const c of library) {
    const d = base.find((x) => x.id === c.id);
    const r = raised.find((x) => x.id === c.id);
    if (d === undefined || r === undefined) continue;
    const ratio = d.medianNs / r.medianNs;
    if (ratio > GAP_THRESHOLD && d.minNs > r.maxNs) {
      out.push({
        id: c.id, ratio, hot: c.hot,
        text: `firefox: ${c.id} is ${fmt(ratio, 1)}x slower at the default inlining limit (${FIREFOX_INLINE_DEFAULT} bytecode bytes): ` +
          `a hot method is over it: ${c.hot.join(', ')}`,
      });
    }
  }
  return out;
}
