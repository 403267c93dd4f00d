/**
 * Returning a dead thread's pool slots: the free slots it held in its private cache (each
 * carries the thread's cache tag in its meta word), and the slots it had in flight when it
 * stopped inside a refill or flush (neither listed, cached nor live). Written against
 * {@link SharedOps} like the lock-free cores, so the interleaving explorer runs this code with
 * crash points (test/interleaving-crash*.test.ts). Cold: once per reclaim.
 * @module
 * @internal
 */
import { MAX_THREADS } from '../../memory/layout.ts';
import { isAttached } from '../../memory/threads.ts';
import { type FreeListShape, headTagMask, pushChain } from '../lockfree.ts';
import { type SharedOps, opsFor } from '../../memory/shared-ops.ts';
import { BUSY, CACHE_TAG, CACHED_STRIDE, P_CACHED, P_CAPACITY, P_FREE, P_HEAD, P_LINK_BITS, P_META, P_NEXT } from './layout.ts';

/** How long a reclaim waits for other threads' refills and flushes to finish, in milliseconds. */
const QUIET_WAIT_MS = 100;

/** Where a pool's shared state lives, for a reclaim. @internal */
export interface PoolShape extends FreeListShape {
  /** Word index of meta[0]. */
  readonly meta: number;
  /** Word index of the free counter. */
  readonly free: number;
  /** Word index of thread 0's cache count; thread t's is `stride` words further, its sequence word BUSY after it. */
  readonly lines: number;
  /** Words between two threads' cache counts. */
  readonly stride: number;
  /** Thread ids 0..threads-1 exist. */
  readonly threads: number;
}

/** Thread `t`'s sequence word: odd while it refills, flushes or reclaims. */
function seqOf(p: PoolShape, t: number): number {
  return p.lines + t * p.stride + BUSY;
}

/** Moves thread `t`'s sequence word on (atomically: other reclaimers read it). */
function bump(ops: SharedOps, p: PoolShape, t: number): void {
  const w = seqOf(p, t);
  ops.store(w, (ops.load(w) + 1) & 0x3fffffff);
}

/** Links `slots` into a chain (their tags set to 0 first) and pushes it with one CAS. */
function pushSlots(ops: SharedOps, p: PoolShape, slots: readonly number[]): void {
  if (slots.length === 0) return;
  for (let k = 0; k < slots.length; k++) {
    ops.words[p.meta + slots[k]] = ops.words[p.meta + slots[k]] & ~0xff;
    if (k + 1 < slots.length) ops.words[p.next + slots[k]] = slots[k + 1] + 1;
  }
  pushChain(ops, p, slots[0], slots[slots.length - 1]);
}

/**
 * Returns thread `dead`'s pool slots to the free list, run by thread `self`; returns how many
 * came back. `attached(t)` tells whether thread t is attached; `keepTrying()` bounds the wait
 * for a quiet moment (production: {@link QUIET_WAIT_MS}).
 *
 * 1. Its cached slots (tagged with its cache tag, touched by nobody else) go back with one push,
 *    its cache count and its sequence word go to 0: the id may be reused, and a new thread must
 *    start even, whether or not step 2 succeeds.
 * 2. Its in-flight slots (tag 0, not listed) are taken back only in a quiet moment: this thread
 *    announces itself (its sequence word odd), then every other attached thread's sequence word
 *    is even before the scan and unchanged after it, so no refill, flush or other reclaim moved
 *    a slot meanwhile. The free counter is corrected by the walked list length minus the counter
 *    (the dead thread may have stopped between its CAS and its counter update). Two reclaims
 *    exclude each other: one that sees a lower id announced steps back (even) until that one's
 *    word moves, a lower id waits for the higher to step back. If no quiet moment comes, the
 *    in-flight slots stay (a later reclaim takes them; checkInvariants() shows them).
 * @internal
 */
export function reclaimPoolSlots(
  ops: SharedOps, p: PoolShape, dead: number, self: number, attached: (t: number) => boolean, keepTrying: () => boolean,
): number {
  const tag = CACHE_TAG | dead;
  const cached: number[] = [];
  for (let i = 0; i < p.capacity; i++) if ((ops.words[p.meta + i] & 0xff) === tag) cached.push(i);
  bump(ops, p, self);
  pushSlots(ops, p, cached);
  ops.add(p.free, cached.length);
  ops.store(p.lines + dead * p.stride, 0);
  ops.store(seqOf(p, dead), 0);
  bump(ops, p, self);
  return cached.length + Math.max(0, reclaimInFlight(ops, p, dead, self, attached, keepTrying));
}

/** Step 2 of {@link reclaimPoolSlots}: returns the in-flight slots taken back, or -1 when no quiet moment came. */
function reclaimInFlight(
  ops: SharedOps, p: PoolShape, dead: number, self: number, attached: (t: number) => boolean, keepTrying: () => boolean,
): number {
  const cap = p.capacity;
  const s1 = new Int32Array(p.threads);
  const listed = new Uint8Array(cap);
  const linkMask = (1 << p.linkBits) - 1;
  bump(ops, p, self); // announced: odd until done
  for (;;) {
    if (!keepTrying()) {
      bump(ops, p, self);
      return -1;
    }
    let busy = -1;
    for (let t = 0; t < p.threads; t++) {
      if (t === self) continue;
      s1[t] = ops.load(seqOf(p, t));
      if (busy < 0 && t !== dead && (s1[t] & 1) !== 0 && attached(t)) busy = t;
    }
    if (busy >= 0 && busy < self) {
      // a lower id is announced (or mid refill/flush): step back until its word moves
      bump(ops, p, self);
      while (ops.load(seqOf(p, busy)) === s1[busy] && keepTrying()) ops.spin();
      bump(ops, p, self);
      continue;
    }
    if (busy >= 0) {
      ops.spin(); // mid refill/flush, or a higher id that steps back for us
      continue;
    }
    listed.fill(0);
    let count = 0;
    let link = ops.load(p.head) & linkMask;
    while (link !== 0 && link <= cap && listed[link - 1] === 0) {
      listed[link - 1] = 1;
      count++;
      link = ops.words[p.next + link - 1];
    }
    const freeSeen = ops.load(p.free);
    const limbo: number[] = [];
    for (let i = 0; i < cap; i++) if ((ops.words[p.meta + i] & 0xff) === 0 && listed[i] === 0) limbo.push(i);
    let moved = false;
    for (let t = 0; t < p.threads && !moved; t++) if (t !== self && ops.load(seqOf(p, t)) !== s1[t]) moved = true;
    if (moved) {
      ops.spin();
      continue;
    }
    pushSlots(ops, p, limbo);
    ops.add(p.free, limbo.length + (count - freeSeen));
    bump(ops, p, self);
    return limbo.length;
  }
}

/** The shape of the pool whose header starts at word `b`. */
export function poolShapeAt(i32: Int32Array, b: number): PoolShape {
  const linkBits = i32[b + P_LINK_BITS];
  return {
    head: b + P_HEAD, next: i32[b + P_NEXT], capacity: i32[b + P_CAPACITY], linkBits, tagMask: headTagMask(linkBits),
    meta: i32[b + P_META], free: b + P_FREE, lines: b + P_CACHED, stride: CACHED_STRIDE, threads: MAX_THREADS,
  };
}

/**
 * Returns thread `dead`'s cached slots and in-flight slots of the pool at `offset` to the shared
 * free list, for `reclaimThread` run by thread `self`. Returns how many slots came back.
 * See {@link reclaimPoolSlots}.
 */
export function reclaimPoolThread(i32: Int32Array, offset: number, dead: number, self: number): number {
  const t0 = Date.now();
  return reclaimPoolSlots(opsFor(i32), poolShapeAt(i32, offset >> 2), dead, self, (t) => isAttached(i32, t), () => Date.now() - t0 <= QUIET_WAIT_MS);
}
