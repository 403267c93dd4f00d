import { describe, expect, it } from 'vitest';
import { attachMemory } from '../src/index.ts';
import { FIRST_ARENA_DATA as DATA, arenaSetup as setup, expectCode } from './helpers.ts';

describe('FrameArena.reserve()', () => {
  it('leases one lane with room for the frame, and the allocations after it lease nothing', () => {
    const { m, a } = setup({ capacity: 4096, frames: 0, laneBytes: 64 });
    a.reserve(1000);
    expect(a.stats().leases).toBe(1);
    expect(a.laneUsage()[0]).toBe(1024); // 1000 rounded up to 64
    for (let i = 0; i < 62; i++) expect(a.alloc(16)).toBe(DATA + 16 * i);
    expect(a.laneUsage()[0]).toBe(1024);
    a.checkInvariants();
    const b = attachMemory(m.share()).arena('a');
    expect(b.alloc(16)).toBe(DATA + 1024); // the next lane starts after the reserved one
    a.checkInvariants();
  });

  it('leases nothing when the lane already has room', () => {
    const { a } = setup({ capacity: 4096, frames: 0, laneBytes: 256 });
    expect(a.alloc(16)).toBe(DATA);
    a.reserve(240);
    expect(a.laneUsage()[0]).toBe(256);
    expect(a.alloc(240)).toBe(DATA + 16);
    expect(a.laneUsage()[0]).toBe(256);
    a.checkInvariants();
  });

  it('extends the lane in place when no other thread leased after it', () => {
    const { a } = setup({ capacity: 4096, frames: 0, laneBytes: 64 });
    expect(a.alloc(16)).toBe(DATA);
    a.reserve(200); // 16 + 200 from the lane's start: 152 more, rounded up to 192
    expect(a.laneUsage()[0]).toBe(256);
    expect(a.alloc(200)).toBe(DATA + 16);
    expect(a.laneUsage()[0]).toBe(256);
    expect(a.used).toBe(216);
    a.checkInvariants();
  });

  it('starts a new lane when another thread leased after this one, and rewinds across it', () => {
    const { m, a } = setup({ capacity: 4096, frames: 0, laneBytes: 64 });
    const b = attachMemory(m.share()).arena('a');
    const mark = a.mark();
    expect(a.alloc(16)).toBe(DATA);
    expect(b.alloc(16)).toBe(DATA + 64);
    a.reserve(100);
    expect(a.laneUsage()[0]).toBe(64 + 128);
    expect(a.alloc(100)).toBe(DATA + 128);
    a.rewind(mark);
    expect(a.alloc(16)).toBe(DATA);
    a.checkInvariants();
  });

  it('holds the lease like an allocation: reset() and advance() wait for release()', () => {
    const { m, a } = setup({ capacity: 1024, frames: 1, laneBytes: 64 });
    const b = attachMemory(m.share()).arena('a');
    b.reserve(64);
    expect(a.stats().leases).toBe(1);
    expectCode(() => { a.reset(); }, 'LANE_LEASED');
    expectCode(() => m.advance(), 'LANE_LEASED');
    a.checkInvariants();
    b.release();
    expect(m.advance()).toBe(1);
    b.reserve(64); // a new lease in the new frame
    expect(a.stats().leases).toBe(1);
    b.release();
    a.reset();
    expect(a.used).toBe(0);
    a.checkInvariants();
  });

  it('rejects bad sizes with INVALID_SIZE naming reserve(), and leaves the arena intact', () => {
    const { a } = setup({ capacity: 1024, frames: 0 });
    expect(a.alloc(16)).toBe(DATA);
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity, '64' as unknown as number, undefined as unknown as number]) {
      const err = expectCode(() => { a.reserve(bad); }, 'INVALID_SIZE');
      expect(err.message).toContain('reserve size');
      a.checkInvariants();
    }
    expect(a.alloc(16)).toBe(DATA + 16);
    a.checkInvariants();
  });

  it('throws ALLOC_TOO_LARGE and ARENA_EXHAUSTED, and the arena stays usable', () => {
    const { a } = setup({ capacity: 256, frames: 0 });
    const big = expectCode(() => { a.reserve(257); }, 'ALLOC_TOO_LARGE');
    expect(big.message).toContain('reserve(257)');
    expect(a.alloc(200)).toBe(DATA);
    const full = expectCode(() => { a.reserve(100); }, 'ARENA_EXHAUSTED');
    expect(full.request).toEqual({ size: 100, align: 8 });
    expect(full.message).toContain('reserve(100, 8)');
    expect(full.suggestion).toMatch(/raise capacity/);
    a.checkInvariants();
    a.reserve(56); // exactly what is left
    expect(a.alloc(56)).toBe(DATA + 200);
    expect(a.used).toBe(256);
    expect(a.stats().failures).toBe(2);
    a.checkInvariants();
  });

  it('leases again after release(), in the frame current then', () => {
    const { m, a } = setup({ capacity: 1024, frames: 2, laneBytes: 64 });
    a.reserve(32);
    const first = a.alloc(32);
    expect(first).toBe(DATA);
    a.release();
    m.advance();
    a.reserve(32);
    expect(a.alloc(32)).toBe(DATA + 1024); // the second segment
    a.checkInvariants();
  });
});
