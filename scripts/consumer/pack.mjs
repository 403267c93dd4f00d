// `npm pack` of the package, and what the tarball holds (scripts/consumer-test.mjs).
//
// The pack runs in a copy of the checkout (without node_modules, which is linked, and without
// dist/ and other build output): prepack (scripts/build-package.mjs) empties and rebuilds dist/,
// and in the shared checkout that would delete dist/demo and the dist/ other commands are using.
// prepack builds every file of dist/ afresh, so the copy packs the same files as the checkout.
import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { run } from './util.mjs';

/** Not copied: installed and generated files (node_modules is linked instead). */
const SKIP = new Set(['node_modules', 'dist', '.git', 'test-results', 'playwright-report', 'coverage', '.reports', '.vitest-attachments',
  join('docs', 'api'), join('bench', '.out'), join('test', '__screenshots__')]);

/** No path of the tarball may start with one of these (after `package/`). */
export const FORBIDDEN = ['dist/demo/', 'src/', 'test/', 'demo/', 'bench/', 'e2e/', 'scripts/', 'public/', 'docs/api/'];

/** Files the tarball must hold. */
export const REQUIRED = ['package.json', 'README.md', 'LICENSE', 'dist/checked/index.js', 'dist/fast/index.js', 'dist/types/index.d.ts', 'dist/vite/index.js'];

/** Copies the checkout to `stage` and runs `npm pack` there; returns the tarball's path and npm's file list. */
export async function pack(root, stage, destination) {
  cpSync(root, stage, {
    recursive: true,
    filter: (src) => {
      const parts = relative(root, src).split(sep);
      return !SKIP.has(parts[0]) && !SKIP.has(parts.slice(0, 2).join(sep));
    },
  });
  symlinkSync(join(root, 'node_modules'), join(stage, 'node_modules'), 'dir');
  mkdirSync(destination, { recursive: true });
  const r = await run('npm', ['pack', '--json', '--pack-destination', destination], { cwd: stage, timeout: 180_000 });
  if (!r.ok) return { ok: false, out: r.out, secs: r.secs };
  // prepack's own output comes first on stdout; npm's JSON is the last top-level array
  const at = r.stdout.search(/^\[\s*\{/m);
  const info = JSON.parse(r.stdout.slice(at))[0];
  return { ok: true, secs: r.secs, tarball: join(destination, info.filename), info };
}

/** Prints the tarball's files (by folder, with sizes; each file with `list`) and records the content checks. */
export function checkContents(checks, info, list = false) {
  const files = info.files.map((f) => ({ path: f.path, size: f.size }));
  const groups = new Map();
  for (const f of files) {
    const parts = f.path.split('/');
    const key = parts.length > 2 ? `${parts[0]}/${parts[1]}/` : parts.length === 2 ? `${parts[0]}/` : f.path;
    const g = groups.get(key) ?? { files: 0, bytes: 0 };
    g.files++;
    g.bytes += f.size;
    groups.set(key, g);
  }
  console.log(`  ${info.filename}: ${files.length} files, ${(info.size / 1024).toFixed(1)} kB packed, ${(info.unpackedSize / 1024).toFixed(1)} kB unpacked`);
  for (const [key, g] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`    ${key.padEnd(24)} ${String(g.files).padStart(4)} file${g.files === 1 ? ' ' : 's'} ${(g.bytes / 1024).toFixed(1).padStart(8)} kB`);
  }
  if (list) for (const f of files) console.log(`      ${f.path} ${f.size}`);
  const forbidden = files.filter((f) => FORBIDDEN.some((p) => f.path.startsWith(p)));
  checks.add('pack: no demo, sources, tests, benches or scripts', forbidden.length === 0,
    forbidden.length ? forbidden.slice(0, 10).map((f) => f.path).join(', ') : '');
  const have = new Set(files.map((f) => f.path));
  const missing = REQUIRED.filter((p) => !have.has(p));
  checks.add('pack: built JS, declarations, LICENSE, README', missing.length === 0, missing.length ? `missing ${missing.join(', ')}` : '');
  const maps = files.filter((f) => f.path.endsWith('.js.map')).length;
  checks.add('pack: source maps of both builds', maps > 0 && files.some((f) => f.path.startsWith('dist/fast/') && f.path.endsWith('.js.map')), `${maps} maps`);
}
