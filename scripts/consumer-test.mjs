#!/usr/bin/env node
// The consumer test (`npm test` step `consumer`; standalone: `node scripts/consumer-test.mjs`):
// the package as an application gets it from npm.
//  1. `npm pack` (prepack builds dist/), in a copy of the checkout; the tarball's files and size,
//     without the demo, sources, tests or benches, with both builds, the declarations and LICENSE.
//  2. publint and attw (--profile esm-only) on the tarball.
//  3. A temporary project (os.tmpdir()) installs the tarball with typescript, vite, gl-matrix and
//     @types/node at this repo's versions.
//  4. Node: which build each export condition gives; the README's examples run, printing what
//     their comments say, in the checked and the fast build.
//  5. tsc --strict: a browser config (DOM) over every entry and the Vite plugin; a config without
//     the DOM (lib ES2022, types [], skipLibCheck false) over core, typed and cache, and trace and
//     kinds each on their own (only /inspector may need the DOM).
//  6. Vite, with the package's plugin: `vite build --mode development` must bundle the checked
//     build and `vite build` the fast one (no __NEBULA_CHECKS__, no check code); `vite preview` of
//     each in Chromium: cross-origin isolated, a module worker attaches and writes into a pool
//     slot and an arena block, and the page reads the values back from the shared memory; the
//     dev server (`vite`) must serve the checked build too.
// Exits 1 when a check fails, naming it. `--list` prints every file of the tarball;
// NEBULA_KEEP_CONSUMER=1 keeps the temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkContents, pack } from './consumer/pack.mjs';
import { packageLint } from './consumer/package-lint.mjs';
import { install, writeProject } from './consumer/project.mjs';
import { nodeConditions, runReadme } from './consumer/readme.mjs';
import { typecheck } from './consumer/typecheck.mjs';
import { Checks, indent, section } from './consumer/util.mjs';
import { DEV_SERVER, MODES, buildApp, runInChromium } from './consumer/vite-app.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = mkdtempSync(join(tmpdir(), 'nebula-consumer-'));
const checks = new Checks();
const t0 = Date.now();

async function main() {
  section(`npm pack (in a copy of the checkout, ${join(tmp, 'stage')})`);
  const packed = await pack(root, join(tmp, 'stage'), join(tmp, 'pack'));
  if (!checks.add('npm pack (prepack builds dist/)', packed.ok, packed.ok ? `${packed.secs} s` : packed.out.split('\n').slice(-3).join(' '))) {
    console.log(indent(packed.out));
    return;
  }
  checkContents(checks, packed.info, process.argv.includes('--list'));

  section(`consumer project ${join(tmp, 'app')}: npm install; publint and attw on the tarball`);
  const app = join(tmp, 'app');
  const tools = writeProject(root, app, packed.tarball);
  console.log(`  installs nebula-memory from ${packed.tarball}, ${Object.entries(tools).map(([n, v]) => `${n}@${v}`).join(', ')}`);
  const [installed] = await Promise.all([install(app), packageLint(checks, root, packed.tarball)]);
  if (!checks.add('npm install of the tarball', installed.ok, installed.ok ? `${installed.secs} s` : installed.out.split('\n').slice(-3).join(' '))) {
    console.log(indent(installed.out));
    return;
  }

  section('Node: export conditions and the README examples');
  await nodeConditions(checks, app);
  await runReadme(checks, root, app);

  section('tsc --strict');
  await typecheck(checks, app);

  section('Vite: builds with nebula-memory/vite, then vite preview and the dev server in Chromium');
  const built = [];
  for (const mode of MODES) if (await buildApp(checks, app, mode)) built.push(mode);
  await runInChromium(checks, root, app, [...built, DEV_SERVER]);
}

try {
  await main();
} catch (e) {
  checks.add('consumer test ran to its end', false, e?.stack ?? String(e));
} finally {
  if (process.env.NEBULA_KEEP_CONSUMER) console.log(`\nkept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
checks.summary();
console.log(`(${((Date.now() - t0) / 1000).toFixed(1)} s)`);
process.exit(checks.failed.length ? 1 : 0);
