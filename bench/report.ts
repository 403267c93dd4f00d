/**
 * How every bench reports: numbers formatted alike, tables with the case id in the first column
 * (left-aligned, the rest right-aligned), and the JSON written to bench/results/<name>-<date>.json.
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bench/ directory. */
export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

/** `x` with `digits` decimals, or `-` when it is not finite. */
export function fmt(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '-';
}

/** Today as YYYY-MM-DD (UTC), for result file names. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** bench/results/<name>-<date><suffix>.json. */
export function resultsPath(name: string, suffix = ''): string {
  return join(BENCH_DIR, 'results', `${name}-${today()}${suffix}.json`);
}

/** The lines of a table: columns padded to their widest cell, the first left-aligned, the rest right-aligned. */
export function tableLines(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: readonly string[]): string => cells.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  return [line(head), ...rows.map(line)];
}

/** Prints a table (see {@link tableLines}) after an empty line. */
export function printTable(head: readonly string[], rows: readonly (readonly string[])[]): void {
  console.log();
  for (const l of tableLines(head, rows)) console.log(l);
}

/** Prints `  id  label` lines, ids padded to the same width. */
export function printLabels(items: readonly { readonly id: string; readonly label: string }[]): void {
  const w = Math.max(0, ...items.map((x) => x.id.length));
  for (const x of items) console.log(`  ${x.id.padEnd(w)}  ${x.label}`);
}

/** Writes `doc` as JSON to `path` (directories made), numbers rounded to 3 decimals, and says so. */
export function writeJson(path: string, doc: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const round3 = (_key: string, v: unknown): unknown => (typeof v === 'number' ? Math.round(v * 1000) / 1000 : v);
  writeFileSync(path, `${JSON.stringify(doc, round3, 2)}\n`);
  console.log(`wrote ${path}`);
}
