// The public API: each entry of package.json's `exports` with its names, the budget (the root at
// most 40 names, all entries together at most 100, types included), no name in two entries, and
// the exports map pointing at the entries' sources' built files. Node only (it runs the compiler).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PUBLIC_ENTRIES, publicNames } from '../scripts/public-names.ts';

const names = publicNames();
const count = (e: { values: readonly string[]; types: readonly string[] }): number => e.values.length + e.types.length;

describe('public API', () => {
  it('the root has at most 40 names and all entries together at most 100', () => {
    const root = names.find((e) => e.entry === 'nebula-memory');
    expect(root).toBeDefined();
    expect(count(root ?? { values: [], types: [] })).toBeLessThanOrEqual(40);
    expect(names.reduce((n, e) => n + count(e), 0)).toBeLessThanOrEqual(100);
  });

  it('no name is exported by two entries', () => {
    const seen = new Map<string, string>();
    for (const e of names) {
      for (const n of [...e.values, ...e.types]) {
        expect(seen.get(n), `${n} in ${e.entry}`).toBeUndefined();
        seen.set(n, e.entry);
      }
    }
  });

  it('the removed synonyms stay removed', () => {
    const all = new Set(names.flatMap((e) => [...e.values, ...e.types]));
    for (const gone of ['WorkerInspector', 'InspectorInWorker', 'startInspectorWorker', 'takeSlot', 'DedupLoader', 'CircuitBreakerLoader', 'TypedArena', 'TypedPool', 'TypedStack']) {
      expect(all.has(gone), gone).toBe(false);
    }
  });

  it('package.json exports every entry, with types, development (checked), production (fast) and a checked default', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { exports: Record<string, Record<string, string> | string> };
    for (const [entry, file] of PUBLIC_ENTRIES) {
      const key = entry === 'nebula-memory' ? '.' : `.${entry.slice('nebula-memory'.length)}`;
      const e = pkg.exports[key];
      expect(typeof e, key).toBe('object');
      if (typeof e !== 'object') continue;
      const stem = file.replace(/^src\//, '').replace(/\.ts$/, '');
      expect(e.types).toBe(`./dist/types/${stem}.d.ts`);
      if (entry === 'nebula-memory/vite') {
        expect(e.default).toBe(`./dist/vite/index.js`);
        continue;
      }
      expect(Object.keys(e)).toEqual(['types', 'development', 'production', 'default']);
      expect(e.development).toBe(`./dist/checked/${stem}.js`);
      expect(e.production).toBe(`./dist/fast/${stem}.js`);
      expect(e.default).toBe(`./dist/checked/${stem}.js`);
    }
  });
});
