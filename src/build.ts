/**
 * The build switch. The checked build (the default) validates every offset and handle and
 * reports misuse with a {@link nebula-memory!MemoryError}; the fast build compiles those checks away.
 *
 * Select the fast build by defining the global constant `__NEBULA_CHECKS__` as `false`:
 * - Vite / Vitest: `define: { __NEBULA_CHECKS__: 'false' }` in the config;
 * - esbuild: `--define:__NEBULA_CHECKS__=false`; webpack: `new DefinePlugin({ __NEBULA_CHECKS__: 'false' })`;
 * - no bundler (Node, tsx): `globalThis.__NEBULA_CHECKS__ = false` before the first import.
 *
 * How the runtime reads it, so that every bundler drops the checks: every check sits behind
 * `if (__NEBULA_CHECKS__)`, the global itself. A define replaces it there by `false`, and
 * esbuild, Rollup/Rolldown and terser remove the branch. A const in between is not enough:
 * esbuild inlines a const only inside a file without imports, and an imported one only after it
 * has removed dead code, so `if (CHECKS)` stays in its output as `var CHECKS = !1; if (CHECKS)`.
 * Where no bundler replaced it, this module defines the global as `true` (unless the
 * application set it first), and every module with checks imports this one before its own code
 * runs; V8 then folds the global like a constant (a global that does not exist at all would
 * cost about 6 ns per check). test/build-switch.test.ts builds the library with esbuild and with
 * Vite and checks that the fast output holds no check code and that both outputs run.
 * @module
 */

/**
 * True in the checked build. Every check in the runtime sits behind `if (CHECKS)`.
 *
 * Thread-safety: a constant; any worker.
 * @example
 * ```ts
 * console.log(CHECKS ? 'checked build' : 'fast build');
 * ```
 */
export const CHECKS: boolean = typeof __NEBULA_CHECKS__ === 'undefined' || __NEBULA_CHECKS__;

// no define, and the application set nothing: the checked build (under a define this folds away)
if (typeof __NEBULA_CHECKS__ === 'undefined') (globalThis as { __NEBULA_CHECKS__?: boolean }).__NEBULA_CHECKS__ = true;

/**
 * True unless statistics are compiled out. Allocators count allocations, frees, bytes and
 * failures in plain per-thread fields and publish them to the shared buffer once per frame
 * ({@link Memory.publishStats}); define `__NEBULA_STATS__` as `false` (the same ways as
 * `__NEBULA_CHECKS__`) to drop the counting too. The bench measures what it costs: stats on
 * against stats off. Each allocator module reads it into a const of its own and counts with
 * `count += STAT_STEP` (`STATS ? 1 : 0`) rather than a branch: `if (STATS) count++` measured
 * 0.6-1.1 ns per arena alloc against about 0.05 ns for the add.
 *
 * Thread-safety: a constant; any worker.
 * @example
 * ```ts
 * if (STATS) console.log(memory.snapshot().regions[0].stats.allocations);
 * ```
 */
export const STATS: boolean = typeof __NEBULA_STATS__ === 'undefined' || __NEBULA_STATS__;

