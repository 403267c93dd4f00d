/**
 * publishCounts() with more bytes than one atomic add can take: a big arena can hand out over
 * 2^30 bytes in one frame, which the statistics block adds in pieces to its 64-bit counter.
 * Driven directly on a statistics block (allocating gigabytes in a test is not practical).
 */
import { describe, expect, it } from 'vitest';
import { SB_ALLOCATIONS, SB_BYTES, SB_FAILURES, SB_FREES, SB_PUBLISHES, STATS_BYTES, publishCounts, readCounter } from '../src/stats/block.ts';

describe('publishCounts', () => {
  it('adds bytes of 2^30 and more exactly, across the counter\'s 2^32 carry', () => {
    const i32 = new Int32Array(new SharedArrayBuffer(2 * STATS_BYTES));
    const w = STATS_BYTES >> 2; // the second block: the first must stay untouched
    const big = 3 * 2 ** 30 + 12_345;
    publishCounts(i32, w, 7, 2, big, 1);
    expect(readCounter(i32, w + SB_BYTES)).toBe(big);
    publishCounts(i32, w, 1, 0, big, 0);
    expect(readCounter(i32, w + SB_BYTES)).toBe(2 * big); // past 2^32: the high word carries
    expect(i32[w + SB_BYTES + 1]).toBe(1);
    publishCounts(i32, w, 0, 0, 2 ** 30, 0); // exactly one piece
    expect(readCounter(i32, w + SB_BYTES)).toBe(2 * big + 2 ** 30);
    expect([readCounter(i32, w + SB_ALLOCATIONS), readCounter(i32, w + SB_FREES), readCounter(i32, w + SB_FAILURES)]).toEqual([8, 2, 1]);
    expect(i32[w + SB_PUBLISHES]).toBe(3);
    expect(i32.subarray(0, w).every((x) => x === 0)).toBe(true);
  });
});
