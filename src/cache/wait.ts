/**
 * One caller's wait for a value: it ends with the value, with the computation's error, or early
 * when the caller's signal aborts or its timeout passes. Used by every layer that waits.
 * @module
 */
import type { MemoryError } from '../errors.ts';
import { abortedError, invalidKeyError, invalidOption, timeoutError, timeoutOptionError } from './errors.ts';
import type { GetOptions } from './loader.ts';

/**
 * Checks the options of one `get()`: an object or nothing (not `null`), a `signal` that is an
 * AbortSignal, a `timeoutMs` from 1 to 2^31 - 1 ms (`setTimeout`'s limit). Returns the error to
 * reject with, or null. @internal
 */
export function checkGetOptions(name: string, options: GetOptions | undefined): MemoryError | null {
  if (options === undefined) return null;
  if (typeof options !== 'object' || (options as unknown) === null) {
    return invalidOption(name, 'get', 'options', options, 'an object { signal?, timeoutMs? }, or omit it');
  }
  const signal: unknown = options.signal;
  if (signal !== undefined && !isSignal(signal)) return invalidOption(name, 'get', 'signal', signal, 'an AbortSignal, or omit it');
  return timeoutOptionError(name, 'get', options.timeoutMs);
}

function isSignal(s: unknown): s is AbortSignal {
  if (typeof s !== 'object' || s === null) return false;
  const t = s as { aborted?: unknown; addEventListener?: unknown; removeEventListener?: unknown };
  return typeof t.aborted === 'boolean' && typeof t.addEventListener === 'function' && typeof t.removeEventListener === 'function';
}

/**
 * Waits for `work` on behalf of one caller. When the caller's `signal` aborts or `timeoutMs`
 * passes first, the returned promise rejects (`CACHE_ABORTED` / `CACHE_TIMEOUT`) and
 * `leave(error)` runs once; `work` goes on, and its outcome is observed (never unhandled).
 * Without a signal or a timeout it returns `work` itself. @internal
 */
export function waitFor<T>(
  work: Promise<T>,
  name: string,
  key: unknown,
  signal: AbortSignal | undefined,
  timeoutMs: number | undefined,
  leave: (error: MemoryError) => void,
): Promise<T> {
  if (signal === undefined && timeoutMs === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (): void => {
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const quit = (error: MemoryError): void => {
      if (done) return;
      finish();
      leave(error);
      reject(error);
    };
    function onAbort(): void {
      quit(abortedError(name, key, signal?.reason));
    }
    work.then(
      (v) => { if (!done) { finish(); resolve(v); } },
      (e: unknown) => { if (!done) { finish(); reject(e); } }, // eslint-disable-line @typescript-eslint/prefer-promise-reject-errors -- the compute's own error, passed on as is
    );
    if (signal !== undefined) {
      if (signal.aborted) { onAbort(); return; }
      signal.addEventListener('abort', onAbort, { once: true });
    }
    if (timeoutMs !== undefined) timer = setTimeout(() => { quit(timeoutError(name, key, timeoutMs)); }, timeoutMs);
  });
}

/**
 * What every layer's `get()` does first: reject bad options ({@link checkGetOptions}), an already
 * aborted call or a bad key, and answer a hit from the inner loader at once. Returns that settled
 * promise, or undefined when the layer has to do its own work.
 * @internal
 */
export function settleEarly<K, V>(
  name: string, inner: { peek(key: K): V | undefined }, key: K, options: GetOptions | undefined,
): Promise<V> | undefined {
  const bad = checkGetOptions(name, options);
  if (bad !== null) return Promise.reject(bad);
  const signal = options?.signal;
  if (signal?.aborted === true) return Promise.reject(abortedError(name, key, signal.reason));
  if (typeof key !== 'number' && typeof key !== 'string') return Promise.reject(invalidKeyError(name, key));
  const v = inner.peek(key);
  return v === undefined ? undefined : Promise.resolve(v);
}
