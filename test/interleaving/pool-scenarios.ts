/**
 * Crash scenarios of the pool for the explorer: a thread dies at any step of a refill or a flush
 * while another thread refills and flushes, then reclaimThread's pool part runs, after everyone
 * else finished or concurrently with them. Slot ids: the dying thread is 0, survivors 1 and up,
 * the reclaimer the highest id.
 */
import type { SharedOps } from '../../src/memory/shared-ops.ts';
import type { LogicalThread, Scenario } from './explorer.ts';
import { PoolModel } from './pool-model.ts';

/** A flush: production, or a deliberately broken one. */
export type Flush = (pm: PoolModel, ops: SharedOps, t: number, cache: number[], k: number) => void;

/** The production flush (lockfree.ts flushCache). */
export const flushOk: Flush = (pm, ops, t, cache, k) => { pm.flush(ops, t, cache, k); };

/**
 * BROKEN: untags the slots after the CAS that publishes them. Another thread can pop a slot
 * and tag it as cached in between; the late untag then wipes that thread's tag.
 */
export const flushUntagLate: Flush = (pm, ops, t, cache, k) => {
  const s = pm.shape;
  const n = cache.length;
  const lo = n - k;
  const seq = pm.seqWord(t);
  ops.words[seq] = ops.words[seq] + 1;
  for (let j = n - 1; j > lo; j--) ops.words[s.next + (cache[j] & pm.indexMask)] = (cache[j - 1] & pm.indexMask) + 1;
  const first = cache[n - 1] & pm.indexMask;
  const last = cache[lo] & pm.indexMask;
  for (;;) {
    const h = ops.load(s.head);
    ops.words[s.next + last] = h & ((1 << s.linkBits) - 1);
    if (ops.cas(s.head, h, ((((h >>> s.linkBits) + 1) & s.tagMask) << s.linkBits) | (first + 1)) === h) break;
  }
  for (let j = n - 1; j >= lo; j--) {
    const i = cache[j] & pm.indexMask;
    ops.words[s.meta + i] = ops.words[s.meta + i] & ~0xff;
  }
  ops.add(s.free, k);
  ops.words[pm.cachedWord(t)] = lo;
  ops.words[seq] = ops.words[seq] + 1;
  cache.length = lo;
};

/** b. Thread 0 flushes its 2 cached slots and dies at any step; thread 1 refills 2 and allocates 1. */
export function flushCrash(flush: Flush = flushOk, name = 'pool: flush of 2 dies at any step, vs refill 2 + alloc; reclaim after'): Scenario {
  const pm = new PoolModel(4, 3);
  return {
    name,
    words: pm.words,
    init: pm.init([2, 3], [[0, 1]]),
    threads: [
      (ops) => { const c = pm.handles([0, 1]); flush(pm, ops, 0, c, 2); return pm.holdings(c, []); },
      (ops) => {
        const c: number[] = [];
        const live: number[] = [];
        if (pm.refill(ops, 1, 2, c) > 0) live.push(pm.alloc(ops, 1, c));
        return pm.holdings(c, live);
      },
    ],
    crashThread: 0,
    recover: pm.recover(2),
    check: pm.check(),
    reduce: true,
  };
}

/** Hides every sequence word from the reclaimer (reads 0): a reclaim without the quiescence bracket. BROKEN. */
function blind(pm: PoolModel, ops: SharedOps): SharedOps {
  const seq = (i: number): boolean => i >= pm.shape.lines && i < pm.attached && ((i - pm.shape.lines) & 1) === 1;
  return { ...ops, load: (i) => (seq(i) ? 0 : ops.load(i)), store: (i, v) => { if (!seq(i)) ops.store(i, v); } };
}

/** Slots 0..slots-1 that neither thread 0 nor thread 1 caches at the start, in order. */
function listedOf(slots: number, cached0: readonly number[], cached1: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < slots; i++) if (!cached0.includes(i) && !cached1.includes(i)) out.push(i);
  return out;
}

/** What the surviving thread 1 does: refill 1 and flush it, or one of the two (from a cache of 1). */
export type Survivor = 'refill+flush' | 'refill' | 'flush';

/** Thread 1 of the concurrent-reclaim scenarios; with 'flush', its cache holds the highest slot at the start. */
function survivorThread(pm: PoolModel, what: Survivor): LogicalThread {
  return (ops) => {
    const c = what === 'flush' ? pm.handles([pm.capacity - 1]) : [];
    if (what !== 'flush') pm.refill(ops, 1, 1, c);
    if (what !== 'refill' && c.length > 0) pm.flush(ops, 1, c, 1);
    return pm.holdings(c, []);
  };
}

/**
 * e. Thread 0 dies at any step of a refill of 2 (or a flush of its 2 cached slots) while thread 1
 * refills 1 and flushes it; the reclaim of thread 0 starts at the crash and runs concurrently.
 */
export function concurrentReclaim(dyingIn: 'refill' | 'flush', bracket = true, survivor: Survivor = 'refill+flush', slots = 4): Scenario {
  const pm = new PoolModel(slots, 3);
  const inRefill = dyingIn === 'refill';
  return {
    name: `pool: ${inRefill ? 'refill' : 'flush'} of 2 dies at any step, its reclaim runs concurrently with a ${survivor} of 1 (${slots} slots)` +
      (bracket ? '' : ', BROKEN: reclaim without the quiescence bracket'),
    words: pm.words,
    init: pm.init(listedOf(slots, inRefill ? [] : [0, 1], survivor === 'flush' ? [slots - 1] : []),
      [inRefill ? [] : [0, 1], survivor === 'flush' ? [slots - 1] : []]),
    threads: [
      (ops) => {
        const c = inRefill ? [] : pm.handles([0, 1]);
        if (inRefill) pm.refill(ops, 0, 2, c);
        else pm.flush(ops, 0, c, 2);
        return pm.holdings(c, []);
      },
      survivorThread(pm, survivor),
    ],
    crashThread: 0,
    reclaimer: (ops) => pm.reclaimer(0, 2, bracket ? ops : blind(pm, ops)),
    check: pm.check(),
    reduce: true,
    park: true,
  };
}

/**
 * Why a reclaim must leave the dead thread's sequence word even: thread 1 reuses the id of a
 * thread whose reclaim found no quiet moment and left the word odd (the reclaim before this
 * change), so its refill makes it even; a concurrent reclaim (of thread 0, gone, holding
 * nothing; the current reclaim) then takes the slots it moves. BROKEN by construction.
 */
export function invertedParity(): Scenario {
  const pm = new PoolModel(4, 3);
  const init = pm.init([0, 1, 2, 3], [], [0]);
  return {
    name: 'pool: a refill whose thread id starts with an odd sequence word, vs a reclaim (BROKEN: the word a timed-out reclaim left)',
    words: pm.words,
    init: (m) => { init(m); m[pm.seqWord(1)] = 1; },
    threads: [
      () => null,
      (ops) => {
        const c: number[] = [];
        const live: number[] = [];
        if (pm.refill(ops, 1, 2, c) > 0) live.push(pm.alloc(ops, 1, c));
        return pm.holdings(c, live);
      },
      (ops) => pm.reclaimer(0, 2, ops),
    ],
    check: (m, results, crash) => {
      m[pm.seqWord(1)] &= ~1; // the word's parity is the point here, not a failure of its own
      return pm.check()(m, results, crash);
    },
    reduce: true,
    park: true,
  };
}

/**
 * a. Thread 0 refills `want` of `slots` slots and dies at any step of it (popBatch, counter,
 * tags); thread 1 refills `want` and flushes 1 (a pop and a pushChain racing thread 0's pop).
 * With 2 slots and a refill of 1, the free-list pop with minimal state: in particular a death
 * between the pop CAS and the tag, where the slot is in flight. Reclaim after everyone
 * finished, or (`concurrent`) from the crash on.
 */
export function refillCrash(slots = 4, want = 2, concurrent = false): Scenario {
  const pm = new PoolModel(slots, 3);
  return {
    name: `pool: refill of ${want} dies at any step, vs refill ${want} + flush 1 (${slots} slots); reclaim ${concurrent ? 'concurrently' : 'after'}`,
    words: pm.words,
    init: pm.init(Array.from({ length: slots }, (_, i) => i)),
    threads: [
      (ops) => { const c: number[] = []; pm.refill(ops, 0, want, c); return pm.holdings(c, []); },
      (ops) => {
        const c: number[] = [];
        if (pm.refill(ops, 1, want, c) > 0) pm.flush(ops, 1, c, 1);
        return pm.holdings(c, []);
      },
    ],
    crashThread: 0,
    ...(concurrent ? { reclaimer: (ops: SharedOps) => pm.reclaimer(0, 2, ops) } : { recover: pm.recover(2) }),
    check: pm.check(),
    reduce: true,
    park: concurrent,
  };
}
