/**
 * Returning a dead thread's pool slots: the free slots it held in its private cache (each
 * carries the thread's cache tag in its meta word), and the slots it had in flight when it
 * stopped inside a refill or flush (neither listed, cached nor live). Cold: once per reclaim.
 * @module
 * @internal
 */
import { MAX_THREADS } from '../memory/layout.ts';
import { isAttached } from '../memory/threads.ts';
import { type FreeListShape, headTagMask, pushChain } from './lockfree.ts';
import { opsFor } from './arena-layout.ts';
import {
  BUSY, CACHE_TAG, CACHED_STRIDE, P_CACHED, P_CAPACITY, P_FREE, P_HEAD, P_LINK_BITS, P_META, P_NEXT, isLiveMeta,
} from './pool-layout.ts';

/** How long a reclaim waits for other threads' refills and flushes to finish, in milliseconds. */
const QUIET_WAIT_MS = 100;

function shapeOf(i32: Int32Array, b: number): FreeListShape {
  const linkBits = i32[b + P_LINK_BITS];
  return { head: b + P_HEAD, next: i32[b + P_NEXT], capacity: i32[b + P_CAPACITY], linkBits, tagMask: headTagMask(linkBits) };
}

/** Links `slots` into a chain (their tags set to 0 first) and pushes it with one CAS. */
function pushSlots(i32: Int32Array, b: number, slots: number[]): void {
  if (slots.length === 0) return;
  const meta = i32[b + P_META];
  const shape = shapeOf(i32, b);
  for (let k = 0; k < slots.length; k++) {
    i32[meta + slots[k]] &= ~0xff;
    if (k + 1 < slots.length) i32[shape.next + slots[k]] = slots[k + 1] + 1;
  }
  pushChain(opsFor(i32), shape, slots[0], slots[slots.length - 1]);
}

function readSeqs(i32: Int32Array, b: number, out: Int32Array): void {
  for (let t = 0; t < MAX_THREADS; t++) out[t] = Atomics.load(i32, b + cacheLine(t) + BUSY);
}

function cacheLine(t: number): number {
  return P_CACHED + t * CACHED_STRIDE;
}

/**
 * Returns thread `dead`'s cached slots and in-flight slots of the pool at `offset` to the shared
 * free list, for `reclaimThread` run by thread `self`. Returns how many slots came back.
 *
 * In-flight slots are only taken back while every other attached thread is outside a refill or
 * flush (their sequence numbers even and unchanged across the scan), so a slot another thread
 * is moving right now is never taken. If that moment does not come within QUIET_WAIT_MS, the
 * in-flight slots stay where they are (a later reclaim or checkInvariants() will show them).
 */
export function reclaimPoolThread(i32: Int32Array, offset: number, dead: number, self: number): number {
  const b = offset >> 2;
  const cap = i32[b + P_CAPACITY];
  const meta = i32[b + P_META];
  const selfBusy = b + cacheLine(self) + BUSY;
  const bump = (): void => { Atomics.store(i32, selfBusy, (Atomics.load(i32, selfBusy) + 1) & 0x3fffffff); };
  // 1. the slots in the dead thread's cache: tagged with its cache tag, touched by nobody else
  const tag = CACHE_TAG | dead;
  const cached: number[] = [];
  for (let i = 0; i < cap; i++) if ((i32[meta + i] & 0xff) === tag) cached.push(i);
  bump();
  pushSlots(i32, b, cached);
  Atomics.add(i32, b + P_FREE, cached.length);
  Atomics.store(i32, b + cacheLine(dead), 0);
  bump();
  // 2. slots in flight: neither listed, cached nor live, while nobody else is mid refill or flush
  const s1 = new Int32Array(MAX_THREADS);
  const s2 = new Int32Array(MAX_THREADS);
  const listed = new Uint8Array(cap);
  const shape = shapeOf(i32, b);
  const t0 = Date.now();
  while (Date.now() - t0 <= QUIET_WAIT_MS) {
    readSeqs(i32, b, s1);
    let busy = false;
    for (let t = 0; t < MAX_THREADS; t++) if (t !== dead && t !== self && (s1[t] & 1) !== 0 && isAttached(i32, t)) busy = true;
    if (busy) continue;
    listed.fill(0);
    let count = 0;
    let link = Atomics.load(i32, shape.head) & ((1 << shape.linkBits) - 1);
    while (link !== 0 && link <= cap && listed[link - 1] === 0 && count <= cap) {
      listed[link - 1] = 1;
      count++;
      link = i32[shape.next + link - 1];
    }
    const freeSeen = Atomics.load(i32, b + P_FREE);
    const limbo: number[] = [];
    for (let i = 0; i < cap; i++) {
      const m = i32[meta + i];
      if ((m & 0xff) === 0 && listed[i] === 0 && !isLiveMeta(m)) limbo.push(i);
    }
    readSeqs(i32, b, s2);
    let moved = false;
    for (let t = 0; t < MAX_THREADS; t++) if (t !== self && s1[t] !== s2[t]) moved = true;
    if (moved) continue;
    bump();
    pushSlots(i32, b, limbo);
    // the dead thread may have stopped between its CAS and its counter update: count exactly
    Atomics.add(i32, b + P_FREE, limbo.length + (count - freeSeen));
    bump();
    Atomics.store(i32, b + cacheLine(dead) + BUSY, 0);
    return cached.length + limbo.length;
  }
  return cached.length;
}
