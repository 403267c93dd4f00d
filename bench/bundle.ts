/**
 * Production bundles for the benches: a bench entry (the cases, the frame-loop variants, the
 * browser page) built with Vite's `build()` API the way a user's app ships the library: library
 * mode, ES module, minified, everything bundled in (the library, gl-matrix, tinybench), into
 * `bench/.out/<name>-<build>.mjs` (`.mjs`: ESLint's config ignores those, so a bundle left in the
 * tree never reaches `npm run lint`). The `fast` build defines `__NEBULA_CHECKS__` as `false` (the
 * checks compile away), `checked` defines nothing. Rebuilt on every run (a few seconds).
 * @module
 */
import { join } from 'node:path';
import { build as viteBuild } from 'vite';
import { BENCH_DIR } from './report.ts';

/** The library build a bundle holds. */
export type Build = 'checked' | 'fast';

/** Where the bundles go (git-ignored). */
export const OUT_DIR = join(BENCH_DIR, '.out');

/** The bench entries that get bundled, by name: path relative to bench/. */
export const ENTRIES = {
  /** The Node allocation cases (bench/run.ts). */
  cases: 'cases/all.ts',
  /** The frame-loop variants (bench/frame-loop.bench.ts's children). */
  frames: 'frame-loop/entry.ts',
  /** The browser page: suite, cases, tinybench (bench/browser/run.ts). */
  page: 'browser/page.ts',
} as const;

/** An entry's name. */
export type EntryName = keyof typeof ENTRIES;

/** The path of the bundle of `name` in `build`. */
export function bundlePath(name: EntryName, build: Build): string {
  return join(OUT_DIR, `${name}-${build}.mjs`);
}

/** Builds the bundle of `name` in `build` and returns its path. */
export async function bundle(name: EntryName, build: Build): Promise<string> {
  const file = `${name}-${build}.mjs`;
  await viteBuild({
    configFile: false,
    root: join(BENCH_DIR, '..'),
    logLevel: 'warn',
    clearScreen: false,
    define: build === 'fast' ? { __NEBULA_CHECKS__: 'false' } : {},
    build: {
      outDir: OUT_DIR,
      emptyOutDir: false,
      write: true,
      minify: true,
      target: 'es2022',
      reportCompressedSize: false,
      copyPublicDir: false,
      lib: { entry: join(BENCH_DIR, ENTRIES[name]), formats: ['es'], fileName: () => file },
    },
  });
  return join(OUT_DIR, file);
}

/** Builds every `name` x `build` bundle, one after the other; prints how long it took. */
export async function bundleAll(names: readonly EntryName[], builds: readonly Build[]): Promise<void> {
  const t0 = performance.now();
  for (const name of names) for (const b of builds) await bundle(name, b);
  console.error(`bundled ${names.join(', ')} x ${builds.join(', ')} (vite build, minified) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
