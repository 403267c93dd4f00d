/**
 * Formatting helpers of the metrics dashboard (scripts/metrics.ts).
 * @module
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** One decimal. */
export const f1 = (x: number): string => x.toFixed(1);

/** `a` of `b` as a percentage with one decimal. */
export const pct = (a: number, b: number): string => (b === 0 ? '-' : `${f1((100 * a) / b)}%`);

/** A Markdown table. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---|').join('')}`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}
