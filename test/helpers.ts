import { expect, it } from 'vitest';
import { CHECKS } from '../src/build.ts';
import { type FrameArena, type Memory, MemoryError, type MemoryErrorCode, createMemory } from '../src/index.ts';
import { ARENA_HEADER_BYTES } from '../src/allocators/arena/frame-arena.ts';
import { DATA_START } from '../src/memory/layout.ts';

/** Where the data of a fresh memory's first region (an arena) starts: right after its header. */
export const FIRST_ARENA_DATA = DATA_START + ARENA_HEADER_BYTES;

/** A fresh 1 MiB memory `m` whose first region is the arena `a`. */
export function arenaSetup(opts: { capacity: number; frames?: number; laneBytes?: number }): { m: Memory; a: FrameArena } {
  const m = createMemory({ size: 1 << 20 });
  return { m, a: m.createArena('a', opts) };
}

/** Expects `caught` to be a MemoryError with `code` that links to its catalog entry; returns it. */
export function expectMemoryError(caught: unknown, code: MemoryErrorCode): MemoryError {
  expect(caught, `expected MemoryError ${code}`).toBeInstanceOf(MemoryError);
  const err = caught as MemoryError;
  expect(err.code).toBe(code);
  expect(err.message).toContain(`[${code}]`);
  expect(err.docs).toMatch(new RegExp(`ERRORS\\.md#${code.toLowerCase()}$`));
  return err;
}

/** Runs `fn`, expects a MemoryError with `code`, and returns it for further checks. */
export function expectCode(fn: () => unknown, code: MemoryErrorCode): MemoryError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  return expectMemoryError(caught, code);
}

/** True in a browser project. */
export const inBrowser = typeof window !== 'undefined';

/** A setting from the environment: process.env in Node, Vite's import.meta.env (VITE_ prefix) in browsers. */
export function setting(name: string): string | undefined {
  const env = import.meta.env as Record<string, unknown>;
  const fromVite = env[`VITE_${name}`] ?? env[name];
  if (typeof fromVite === 'string' && fromVite !== '') return fromVite;
  if (!inBrowser && typeof process === 'object') return process.env[name];
  return undefined;
}

/**
 * A test of a check that the fast build compiles away: runs only in the checked build.
 * Why it skips in the `node-fast` project: with `__NEBULA_CHECKS__ = false` the check under test
 * does not exist, so there is nothing to assert; the same test runs in node, chromium, firefox
 * and webkit, which are checked builds.
 */
export const itChecked = CHECKS ? it : it.skip;

export { CHECKS };
