/**
 * The typed layer's error codes, built through the one `MemoryError` class. These codes are not
 * yet in {@link MemoryErrorCode}'s union; until they are, they are passed through `as never`.
 * @module
 */
import { MemoryError, type MemoryErrorDetails } from '../errors.ts';

/**
 * The codes the typed-memory layer adds to the catalog (docs/ERRORS.md).
 *
 * Thread-safety: a frozen constant; any worker.
 * @example
 * ```ts
 * if (e instanceof MemoryError && TYPED_ERROR_CODES.includes(e.code as TypedErrorCode)) report(e);
 * ```
 */
export const TYPED_ERROR_CODES = Object.freeze(['STRUCT_INVALID', 'TEMP_RING_EXHAUSTED', 'BUDGET_EXCEEDED'] as const);

/**
 * One of {@link TYPED_ERROR_CODES}.
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * const code: TypedErrorCode = 'BUDGET_EXCEEDED';
 * ```
 */
export type TypedErrorCode = (typeof TYPED_ERROR_CODES)[number];

/**
 * Builds a {@link nebula-memory!MemoryError} with a typed-layer code. Cold paths only: `throw typedError(...)`.
 * @internal
 */
export function typedError(code: TypedErrorCode, summary: string, details: MemoryErrorDetails): MemoryError {
  return new MemoryError(code, summary, details);
}
