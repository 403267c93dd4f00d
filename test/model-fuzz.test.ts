/**
 * Model-based fuzz of the public API (test/model-fuzz-model.ts): two views of one memory, a frame
 * arena, a pool and one stack per view, random interleaved operations including advance(), releases,
 * resets, marks, flushes and invalid inputs; checkInvariants() of both views and every live block's
 * stamp after every operation. A fixed seed, so a failure prints the run and its replay command.
 * The long run is `npm run fuzz` (scripts/fuzz.ts).
 */
import { describe, expect, it } from 'vitest';
import { formatFailure, newCounts, runFuzz, type FuzzFailure } from './model-fuzz-model.ts';
import { CHECKS, inBrowser } from './helpers.ts';

const SEED = 20_240_611;
const OPS_PER_RUN = 400;
/** 40,000 operations in the checked Node build (2 to 5 s), fewer in the fast build and in browsers. */
const RUNS = inBrowser ? 30 : CHECKS ? 100 : 60;

describe('model fuzz: arena, pool and stacks through two views of one memory', () => {
  it(`${RUNS} runs of ${OPS_PER_RUN} operations agree with the model`, () => {
    const failures: FuzzFailure[] = [];
    const counts = runFuzz({ seed: SEED, opsPerRun: OPS_PER_RUN, runs: RUNS, onFailure: (f) => failures.push(f) }, newCounts());
    if (failures.length > 0) {
      expect.fail(`${failures.length} of ${RUNS} runs disagree with the model (${JSON.stringify(counts.mismatches)}); the first:\n${formatFailure(failures[0], OPS_PER_RUN)}`);
    }
    expect(counts.runs).toBe(RUNS);
    // every path the model reasons about was exercised, so a change that stops exercising one shows up here
    const codes = ['ARENA_EXHAUSTED', 'POOL_EXHAUSTED', 'STACK_OVERFLOW', 'LANE_LEASED', 'ALLOC_TOO_LARGE', 'INVALID_MARK', 'WRONG_THREAD'];
    const checked = ['INVALID_SIZE', 'INVALID_ALIGN', 'INVALID_OFFSET', 'USE_AFTER_RESET', 'DOUBLE_FREE', 'STALE_HANDLE', 'INVALID_HANDLE', 'LIFO_VIOLATION'];
    for (const code of CHECKS ? [...codes, ...checked] : codes) expect(counts.errors[code] ?? 0, code).toBeGreaterThan(0);
    for (const op of ['arena.advance', 'arena.rewind', 'arena.reset', 'arena.release', 'arena.verify', 'pool.flush', 'pool.free', 'stack.release']) {
      expect(counts.ops[op] ?? 0, op).toBeGreaterThan(0);
    }
  });
});
