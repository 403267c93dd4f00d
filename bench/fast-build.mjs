// Preload for the fast build: must run before nebula-memory is imported.
// usage: node --expose-gc --import ./bench/fast-build.mjs --import tsx bench/stats.bench.ts (bench/child.ts adds it for
// fast-build children that run the sources: stats, workers through ts-worker.mjs, run.ts --src)
globalThis.__NEBULA_CHECKS__ = false;
