/**
 * Crash points in the interleaving explorer: a thread stops forever at any step of a lock-free
 * operation (the free-list pop and push inside a pool cache refill and flush, an arena lane
 * lease), then reclaimThread's part for that allocator runs, after everyone else finished or
 * concurrently with them. Every schedule must end with the invariants intact: no slot lost or
 * held twice, no lane handed out twice or recycled under a live lessee, and the advance the dead
 * thread blocked goes through. The scenarios run the production code (src/allocators/lockfree.ts,
 * pool/reclaim.ts, arena/clock.ts); the counts are exact (the explorer is deterministic), so a
 * change in them means the code's shared-memory steps changed.
 */
import { describe, expect, it } from 'vitest';
import type { Exploration, Scenario } from './interleaving/explorer.ts';
import { printTotals, runScenario } from './interleaving/report.ts';
import {
  concurrentReclaim, flushCrash, flushUntagLate, invertedParity, refillCrash,
} from './interleaving/pool-scenarios.ts';
import { laneLeaseCrash, lockIgnoringLessees, recoverKeepingBit } from './interleaving/arena-scenarios.ts';

const report: Exploration[] = [];

/** Exact counts of a correct scenario: schedules without a crash, and with one. */
interface Pinned {
  readonly interleavings: number;
  readonly crashes: number;
}

/** Runs a correct scenario: no violation, no cut schedule, crash schedules run, counts as pinned. */
function expectSound(sc: Scenario, pinned: Pinned): void {
  const r = runScenario(sc, report);
  expect(r.firstViolation?.message ?? null).toBeNull();
  expect(r.violations).toBe(0);
  expect(r.cut).toBe(0);
  expect(r.crashes).toBeGreaterThan(0);
  expect({ interleavings: r.interleavings, crashes: r.crashes }).toEqual(pinned);
}

/** Runs a broken scenario: the explorer must find violations (after a crash, with `afterCrash`). */
function expectCaught(sc: Scenario, afterCrash: boolean, message: RegExp): Exploration {
  const r = runScenario(sc, report);
  expect(r.violations).toBeGreaterThan(0);
  if (afterCrash) expect(r.crashViolations).toBeGreaterThan(0);
  expect(r.firstViolation?.message).toMatch(message);
  return r;
}

describe('crash points: pool free-list pop and push (popBatch / pushChain inside refillCache / flushCache)', () => {
  it('a refill of 2 dies at any step of its popBatch, counter update or tagging (its popped slots in flight); reclaim after', () => {
    expectSound(refillCrash(), EXPECTED.refill);
  });

  it('a refill of 1 dies between its pop CAS and its tag, or at any other step, vs a pop + pushChain; reclaim after', () => {
    expectSound(refillCrash(2, 1), EXPECTED.singleSlot);
  });

  it('a flush of 2 dies at any step of untagging, its pushChain or its counters, vs a refill + alloc; reclaim after', () => {
    expectSound(flushCrash(), EXPECTED.flush);
  });

  it('catches a flush that untags after its pushChain CAS (BROKEN)', () => {
    expectCaught(flushCrash(flushUntagLate, 'pool: flush of 2 dies at any step, BROKEN: untags after the push CAS'), false, /tagged|held|lost|listed/);
  });
});

describe('crash points: a pool reclaim running concurrently with the survivors', () => {
  it('a refill (popBatch) dies at any step; its reclaim runs while another thread flushes (pushChain)', () => {
    expectSound(concurrentReclaim('refill', true, 'flush', 3), EXPECTED.concurrentRefill);
  });

  it('a flush (pushChain) dies at any step; its reclaim runs while another thread refills (popBatch)', () => {
    expectSound(concurrentReclaim('flush', true, 'refill', 3), EXPECTED.concurrentFlush);
  });

  it('catches a reclaim without the quiescence bracket (BROKEN)', () => {
    expectCaught(concurrentReclaim('refill', false, 'flush', 3), true, /held twice|listed|lost|tagged|counter/);
  });

  it('catches a thread id reused with the odd sequence word a timed-out reclaim left (BROKEN)', () => {
    expectCaught(invertedParity(), false, /listed|held|lost|tagged/);
  });
});

describe('crash points: arena lane lease (acquireSegment + leaseChunk + releaseSegment)', () => {
  it('a lease dies at any step vs the advance and a leased worker\'s release; reclaimArenaThread after, then the advance goes through', () => {
    expectSound(laneLeaseCrash(), EXPECTED.lane);
  });

  it('a lease dies at any step vs the advance; reclaimArenaThread after', () => {
    expectSound(laneLeaseCrash({ alone: true }), EXPECTED.laneAlone);
  });

  it('a lease dies at any step vs the advance; its lessee bit is cleared concurrently', () => {
    expectSound(laneLeaseCrash({ alone: true, concurrent: true }), EXPECTED.laneConcurrent);
  });

  it('catches a reclaim that forgets the lessee bit (BROKEN): the advance stays blocked', () => {
    const r = expectCaught(laneLeaseCrash({ alone: true, recover: recoverKeepingBit, broken: 'the reclaim keeps the lessee bit' }), true, /lessee|blocked/);
    expect(r.violations).toBe(r.crashViolations);
  });

  it('catches a recycle that ignores the lessee masks (BROKEN)', () => {
    expectCaught(laneLeaseCrash({ alone: true, lock: lockIgnoringLessees, broken: 'the recycle ignores lessee bits' }), false, /recycled while|handed|blocked|lessee/);
  });

  it('reports its totals', () => {
    const [normal, crash] = printTotals('crash points', report);
    expect(crash).toBeGreaterThan(normal);
  });
});

const EXPECTED = {
  refill: { interleavings: 40, crashes: 397 },
  singleSlot: { interleavings: 40, crashes: 301 },
  flush: { interleavings: 8, crashes: 49 },
  concurrentRefill: { interleavings: 8, crashes: 10693 },
  concurrentFlush: { interleavings: 8, crashes: 8931 },
  lane: { interleavings: 12698, crashes: 183089 },
  laneAlone: { interleavings: 773, crashes: 11947 },
  laneConcurrent: { interleavings: 773, crashes: 11972 },
} satisfies Record<string, Pinned>;
