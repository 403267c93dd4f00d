import { expect } from 'vitest';
import { MemoryError } from '../src/index.ts';

/**
 * Runs `fn`, expects a MemoryError with `code` (also the typed layer's codes, which are not in
 * the MemoryErrorCode union yet) and a docs link to its entry; returns it.
 */
export function expectError(fn: () => unknown, code: string): MemoryError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected MemoryError ${code}`).toBeInstanceOf(MemoryError);
  const err = caught as MemoryError;
  expect(err.code as string).toBe(code);
  expect(err.message).toContain(`[${code}]`);
  expect(err.docs.endsWith(`ERRORS.md#${code.toLowerCase()}`)).toBe(true);
  return err;
}

/** True in a browser project. */
export const inBrowser = typeof window !== 'undefined';
