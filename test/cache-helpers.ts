/**
 * Helpers of the cache tests: controllable computations, promise state without awaiting, and
 * MemoryError checks for the cache codes (some are not in MemoryErrorCode yet).
 */
import { expect } from 'vitest';
import type { MemoryError, MemoryErrorCode } from '../src/index.ts';
import { expectMemoryError } from './helpers.ts';

import type { EvictReason } from '../src/cache/cache-options.ts';

/** A promise with its resolve and reject. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** Makes a {@link Deferred}. */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A promise's state, updated as it settles. */
export interface Tracked<T> {
  status: 'pending' | 'fulfilled' | 'rejected';
  value: T | undefined;
  reason: unknown;
}

/** Follows `p` (and handles its rejection). */
export function track<T>(p: Promise<T>): Tracked<T> {
  const t: Tracked<T> = { status: 'pending', value: undefined, reason: undefined };
  p.then(
    (v) => { t.status = 'fulfilled'; t.value = v; },
    (e: unknown) => { t.status = 'rejected'; t.reason = e; },
  );
  return t;
}

/** Lets every chain of already-settled promises run (works with real and fake timers). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

/** One call of a {@link controlled} compute. */
export interface Call<K, V> {
  readonly key: K;
  readonly signal: AbortSignal;
  readonly d: Deferred<V>;
}

/** A compute whose calls stay pending until the test settles them. */
export function controlled<K, V>(): { compute: (key: K, signal: AbortSignal) => Promise<V>; calls: Call<K, V>[] } {
  const calls: Call<K, V>[] = [];
  const compute = (key: K, signal: AbortSignal): Promise<V> => {
    const d = deferred<V>();
    calls.push({ key, signal, d });
    return d.promise;
  };
  return { compute, calls };
}

/** A test value: identity matters, `bytes` is its size. */
export interface Asset {
  readonly id: string;
  readonly bytes: number;
}

/** Makes an {@link Asset}. */
export function asset(id: string, bytes = 1): Asset {
  return { id, bytes };
}

/** An onEvict that logs `[key, id, reason]`. */
export function evictLog<K>(): { log: [K, string, EvictReason][]; onEvict: (key: K, value: Asset, reason: EvictReason) => void } {
  const log: [K, string, EvictReason][] = [];
  return { log, onEvict: (key, value, reason) => { log.push([key, value.id, reason]); } };
}

/** Expects a MemoryError with `code` that links to its catalog entry; returns it. */
export function expectCacheError(e: unknown, code: string): MemoryError {
  return expectMemoryError(e, code as MemoryErrorCode);
}

/** Runs `fn`, expects it to throw a MemoryError with `code`, and returns it. */
export function throwsCode(fn: () => unknown, code: string): MemoryError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  return expectCacheError(caught, code);
}

/** Expects `t` to have rejected with a MemoryError `code`; returns it. */
export function rejectedWith(t: Tracked<unknown>, code: string): MemoryError {
  expect(t.status).toBe('rejected');
  return expectCacheError(t.reason, code);
}

/** Awaits `p`, expects a MemoryError `code`, and returns it. */
export async function rejectsWith(p: Promise<unknown>, code: string): Promise<MemoryError> {
  let caught: unknown = 'no rejection';
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  return expectCacheError(caught, code);
}
