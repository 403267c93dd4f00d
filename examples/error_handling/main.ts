/**
 * Error handling, run directly:
 *
 *   node --import tsx examples/error_handling/main.ts
 *
 * Prints every common misuse with the MemoryError it raises and how to read it. That is the
 * checked build, the default. To see what the fast build still reports, define
 * `__NEBULA_CHECKS__ = false` before the library loads (a bundler's `define` does it for an app):
 *
 *   node --import ./bench/fast-build.mjs --import tsx examples/error_handling/main.ts
 */
import { runErrorHandling } from './walkthrough.ts';

runErrorHandling((line) => { console.log(line); });
