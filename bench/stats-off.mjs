// Preload that compiles the library's statistics out: must run before nebula-memory is imported.
// usage: node --expose-gc --import ./bench/fast-build.mjs --import ./bench/stats-off.mjs --import tsx bench/stats.bench.ts
globalThis.__NEBULA_STATS__ = false;
