import { describe, expect, it } from 'vitest';
import { attachMemory } from '../src/index.ts';
import { FIRST_ARENA_DATA as DATA, arenaSetup as setup, CHECKS, expectCode, itChecked } from './helpers.ts';

describe('FrameArena: offsets and alignment', () => {
  it('bumps with exact offsets and alignment', () => {
    const { a } = setup({ capacity: 16384, laneBytes: 256 });
    expect(a.alloc(16)).toBe(DATA);
    expect(a.alloc(4, 4)).toBe(DATA + 16);
    expect(a.alloc(8, 16)).toBe(DATA + 32);
    expect(a.alloc(1, 1)).toBe(DATA + 40);
    expect(a.alloc(8)).toBe(DATA + 48);
    expect(a.used).toBe(56);
    a.checkInvariants();
    const p = a.alloc(3, 64);
    expect(p % 64).toBe(0);
    expect(p).toBe(DATA + 64);
    const q = a.alloc(1, 4096);
    expect(q % 4096).toBe(0);
    a.checkInvariants();
  });

  it('extends its lane contiguously when it is the only thread', () => {
    const { a } = setup({ capacity: 4096, laneBytes: 64 });
    const offs: number[] = [];
    for (let i = 0; i < 20; i++) {
      offs.push(a.alloc(24, 8));
      a.checkInvariants();
    }
    offs.forEach((p, i) => { expect(p).toBe(DATA + 24 * i); });
    expect(a.used).toBe(480);
    expect(a.peak).toBe(512); // 8 lanes of 64 bytes reserved
  });

  itChecked('rejects invalid sizes and alignments without changing state', () => {
    const { a } = setup({ capacity: 1024 });
    a.alloc(8);
    for (const size of [0, -1, 1.5, Number.NaN, '8' as unknown as number]) {
      expectCode(() => a.alloc(size), 'INVALID_SIZE');
      expectCode(() => a.tryAlloc(size), 'INVALID_SIZE');
    }
    for (const align of [0, 3, -8, 1.5, 1 << 17]) {
      expectCode(() => a.alloc(8, align), 'INVALID_ALIGN');
    }
    expect(a.used).toBe(8);
    a.checkInvariants();
    expect(a.alloc(8)).toBe(DATA + 8);
    expect(a.stats().failures).toBe(15);
  });
});

describe('FrameArena: exhaustion', () => {
  it('throws ARENA_EXHAUSTED, tryAlloc returns 0, and the arena stays usable', () => {
    const { a } = setup({ capacity: 256, frames: 0 });
    expect(a.alloc(200)).toBe(DATA);
    const err = expectCode(() => a.alloc(100), 'ARENA_EXHAUSTED');
    expect(err.request).toEqual({ size: 100, align: 8 });
    expect(err.state.capacity).toBe(256);
    expect(err.suggestion).toMatch(/raise capacity/);
    expect(a.tryAlloc(100)).toBe(0);
    expect(a.used).toBe(200);
    a.checkInvariants();
    expect(a.alloc(56)).toBe(DATA + 200);
    expect(a.used).toBe(256);
    expect(a.tryAlloc(1)).toBe(0);
    a.checkInvariants();
  });

  it('throws ALLOC_TOO_LARGE for a request bigger than the arena', () => {
    const { a } = setup({ capacity: 256 });
    const err = expectCode(() => a.alloc(257), 'ALLOC_TOO_LARGE');
    expect(err.suggestion).toContain('capacity >= 265');
    expectCode(() => a.tryAlloc(1000), 'ALLOC_TOO_LARGE');
    a.checkInvariants();
  });
});

describe('FrameArena: mark, rewind and reset', () => {
  it('rewinds to a mark and hands the same bytes out again', () => {
    const { a } = setup({ capacity: 1024, laneBytes: 64 });
    a.alloc(8);
    const m = a.mark();
    const p = a.alloc(100);
    a.alloc(30);
    a.rewind(m);
    expect(a.used).toBe(8);
    expect(a.alloc(100)).toBe(p);
    a.checkInvariants();
  });

  it('a mark taken before the first allocation rewinds to the start', () => {
    const { a } = setup({ capacity: 1024 });
    const m = a.mark();
    a.alloc(64);
    a.rewind(m);
    expect(a.used).toBe(0);
    expect(a.alloc(8)).toBe(DATA);
  });

  it('rewinds across lanes when another thread leased in between', () => {
    const { m, a } = setup({ capacity: 4096, laneBytes: 64 });
    const b = attachMemory(m.share()).arena('a');
    a.alloc(60);
    const mk = a.mark();
    expect(b.alloc(8)).toBe(DATA + 64); // b's lane follows a's
    const p = a.alloc(40); // a's lane is not contiguous any more: a new one after b's
    expect(p).toBe(DATA + 128);
    a.rewind(mk);
    expect(a.alloc(4, 4)).toBe(DATA + 60);
    a.checkInvariants();
    b.checkInvariants();
  });

  it('refuses a foreign mark with INVALID_MARK', () => {
    const { a } = setup({ capacity: 1024 });
    a.alloc(16);
    expectCode(() => { a.rewind(DATA + 5000); }, 'INVALID_MARK');
    a.release();
    expectCode(() => { a.rewind(DATA + 8); }, 'INVALID_MARK');
    a.checkInvariants();
  });

  it('reset() empties the arena in O(1)', () => {
    const { a } = setup({ capacity: 1024, frames: 0 });
    a.alloc(500);
    a.reset();
    expect(a.used).toBe(0);
    expect(a.peak).toBe(1024);
    expect(a.alloc(16)).toBe(DATA);
    expect(a.stats().resets).toBe(1);
    a.checkInvariants();
  });

  it('reset() refuses with LANE_LEASED while another thread holds a lane', () => {
    const { m, a } = setup({ capacity: 1024, frames: 0, laneBytes: 64 });
    const b = attachMemory(m.share()).arena('a');
    b.alloc(8);
    a.alloc(8);
    const err = expectCode(() => { a.reset(); }, 'LANE_LEASED');
    expect(err.state.leases).toBe(1);
    expect(b.alloc(8)).toBe(DATA + 8); // b's lane is untouched
    a.checkInvariants();
    b.release();
    a.reset();
    expect(a.used).toBe(0);
  });
});

describe('FrameArena: lanes across threads', () => {
  it('gives each thread its own lane, one lease per lane', () => {
    const { m, a } = setup({ capacity: 1024, frames: 0, laneBytes: 128 });
    const b = attachMemory(m.share()).arena('a');
    expect(a.alloc(16)).toBe(DATA);
    expect(b.alloc(16)).toBe(DATA + 128);
    expect(a.alloc(16)).toBe(DATA + 16);
    expect(b.alloc(16)).toBe(DATA + 144);
    expect(a.stats().leases).toBe(2);
    expect(a.laneUsage().slice(0, 2)).toEqual([128, 128]);
    b.release(); // its tail goes back: it was the last lease
    expect(a.stats().leases).toBe(1);
    expect(a.alloc(200)).toBe(DATA + 160);
  });
});

describe('FrameArena: frame lifetimes', () => {
  it('with frames: 2, memory lives until the frame after next', () => {
    const { m, a } = setup({ capacity: 256, frames: 2 });
    const p0 = a.alloc(16);
    expect(p0).toBe(DATA);
    m.f32[p0 >> 2] = 7;
    m.advance(); // frame 1: segment 1
    const p1 = a.alloc(16);
    expect(p1).toBe(DATA + 256);
    expect(m.f32[p0 >> 2]).toBe(7);
    expect(a.used).toBe(16);
    m.advance(); // frame 2: segment 0 is recycled
    expect(a.used).toBe(0);
    expect(a.alloc(16)).toBe(DATA);
    expect(a.stats().resets).toBe(2);
    a.checkInvariants();
  });

  it('advance() refuses with LANE_LEASED when a worker still leases the expiring frame', () => {
    const { m, a } = setup({ capacity: 256, frames: 2 });
    const w = attachMemory(m.share());
    const b = w.arena('a');
    b.alloc(8); // frame 0
    m.advance(); // frame 1: fine, frame 0 is still alive
    a.alloc(8);
    const err = expectCode(() => m.advance(), 'LANE_LEASED');
    expect(err.request).toEqual({ frame: 2 });
    expect(m.frame).toBe(1);
    a.checkInvariants();
    b.release();
    expect(m.advance()).toBe(2);
  });

  it('a lease lasts until release(): a lagging thread keeps allocating in the frame it leased in', () => {
    const { m, a } = setup({ capacity: 256, frames: 3, laneBytes: 64 });
    const b = attachMemory(m.share(), { name: 'lagger' }).arena('a');
    const p = b.alloc(64); // fills its lane in frame 0
    m.advance(); // frame 1
    expect(b.alloc(8)).toBe(DATA + 64); // a new lane, still in frame 0's segment
    expect(b.epoch & 3).toBe(0);
    expect(m.advance()).toBe(2); // frame 2 recycles segment 2: fine
    const err = expectCode(() => m.advance(), 'LANE_LEASED'); // frame 3 would recycle segment 0
    expect(err.message).toContain('thread 1 "lagger" (lease in frame 0, 2 frame(s) behind)');
    expect(m.frame).toBe(2);
    expect(b.verify(p, 0)).toBe(p); // never recycled under the lease
    b.checkInvariants();
    a.checkInvariants();
    b.release();
    expect(m.advance()).toBe(3);
    b.checkInvariants();
  });

  it('with frames: 0, advance() never touches the arena', () => {
    const { m, a } = setup({ capacity: 256, frames: 0 });
    a.alloc(100);
    a.release();
    m.advance();
    m.advance();
    expect(a.used).toBe(104); // the released tail came back rounded up to 8
    a.checkInvariants();
  });

  it('stats() is a frozen snapshot', () => {
    const { a } = setup({ capacity: 512, frames: 2, laneBytes: 64 });
    a.alloc(10);
    const s = a.stats();
    expect(Object.isFrozen(s)).toBe(true);
    expect(s).toEqual({
      kind: 'arena', name: 'a', capacity: 512, used: 10, peak: 64, frames: 2, laneBytes: 64, leases: 1,
      resets: 0, allocations: CHECKS ? 1 : 0, bytes: 10, failures: 0, errors: 0, lastError: null,
    });
  });
});
