import { expect, it } from 'vitest';
import { CHECKS } from '../src/build.ts';
import { MemoryError, type MemoryErrorCode } from '../src/index.ts';

/** Runs `fn`, expects a MemoryError with `code`, and returns it for further checks. */
export function expectCode(fn: () => unknown, code: MemoryErrorCode): MemoryError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected MemoryError ${code}`).toBeInstanceOf(MemoryError);
  const err = caught as MemoryError;
  expect(err.code).toBe(code);
  expect(err.message).toContain(`[${code}]`);
  expect(err.docs).toMatch(new RegExp(`ERRORS\\.md#${code.toLowerCase()}$`));
  return err;
}

/** True in a browser project. */
export const inBrowser = typeof window !== 'undefined';

/** A test of a check that the fast build compiles away: runs only in the checked build. */
export const itChecked = CHECKS ? it : it.skip;

export { CHECKS };
