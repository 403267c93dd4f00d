/**
 * The one errors module: a closed union of codes, and the two error classes.
 *
 * Every error is built in a cold function (`throw memoryError(...)` from a slow path), so the
 * allocation fast paths stay small.
 * @module
 */

/**
 * Every code a {@link MemoryError} can carry, in catalog order. Each has an entry in docs/ERRORS.md.
 *
 * Thread-safety: a frozen constant; any worker.
 * @example
 * ```ts
 * console.log(MEMORY_ERROR_CODES.includes('DOUBLE_FREE')); // true
 * ```
 */
export const MEMORY_ERROR_CODES = Object.freeze([
  'INVALID_SIZE',
  'INVALID_ALIGN',
  'INVALID_OPTION',
  'INVALID_NAME',
  'ALLOC_TOO_LARGE',
  'STRUCT_INVALID',
  'ARENA_EXHAUSTED',
  'POOL_EXHAUSTED',
  'STACK_OVERFLOW',
  'OUT_OF_MEMORY',
  'TEMP_RING_EXHAUSTED',
  'BUDGET_EXCEEDED',
  'INVALID_HANDLE',
  'STALE_HANDLE',
  'DOUBLE_FREE',
  'FOREIGN_HANDLE',
  'INVALID_OFFSET',
  'LIFO_VIOLATION',
  'RED_ZONE_OVERWRITTEN',
  'USE_AFTER_RESET',
  'INVALID_MARK',
  'LANE_LEASED',
  'WRONG_THREAD',
  'TOO_MANY_THREADS',
  'THREAD_RECLAIMED',
  'LOCK_TIMEOUT',
  'DETACHED',
  'REGION_EXISTS',
  'REGION_NOT_FOUND',
  'REGION_KIND_MISMATCH',
  'REGION_TABLE_FULL',
  'NOT_SHARED',
  'BAD_BUFFER',
  'BAD_MAGIC',
  'BAD_VERSION',
  'INVALID_KEY',
  'CACHE_BUDGET',
  'CACHE_TIMEOUT',
  'CACHE_ABORTED',
  'CIRCUIT_OPEN',
  'INVARIANT_VIOLATED',
] as const);

/**
 * Every misuse and failure the runtime reports: one of {@link MEMORY_ERROR_CODES}.
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * try { arena.alloc(1 << 30); } catch (e) {
 *   if (e instanceof MemoryError && e.code === 'ARENA_EXHAUSTED') arena.reset();
 * }
 * ```
 */
export type MemoryErrorCode = (typeof MEMORY_ERROR_CODES)[number];

/** Where the catalog lives; every message ends with a link into it. */
export const ERRORS_DOC = 'https://github.com/nebula-memory/nebula-memory/blob/main/docs/ERRORS.md';

/**
 * What a {@link MemoryError} carries besides its code.
 *
 * Thread-safety: a plain data shape; any worker.
 * @example
 * ```ts
 * const d: MemoryErrorDetails = { allocator: 'arena "frame"', request: { size: 64 }, state: { used: 0 } };
 * ```
 */
export interface MemoryErrorDetails {
  /** The allocator or object that refused, as `kind "name"` (`arena "frame"`), or `memory`. */
  readonly allocator: string;
  /** What was asked: the arguments of the failing call. */
  readonly request: Readonly<Record<string, unknown>>;
  /** The allocator's state at the time, with actual values. */
  readonly state: Readonly<Record<string, unknown>>;
  /** What to change. */
  readonly suggestion?: string;
}

function formatValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(6);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'undefined';
  try {
    return JSON.stringify(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

function formatRecord(r: Readonly<Record<string, unknown>>): string {
  return Object.entries(r).map(([k, v]) => `${k}=${formatValue(v)}`).join(', ');
}

/**
 * A misuse or a failed request, reported where it happens. It names the code, the allocator,
 * what was asked, the allocator's state, and what to change, and links to docs/ERRORS.md.
 * An allocator that throws it is left intact: its `checkInvariants()` still passes.
 *
 * Thread-safety: an immutable value; any worker.
 * @example
 * ```ts
 * try { pool.free(handle); } catch (e) {
 *   if (e instanceof MemoryError) console.error(e.code, e.state, e.suggestion);
 * }
 * ```
 */
export class MemoryError extends Error {
  /** The error's code; see docs/ERRORS.md. */
  readonly code: MemoryErrorCode;
  /** The allocator that refused, as `kind "name"`. */
  readonly allocator: string;
  /** The arguments of the failing call. */
  readonly request: Readonly<Record<string, unknown>>;
  /** The allocator's state when it refused. */
  readonly state: Readonly<Record<string, unknown>>;
  /** What to change, in one sentence. */
  readonly suggestion: string;
  /** A link to this code's entry in docs/ERRORS.md. */
  readonly docs: string;

  /**
   * @param code - the error's code.
   * @param summary - one sentence saying what went wrong.
   * @param details - allocator, request, state and suggestion.
   */
  constructor(code: MemoryErrorCode, summary: string, details: MemoryErrorDetails) {
    const docs = `${ERRORS_DOC}#${code.toLowerCase()}`;
    const suggestion = details.suggestion ?? '';
    const req = formatRecord(details.request);
    const st = formatRecord(details.state);
    super(
      `[${code}] ${details.allocator}: ${summary}` +
        (req ? `\n  request: ${req}` : '') +
        (st ? `\n  state: ${st}` : '') +
        (suggestion ? `\n  fix: ${suggestion}` : '') +
        `\n  see ${docs}`,
    );
    this.name = 'MemoryError';
    this.code = code;
    this.allocator = details.allocator;
    this.request = Object.freeze({ ...details.request });
    this.state = Object.freeze({ ...details.state });
    this.suggestion = suggestion;
    this.docs = docs;
  }
}

/**
 * A "cannot happen": the runtime broke one of its own invariants. It is a bug in nebula-memory,
 * not in your code; please report it with the message. The class is internal (no entry exports
 * it): recognise one by its `name`.
 *
 * Thread-safety: an immutable value; any worker.
 * @example
 * ```ts
 * if (e instanceof Error && e.name === 'InternalError') reportBug(e.message);
 * ```
 */
export class InternalError extends Error {
  /**
   * @param what - the broken invariant, with actual values.
   */
  constructor(what: string) {
    super(`nebula-memory internal error: ${what}. This is a bug in nebula-memory; please report it with this message.`);
    this.name = 'InternalError';
  }
}

/**
 * Builds a {@link MemoryError}. Call it from cold paths only: `throw memoryError(...)`.
 * @internal
 */
export function memoryError(
  code: MemoryErrorCode,
  summary: string,
  details: MemoryErrorDetails,
): MemoryError {
  return new MemoryError(code, summary, details);
}

/**
 * The fix of every `INVARIANT_VIOLATED`: what corrupts a header, and how to find it. @internal
 */
export const CORRUPTION_FIX = 'a write outside its own block (a raw view, a bulk helper) corrupted this header: run the checked build, whose red zones and poison catch the write where it happens; if your code never wrote outside its blocks, report it as a bug in nebula-memory.';

/** What kind of value `v` is, for messages about bad input: `null`, `array`, `string`, ... @internal */
export function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/**
 * {@link typeName}, with a typed array's own name (`Int32Array`, `Float64Array`, ...), for
 * messages about an `out` array of the wrong type. Never throws. @internal
 * @example
 * ```ts
 * arrayTypeName(new Float32Array(4)); // 'Float32Array'
 * ```
 */
export function arrayTypeName(v: unknown): string {
  if (!ArrayBuffer.isView(v)) return typeName(v);
  try {
    return Object.prototype.toString.call(v).slice(8, -1);
  } catch {
    return 'object';
  }
}

/**
 * The `INVALID_OPTION` of an every-frame reader whose `out` is not a `want` (`Int32Array`, ...)
 * of at least `length` entries. Built in a cold function, like every error. @internal
 * @example
 * ```ts
 * if (!(out instanceof Int32Array)) throw badOutArray('pool "p"', 'cachedSlotsInto', out, 'Int32Array', 64);
 * ```
 */
export function badOutArray(allocator: string, op: string, out: unknown, want: string, length: number): MemoryError {
  const got = arrayTypeName(out);
  return memoryError('INVALID_OPTION', `${op}(${got}) needs a ${want} of ${length} entries`, {
    allocator, request: { out: got, length: ArrayBuffer.isView(out) ? (out as Int32Array).length : -1 }, state: { entries: length },
    suggestion: `pass a ${want} of ${length} entries, made once: new ${want}(${length}).`,
  });
}

/** `0x…` for a finite number; anything else as text (bad input must not throw while reporting). @internal */
export function hex(n: number): string {
  return typeof n === 'number' && Number.isFinite(n) ? `0x${n.toString(16)}` : String(n);
}
