/** The frame arena's checks (checked build): every one fires with its code and leaves the arena intact. */
import { describe, expect, it } from 'vitest';
import { attachMemory, createMemory } from '../src/index.ts';
import { POISON_I32 } from '../src/allocators/poison.ts';
import { CHECKS, expectCode } from './helpers.ts';

// Skipped in the fast build (node-fast) only: these checks are compiled out there (see itChecked).
describe.runIf(CHECKS)('FrameArena checks', () => {
  it('INVALID_SIZE and INVALID_ALIGN, on the fast path too', () => {
    const m = createMemory({ size: 1 << 16 });
    const a = m.createArena('a', { capacity: 1024 });
    a.alloc(8); // a lane is leased: the next requests hit the fast path
    expectCode(() => a.alloc(0), 'INVALID_SIZE');
    expectCode(() => a.alloc(2.5), 'INVALID_SIZE');
    expectCode(() => a.alloc(8, 3), 'INVALID_ALIGN');
    expectCode(() => a.alloc(8, 0.5), 'INVALID_ALIGN');
    expect(a.used).toBe(8);
    a.checkInvariants();
  });

  it('ALLOC_TOO_LARGE and INVALID_MARK change nothing', () => {
    const m = createMemory({ size: 1 << 16 });
    const a = m.createArena('a', { capacity: 256 });
    a.alloc(8);
    expectCode(() => a.alloc(1000), 'ALLOC_TOO_LARGE');
    expectCode(() => { a.rewind(123456); }, 'INVALID_MARK');
    expect(a.used).toBe(8);
    a.checkInvariants();
  });

  it('LANE_LEASED: reset and advance while a worker leases, then both work after release', () => {
    const m = createMemory({ size: 1 << 16 });
    const a = m.createArena('a', { capacity: 256, frames: 1 });
    const w = attachMemory(m.share()).arena('a');
    w.alloc(8);
    expectCode(() => { a.reset(); }, 'LANE_LEASED');
    expectCode(() => m.advance(), 'LANE_LEASED');
    expect(m.frame).toBe(0);
    a.checkInvariants();
    w.release();
    expect(m.advance()).toBe(1);
    a.reset();
  });

  it('poisons rewound, reset and recycled memory', () => {
    const m = createMemory({ size: 1 << 16 });
    const a = m.createArena('a', { capacity: 256, frames: 2 });
    const p = a.alloc(16, 16);
    m.i32.fill(5, p >> 2, (p + 16) >> 2);
    const mk = a.mark();
    const q = a.alloc(16, 16);
    m.i32.fill(6, q >> 2, (q + 16) >> 2);
    a.rewind(mk);
    expect(m.i32[q >> 2]).toBe(POISON_I32);
    expect(m.i32[p >> 2]).toBe(5);
    m.advance(); // frame 1: frame 0's memory stays
    expect(m.i32[p >> 2]).toBe(5);
    m.advance(); // frame 2 recycles frame 0's segment
    expect(m.i32[p >> 2]).toBe(POISON_I32);
    const r = a.alloc(64);
    m.i32[r >> 2] = 9;
    a.reset();
    expect(m.i32[r >> 2]).toBe(POISON_I32);
  });

  it('RED_ZONE_OVERWRITTEN names the block that wrote past its end, on release and rewind', () => {
    const m = createMemory({ size: 1 << 16 });
    const a = m.createArena('a', { capacity: 1024, frames: 0, redZone: 8 });
    const p = a.alloc(12, 4);
    const q = a.alloc(16, 16);
    expect(q).toBe(((p + 12 + 8 + 15) & -16)); // the guard sits between the blocks
    m.u8[p + 12] = 1; // one byte past p's end
    const e = expectCode(() => { a.release(); }, 'RED_ZONE_OVERWRITTEN');
    expect(e.message).toContain(`block at 0x${p.toString(16)} (12 bytes)`);
    expect(e.state).toMatchObject({ byte: 0, value: 1, redZone: 8 });
    a.checkInvariants(); // the release itself completed
    expect(a.stats().leases).toBe(0);
    a.reset();
    const mk = a.mark();
    const r = a.alloc(8);
    m.f32[(r + 8) >> 2] = 1; // a float past the end
    expectCode(() => { a.rewind(mk); }, 'RED_ZONE_OVERWRITTEN');
    expect(a.used).toBe(0);
    a.checkInvariants();
    const ok = a.alloc(8);
    m.u8.fill(3, ok, ok + 8); // within bounds: fine
    a.release();
  });

  it('USE_AFTER_RESET: the checked read path catches a block read after its frame ended', () => {
    const m = createMemory({ size: 1 << 16 });
    const a = m.createArena('a', { capacity: 256, frames: 2 });
    const p = a.alloc(16);
    const e = a.epoch;
    expect(a.verify(p, e)).toBe(p);
    m.advance();
    expect(a.verify(p, e)).toBe(p); // frames: 2, still alive in frame 1
    m.advance();
    const err = expectCode(() => a.verify(p, e), 'USE_AFTER_RESET');
    expect(err.message).toContain('emptied 1 time(s)');
    expectCode(() => a.verify(p + 4096, e), 'INVALID_OFFSET');
    const q = a.alloc(8);
    const e2 = a.epoch;
    a.reset();
    expectCode(() => a.verify(q, e2), 'USE_AFTER_RESET');
    a.checkInvariants();
  });
});
