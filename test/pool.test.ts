import { describe, expect, it } from 'vitest';
import { attachMemory, createMemory, type Memory, type Pool } from '../src/index.ts';
import { POOL_HEADER_BYTES } from '../src/allocators/pool/pool.ts';
import { DATA_START, alignUp } from '../src/memory/layout.ts';
import { headTagMask } from '../src/allocators/lockfree.ts';
import { expectCode, itChecked } from './helpers.ts';

function setup(opts: { slotSize: number; capacity: number; align?: number; batch?: number }): { m: Memory; p: Pool; data: number } {
  const m = createMemory({ size: 1 << 20 });
  const p = m.createPool('p', opts);
  // per slot before the data: meta, next, born and site (4 Int32 words), rounded up to 64 bytes
  const data = alignUp(DATA_START + POOL_HEADER_BYTES + alignUp(16 * opts.capacity, 64), Math.max(opts.align ?? 8, 64));
  return { m, p, data };
}

describe('Pool: slots and handles', () => {
  it('hands out slots in index order at exact offsets', () => {
    const { p, data } = setup({ slotSize: 12, capacity: 8, align: 16 });
    expect(p.stride).toBe(16);
    const hs = [p.alloc(), p.alloc(), p.alloc()];
    // capacity 8: 3 index bits, then 4 bits of pool tag (1..15), then generation 1
    expect(hs.map((h) => h & 7)).toEqual([0, 1, 2]);
    expect(hs.map((h) => h >>> 7)).toEqual([1, 1, 1]);
    const tag = (hs[0] >>> 3) & 15;
    expect(tag).toBeGreaterThan(0);
    expect(hs.map((h) => (h >>> 3) & 15)).toEqual([tag, tag, tag]);
    expect(hs.map((h) => p.offsetOf(h))).toEqual([data, data + 16, data + 32]);
    for (const h of hs) expect(p.offsetOf(h) % 16).toBe(0);
    expect(p.live).toBe(3);
    p.checkInvariants();
  });

  it('puts the data after meta, next, born and site: 16 bytes a slot (capacity 20: 320 bytes)', () => {
    const { m, p, data } = setup({ slotSize: 8, capacity: 20, align: 8 });
    expect(data).toBe(DATA_START + POOL_HEADER_BYTES + 320);
    expect(p.offsetOf(p.alloc())).toBe(data);
    expect(m.regions()[0].byteLength).toBe(POOL_HEADER_BYTES + 320 + 64 + alignUp(20 * 8, 64) + 320); // + alignment slack, slots (the region rounded to 64), statistics block
    p.checkInvariants();
  });

  itChecked('bumps the generation on free, so old handles go stale', () => {
    const { p } = setup({ slotSize: 8, capacity: 4, batch: 1 });
    const a = p.alloc();
    expect(p.isAlive(a)).toBe(true);
    p.free(a);
    expect(p.isAlive(a)).toBe(false);
    const b = p.alloc(); // same slot, next generation
    expect(b & 3).toBe(a & 3); // 2 index bits, 4 tag bits, then the generation
    expect(b >>> 6).toBe((a >>> 6) + 1);
    expect((b >>> 2) & 15).toBe((a >>> 2) & 15);
    expect(p.offsetOf(b)).toBe(p.offsetOf(b));
    expectCode(() => p.offsetOf(a), 'STALE_HANDLE');
    p.checkInvariants();
  });

  itChecked('reports DOUBLE_FREE, STALE_HANDLE and INVALID_HANDLE, and stays intact', () => {
    const { p } = setup({ slotSize: 8, capacity: 4, batch: 1 });
    const a = p.alloc();
    const b = p.alloc();
    p.free(a);
    const err = expectCode(() => { p.free(a); }, 'DOUBLE_FREE');
    expect(err.state.slot).toBe(0);
    expect(err.request).toEqual({ op: 'free', handle: a });
    p.checkInvariants();
    const a2 = p.alloc(); // reuses slot 0
    expect(a2).not.toBe(a);
    expect(expectCode(() => { p.free(a); }, 'STALE_HANDLE').state.slotLive).toBe(true);
    for (const bad of [0, -1, 1.5, 2 ** 31, Number.NaN, 3, '8' as unknown as number]) {
      expectCode(() => { p.free(bad); }, 'INVALID_HANDLE');
      expect(p.isAlive(bad)).toBe(false);
    }
    // a never-allocated slot with a made-up generation
    expectCode(() => { p.free((1 << 6) | (a & 0x3c) | 3); }, 'STALE_HANDLE');
    expect(p.live).toBe(2);
    p.checkInvariants();
    p.free(b);
    p.free(a2);
    expect(p.live).toBe(0);
    p.checkInvariants();
  });

  it('wraps generations without ever producing handle 0', () => {
    // capacity 2^21: 21 index bits and 1 tag bit leave 8 generation bits (1..255)
    const m = createMemory({ size: 64 << 20 });
    const p = m.createPool('big', { slotSize: 4, capacity: 1 << 21, batch: 1 });
    let h = p.alloc();
    const first = h;
    for (let i = 0; i < 600; i++) {
      p.free(h);
      h = p.alloc();
      expect(h).toBeGreaterThan(0);
      expect(h & ((1 << 21) - 1)).toBe(0);
    }
    expect(h >>> 22).toBe(((first >>> 22) + 600 - 1) % 255 + 1);
  });
});

describe('Pool: exhaustion', () => {
  it('throws POOL_EXHAUSTED, tryAlloc returns 0, and frees make room again', () => {
    const { p } = setup({ slotSize: 8, capacity: 3 });
    const hs = [p.alloc(), p.alloc(), p.alloc()];
    const err = expectCode(() => p.alloc(), 'POOL_EXHAUSTED');
    expect(err.state.live).toBe(3);
    expect(p.tryAlloc()).toBe(0);
    expect(p.stats().failures).toBe(2);
    p.checkInvariants();
    p.free(hs[1]);
    expect(p.tryAlloc() & 3).toBe(1);
    p.checkInvariants();
  });

  it('reports slots held in other threads caches, and flush() returns them', () => {
    const { m, p } = setup({ slotSize: 8, capacity: 4, batch: 2 });
    const w = attachMemory(m.share()).pool('p');
    const h = w.alloc(); // w's cache takes 2 slots
    w.free(h); // w's cache holds 2 free slots
    p.alloc();
    p.alloc();
    const err = expectCode(() => p.alloc(), 'POOL_EXHAUSTED');
    expect(err.state.cached).toBe(2);
    w.flush();
    expect(p.alloc()).toBeGreaterThan(0);
    expect(p.live).toBe(3);
    p.checkInvariants();
  });
});

describe('Pool: caches and batches', () => {
  it('refills and flushes in batches, and counts stay exact', () => {
    const { p } = setup({ slotSize: 8, capacity: 64, batch: 4 });
    const hs: number[] = [];
    for (let i = 0; i < 10; i++) hs.push(p.alloc());
    expect(p.stats()).toMatchObject({ live: 10, free: 52, cached: 2 });
    for (const h of hs) p.free(h);
    // the cache holds at most 2 * batch = 8: one batch of 4 went back when it filled
    expect(p.stats()).toMatchObject({ live: 0, cached: 8, free: 56, frees: 10, allocations: 10 });
    p.checkInvariants();
    p.flush();
    expect(p.stats()).toMatchObject({ cached: 0, free: 64 });
    p.checkInvariants();
  });

  itChecked('lets one thread free what another allocated', () => {
    const { m, p } = setup({ slotSize: 8, capacity: 16, batch: 2 });
    const w = attachMemory(m.share()).pool('p');
    const h = p.alloc();
    m.f64[p.offsetOf(h) >> 3] = 3.25;
    expect(m.f64[w.offsetOf(h) >> 3]).toBe(3.25);
    w.free(h);
    expect(p.isAlive(h)).toBe(false);
    expectCode(() => { p.free(h); }, 'DOUBLE_FREE');
    expect(p.live).toBe(0);
    w.checkInvariants();
  });

  it('stats() is a frozen snapshot', () => {
    const { p } = setup({ slotSize: 10, capacity: 32, align: 4 });
    p.alloc();
    const s = p.stats();
    expect(Object.isFrozen(s)).toBe(true);
    expect(s).toEqual({
      kind: 'pool', name: 'p', capacity: 32, slotSize: 10, stride: 12, live: 1, free: 30, cached: 1, peak: 1,
      allocations: 1, frees: 0, bytes: 10, failures: 0, errors: 0, lastError: null,
    });
  });
});

describe('Pool: every shared word stays a small integer', () => {
  it("the free-list head's tag leaves the head below 2^30 for every link width (31-bit small integers in Chromium)", () => {
    for (let linkBits = 1; linkBits <= 23; linkBits++) {
      const mask = headTagMask(linkBits);
      expect(mask).toBeGreaterThanOrEqual(127);
      expect(mask * 2 ** linkBits + (2 ** linkBits - 1)).toBeLessThan(2 ** 30);
    }
  });

  it("wraps the head's tag at its largest value, and the pool stays consistent", () => {
    const m = createMemory({ size: 1 << 16 });
    const p = m.createPool('p', { slotSize: 8, capacity: 4, batch: 1 });
    const headWord = (m.regions()[0].offset >> 2) + 10; // P_HEAD in pool.ts
    const linkBits = 3; // bitLength(capacity 4)
    const link = m.i32[headWord] & 7;
    m.i32[headWord] = (headTagMask(linkBits) << linkBits) | link; // the tag one step before it wraps
    for (let k = 0; k < 8; k++) {
      const h = p.alloc();
      p.free(h);
      p.flush();
      expect(m.i32[headWord]).toBeGreaterThanOrEqual(0);
      expect(m.i32[headWord]).toBeLessThan(2 ** 30);
    }
    expect(m.i32[headWord] >>> linkBits).toBeLessThan(16); // wrapped to a small tag
    p.checkInvariants();
  });
});
