// Preload for the fast build: must run before nebula-memory is imported.
// usage: node --expose-gc --import ./bench/fast-build.mjs --import tsx bench/run.ts --build fast
globalThis.__NEBULA_CHECKS__ = false;
