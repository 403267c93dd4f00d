/** The pool's checks (checked build): every one fires with its code and leaves the pool intact. */
import { describe, expect, it } from 'vitest';
import { attachMemory, createMemory, type Pool } from '../src/index.ts';
import { POISON_I32 } from '../src/allocators/poison.ts';
import { CHECKS, expectCode } from './helpers.ts';

function pool(capacity = 8): { p: Pool; m: ReturnType<typeof createMemory> } {
  const m = createMemory({ size: 1 << 18 });
  return { m, p: m.createPool('p', { slotSize: 16, align: 16, capacity, batch: 2 }) };
}

// Skipped in the fast build (node-fast) only: these checks are compiled out there (see itChecked).
describe.runIf(CHECKS)('Pool checks', () => {
  it('INVALID_HANDLE for anything that is not a handle of this pool', () => {
    const { p } = pool(6); // indexes 6 and 7 fit in the 3 index bits but are no slots
    const h = p.alloc();
    for (const bad of [0, -h, h + 0.5, 2 ** 31, Number.NaN, Infinity, (1 << 3) | 7, 7, null as unknown as number]) {
      expectCode(() => { p.free(bad); }, 'INVALID_HANDLE');
      expectCode(() => p.offsetOf(bad), 'INVALID_HANDLE');
      p.checkInvariants();
    }
    expect(p.live).toBe(1);
  });

  it('STALE_HANDLE for a freed slot, in free and offsetOf, with both generations', () => {
    const { p } = pool();
    const h = p.alloc();
    p.free(h);
    const h2 = p.alloc(); // the same slot, one generation on
    const err = expectCode(() => p.offsetOf(h), 'STALE_HANDLE');
    expect(err.state).toMatchObject({ handleGeneration: 1, slotGeneration: 2, slotLive: true });
    expectCode(() => { p.free(h); }, 'STALE_HANDLE');
    p.checkInvariants();
    expect(p.isAlive(h2)).toBe(true);
  });

  it('DOUBLE_FREE for the same handle twice, also from another thread', () => {
    const { m, p } = pool();
    const w = attachMemory(m.share()).pool('p');
    const h = p.alloc();
    w.free(h);
    expectCode(() => { p.free(h); }, 'DOUBLE_FREE');
    expectCode(() => { w.free(h); }, 'DOUBLE_FREE');
    p.checkInvariants();
    w.checkInvariants();
    expect(p.live).toBe(0);
  });

  it('poisons a freed slot so stale reads are visible', () => {
    const { m, p } = pool();
    const h = p.alloc();
    const at = p.offsetOf(h) >> 2;
    m.f32.set([1, 2, 3, 4], at);
    p.free(h);
    expect([...m.i32.subarray(at, at + 4)]).toEqual([POISON_I32, POISON_I32, POISON_I32, POISON_I32]);
    expect(m.f32[at]).toBeLessThan(-1e18);
  });

  it('reports what is still held, by frame and by call site', () => {
    const { m, p } = pool(16);
    p.alloc();
    m.advance();
    m.captureCallSites(true);
    const fromHere = (): void => { p.alloc(); }; // not a tail call: WebKit drops tail-call frames
    fromHere();
    fromHere();
    const all = p.leaks();
    expect(all.count).toBe(3);
    expect(all.bytes).toBe(48);
    expect(all.entries.map((e) => e.frame)).toEqual([0, 1, 1]);
    expect(all.entries.every((e) => e.thread === 0)).toBe(true);
    expect(all.bySite[0].count).toBe(2);
    expect(all.bySite[0].site).toContain('pool-checks.test.ts');
    expect(all.bySite[1].site).toMatch(/unknown site/);
    expect(all.text).toContain('3 block(s), 48 bytes held');
    const old = p.leaks({ bornBefore: 1 });
    expect(old.count).toBe(1);
    expect(m.leaks().count).toBe(3);
    m.captureCallSites(false);
    p.checkInvariants();
  });

  it('INVARIANT_VIOLATED names a corrupted free list with actual values', () => {
    const { m, p } = pool(4);
    // a raw write through a view, past the caller's own block, onto the free list's links
    const next = m.i32.indexOf(2, (m.regions()[0].offset >> 2) + 80);
    m.i32[next] = 1; // slot 0 now links to itself: a cycle
    const err = expectCode(() => { p.checkInvariants(); }, 'INVARIANT_VIOLATED');
    expect(err.message).toMatch(/twice \(cycle\)|link/);
  });
});
