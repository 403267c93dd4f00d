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
