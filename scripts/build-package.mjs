#!/usr/bin/env node
// `npm run build:lib` (and `prepack`): builds the package's dist/ from src/.
//   dist/checked/  the checked build (ES modules, one file per source module, source maps). The
//                  checks read the global `__NEBULA_CHECKS__`, so an application's define of it
//                  still selects the fast code; where nothing defines it, src/build.ts sets it true.
//   dist/fast/     the fast build: the same modules with `__NEBULA_CHECKS__` defined as false, so
//                  every check is gone from the files.
//   dist/vite/     the Vite plugin (`nebula-memory/vite`), for Node; it has no checks.
//   dist/types/    the declarations, one .d.ts per source module.
// package.json's `exports` map the `development` condition (and the default) to dist/checked and
// `production` to dist/fast.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

/** The package's browser-side entries: `nebula-memory` and its subpaths, by source file. */
export const ENTRIES = {
  index: 'src/index.ts',
  'typed/index': 'src/typed/index.ts',
  'inspector/index': 'src/inspector/index.ts',
  'cache/index': 'src/cache/index.ts',
  trace: 'src/trace.ts',
  kinds: 'src/kinds.ts',
};

/** One library build of the entries into `dist/<dir>`, with `define` applied. */
async function buildRuntime(dir, define) {
  await build({
    root,
    configFile: false,
    publicDir: false,
    logLevel: 'warn',
    define,
    build: {
      outDir: join(dist, dir),
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      sourcemap: true,
      lib: { entry: Object.fromEntries(Object.entries(ENTRIES).map(([k, v]) => [k, join(root, v)])), formats: ['es'] },
      rolldownOptions: { output: { preserveModules: true, preserveModulesRoot: join(root, 'src'), entryFileNames: '[name].js' } },
    },
  });
}

/** The Vite plugin: a Node module; `vite` and Node's built-ins stay imports. */
async function buildVitePlugin() {
  await build({
    root,
    configFile: false,
    publicDir: false,
    logLevel: 'warn',
    build: {
      outDir: join(dist, 'vite'),
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      sourcemap: true,
      ssr: true,
      lib: { entry: { index: join(root, 'src/vite/index.ts') }, formats: ['es'] },
      rolldownOptions: { external: [/^node:/, /^vite($|\/)/], output: { entryFileNames: '[name].js' } },
    },
  });
}

/** The declarations: tsc over src/ (tsconfig.lib.json), relative imports rewritten to .js. */
function buildTypes() {
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.lib.json')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('tsc -p tsconfig.lib.json failed');
  // tsc keeps the sources' `.ts` specifiers in declarations; a consumer resolves `.js`
  for (const file of readdirSync(join(dist, 'types'), { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.d.ts')) continue;
    const path = join(dist, 'types', file);
    const text = readFileSync(path, 'utf8');
    const fixed = text.replace(/((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]*?)\.ts(['"])/g, '$1$2.js$3');
    if (fixed !== text) writeFileSync(path, fixed);
  }
}

async function main() {
  rmSync(dist, { recursive: true, force: true });
  await buildRuntime('checked', {});
  await buildRuntime('fast', { __NEBULA_CHECKS__: 'false' });
  if (existsSync(join(root, 'src/vite/index.ts'))) await buildVitePlugin();
  buildTypes();
  console.log('dist/: checked, fast, vite, types');
}

await main();
