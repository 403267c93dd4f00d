/**
 * The caches' errors, built in cold functions (`throw ...` / `Promise.reject(...)` from slow paths).
 * @module
 */
import { MemoryError, type MemoryErrorCode } from '../errors.ts';

/** Codes the caches throw: the new cache codes plus existing ones. @internal */
export type CacheErrorCode = Extract<MemoryErrorCode,
  'CIRCUIT_OPEN' | 'CACHE_TIMEOUT' | 'CACHE_ABORTED' | 'CACHE_BUDGET' | 'INVALID_KEY' | 'INVALID_OPTION' | 'INVALID_SIZE' | 'INVARIANT_VIOLATED'>;

/** Builds a MemoryError; `cause` (when given) becomes the error's `cause`. @internal */
export function cacheError(
  code: CacheErrorCode,
  summary: string,
  allocator: string,
  request: Readonly<Record<string, unknown>>,
  state: Readonly<Record<string, unknown>>,
  suggestion: string,
  cause?: unknown,
): MemoryError {
  const e = new MemoryError(code, summary, { allocator, request, state, suggestion });
  if (cause !== undefined) e.cause = cause;
  return e;
}

/** The `allocator` field of a cache's errors: `cache "textures"`. @internal */
export function cacheLabel(name: string): string {
  return `cache "${name}"`;
}

/** A key for messages: strings quoted, long ones cut. @internal */
export function showKey(key: unknown): string {
  if (typeof key === 'string') return JSON.stringify(key.length > 80 ? `${key.slice(0, 77)}...` : key);
  if (typeof key === 'number') return Object.is(key, -0) ? '-0' : String(key);
  return Object.prototype.toString.call(key);
}

/** What an abort reason says, for messages. @internal */
export function describeReason(reason: unknown): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message.split('\n', 1)[0]}`;
  return String(reason);
}

/** INVALID_OPTION for option `what` of `op`. @internal */
export function invalidOption(name: string, op: string, what: string, value: unknown, allowed: string): MemoryError {
  return cacheError('INVALID_OPTION', `${op} option ${what} is invalid: ${showValue(value)}`, cacheLabel(name),
    { [what]: value }, {}, `use ${allowed}.`);
}

/** True for a positive finite number (a budget, a TTL, a timeout). @internal */
export function isPositiveFinite(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x > 0;
}

/**
 * The longest `timeoutMs`: 2^31 - 1 ms (about 24.8 days). `setTimeout` stores its delay as a
 * signed 32-bit integer and fires at once for anything longer, so a larger timeout would time
 * out immediately. @internal
 */
export const MAX_TIMEOUT_MS = 2147483647;

/**
 * INVALID_OPTION for a `timeoutMs` that is not a positive finite number up to
 * {@link MAX_TIMEOUT_MS}, or null for a good one (or `undefined`: none). @internal
 */
export function timeoutOptionError(name: string, op: string, timeoutMs: unknown): MemoryError | null {
  if (timeoutMs === undefined || (isPositiveFinite(timeoutMs) && timeoutMs <= MAX_TIMEOUT_MS)) return null;
  if (isPositiveFinite(timeoutMs) || timeoutMs === Infinity) {
    return cacheError('INVALID_OPTION', `${op} option timeoutMs is invalid: ${String(timeoutMs)} ms is above the limit of ${MAX_TIMEOUT_MS} ms (2^31 - 1, about 24.8 days): setTimeout keeps delays in 32 bits and would time out at once`,
      cacheLabel(name), { timeoutMs }, { maxTimeoutMs: MAX_TIMEOUT_MS },
      `use at most ${MAX_TIMEOUT_MS} ms (setTimeout's 32-bit limit), or omit timeoutMs for no timeout.`);
  }
  return invalidOption(name, op, 'timeoutMs', timeoutMs, `a positive finite number of milliseconds up to ${MAX_TIMEOUT_MS}, or omit it`);
}

/**
 * INVALID_OPTION unless `inner` is a loader (an object with `get`, `peek`, `invalidate`, `clear`
 * and a string `name`), or null. @internal
 */
export function loaderError(op: string, inner: unknown): MemoryError | null {
  const l = inner as Partial<Record<'get' | 'peek' | 'invalidate' | 'clear' | 'name', unknown>> | null;
  if (typeof inner === 'object' && l !== null && typeof l.get === 'function' && typeof l.peek === 'function' &&
    typeof l.invalidate === 'function' && typeof l.clear === 'function' && typeof l.name === 'string') return null;
  return invalidOption('cache', op, 'inner', inner, 'an AsyncCache or another layer (withDedup, withCircuitBreaker)');
}

/** INVALID_KEY: not a number or a string. @internal */
export function invalidKeyError(name: string, key: unknown): MemoryError {
  return cacheError('INVALID_KEY', `key ${showKey(key)} is not a number or a string`, cacheLabel(name),
    { key: typeof key }, {}, 'use a number or a string as the key (an asset URL or id); derive one from objects yourself.');
}

/** INVALID_SIZE: sizeOf returned something other than a byte count. @internal */
export function invalidSizeError(name: string, key: unknown, size: unknown): MemoryError {
  return cacheError('INVALID_SIZE', `sizeOf(value of ${showKey(key)}) returned ${String(size)}, not a byte count`, cacheLabel(name),
    { op: 'sizeOf', key, size }, {}, 'return a non-negative integer number of bytes (an estimate is fine) from sizeOf.');
}

/** CACHE_BUDGET: one value is larger than the whole budget. @internal */
export function budgetError(name: string, key: unknown, size: number, maxBytes: number, bytes: number, entries: number): MemoryError {
  return cacheError('CACHE_BUDGET', `the value of ${showKey(key)} is ${size} bytes, more than the whole budget of ${maxBytes}`, cacheLabel(name),
    { op: 'store', key, size }, { maxBytes, bytes, entries },
    `raise maxBytes to at least ${size}, or store a smaller variant (a lower mip level, a compressed format). A computed value goes to onEvict with reason 'discarded'.`);
}

/** CACHE_ABORTED: the caller's signal fired before the value arrived. @internal */
export function abortedError(name: string, key: unknown, reason: unknown): MemoryError {
  return cacheError('CACHE_ABORTED', `get(${showKey(key)}) was aborted by its signal (${describeReason(reason)})`,
    cacheLabel(name), { op: 'get', key }, {},
    'nothing to fix if the abort was intended; the compute was asked to stop through its signal, and a value it still delivers is cached. The signal\'s reason is the error\'s cause.',
    reason);
}

/** CACHE_TIMEOUT: the value did not arrive within timeoutMs. @internal */
export function timeoutError(name: string, key: unknown, timeoutMs: number): MemoryError {
  return cacheError('CACHE_TIMEOUT', `get(${showKey(key)}) got no value within ${timeoutMs} ms`, cacheLabel(name),
    { op: 'get', key, timeoutMs }, {},
    'raise timeoutMs or make the compute faster; the compute was asked to stop through its signal, and a value it still delivers is cached.');
}

function showValue(v: unknown): string {
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === undefined || v === null) return String(v);
  return Object.prototype.toString.call(v);
}
