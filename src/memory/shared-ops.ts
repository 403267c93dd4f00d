/**
 * The shared-memory operations the lock-free protocols are written against: atomics and plain
 * accesses on the Int32 words of one buffer. Production runs them on `Atomics` ({@link AtomicOps});
 * the interleaving explorer (test/interleaving/) runs each call as one step of a logical thread.
 * The memory layer's own protocols (the region-table lock) use them as the allocators do.
 * @module
 * @internal
 */

/**
 * Shared-memory operations on Int32 words. Production: {@link AtomicOps}. The explorer runs
 * each call as one step of a logical thread.
 * @internal
 */
export interface SharedOps {
  /**
   * The words, for plain (non-atomic) accesses: a read that a later CAS validates, or a write to
   * a word that only its owner writes, or that no other thread reads before a later CAS or atomic
   * publishes it. Production passes the memory's Int32Array itself, so a loop over slots runs at
   * the speed of hand-written code; the explorer passes a view on which every index access is a step.
   */
  readonly words: Int32Array;
  /** Atomic load. */
  load(i: number): number;
  /** Atomic store. */
  store(i: number, v: number): void;
  /** Compare-and-swap; returns the value seen. */
  cas(i: number, expected: number, value: number): number;
  /** Atomic add; returns the previous value. */
  add(i: number, v: number): number;
  /** Atomic bitwise or; returns the previous value. */
  or(i: number, v: number): number;
  /** Atomic bitwise and; returns the previous value. */
  and(i: number, v: number): number;
  /** A spin-wait hint: another thread must move before this one can. */
  spin(): void;
}

/** The production operations: `Atomics` on one Int32Array. @internal */
export class AtomicOps implements SharedOps {
  constructor(readonly words: Int32Array) {}
  load(i: number): number {
    return Atomics.load(this.words, i);
  }
  store(i: number, v: number): void {
    Atomics.store(this.words, i, v);
  }
  cas(i: number, expected: number, value: number): number {
    return Atomics.compareExchange(this.words, i, expected, value);
  }
  add(i: number, v: number): number {
    return Atomics.add(this.words, i, v);
  }
  or(i: number, v: number): number {
    return Atomics.or(this.words, i, v);
  }
  and(i: number, v: number): number {
    return Atomics.and(this.words, i, v);
  }
  spin(): void {
    /* nothing to yield to: the other thread runs on its own core */
  }
}

/** One AtomicOps per buffer view. */
const opsCache = new WeakMap<Int32Array, AtomicOps>();

/** The production atomics over `i32`, made once per view. @internal */
export function opsFor(i32: Int32Array): AtomicOps {
  let o = opsCache.get(i32);
  if (o === undefined) {
    o = new AtomicOps(i32);
    opsCache.set(i32, o);
  }
  return o;
}
