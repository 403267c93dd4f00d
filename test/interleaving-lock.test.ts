/**
 * The region-table lock under the interleaving explorer, with crash points: the production
 * protocol (acquireLock in src/memory/region-table.ts, the unlock and reclaimTable's release as
 * the same single CASes), two threads that each take the lock, enter the critical section and
 * leave it, while one of them may die at any step. Its reclaim (the thread marked not attached,
 * then its lock released) runs concurrently from the moment it dies, or after everyone else.
 */
import { describe, expect, it } from 'vitest';
import type { SharedOps } from '../src/memory/shared-ops.ts';
import { acquireLock, reclaimTable } from '../src/memory/region-table.ts';
import { G_ENTRIES, G_TABLE_LOCK } from '../src/memory/layout.ts';
import type { Crash, Exploration, Scenario } from './interleaving/explorer.ts';
import { printTotals, runScenario } from './interleaving/report.ts';

/** Word of thread t's attached flag (1 = attached). */
const ATTACHED = 20;
/** Word of thread t's "in the critical section" flag. */
const IN_CS = 24;
/** Word where a thread records that it entered while a live thread was inside (1 = broken). */
const OVERLAP = 28;
const WORDS = 32;

/**
 * Takes the lock as thread `t`, enters, leaves, unlocks; `attached` tells who may keep a lock.
 * With `patience`, gives up (LOCK_TIMEOUT in production) after that many waits; returns false then.
 */
function locker(t: number, attached: (ops: SharedOps, u: number) => boolean, patience = Infinity) {
  return (ops: SharedOps): boolean => {
    let waits = 0;
    const holder = acquireLock(ops, G_TABLE_LOCK, t + 1, (u) => attached(ops, u), () => { ops.spin(); return ++waits < patience; });
    if (holder >= 0) return false;
    ops.words[IN_CS + t] = 1;
    const other = 1 - t;
    // a live thread inside while we hold the lock is a broken exclusion; a dead one inside is
    // not (its reclaim marked it not attached before it released the lock)
    if (ops.words[IN_CS + other] === 1 && ops.load(ATTACHED + other) === 1) ops.words[OVERLAP] = 1;
    ops.words[IN_CS + t] = 0;
    ops.cas(G_TABLE_LOCK, t + 1, 0); // unlockTable
    return true;
  };
}

const attachedWord = (ops: SharedOps, u: number): boolean => ops.load(ATTACHED + u) === 1;

function init(m: Int32Array): void {
  m[ATTACHED] = 1;
  m[ATTACHED + 1] = 1;
  m[G_ENTRIES] = 0; // no entries: reclaimTable only releases the lock
}

/** Exclusion held and the lock is free at the end; every survivor got the lock unless `mayGiveUp`. */
const checkWith = (mayGiveUp: boolean) => (m: Int32Array, results: readonly unknown[], crash: Crash | null): string | null => {
  if (m[OVERLAP] !== 0) return 'two live threads were in the critical section at once';
  if (m[G_TABLE_LOCK] !== 0) return `the lock is still held (word ${m[G_TABLE_LOCK]})`;
  for (let t = 0; t < 2; t++) if (crash?.thread !== t && results[t] !== true && !mayGiveUp) return `thread ${t} did not get the lock`;
  return null;
};

/** Thread 0 may die at any step; its reclaim runs concurrently (or after, with `after`). */
function lockCrash(after: boolean, brokenAttached = false): Scenario {
  const attached = brokenAttached ? () => false : attachedWord;
  return {
    name: `table lock: two lockers, thread 0 dies at any step; reclaim ${after ? 'after the survivors' : 'concurrently'}` +
      (brokenAttached ? ', BROKEN: a lock is broken without asking whether its holder is attached' : ''),
    words: WORDS,
    init,
    threads: [locker(0, attached), locker(1, attached, after ? 3 : Infinity)],
    crashThread: 0,
    ...(after
      ? { recover: (m: Int32Array, dead: number) => { m[ATTACHED + dead] = 0; reclaimTable(m, dead); } }
      : { reclaimer: (ops: SharedOps) => { ops.store(ATTACHED, 0); return ops.cas(G_TABLE_LOCK, 1, 0) === 1; } }),
    // a survivor with bounded patience may give up (LOCK_TIMEOUT) while the other holds the lock
    check: checkWith(after),
    maxSteps: 60,
  };
}

describe('interleaving explorer: the region-table lock with crash points', () => {
  const report: Exploration[] = [];

  it('a locker that dies at any step never blocks the other once it is reclaimed, and exclusion holds', () => {
    const r = runScenario(lockCrash(false), report);
    expect(r.violations).toBe(0);
    expect(r.cut).toBe(0);
    expect([r.interleavings, r.crashes]).toEqual([258, 4504]);
  });

  it('a survivor gives up (LOCK_TIMEOUT) while the dead holder is not reclaimed; the reclaim after it frees the lock (production reclaimTable)', () => {
    const r = runScenario(lockCrash(true), report);
    expect(r.violations).toBe(0);
    expect(r.cut).toBe(0);
    expect([r.interleavings, r.crashes]).toEqual([255, 1056]);
  });

  it('a lock whose breaker does not ask whether the holder is attached lets two live threads in (the explorer catches it)', () => {
    const r = runScenario(lockCrash(false, true), report);
    expect(r.violations).toBeGreaterThan(0);
  });

  it('reports its totals', () => {
    const [normal, crash] = printTotals('table lock', report);
    expect(normal + crash).toBeGreaterThan(0);
  });
});
