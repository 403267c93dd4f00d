/**
 * The lock-free cores of the allocators, written once against a small atomics interface so the
 * interleaving explorer (test/interleaving/) can run them step by step, and production runs them
 * on `Atomics`. Only slow paths come here: a pool refill or flush (one CAS per batch), an arena
 * lane lease (one CAS per lane), a segment lease or recycle. The reclaim of a dead thread's pool
 * slots, written against the same interface, is in pool/reclaim.ts.
 * @module
 * @internal
 */
import type { SharedOps } from '../memory/shared-ops.ts';

// ---------------------------------------------------------------------------------------------
// Pool free list: a Treiber stack of slot links (index + 1; 0 ends the list) whose head word is
// `tag << linkBits | link`. Every successful CAS moves the tag on, so a head that was popped and
// pushed back between a thread's read and its CAS no longer compares equal (the ABA guard).
// ---------------------------------------------------------------------------------------------

/** Where a free list lives and how its head is encoded. @internal */
export interface FreeListShape {
  /** Word index of the head. */
  readonly head: number;
  /** Word index of next[0]. */
  readonly next: number;
  /** Number of slots. */
  readonly capacity: number;
  /** Bits of the link in the head word. */
  readonly linkBits: number;
  /** Mask of the tag after shifting (0 = untagged, which is ABA-unsafe: tests only). */
  readonly tagMask: number;
}

/**
 * Pops up to `want` slots with one successful CAS: walks `want` links from the head, then swings
 * the head past them. Writes their indexes to `out[0..k)` in list order and returns k (0 when
 * the list is empty).
 * @internal
 */
export function popBatch(ops: SharedOps, s: FreeListShape, want: number, out: Int32Array): number {
  const linkMask = (1 << s.linkBits) - 1;
  const { capacity, next } = s;
  const w = ops.words;
  for (;;) {
    const h = ops.load(s.head);
    let link = h & linkMask;
    if (link === 0) return 0;
    let k = 0;
    while (link !== 0 && k < want && link <= capacity) {
      out[k++] = link - 1;
      link = w[next + link - 1];
    }
    if (link > capacity) continue; // a link torn by a concurrent pop: the CAS would fail anyway
    const tag = ((h >>> s.linkBits) + 1) & s.tagMask;
    if (ops.cas(s.head, h, ((tag << s.linkBits) | link) | 0) === h) return k;
  }
}

/**
 * The tag bits of a free-list head above `linkBits` of link, so that the whole head stays below
 * 2^30: a small integer in every engine. Chromium's V8 (pointer compression) has 31-bit small
 * integers; a head with a 32-bit tag became a boxed heap number on every refill and flush, which
 * is garbage. A pool of 4M slots (23 link bits) keeps 7 tag bits: an ABA needs 128 successful
 * CASes by others between one thread's read of the head and its CAS.
 * @internal
 */
export function headTagMask(linkBits: number): number {
  return 2 ** Math.max(1, 30 - linkBits) - 1;
}

/**
 * Pushes a chain of slots with one successful CAS. The caller has linked `first` ... `last`
 * already (next[] of every slot but the last); this links `last` to the old head and swings the
 * head to `first`.
 * @internal
 */
export function pushChain(ops: SharedOps, s: FreeListShape, first: number, last: number): void {
  const linkMask = (1 << s.linkBits) - 1;
  for (;;) {
    const h = ops.load(s.head);
    ops.words[s.next + last] = h & linkMask;
    const tag = ((h >>> s.linkBits) + 1) & s.tagMask;
    if (ops.cas(s.head, h, ((tag << s.linkBits) | (first + 1)) | 0) === h) return;
  }
}

// ---------------------------------------------------------------------------------------------
// Pool caches. Each thread moves slots between the free list and its private cache in batches.
// A slot's meta word (generation << 8 | tag) says who holds it: tag 0 = listed, CACHE_TAG | t =
// cached by thread t. During a refill (after the CAS, before tagging) and a flush (after
// untagging, before the CAS) a slot is neither: "in flight". The thread's sequence word is odd
// exactly while it may have slots in flight, so a reclaim of a dead thread can tell when the
// in-flight slots it finds are the dead thread's (see pool/reclaim.ts). Meta tags, the cache
// count and the sequence word are plain stores: only the owner writes them.
// ---------------------------------------------------------------------------------------------

/** Moves the sequence word at `seq` on by one: odd while slots may be in flight. @internal */
export function bumpSeq(ops: SharedOps, seq: number): void {
  ops.words[seq] = (ops.words[seq] + 1) & 0x3fffffff;
}

/**
 * One thread's cache of one pool, as the refill and flush cores see it: the free list, the
 * slots' meta words, the free counter, and the thread's own words and tags. Pool keeps one per
 * instance, so the slow paths pass one object instead of a dozen fields. @internal
 */
export interface CacheShape extends FreeListShape {
  /** Word index of meta[0]; slot i's meta word (generation << 8 | tag) is `meta + i`. */
  readonly meta: number;
  /** Word index of the free counter. */
  readonly free: number;
  /** Word index of this thread's published cache count. */
  readonly cached: number;
  /** Word index of this thread's sequence word: odd while slots may be in flight. */
  readonly seq: number;
  /** This thread's cache tag (CACHE_TAG | thread id). */
  readonly cacheTag: number;
  /** The generation's first bit in a handle. */
  readonly genShift: number;
  /** The pool's tag, in place in a handle. */
  readonly tagIdx: number;
  /** The slot index's bits in a handle. */
  readonly indexMask: number;
  /** Slots a refill takes at most. */
  readonly batch: number;
}

/**
 * A cache refill: pops up to `c.batch` slots (one CAS), takes them off the free counter, tags
 * each with the thread's cache tag in its meta word, and publishes the cache count, between two
 * bumps of the sequence word. `cache[0..k)` receives the slots' next handles (generation <<
 * genShift | tagIdx | index), the first slot popped last so it is allocated first. Returns k
 * (0 when the list is empty).
 * @internal
 */
export function refillCache(ops: SharedOps, c: CacheShape, cache: Int32Array): number {
  bumpSeq(ops, c.seq);
  const k = popBatch(ops, c, c.batch, cache);
  if (k === 0) {
    bumpSeq(ops, c.seq);
    return 0;
  }
  ops.add(c.free, -k);
  const { meta, cacheTag, genShift, tagIdx } = c;
  const w = ops.words;
  // one pass from both ends: reverse the popped order and turn each index into its handle
  for (let a = 0, z = k - 1; a <= z; a++, z--) {
    const i = cache[a];
    const iz = cache[z];
    const m = w[meta + i];
    w[meta + i] = (m & ~0xff) | cacheTag;
    cache[z] = ((m >>> 8) << genShift) | tagIdx | i;
    if (a === z) break;
    const mz = w[meta + iz];
    w[meta + iz] = (mz & ~0xff) | cacheTag;
    cache[a] = ((mz >>> 8) << genShift) | tagIdx | iz;
  }
  ops.words[c.cached] = k;
  bumpSeq(ops, c.seq);
  return k;
}

/**
 * A cache flush: pushes the top `k` of the `n` cached handles (`cache[n-k..n)`) onto the free
 * list with one CAS, between two bumps of the sequence word: each slot's tag goes back to 0 and
 * the chain cache[n-1] -> ... -> cache[n-k] is linked before the CAS publishes it; then the free
 * counter and the cache count (n - k) follow. Returns the free counter after the add.
 * @internal
 */
export function flushCache(ops: SharedOps, c: CacheShape, cache: Int32Array, n: number, k: number): number {
  const lo = n - k;
  const { meta, genShift, indexMask, next } = c;
  const w = ops.words;
  bumpSeq(ops, c.seq);
  // from the bottom up, one read of the cache per slot: each slot links to the one under it
  let below = 0;
  for (let j = lo; j < n; j++) {
    const h = cache[j];
    const i = h & indexMask;
    w[meta + i] = (h >>> genShift) << 8; // the handle carries the slot's generation: no read
    if (below !== 0) w[next + i] = below;
    below = i + 1;
  }
  pushChain(ops, c, below - 1, cache[lo] & indexMask);
  const listed = ops.add(c.free, k) + k;
  ops.words[c.cached] = lo;
  bumpSeq(ops, c.seq);
  return listed;
}

// ---------------------------------------------------------------------------------------------
// Arena segments. Each segment has a cursor (bytes reserved), an epoch (the frame it holds), a
// recycle lock, and two lessee masks: bit t is set while thread t holds a lease in the segment.
// A lease is one atomic OR of the thread's own bit, so whoever reclaims a dead thread knows
// exactly what it held: there is no count that a thread could die halfway through updating.
// ---------------------------------------------------------------------------------------------

/** Word indexes of one arena segment's shared state. @internal */
export interface SegmentWords {
  /** Bytes reserved in the segment, 0..capacity. */
  readonly cursor: number;
  /** The frame the segment holds. */
  readonly epoch: number;
  /** 1 while a recycle (advance or reset) empties the segment, else 0. */
  readonly lock: number;
  /** Lessee bits of threads 0..31. */
  readonly maskLo: number;
  /** Lessee bits of threads 32..63. */
  readonly maskHi: number;
}

/** The mask word of thread `tid` in segment `w`. @internal */
export function maskWordOf(w: SegmentWords, tid: number): number {
  return tid < 32 ? w.maskLo : w.maskHi;
}

/** Sets (on) or clears bit `bit` of word `i` atomically; returns the word as it was. @internal */
export function setBit(ops: SharedOps, i: number, bit: number, on: boolean): number {
  return on ? ops.or(i, bit) : ops.and(i, ~bit);
}

/** Number of bits set in `v`. @internal */
export function popCount(v: number): number {
  let n = 0;
  for (let x = v >>> 0; x !== 0; x = (x & (x - 1)) >>> 0) n++;
  return n;
}

/**
 * Registers thread `tid` as a lessee of the segment of `frame`: sets its bit, then backs out
 * (returning false) when a recycle holds the segment or moved it to another frame meanwhile; the
 * caller re-reads the frame and tries again. The bit is set before the lock and the epoch are
 * read, and a recycle locks before it reads the bits, so one of the two always sees the other.
 * @internal
 */
export function acquireSegment(ops: SharedOps, w: SegmentWords, frame: number, checkEpoch: boolean, tid: number): boolean {
  const m = maskWordOf(w, tid);
  const bit = 1 << (tid & 31);
  setBit(ops, m, bit, true);
  if (ops.load(w.lock) === 0 && (!checkEpoch || ops.load(w.epoch) === frame)) return true;
  setBit(ops, m, bit, false);
  ops.spin(); // a recycle is emptying this segment, or the clock is publishing the next frame
  return false;
}

/**
 * Reserves a chunk for a lane: `take` bytes from the segment cursor, at least `need` past the
 * current cursor value, normally `laneBytes`, never past `capacity`. `needAt(c)` gives the
 * bytes needed when the cursor is `c` (alignment depends on where the chunk starts). Returns the
 * cursor value the chunk starts at, or -1 when it does not fit; `out[0]` receives `take`.
 * @internal
 */
export function leaseChunk(
  ops: SharedOps, w: SegmentWords, capacity: number, laneBytes: number,
  needAt: (c: number) => number, out: Int32Array,
): number {
  for (;;) {
    const c = ops.load(w.cursor);
    const need = needAt(c);
    if (c + need > capacity) return -1;
    let take = Math.max(laneBytes, (need + 63) & -64);
    if (c + take > capacity) take = capacity - c;
    if (ops.cas(w.cursor, c, c + take) === c) {
      out[0] = take;
      return c;
    }
  }
}

/**
 * Ends thread `tid`'s lease: gives the lane's unused tail back when the cursor still ends at the
 * lane (no other thread leased after it), then clears the thread's lessee bit.
 * @internal
 */
export function releaseSegment(ops: SharedOps, w: SegmentWords, laneEnd: number, laneCur: number, tid: number): void {
  ops.cas(w.cursor, laneEnd, laneCur);
  setBit(ops, maskWordOf(w, tid), 1 << (tid & 31), false);
}

/**
 * Takes a segment for a recycle (reset or advance). Returns 0 when the caller now holds the
 * segment's lock; otherwise the number of lessees seen (or -1 when another recycle holds the
 * lock), and nothing changed.
 * @internal
 */
export function lockSegment(ops: SharedOps, w: SegmentWords): number {
  if (ops.cas(w.lock, 0, 1) !== 0) return -1;
  const lessees = popCount(ops.load(w.maskLo)) + popCount(ops.load(w.maskHi));
  if (lessees === 0) return 0;
  ops.store(w.lock, 0);
  return lessees;
}

/** Undoes a successful {@link lockSegment} without recycling. @internal */
export function unlockSegment(ops: SharedOps, w: SegmentWords): void {
  ops.store(w.lock, 0);
}

/**
 * Empties a locked segment, publishes its new epoch, and unlocks it.
 * @internal
 */
export function recycleSegment(ops: SharedOps, w: SegmentWords, epoch: number): void {
  ops.store(w.cursor, 0);
  ops.store(w.epoch, epoch);
  ops.store(w.lock, 0);
}
