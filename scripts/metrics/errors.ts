/**
 * The error metrics of the dashboard: which catalog codes a test names, which test files make up
 * the misuse suite, and the quality of the errors the sources raise.
 * @module
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MEMORY_ERROR_CODES } from '../../src/errors.ts';
import { ROOT } from './format.ts';

function files(dir: string, ext: RegExp, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files(p, ext, out);
    else if (ext.test(name)) out.push(p);
  }
  return out;
}

/** Codes named (as a quoted string) in a test file; the misuse suite is the files that name one in an assertion. */
export function codesCoveredByTests(): { all: readonly string[]; covered: readonly string[]; missing: readonly string[]; misuseFiles: readonly string[] } {
  const tests = files(join(ROOT, 'test'), /\.ts$/).map((f) => ({ f, text: readFileSync(f, 'utf8') }));
  const named = (code: string): boolean => tests.some((t) => t.text.includes(`'${code}'`) || t.text.includes(`"${code}"`));
  const all = [...MEMORY_ERROR_CODES];
  const covered = all.filter(named);
  const asserts = /expectCode\(|code:\s*'[A-Z_]+'|\.code\)\.toBe\('[A-Z_]+'\)|toThrow\(\/[A-Z_]{4,}/;
  const misuseFiles = tests.filter((t) => t.f.endsWith('.test.ts') && asserts.test(t.text)).map((t) => relative(ROOT, t.f)).sort();
  return { all, covered, missing: all.filter((c) => !named(c)), misuseFiles };
}

/** The text of the call that opens at `start` (the index of its `(`), to its matching `)`. */
function callText(src: string, start: number): string {
  let depth = 0;
  for (let i = start; i < src.length; i++) {
    const c = src[i];
    if (c === "'" || c === '"' || c === '`') {
      const close = src.indexOf(c, i + 1); // no nested quotes of the same kind in these messages
      if (close > 0) i = close;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return src.slice(start, i + 1);
  }
  return src.slice(start);
}

/** Every `memoryError(...)` call site of src/: whether it gives a fix and names a code with a catalog entry. */
export function errorQuality(): { sites: number; withFix: number; withLink: number; complete: number; incomplete: readonly string[] } {
  const catalog = readFileSync(join(ROOT, 'docs', 'ERRORS.md'), 'utf8');
  const anchors = new Set([...catalog.matchAll(/^### ([a-z_]+)$/gm)].map((m) => m[1].toUpperCase()));
  let sites = 0;
  let withFix = 0;
  let withLink = 0;
  let complete = 0;
  const incomplete: string[] = [];
  for (const f of files(join(ROOT, 'src'), /\.ts$/)) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(/\bmemoryError\(/g)) {
      const line = src.slice(src.lastIndexOf('\n', m.index) + 1, m.index);
      if (/function\s+$/.test(line) || /^\s*(\*|\/\/)/.test(line)) continue; // the definition, or a comment
      const call = callText(src, m.index + m[0].length - 1);
      sites++;
      const fix = /\bsuggestion\b/.test(call);
      const code = /^\(\s*'([A-Z_]+)'/.exec(call)?.[1];
      const link = code === undefined ? true : anchors.has(code); // a code passed through (a wrapper) is checked at its callers
      if (fix) withFix++;
      if (link) withLink++;
      if (fix && link) complete++;
      else incomplete.push(`${relative(ROOT, f)}:${String(src.slice(0, m.index).split('\n').length)}`);
    }
  }
  return { sites, withFix, withLink, complete, incomplete };
}
