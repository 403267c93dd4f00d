/**
 * The build switch. The checked build (the default) validates every offset and handle and
 * reports misuse with a {@link MemoryError}; the fast build compiles those checks away.
 *
 * Select the fast build by defining the global constant `__NEBULA_CHECKS__` as `false`:
 * - Vite / Vitest: `define: { __NEBULA_CHECKS__: 'false' }` in the config;
 * - esbuild: `--define:__NEBULA_CHECKS__=false`; webpack: `new DefinePlugin({ __NEBULA_CHECKS__: 'false' })`;
 * - no bundler (Node, tsx): `globalThis.__NEBULA_CHECKS__ = false` before the first import.
 * Bundlers then fold `CHECKS` to `false` and drop every `if (CHECKS)` branch.
 * @module
 */

declare const __NEBULA_CHECKS__: boolean | undefined;

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

declare const __NEBULA_STATS__: boolean | undefined;

/**
 * True unless statistics are compiled out. Allocators count allocations, frees, bytes and
 * failures in plain per-thread fields and publish them to the shared buffer once per frame
 * ({@link Memory.publishStats}); define `__NEBULA_STATS__` as `false` (the same ways as
 * `__NEBULA_CHECKS__`) to drop the counting too. The bench measures what it costs: stats on
 * against stats off.
 *
 * Thread-safety: a constant; any worker.
 * @example
 * ```ts
 * if (STATS) console.log(memory.snapshot().regions[0].stats.allocations);
 * ```
 */
export const STATS: boolean = typeof __NEBULA_STATS__ === 'undefined' || __NEBULA_STATS__;

