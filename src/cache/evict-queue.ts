/**
 * Values on their way to `onEvict`. The cache queues them while it changes its structure and
 * drains the queue once it is consistent again, so a callback that throws or re-enters the cache
 * never sees (or leaves) a half-updated cache.
 * @module
 */
import type { EvictReason } from './cache-options.ts';

/** A FIFO of (key, value, reason), drained through one callback. @internal */
export class EvictQueue<K, V> {
  private readonly keys: K[] = [];
  private readonly values: V[] = [];
  private readonly reasons: EvictReason[] = [];
  private draining = false;

  constructor(private readonly onEvict: (key: K, value: V, reason: EvictReason) => void) {}

  /** Queues one value for the callback. */
  push(key: K, value: V, reason: EvictReason): void {
    this.keys.push(key);
    this.values.push(value);
    this.reasons.push(reason);
  }

  /**
   * Calls the callback for every queued value, in order, including values queued by the callback
   * itself (a nested drain returns at once and leaves them to this loop). If callbacks throw, the
   * rest still run, then the first error is thrown.
   */
  drain(): void {
    if (this.draining || this.keys.length === 0) return;
    this.draining = true;
    let failed = false;
    let error: unknown;
    try {
      for (let i = 0; i < this.keys.length; i++) {
        try {
          this.onEvict(this.keys[i], this.values[i], this.reasons[i]);
        } catch (e) {
          if (!failed) error = e;
          failed = true;
        }
      }
    } finally {
      this.keys.length = 0;
      this.values.length = 0;
      this.reasons.length = 0;
      this.draining = false;
    }
    if (failed) throw error; // the callback's own error, passed on as is
  }
}
