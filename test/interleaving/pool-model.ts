/**
 * A miniature pool for the interleaving explorer: the production refill, flush and reclaim
 * (src/allocators/lockfree.ts, pool/reclaim.ts) on a few words, with Pool.alloc modeled as in
 * pool.ts, and a check of the final state that every slot is held exactly once.
 *
 * Layout (words): head 0, free counter 1, next[i] at 2 + i, meta[i] at META + i, then per thread
 * t its cache count at LINES + 2t and its sequence word after it, then attached[t] (1 = attached).
 */
import { type CacheShape, flushCache, headTagMask, refillCache } from '../../src/allocators/lockfree.ts';
import { AtomicOps, type SharedOps } from '../../src/memory/shared-ops.ts';
import { type PoolShape, reclaimPoolSlots } from '../../src/allocators/pool/reclaim.ts';
import type { Crash } from './explorer.ts';

/** What a pool thread holds at its end: slots in its private cache and slots it allocated. */
export interface Holdings {
  readonly cache: number[];
  readonly live: number[];
}

function isHoldings(r: unknown): r is Holdings {
  return typeof r === 'object' && r !== null && 'cache' in r && 'live' in r;
}

/** A miniature pool of `capacity` slots for thread ids 0..threads-1. */
export class PoolModel {
  readonly shape: PoolShape;
  readonly words: number;
  readonly indexBits: number;
  readonly indexMask: number;
  readonly attached: number;

  constructor(readonly capacity: number, readonly threads: number) {
    const linkBits = 32 - Math.clz32(capacity);
    const meta = 2 + capacity;
    const lines = meta + capacity;
    this.shape = { head: 0, next: 2, capacity, linkBits, tagMask: headTagMask(linkBits), meta, free: 1, lines, stride: 2, threads };
    this.attached = lines + 2 * threads;
    this.words = this.attached + threads;
    this.indexBits = Math.max(1, 32 - Math.clz32(capacity - 1));
    this.indexMask = (1 << this.indexBits) - 1;
  }

  cachedWord(t: number): number {
    return this.shape.lines + 2 * t;
  }

  seqWord(t: number): number {
    return this.shape.lines + 2 * t + 1;
  }

  /** The initial state: `listed` in list order, `caches[t]` in thread t's cache, `detached` threads not attached. */
  init(listed: readonly number[], caches: readonly (readonly number[])[] = [], detached: readonly number[] = []): (m: Int32Array) => void {
    return (m) => {
      const s = this.shape;
      for (let i = 0; i < this.capacity; i++) m[s.meta + i] = 1 << 8;
      m[s.head] = listed.length === 0 ? 0 : listed[0] + 1;
      listed.forEach((i, k) => { m[s.next + i] = k + 1 < listed.length ? listed[k + 1] + 1 : 0; });
      m[s.free] = listed.length;
      caches.forEach((slots, t) => {
        for (const i of slots) m[s.meta + i] = (1 << 8) | 0x80 | t;
        m[this.cachedWord(t)] = slots.length;
      });
      for (let t = 0; t < this.threads; t++) m[this.attached + t] = detached.includes(t) ? 0 : 1;
    };
  }

  /** Thread t's cache as Pool passes it to the refill and flush cores (no pool tag bits here). */
  cacheShape(t: number, batch: number): CacheShape {
    return {
      ...this.shape, cached: this.cachedWord(t), seq: this.seqWord(t), cacheTag: 0x80 | t, genShift: this.indexBits, tagIdx: 0,
      indexMask: this.indexMask, batch,
    };
  }

  /** The handles a thread's cache starts with (generation 1). */
  handles(slots: readonly number[]): number[] {
    return slots.map((i) => (1 << this.indexBits) | i);
  }

  /** Pool.refill(): appends up to `want` handles to `cache` (which must be empty); returns how many. */
  refill(ops: SharedOps, t: number, want: number, cache: number[]): number {
    const out = new Int32Array(want);
    const k = refillCache(ops, this.cacheShape(t, want), out);
    for (let j = 0; j < k; j++) cache.push(out[j]);
    return k;
  }

  /** Pool.flushBatch(k): pushes the top k handles of `cache`. */
  flush(ops: SharedOps, t: number, cache: number[], k: number): void {
    flushCache(ops, this.cacheShape(t, k), Int32Array.from(cache), cache.length, k);
    cache.length -= k;
  }

  /** Pool.alloc() from a non-empty cache: the cache count, then the slot's owner tag. Returns the slot. */
  alloc(ops: SharedOps, t: number, cache: number[]): number {
    const h = cache.pop() ?? -1;
    ops.words[this.cachedWord(t)] = cache.length;
    ops.words[this.shape.meta + (h & this.indexMask)] = ((h >>> this.indexBits) << 8) | (t + 1);
    return h & this.indexMask;
  }

  /** Holdings as slot indexes. */
  holdings(cache: readonly number[], live: readonly number[]): Holdings {
    return { cache: cache.map((h) => h & this.indexMask), live: [...live] };
  }

  /** reclaimThread's pool part in thread `self`, as a logical thread: unbounded patience. */
  reclaimer(dead: number, self: number, ops: SharedOps): number {
    ops.store(this.attached + dead, 0); // beginReclaim: the thread is no longer attached
    return reclaimPoolSlots(ops, this.shape, dead, self, (t) => ops.load(this.attached + t) !== 0, () => true);
  }

  /** reclaimThread's pool part after everyone else finished (direct operations). */
  recover(self: number): (m: Int32Array, crashed: number) => void {
    return (m, crashed) => {
      m[this.attached + crashed] = 0;
      let tries = 0;
      const n = reclaimPoolSlots(new AtomicOps(m), this.shape, crashed, self, (t) => m[this.attached + t] !== 0, () => ++tries < 50);
      if (tries >= 50) throw new Error(`recover: no quiet moment (${n} slots back)`);
    };
  }

  /**
   * The final state is sound: the list is acyclic, holds only tag-0 slots, and its length is the
   * free counter; every other slot is cached (tag CACHE_TAG | t) by a thread that finished and
   * still has it in its cache, or live (tag t + 1) in a finished thread's hands; each thread's
   * published cache count equals the slots carrying its cache tag; every sequence word is even.
   * A thread's result is its Holdings (anything else: it holds no slots).
   */
  check() {
    return (m: Int32Array, results: readonly unknown[], crash: Crash | null): string | null => {
      const s = this.shape;
      const cap = this.capacity;
      const listed = new Uint8Array(cap);
      let count = 0;
      for (let link = m[s.head] & ((1 << s.linkBits) - 1); link !== 0; link = m[s.next + link - 1]) {
        if (link > cap) return `free list link ${link} beyond capacity`;
        if (listed[link - 1] !== 0) return `slot ${link - 1} listed twice (cycle)`;
        listed[link - 1] = 1;
        count++;
      }
      if (count !== m[s.free]) return `free list holds ${count} slots, the counter says ${m[s.free]}`;
      const held = new Map<number, string>();
      for (let t = 0; t < this.threads; t++) {
        if (crash?.thread === t) continue;
        const h = results[t];
        if (!isHoldings(h)) continue;
        for (const i of h.cache) {
          if (held.has(i)) return `slot ${i} held twice: ${held.get(i) ?? ''} and cache of thread ${t}`;
          held.set(i, `cache of thread ${t}`);
        }
        for (const i of h.live) {
          if (held.has(i)) return `slot ${i} held twice: ${held.get(i) ?? ''} and live in thread ${t}`;
          held.set(i, `live in thread ${t}`);
        }
      }
      const tagged = new Int32Array(this.threads);
      for (let i = 0; i < cap; i++) {
        const tag = m[s.meta + i] & 0xff;
        const by = held.get(i);
        if (tag === 0) {
          if (listed[i] === 0) return `slot ${i} is lost: tag 0 but not listed`;
          if (by !== undefined) return `slot ${i} is listed and in the ${by}`;
        } else if ((tag & 0x80) !== 0) {
          const t = tag & 0x7f;
          if (listed[i] !== 0) return `slot ${i} is listed but tagged cached by thread ${t}`;
          if (by !== `cache of thread ${t}`) return `slot ${i} is tagged cached by thread ${t}, but is ${by ?? 'in no cache'}`;
          tagged[t]++;
        } else {
          if (listed[i] !== 0) return `slot ${i} is listed but tagged live`;
          if (by !== `live in thread ${tag - 1}`) return `slot ${i} is tagged live by thread ${tag - 1}, but is ${by ?? 'held by nobody'}`;
        }
      }
      for (let t = 0; t < this.threads; t++) {
        if (m[this.cachedWord(t)] !== tagged[t]) return `thread ${t} publishes ${m[this.cachedWord(t)]} cached slots, ${tagged[t]} carry its tag`;
        if ((m[this.seqWord(t)] & 1) !== 0) return `thread ${t}'s sequence word is odd at the end`;
      }
      return null;
    };
  }
}
