/**
 * The storage under {@link AsyncCache}: a chained hash map from {@link CacheKey} to a slot, and an
 * intrusive doubly linked LRU list through the same slots. Everything per slot lives in parallel
 * arrays (typed arrays for links, hashes, sizes and expiry times; two plain arrays for keys and
 * values), so a lookup and a move to the front allocate nothing.
 *
 * Slot `s` is either live (in one bucket chain and in the LRU list) or free (in the free list,
 * linked through `older`, with its key and value cleared so the GC can collect them).
 * @module
 */
import { InternalError } from '../errors.ts';
import { hashKey, type CacheKey } from './key-hash.ts';

/** "No slot": the end of a chain or list. @internal */
export const NIL = -1;
const INITIAL_CAPACITY = 16;

/** One problem {@link LruMap.check} found. @internal */
export interface LruProblem {
  readonly what: string;
  readonly state: Record<string, number>;
}

/**
 * Hash map + LRU list + byte total. Growth doubles every array (on insert only); `clear()` drops
 * back to the initial capacity. Sizes are non-negative safe integers, so the byte total is exact.
 * @internal
 */
export class LruMap<K extends CacheKey, V> {
  /** Live entries. */
  size = 0;
  /** Sum of the live entries' sizes. */
  bytes = 0;
  /** Most recently used slot, or NIL. */
  head = NIL;
  /** Least recently used slot, or NIL. */
  tail = NIL;

  private capacity = 0;
  private mask = 0;
  private free = NIL;
  private keys: (K | undefined)[] = [];
  private vals: (V | undefined)[] = [];
  private hashes = new Int32Array(0);
  /** Next slot in the same bucket. */
  private chain = new Int32Array(0);
  /** Toward the head (more recent). */
  private newer = new Int32Array(0);
  /** Toward the tail (less recent); the free list's link for free slots. */
  private older = new Int32Array(0);
  private sizes = new Float64Array(0);
  private expiry = new Float64Array(0);
  /** First slot of each bucket; as many buckets as slots (load factor <= 1). */
  private buckets = new Int32Array(0);

  constructor() {
    this.grow(INITIAL_CAPACITY);
  }

  /** The live slot holding `key`, or NIL. Allocates nothing. */
  find(key: K): number {
    const h = hashKey(key);
    const hashes = this.hashes;
    const chain = this.chain;
    const keys = this.keys;
    let s = this.buckets[h & this.mask];
    while (s !== NIL) {
      if (hashes[s] === h) {
        const k = keys[s];
        // SameValueZero, inlined: NaN is the only value not equal to itself
        if (k === key || (k !== k && key !== key)) return s;
      }
      s = chain[s];
    }
    return NIL;
  }

  /** Makes live slot `s` the most recently used. Allocates nothing. */
  touch(s: number): void {
    const head = this.head;
    if (s === head) return;
    const newer = this.newer;
    const older = this.older;
    const n = newer[s]; // not NIL: s is not the head
    const o = older[s];
    older[n] = o;
    if (o !== NIL) newer[o] = n;
    else this.tail = n;
    newer[s] = NIL;
    older[s] = head;
    newer[head] = s;
    this.head = s;
  }

  /** Stores a key that is not present, as the most recently used; returns its slot. */
  insert(key: K, value: V, size: number, expires: number): number {
    if (this.free === NIL) this.grow(this.capacity * 2);
    const s = this.free;
    this.free = this.older[s];
    const h = hashKey(key);
    const b = h & this.mask;
    this.keys[s] = key;
    this.vals[s] = value;
    this.hashes[s] = h;
    this.sizes[s] = size;
    this.expiry[s] = expires;
    this.chain[s] = this.buckets[b];
    this.buckets[b] = s;
    this.newer[s] = NIL;
    this.older[s] = this.head;
    if (this.head !== NIL) this.newer[this.head] = s;
    else this.tail = s;
    this.head = s;
    this.size++;
    this.bytes += size;
    return s;
  }

  /** Replaces the value of live slot `s` (its place in the LRU list does not change). */
  replace(s: number, value: V, size: number, expires: number): void {
    this.bytes += size - this.sizes[s];
    this.vals[s] = value;
    this.sizes[s] = size;
    this.expiry[s] = expires;
  }

  /** Removes live slot `s` and clears its key and value. */
  remove(s: number): void {
    const chain = this.chain;
    const b = this.hashes[s] & this.mask;
    let p = this.buckets[b];
    if (p === s) this.buckets[b] = chain[s];
    else {
      while (chain[p] !== s) p = chain[p];
      chain[p] = chain[s];
    }
    const n = this.newer[s];
    const o = this.older[s];
    if (n !== NIL) this.older[n] = o;
    else this.head = o;
    if (o !== NIL) this.newer[o] = n;
    else this.tail = n;
    this.size--;
    this.bytes -= this.sizes[s];
    this.keys[s] = undefined;
    this.vals[s] = undefined;
    this.sizes[s] = 0;
    this.expiry[s] = 0;
    chain[s] = NIL;
    this.newer[s] = NIL;
    this.older[s] = this.free;
    this.free = s;
  }

  /** The key of live slot `s`. */
  keyAt(s: number): K {
    const k = this.keys[s];
    if (k === undefined) throw new InternalError(`cache slot ${s} is not live`);
    return k;
  }

  /** The value of live slot `s`. */
  valueAt(s: number): V {
    return this.vals[s] as V;
  }

  /** When live slot `s` expires (clock milliseconds; Infinity: never). */
  expiresAt(s: number): number {
    return this.expiry[s];
  }

  /** The next less recently used slot, or NIL. */
  olderThan(s: number): number {
    return this.older[s];
  }

  /** Drops every entry and returns to the initial capacity. */
  clear(): void {
    this.capacity = 0;
    this.keys = [];
    this.vals = [];
    this.free = NIL;
    this.head = NIL;
    this.tail = NIL;
    this.size = 0;
    this.bytes = 0;
    this.grow(INITIAL_CAPACITY);
  }

  private grow(capacity: number): void {
    const old = this.capacity;
    const i32 = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(capacity);
      b.set(a.subarray(0, old));
      return b;
    };
    const f64 = (a: Float64Array): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(capacity);
      b.set(a.subarray(0, old));
      return b;
    };
    this.hashes = i32(this.hashes);
    this.chain = i32(this.chain);
    this.newer = i32(this.newer);
    this.older = i32(this.older);
    this.sizes = f64(this.sizes);
    this.expiry = f64(this.expiry);
    for (let s = old; s < capacity; s++) {
      this.keys.push(undefined);
      this.vals.push(undefined);
    }
    for (let s = capacity - 1; s >= old; s--) {
      this.chain[s] = NIL;
      this.newer[s] = NIL;
      this.older[s] = this.free;
      this.free = s;
    }
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.buckets = new Int32Array(capacity).fill(NIL);
    for (let s = this.head; s !== NIL; s = this.older[s]) {
      const b = this.hashes[s] & this.mask;
      this.chain[s] = this.buckets[b];
      this.buckets[b] = s;
    }
  }

  /**
   * Walks every structure and returns the first inconsistency, or null: the LRU list is a proper
   * doubly linked list from head to tail over live slots; each live slot is found by its key in
   * the bucket its hash names; the chains hold exactly the live slots; the free list holds the
   * rest, with cleared keys and values; count and byte total match.
   */
  check(): LruProblem | null {
    const cap = this.capacity;
    const seen = new Uint8Array(cap);
    let count = 0;
    let bytes = 0;
    let prev = NIL;
    for (let s = this.head; s !== NIL; s = this.older[s]) {
      if (s < 0 || s >= cap) return { what: `LRU list links to slot ${s}, outside 0..${cap - 1}`, state: { slot: s, cap } };
      if (seen[s] !== 0) return { what: `LRU list visits slot ${s} twice (cycle)`, state: { slot: s, count } };
      seen[s] = 1;
      if (this.newer[s] !== prev) return { what: `slot ${s} links back to ${this.newer[s]}, expected ${prev}`, state: { slot: s, newer: this.newer[s], prev } };
      const key = this.keys[s];
      if (key === undefined || this.vals[s] === undefined) return { what: `live slot ${s} has no key or no value`, state: { slot: s } };
      if (this.hashes[s] !== hashKey(key)) return { what: `slot ${s} stores hash ${this.hashes[s]}, its key hashes to ${hashKey(key)}`, state: { slot: s } };
      if (this.find(key) !== s) return { what: `slot ${s}'s key is not found in its bucket, or is stored twice`, state: { slot: s, found: this.find(key) } };
      const size = this.sizes[s];
      if (!Number.isSafeInteger(size) || size < 0) return { what: `slot ${s} has size ${size}`, state: { slot: s, size } };
      count++;
      bytes += size;
      prev = s;
    }
    if (prev !== this.tail) return { what: `the LRU list ends at slot ${prev}, tail is ${this.tail}`, state: { last: prev, tail: this.tail } };
    if (count !== this.size) return { what: `the LRU list holds ${count} entries, size says ${this.size}`, state: { count, size: this.size } };
    if (bytes !== this.bytes) return { what: `entries' sizes add up to ${bytes}, the byte total says ${this.bytes}`, state: { sum: bytes, bytes: this.bytes } };
    let chained = 0;
    for (let b = 0; b < cap; b++) {
      for (let s = this.buckets[b]; s !== NIL; s = this.chain[s]) {
        if (s < 0 || s >= cap || seen[s] !== 1) return { what: `bucket ${b} chains slot ${s}, which is not a live entry (or is chained twice)`, state: { bucket: b, slot: s } };
        if ((this.hashes[s] & this.mask) !== b) return { what: `slot ${s} is chained in bucket ${b}, its hash names bucket ${this.hashes[s] & this.mask}`, state: { bucket: b, slot: s } };
        seen[s] = 2;
        chained++;
      }
    }
    if (chained !== count) return { what: `bucket chains hold ${chained} slots, the LRU list ${count}`, state: { chained, count } };
    let free = 0;
    for (let s = this.free; s !== NIL; s = this.older[s]) {
      if (s < 0 || s >= cap || seen[s] !== 0) return { what: `free list reaches slot ${s}, which is live, listed twice or outside`, state: { slot: s, free } };
      seen[s] = 3;
      if (this.keys[s] !== undefined || this.vals[s] !== undefined) return { what: `free slot ${s} still holds a key or value (a leak)`, state: { slot: s } };
      free++;
    }
    if (free + count !== cap) return { what: `${free} free + ${count} live slots != capacity ${cap}`, state: { free, count, cap } };
    return null;
  }
}
