/**
 * The build switch folds in the bundlers users ship with: the library is built with esbuild and
 * with Vite (Rolldown) under `__NEBULA_CHECKS__ = false`, and the output must hold none of the
 * check code, while the checked build holds all of it. The markers are calls and messages that
 * exist only inside `if (CHECKS)` branches. Node only (it runs the bundlers).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * An application with the library installed in its node_modules (this package.json, src linked
 * in) that imports only createMemory: the bundler honours the package's `sideEffects` there, so
 * this is where dropping the module that defines the switch would show (as a ReferenceError).
 */
function installedApp(): string {
  const app = mkdtempSync(join(tmpdir(), 'nebula-app-'));
  const pkg = join(app, 'node_modules', 'nebula-memory');
  mkdirSync(pkg, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ ...manifest, exports: { '.': './src/index.ts' } }));
  symlinkSync(join(ROOT, 'src'), join(pkg, 'src'), 'dir');
  writeFileSync(join(app, 'main.ts'), "export { createMemory } from 'nebula-memory';\n");
  return app;
}
const APP = installedApp();
const NARROW = join(APP, 'main.ts');
/** The root entry and the typed one (the cursors' checks live there), as one module. */
const ENTRY = join(APP, 'all.ts');
writeFileSync(ENTRY, ['index.ts', 'typed/index.ts'].map((f) => `export * from ${JSON.stringify(join(ROOT, 'src', f))};\n`).join(''));
afterAll(() => { rmSync(APP, { recursive: true, force: true }); });

/** Code that only the checks' branches contain, per module (calls and messages, as minified). */
const MARKERS: Readonly<Record<string, readonly RegExp[]>> = {
  pool: [/\.noteAlloc\(/, /\.handleError\(["'`]free/, /\.handleError\(["'`]offsetOf/],
  arena: [/\.guard\(/, /\.keepMark\(/, /\.markOfThisLease\(/, /\.poisonLanesFrom\(/],
  stack: [/\.popError\(/, /\.poisonFreed\(/, /\.noteSite\(/],
  cursor: [/\.badOffset\(/, /is outside 0\.\./],
};
const ALL = Object.values(MARKERS).flat();

async function withEsbuild(fast: boolean, entry = ENTRY): Promise<string> {
  const { build } = await import('esbuild');
  const r = await build({
    entryPoints: [entry], bundle: true, format: 'esm', platform: 'neutral', write: false, minify: true, logLevel: 'silent', preserveSymlinks: true,
    define: fast ? { __NEBULA_CHECKS__: 'false' } : {},
  });
  return r.outputFiles[0].text;
}

async function withVite(fast: boolean, entry = ENTRY): Promise<string> {
  const { build } = await import('vite');
  const r = await build({
    configFile: false, logLevel: 'silent', define: fast ? { __NEBULA_CHECKS__: 'false' } : {}, resolve: { preserveSymlinks: true },
    build: { write: false, minify: true, lib: { entry, formats: ['es'], fileName: 'nebula-memory' } },
  });
  const outputs = Array.isArray(r) ? r : [r];
  const chunks = outputs.flatMap((o) => ('output' in o ? o.output : [])).filter((c) => c.type === 'chunk');
  return chunks.map((c) => c.code).join('\n');
}

const present = (code: string): string[] => ALL.filter((m) => m.test(code)).map(String);

interface Lib {
  readonly CHECKS?: boolean;
  createMemory(o: { size: number }): { createPool(n: string, o: { slotSize: number; capacity: number }): { alloc(): number; free(h: number): void; checkInvariants(): void } };
}

/** Imports a bundle and uses it: a pool alloc and free, then a double free, which only the checked build reports. */
async function exercise(code: string): Promise<{ checks: boolean | null; doubleFree: string }> {
  // each bundle starts from a global object without the switch, as a page would
  const g = globalThis as { __NEBULA_CHECKS__?: boolean };
  const saved = g.__NEBULA_CHECKS__;
  delete g.__NEBULA_CHECKS__;
  try {
    return await run(code);
  } finally {
    if (saved === undefined) delete g.__NEBULA_CHECKS__;
    else g.__NEBULA_CHECKS__ = saved;
  }
}

async function run(code: string): Promise<{ checks: boolean | null; doubleFree: string }> {
  const lib = (await import(/* @vite-ignore */ `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as Lib;
  const pool = lib.createMemory({ size: 1 << 20 }).createPool('p', { slotSize: 16, capacity: 64 });
  const h = pool.alloc();
  pool.free(h);
  let doubleFree = 'accepted';
  try {
    pool.free(h);
  } catch (e) {
    doubleFree = (e as { code?: string }).code ?? String(e);
  }
  return { checks: lib.CHECKS ?? null, doubleFree };
}

describe.each([
  ['esbuild', withEsbuild],
  ['vite', withVite],
] as const)('the build switch under %s', (name, bundle) => {
  it('the fast build holds no check code; the checked build holds all of it; both run', async () => {
    const [checked, fast] = [await bundle(false), await bundle(true)];
    console.log(`build sizes[${name}]: checked ${checked.length} B, fast ${fast.length} B (minified, unzipped)`);
    expect(present(checked)).toEqual(ALL.map(String));
    expect(present(fast)).toEqual([]);
    expect(fast).not.toMatch(/__NEBULA_CHECKS__/);
    expect(fast.length).toBeLessThan(checked.length);
    expect(await exercise(checked)).toEqual({ checks: true, doubleFree: 'DOUBLE_FREE' });
    expect(await exercise(fast)).toEqual({ checks: false, doubleFree: 'accepted' });
  });

  it('an application with the package installed that imports only createMemory keeps the checks in the checked build, and none in the fast one', async () => {
    const [checked, fast] = [await bundle(false, NARROW), await bundle(true, NARROW)];
    expect(await exercise(checked)).toEqual({ checks: null, doubleFree: 'DOUBLE_FREE' });
    expect(await exercise(fast)).toEqual({ checks: null, doubleFree: 'accepted' });
    expect(present(fast)).toEqual([]);
  });
});
