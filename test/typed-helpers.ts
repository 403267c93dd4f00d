import type { MemoryError, MemoryErrorCode } from '../src/index.ts';
import { expectCode } from './helpers.ts';

/** Runs `fn`, expects a MemoryError with `code` and a docs link to its entry; returns it. */
export function expectError(fn: () => unknown, code: MemoryErrorCode): MemoryError {
  return expectCode(fn, code);
}

export { inBrowser } from './helpers.ts';
