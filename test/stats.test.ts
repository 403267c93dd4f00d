/**
 * Statistics in the shared buffer: counts made in plain per-thread fields, published once a
 * frame, read by any thread; 64-bit counters; the last error; per-frame high water; open marks;
 * the allocation-free `statsInto` form.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHECKS, STAT, attachMemory, createMemory } from '../src/index.ts';
import { MEMORY_ERROR_CODES } from '../src/errors.ts';
import { STATS } from '../src/build.ts';
import { STAT_COUNT } from '../src/stats/fields.ts';
import { addCounter, readCounter } from '../src/stats/block.ts';
import { expectCode, itChecked } from './helpers.ts';

function setup() {
  const m = createMemory({ size: 1 << 18 });
  const arena = m.createArena('frame', { capacity: 4096, frames: 2, laneBytes: 256 });
  const pool = m.createPool('bullets', { slotSize: 12, align: 4, capacity: 16, batch: 4 });
  const stack = m.createStack('scratch', { capacity: 512 });
  return { m, arena, pool, stack };
}

describe('statistics', () => {
  it('is on by default (the STATS switch)', () => {
    expect(STATS).toBe(true);
  });

  it('counts allocations, frees and bytes of each allocator, exactly', () => {
    const { m, arena, pool, stack } = setup();
    arena.alloc(10);
    arena.alloc(30, 16);
    const h = pool.alloc();
    pool.alloc();
    pool.free(h);
    const p = stack.push(20);
    stack.push(4);
    stack.release(p - 8); // the mark before p: frees both blocks
    // an arena's bytes are the bytes its cursor moved: alloc(10) at +0, alloc(30, 16) at +16..46;
    // its calls are counted by the checked build only (the fast path has no counter)
    expect(arena.stats()).toMatchObject({ allocations: CHECKS ? 2 : 0, bytes: 46, failures: 0, errors: 0, lastError: null });
    expect(pool.stats()).toMatchObject({ allocations: 2, frees: 1, bytes: 24, live: 1, peak: 1 });
    expect(stack.stats()).toMatchObject({ allocations: 2, frees: 2, bytes: 24, depth: 0 });
    m.checkInvariants();
  });

  it('counts derived from shared state (stack frees, pool frees) are the owner\'s: another thread\'s instance reports 0 unpublished, and an adopter keeps its own', () => {
    const { m, pool, stack } = setup();
    const w = attachMemory(m.share()); // another thread's instances of the same regions
    const ws = w.stack('scratch');
    const wp = w.pool('bullets');
    const a = stack.push(8);
    stack.push(8);
    const h = pool.alloc();
    pool.free(h);
    expect(ws.stats()).toMatchObject({ depth: 2, allocations: 0, frees: 0 }); // sees the depth, counts nothing
    expect(wp.stats()).toMatchObject({ allocations: 0, frees: 0 });
    expect(stack.stats()).toMatchObject({ depth: 2, allocations: 2, frees: 0 });
    stack.release(a - 8);
    expect(ws.stats()).toMatchObject({ depth: 0, frees: 0 });
    expect(stack.stats()).toMatchObject({ depth: 0, frees: 2 });
    ws.adopt();
    ws.pop(ws.push(8));
    expect(ws.stats()).toMatchObject({ allocations: 1, frees: 1, depth: 0 });
    m.publishStats();
    w.publishStats();
    expect(stack.stats()).toMatchObject({ allocations: 3, frees: 3 });
    expect(pool.stats()).toMatchObject({ allocations: 1, frees: 1, live: 0 });
    m.checkInvariants();
  });

  it('another thread sees a thread\'s counts once it publishes them, and only then', () => {
    const { m, pool } = setup();
    const w = attachMemory(m.share()); // stands for a worker: its own instances and counters
    const wp = w.pool('bullets');
    wp.alloc();
    wp.alloc();
    wp.tryAlloc();
    expect(wp.stats().allocations).toBe(3); // its own unpublished counts are in its stats
    expect(pool.stats().allocations).toBe(0); // not yet in the shared block
    expect(pool.stats().live).toBe(3); // live is read from the slots themselves: always current
    w.publishStats();
    expect(pool.stats().allocations).toBe(3);
    expect(wp.stats().allocations).toBe(3); // published counts are not counted twice
    pool.alloc();
    expect(pool.stats().allocations).toBe(4);
    m.advance(); // the frame clock publishes its own thread
    expect(wp.stats().allocations).toBe(4);
    w.detach(); // detach publishes too
    m.checkInvariants();
  });

  it('counts failures, and records every error with its code, frame and thread', () => {
    const { m, pool, stack } = setup();
    for (let k = 0; k < 16; k++) pool.alloc();
    expect(pool.tryAlloc()).toBe(0);
    expect(pool.stats()).toMatchObject({ failures: 1, errors: 0, lastError: null }); // a 0 is not an error
    m.advance();
    expectCode(() => pool.alloc(), 'POOL_EXHAUSTED');
    expect(pool.stats()).toMatchObject({ failures: 2, errors: 1, lastError: 'POOL_EXHAUSTED' });
    expect(stack.tryPush(1000)).toBe(0);
    expectCode(() => stack.push(1000), 'STACK_OVERFLOW');
    expect(stack.stats()).toMatchObject({ failures: 2, errors: 1, lastError: 'STACK_OVERFLOW' });
    const s = new Float64Array(STAT_COUNT);
    pool.statsInto(s);
    expect(MEMORY_ERROR_CODES[s[STAT.LAST_ERROR] - 1]).toBe('POOL_EXHAUSTED');
    expect(s[STAT.LAST_ERROR_FRAME]).toBe(1);
    m.checkInvariants();
  });

  itChecked('records misuse caught by the checked build (a double free) in the shared block', () => {
    const { m, pool } = setup();
    const w = attachMemory(m.share());
    const h = w.pool('bullets').alloc();
    w.pool('bullets').free(h);
    expectCode(() => { w.pool('bullets').free(h); }, 'DOUBLE_FREE');
    const st = pool.stats(); // read by the other thread, with nothing published: errors are recorded at once
    expect(st.errors).toBe(1);
    expect(st.lastError).toBe('DOUBLE_FREE');
    m.checkInvariants();
  });

  it('statsInto writes each number at its STAT index', () => {
    const { arena, pool, stack } = setup();
    arena.alloc(100);
    pool.alloc();
    stack.push(16);
    const s = new Float64Array(STAT_COUNT);
    arena.statsInto(s);
    expect([s[STAT.ALLOCATIONS], s[STAT.BYTES], s[STAT.USED], s[STAT.PEAK], s[STAT.CAPACITY], s[STAT.DEPTH]]).toEqual([CHECKS ? 1 : 0, 100, 100, 256, 4096, 1]);
    pool.statsInto(s);
    expect([s[STAT.ALLOCATIONS], s[STAT.USED], s[STAT.CAPACITY], s[STAT.DEPTH], s[STAT.FREE], s[STAT.BYTES]]).toEqual([1, 1, 16, 3, 12, 12]);
    stack.statsInto(s);
    expect([s[STAT.ALLOCATIONS], s[STAT.USED], s[STAT.DEPTH], s[STAT.CAPACITY], s[STAT.FREES]]).toEqual([1, 24, 1, 512, 0]);
  });

  it('counts pool frees exactly through refills, flushes and publishes (they are derived from the cache count)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 300 }), (steps) => {
      const m = createMemory({ size: 1 << 16 });
      const pool = m.createPool('p', { slotSize: 8, capacity: 24, batch: 3 });
      const other = attachMemory(m.share()).pool('p');
      const held: number[] = [];
      let allocs = 0;
      let frees = 0;
      for (const s of steps) {
        if (s < 4 && held.length < 20) { held.push(pool.alloc()); allocs++; }
        else if (s < 7 && held.length > 0) { pool.free(held.pop() ?? 0); frees++; }
        else if (s === 7 && held.length > 0) { other.free(held.shift() ?? 0); frees++; } // a free by another thread
        else if (s === 8) pool.publishStats();
        else { pool.flush(); other.flush(); }
        other.publishStats();
        expect(pool.stats()).toMatchObject({ allocations: allocs, frees, live: held.length });
      }
      m.checkInvariants();
    }), { numRuns: 100 });
  });

  it('counts stack pops and released blocks exactly (derived from the depth) through publishes and resets', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 200 }), (steps) => {
      const m = createMemory({ size: 1 << 16 });
      const stack = m.createStack('s', { capacity: 4096 });
      const blocks: number[] = [];
      const marks: { mark: number; depth: number }[] = [];
      let pushes = 0;
      let frees = 0;
      for (const s of steps) {
        if (s < 4 && blocks.length < 40) { blocks.push(stack.push(8 + s * 4)); pushes++; }
        else if (s < 6 && blocks.length > 0) {
          stack.pop(blocks.pop() ?? 0);
          frees++;
          while (marks.length > 0 && marks[marks.length - 1].depth > blocks.length) marks.pop(); // popped past: scopes end
        }
        else if (s === 6) marks.push({ mark: stack.mark(), depth: blocks.length });
        else if (s === 7 && marks.length > 0) {
          const { mark, depth } = marks.pop() ?? { mark: 0, depth: 0 };
          stack.release(mark);
          frees += blocks.length - depth;
          blocks.length = depth;
        } else if (s === 8) stack.publishStats();
        else { stack.reset(); frees += blocks.length; blocks.length = 0; marks.length = 0; }
        expect(stack.stats()).toMatchObject({ allocations: pushes, frees, depth: blocks.length });
      }
      m.checkInvariants();
    }), { numRuns: 100 });
  });

  it('keeps 64-bit counts: the low word carries into the high word', () => {
    const i32 = new Int32Array(new SharedArrayBuffer(16));
    i32[0] = -16; // 0xFFFFFFF0
    addCounter(i32, 0, 0x20);
    expect(readCounter(i32, 0)).toBe(2 ** 32 + 0x10);
    addCounter(i32, 0, 0x7fffffff);
    expect(readCounter(i32, 0)).toBe(2 ** 32 + 0x10 + 0x7fffffff);
  });

  it('keeps the per-frame high water of pools (live slots) and stacks (bytes in use)', () => {
    const { m, pool, stack } = setup();
    const held: number[] = [];
    for (let k = 0; k < 5; k++) held.push(pool.alloc());
    stack.push(40);
    m.advance(); // frame 0 ends: 5 live, 48 bytes
    for (let k = 0; k < 3; k++) held.push(pool.alloc());
    m.advance(); // frame 1 ends: 8 live
    for (const h of held) pool.free(h);
    m.advance(); // frame 2 ends: 0 live
    const h = new Float64Array(64);
    expect(Array.from(h.subarray(0, pool.frameHistoryInto(h)))).toEqual([5, 8, 0]);
    expect(Array.from(h.subarray(0, stack.frameHistoryInto(h)))).toEqual([48, 48, 48]);
    expect(pool.stats().peak).toBe(8);
    const snap = m.snapshot();
    expect(snap.regions[1].frameHistory).toEqual([5, 8, 0]);
    expect(snap.regions[2].frameHistory).toEqual([48, 48, 48]);
    m.checkInvariants();
  });

  it('the snapshot lists each thread\'s lane bytes of every arena', () => {
    const { m, arena } = setup();
    const w = attachMemory(m.share());
    arena.alloc(8);
    w.arena('frame').alloc(300);
    const lanes = m.snapshot().regions[0].lanes;
    expect(lanes).toHaveLength(64);
    expect([lanes[0], lanes[1], lanes[2]]).toEqual([256, 320, 0]);
    const out = new Int32Array(64);
    arena.laneUsageInto(out);
    expect(Array.from(out.subarray(0, 3))).toEqual([256, 320, 0]);
    w.arena('frame').release();
  });

  it('records a stack\'s open marks for the inspector, and forgets released ones', () => {
    const { stack } = setup();
    const data = stack.mark();
    stack.push(16);
    const m1 = stack.mark();
    stack.push(16);
    const m2 = stack.mark();
    stack.mark(); // the same position again: recorded once
    expect(stack.stats().marks).toEqual([data, m1, m2]);
    stack.release(m1);
    expect(stack.stats().marks).toEqual([data, m1]);
    const p = stack.push(8);
    stack.pop(p);
    expect(stack.stats().marks).toEqual([data, m1]);
    stack.reset();
    expect(stack.stats().marks).toEqual([]);
    for (let k = 0; k < 9; k++) {
      stack.mark();
      stack.push(8);
    }
    const marks = stack.stats().marks;
    expect(marks).toHaveLength(7); // the newest seven
    expect(marks[6]).toBe(stack.mark() - 16);
  });
});

describe('memory.regionCount', () => {
  it('counts the regions without building the list', () => {
    const m = createMemory({ size: 1 << 16 });
    expect(m.regionCount).toBe(0);
    m.createPool('p', { slotSize: 8, capacity: 8 });
    const w = attachMemory(m.share());
    w.createStack('s', { capacity: 64 });
    expect(m.regionCount).toBe(2);
    expect(m.regions()).toHaveLength(2);
  });
});
