/**
 * The fingerprint of docs/METRICS.md: a hash of every file the metrics are measured from (the
 * sources, the tests, the examples, the budgets, the newest bench results, the configs). When
 * any of them changes, the committed dashboard is stale.
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './format.ts';

/** Folders whose every file counts, and single files. */
const FOLDERS = ['src', 'test', 'examples'];
const FILES = ['package.json', 'tsconfig.json', 'vitest.config.ts', 'vite.config.ts', 'docs/ERRORS.md', 'scripts/size-budgets.json', 'scripts/size-check.mjs', 'scripts/public-names.ts', 'scripts/metrics.ts'];

function walk(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'node_modules' && name !== '__screenshots__') walk(p, out);
    } else out.push(p);
  }
}

/** The newest stats results file (the dashboard's stats overhead). */
function newestStats(): string[] {
  const dir = join(ROOT, 'bench', 'results');
  const names = readdirSync(dir).filter((n) => /^stats-.*\.json$/.test(n)).sort();
  return names.length === 0 ? [] : [join(dir, names[names.length - 1])];
}

/** sha256 (16 hex digits) over the inputs' paths and contents, line endings normalised. */
export function fingerprint(): string {
  const files: string[] = [];
  for (const d of FOLDERS) walk(join(ROOT, d), files);
  for (const f of FILES) if (existsSync(join(ROOT, f))) files.push(join(ROOT, f));
  walk(join(ROOT, 'scripts', 'metrics'), files);
  files.push(...newestStats());
  const h = createHash('sha256');
  for (const f of files.map((p) => relative(ROOT, p)).sort()) {
    h.update(f);
    h.update('\0');
    h.update(readFileSync(join(ROOT, f), 'utf8').replace(/\r\n/g, '\n'));
    h.update('\0');
  }
  return h.digest('hex').slice(0, 16);
}
