/**
 * How to read a MemoryError.
 *
 * Every misuse and every failed request in nebula-memory throws a `MemoryError`. It is a plain
 * `Error` (so stack traces and `console.error` work as usual) with six fields you can read in code:
 *
 * - `code`: what went wrong, one of a closed union (`MemoryErrorCode`), so a `switch` on it is
 *   checked by TypeScript. Each code has an entry in docs/ERRORS.md.
 * - `allocator`: who refused, as `kind "name"` (`pool "bullets"`, `arena "frame"`) or `memory`.
 * - `request`: the arguments of the failing call (`{ op: 'free', handle: 160 }`).
 * - `state`: the allocator's state at that moment, with actual numbers (`{ live: 3, free: 5 }`).
 * - `suggestion`: what to change, in one sentence.
 * - `docs`: a link to this code's entry in docs/ERRORS.md.
 *
 * `message` repeats all of it in a readable form, so an uncaught error already tells the whole
 * story in the console. The allocator that threw is left intact: `checkInvariants()` passes.
 */
import { MemoryError, type MemoryErrorCode } from 'nebula-memory';

/** The fields of a MemoryError, copied into a plain object (for logs, tests, telemetry). */
export interface ErrorReading {
  readonly code: MemoryErrorCode;
  readonly allocator: string;
  readonly request: Readonly<Record<string, unknown>>;
  readonly state: Readonly<Record<string, unknown>>;
  readonly suggestion: string;
  readonly docs: string;
  /** The first line of `message`: `[CODE] allocator: what happened`. */
  readonly summary: string;
  /** What a game usually does about it (see {@link policyOf}). */
  readonly policy: ErrorPolicy;
}

/**
 * What to do about an error, by code:
 * - `'recover'`: the request could not be served this time (memory is full). Skip the effect,
 *   use the `try*` variant, or grow the capacity next release. Normal at runtime.
 * - `'fix-code'`: the program misused the allocator (double free, LIFO order, wrong thread...).
 *   A bug: log it with the message and fix the call site. Never "handle" it by retrying.
 * - `'fix-setup'`: the memory was set up wrong (a region name, an option, no isolation headers).
 *   Happens at startup; fix the config.
 */
export type ErrorPolicy = 'recover' | 'fix-code' | 'fix-setup';

/**
 * The policy for each code this example meets (and a few more). The `switch` is exhaustive over
 * the codes listed; anything else is treated as a bug, the safe default.
 */
export function policyOf(code: MemoryErrorCode): ErrorPolicy {
  switch (code) {
    case 'ARENA_EXHAUSTED':
    case 'POOL_EXHAUSTED':
    case 'STACK_OVERFLOW':
    case 'TEMP_RING_EXHAUSTED':
    case 'LANE_LEASED': // a worker lags: retry advance() next tick, or wait for it
      return 'recover';
    case 'ALLOC_TOO_LARGE': // can never succeed with this capacity
    case 'OUT_OF_MEMORY':
    case 'INVALID_OPTION':
    case 'INVALID_NAME':
    case 'REGION_NOT_FOUND':
    case 'REGION_KIND_MISMATCH':
    case 'REGION_EXISTS':
    case 'NOT_SHARED':
    case 'BAD_BUFFER':
    case 'BAD_MAGIC':
    case 'BAD_VERSION':
      return 'fix-setup';
    default:
      return 'fix-code';
  }
}

/**
 * Reads a caught value. Returns null for anything that is not a MemoryError (rethrow those: they
 * are not the allocator's).
 */
export function readMemoryError(caught: unknown): ErrorReading | null {
  if (!(caught instanceof MemoryError)) return null;
  return {
    code: caught.code,
    allocator: caught.allocator,
    request: caught.request,
    state: caught.state,
    suggestion: caught.suggestion,
    docs: caught.docs,
    summary: caught.message.split('\n')[0] ?? caught.message,
    policy: policyOf(caught.code),
  };
}

/** `key=value, ...` of a request or state record, as the error message prints it. */
export function formatRecord(r: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(r).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length === 0 ? '(none)' : parts.join(', ');
}

/** The reading as indented lines, for the walkthrough. */
export function formatReading(r: ErrorReading): string[] {
  return [
    `code:       ${r.code}  (policy: ${r.policy})`,
    `summary:    ${r.summary}`,
    `allocator:  ${r.allocator}`,
    `request:    ${formatRecord(r.request)}`,
    `state:      ${formatRecord(r.state)}`,
    `fix:        ${r.suggestion}`,
    `docs:       ${r.docs}`,
  ];
}

/**
 * The pattern for the one case a game handles at runtime: memory that is full *this frame*.
 * Everything else is rethrown. (Where skipping is the plan anyway, `arena.tryAlloc()` returns 0
 * instead of throwing and is cheaper still.)
 *
 * @example
 * ```ts
 * const p = allocOrSkip(() => frame.alloc(bytes, 16));
 * if (p === 0) return; // no sparks this frame
 * ```
 */
export function allocOrSkip(alloc: () => number): number {
  try {
    return alloc();
  } catch (e) {
    if (e instanceof MemoryError && policyOf(e.code) === 'recover') return 0;
    throw e;
  }
}
