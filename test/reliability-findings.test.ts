/**
 * Regression tests for the independent reliability review (issue 12), one per finding in the
 * allocators and the memory: each failed before the fix. The bulk helpers, the temporaries ring
 * and the cache options are covered in test/typed-bad-input.test.ts and test/cache-bad-input.test.ts;
 * lagging workers under a free-running clock in test/free-clock.test.ts; dead threads in
 * test/reclaim.test.ts and test/kill.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { attachMemory, createMemory, type Memory } from '../src/index.ts';
import { G_ENTRIES } from '../src/memory/layout.ts';
import { CHECKS, expectCode, itChecked } from './helpers.ts';

function mem(): Memory {
  return createMemory({ size: 1 << 20 });
}

describe('finding 1: a lagging worker\'s arena blocks are never recycled under its lease', () => {
  it('frames: 2, laneBytes: 64: the second advance() refuses instead of recycling the worker\'s block', () => {
    const m = mem();
    m.createArena('f', { capacity: 4096, frames: 2, laneBytes: 64 });
    const w = attachMemory(m.share(), { name: 'worker' });
    const wa = w.arena('f');
    const p = wa.alloc(64);
    const e = wa.epoch;
    m.u8.fill(7, p, p + 64);
    m.advance();
    wa.alloc(64); // a new lane, still in the worker's frame 0
    const err = expectCode(() => m.advance(), 'LANE_LEASED');
    expect(err.message).toContain('"worker" (lease in frame 0, 1 frame(s) behind)');
    expect(m.frame).toBe(1);
    expect(m.u8[p]).toBe(7);
    expect(m.u8[p + 63]).toBe(7);
    expect(wa.verify(p, e)).toBe(p);
    m.checkInvariants();
    w.checkInvariants();
    wa.release();
    expect(m.advance()).toBe(2);
    if (CHECKS) expectCode(() => wa.verify(p, e), 'USE_AFTER_RESET'); // now, and only now, recycled
  });
});

describe('finding 6: handles carry their pool\'s identity', () => {
  itChecked('a handle from pool q does not free pool p\'s live slot', () => {
    const m = mem();
    const p = m.createPool('p', { slotSize: 8, capacity: 16 });
    const q = m.createPool('q', { slotSize: 8, capacity: 16 });
    const hp = p.alloc();
    const hq = q.alloc();
    expect(hp & 15).toBe(hq & 15); // same slot index and generation
    const err = expectCode(() => { p.free(hq); }, 'FOREIGN_HANDLE');
    expect(err.state).toMatchObject({ handleTag: (hq >>> 4) & 15, poolTag: (hp >>> 4) & 15 });
    expectCode(() => p.offsetOf(hq), 'FOREIGN_HANDLE');
    expect(p.isAlive(hq)).toBe(false);
    expect(p.isAlive(hp)).toBe(true);
    expect(p.live).toBe(1);
    m.checkInvariants();
  });
});

describe('finding 7: arena marks are checked against the lease', () => {
  itChecked('frames: 1: a mark from before advance() cannot cut a block of the new frame', () => {
    const m = mem();
    const a = m.createArena('a', { capacity: 1024, frames: 1 });
    a.alloc(30);
    const mk = a.mark();
    m.advance();
    const p = a.alloc(64);
    expectCode(() => { a.rewind(mk); }, 'INVALID_MARK');
    expect(a.alloc(8)).toBe(p + 64); // the block was not cut
    a.checkInvariants();
  });

  itChecked('marks of this lease still work, nested and after other marks were released', () => {
    const m = mem();
    const a = m.createArena('a', { capacity: 1024, frames: 1, laneBytes: 64 });
    const m0 = a.mark();
    const p = a.alloc(16);
    const m1 = a.mark();
    a.alloc(100); // a second lane
    const m2 = a.mark();
    a.alloc(8);
    a.rewind(m2);
    a.rewind(m1);
    expectCode(() => { a.rewind(m2); }, 'INVALID_MARK'); // above the rewind: gone
    expect(a.alloc(8)).toBe(p + 16);
    a.rewind(m0);
    expect(a.alloc(16)).toBe(p);
    a.checkInvariants();
  });

  it('a mark that is not a number is INVALID_MARK in both builds', () => {
    const a = mem().createArena('a', { capacity: 1024 });
    for (const bad of [null, undefined, -8, 1.5, '64']) expectCode(() => { a.rewind(bad as unknown as number); }, 'INVALID_MARK');
    a.checkInvariants();
  });
});

describe('finding 8: checkInvariants() is exact', () => {
  it('no false alarm after an alloc that found the segment full', () => {
    const m = mem();
    const a = m.createArena('a', { capacity: 128, frames: 1 });
    a.alloc(100);
    a.release();
    expectCode(() => a.alloc(100), 'ARENA_EXHAUSTED');
    a.checkInvariants();
    m.checkInvariants();
    expect(a.stats().lastError).toBe('ARENA_EXHAUSTED');
  });

  itChecked('no false alarm after any failed call of any allocator', () => {
    const m = mem();
    const a = m.createArena('a', { capacity: 128, frames: 2, laneBytes: 64 });
    const p = m.createPool('p', { slotSize: 8, capacity: 2, batch: 1 });
    const s = m.createStack('s', { capacity: 128 });
    const w = attachMemory(m.share());
    w.arena('a').alloc(8);
    const failing: (() => unknown)[] = [
      () => a.alloc(0), () => a.alloc(8, 3), () => a.alloc(1 << 20), () => a.alloc(200), () => { a.rewind(12345); },
      () => { m.advance(); m.advance(); }, () => { w.arena('a').release(); m.advance(); w.arena('a').alloc(8); a.reset(); },
      () => p.alloc() + p.alloc() + p.alloc(), () => { p.free(0); }, () => p.offsetOf(-1), () => p.slotOwnersInto(new Uint8Array(4), -1),
      () => s.push(1000), () => s.push(8, 3), () => { s.pop(4); }, () => { s.release(3); }, () => s.tryPush(8, 1 << 17),
    ];
    for (const [k, f] of failing.entries()) {
      expect(f, `call ${k}`).toThrow();
      m.checkInvariants();
      w.checkInvariants();
    }
  });

  it('catches an arena data offset past the buffer, a pool batch of 0, and a region count over 64', () => {
    const cases: [string, (m: Memory) => void, (m: Memory) => void][] = [
      ['arena data', (m) => { m.createArena('a', { capacity: 1024 }); }, (m) => { m.i32[(m.regions()[0].offset >> 2) + 3] = 1 << 29; }],
      ['pool batch', (m) => { m.createPool('p', { slotSize: 8, capacity: 64 }); }, (m) => { m.i32[(m.regions()[0].offset >> 2) + 6] = 0; }],
      ['region count', () => undefined, (m) => { Atomics.store(m.i32, G_ENTRIES, 65); }],
    ];
    for (const [, make, corrupt] of cases) {
      const m = mem();
      make(m);
      m.checkInvariants();
      corrupt(m);
      expectCode(() => { m.checkInvariants(); }, 'INVARIANT_VIOLATED');
    }
  });
});

describe('finding 9: bad input gets a MemoryError, never a TypeError, and leaves the allocator intact', () => {
  it('release(undefined), rewind(null), verify(undefined, e) and null options', () => {
    const m = mem();
    const a = m.createArena('a', { capacity: 1024 });
    const s = m.createStack('s', { capacity: 1024 });
    s.push(8);
    expectCode(() => { s.release(undefined as unknown as number); }, 'INVALID_MARK');
    expectCode(() => { a.rewind(null as unknown as number); }, 'INVALID_MARK');
    if (CHECKS) expectCode(() => a.verify(undefined as unknown as number, a.epoch), 'INVALID_OFFSET');
    expectCode(() => m.createArena('b', null as unknown as { capacity: number }), 'INVALID_OPTION');
    expectCode(() => m.createPool('c', null as unknown as { slotSize: number; capacity: number }), 'INVALID_OPTION');
    expectCode(() => m.createStack('d', null as unknown as { capacity: number }), 'INVALID_OPTION');
    expect(m.regions().length).toBe(2);
    m.checkInvariants();
  });

  it('slotOwnersInto rejects a negative, fractional or too large start', () => {
    const m = mem();
    const p = m.createPool('p', { slotSize: 8, capacity: 16 });
    const out = new Uint8Array(4);
    for (const bad of [-1, 1.5, 17, Number.NaN]) expectCode(() => p.slotOwnersInto(out, bad), 'INVALID_OPTION');
    expect(p.slotOwnersInto(out, 16)).toBe(0);
    m.checkInvariants();
  });

  itChecked('push and tryPush agree on alignments: over 65536 is INVALID_ALIGN for both, and for the arena', () => {
    const m = mem();
    const s = m.createStack('s', { capacity: 1 << 18 });
    const a = m.createArena('a', { capacity: 1 << 18 });
    expectCode(() => s.push(8, 131072), 'INVALID_ALIGN');
    expectCode(() => s.tryPush(8, 131072), 'INVALID_ALIGN');
    expectCode(() => a.alloc(8, 131072), 'INVALID_ALIGN');
    expectCode(() => a.tryAlloc(8, 131072), 'INVALID_ALIGN');
    expect(s.push(8, 65536) % 65536).toBe(0);
    m.checkInvariants();
  });
});
