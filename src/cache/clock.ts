/**
 * The time source of TTLs and circuit-breaker cool-downs.
 * @module
 */

/**
 * A source of time in milliseconds. Only differences matter, so any monotonic origin works. The
 * caches read it on every TTL check and breaker decision; inject your own for game time (a paused
 * game does not age its cache) or for tests.
 *
 * Thread-safety: whatever the implementation allows; the caches call it on their own thread.
 * @example
 * ```ts
 * let gameMs = 0;
 * const gameClock: Clock = { now: () => gameMs };
 * const cache = new AsyncCache({ maxBytes: 1 << 20, sizeOf: () => 1, ttlMs: 5000, clock: gameClock });
 * ```
 */
export interface Clock {
  /** The current time in milliseconds. MUST not go backwards. */
  now(): number;
}

/**
 * The default clock: `performance.now()`, looked up on every call, so test fake timers that
 * replace `performance` (vitest's `vi.useFakeTimers()` does) drive it too.
 *
 * Thread-safety: any worker (every thread has its own `performance`).
 * @example
 * ```ts
 * const t0 = performanceClock.now();
 * ```
 */
export const performanceClock: Clock = Object.freeze({
  now(): number {
    return performance.now();
  },
});
