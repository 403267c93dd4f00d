/**
 * checkInvariants() against stray writes into the shared buffer (a worker's out-of-bounds store,
 * a bad index into `memory.i32`): each corrupted word is caught as INVARIANT_VIOLATED with the
 * actual values, and once the word is written back the memory checks clean again. Covers the
 * global header, the region bounds, an arena's peak and lessee bits, a stack's block chain and
 * top, and a pool thread's cache line. The words are found through the layout constants; the
 * checks run in both builds (checkInvariants is not compiled out).
 */
import { describe, expect, it } from 'vitest';
import { type Memory, attachMemory, createMemory } from '../src/index.ts';
import { DATA_START, G_BRK, G_MAGIC, G_TABLE_LOCK, REGION_ALIGN } from '../src/memory/layout.ts';
import { A_CAPACITY, A_DATA, A_PEAK, SEG_MASK_LO, segWord } from '../src/allocators/arena/layout.ts';
import { STATS_BYTES } from '../src/stats/block.ts';
import { BLOCK_HEADER, SK_LAST, SK_TOP } from '../src/allocators/stack/layout.ts';
import { CACHED_STRIDE, L_MAX, P_CACHED } from '../src/allocators/pool/layout.ts';
import { expectCode } from './helpers.ts';

/** Writes `value` at word `w`, expects `check` to fail with INVARIANT_VIOLATED, writes the old value back. */
function corrupt(m: Memory, w: number, value: number, check: () => void): ReturnType<typeof expectCode> {
  const old = Atomics.load(m.i32, w);
  Atomics.store(m.i32, w, value);
  try {
    return expectCode(check, 'INVARIANT_VIOLATED');
  } finally {
    Atomics.store(m.i32, w, old);
  }
}

function setup(): Memory {
  return createMemory({ size: 1 << 20 });
}

const baseOf = (m: Memory, name: string): number => {
  const r = m.regions().find((x) => x.name === name);
  if (r === undefined) throw new Error(`no region ${name}`);
  return r.offset >> 2;
};

describe('the memory\'s own words', () => {
  it('a global header that contradicts the buffer: magic, or a region end off the 64-byte grid', () => {
    const m = setup();
    m.createPool('p', { slotSize: 8, capacity: 16 });
    m.checkInvariants();
    const magic = corrupt(m, G_MAGIC, 0x12345678, () => { m.checkInvariants(); });
    expect(magic.message).toContain('global header is inconsistent');
    expect(magic.state).toMatchObject({ magic: 0x12345678, byteLength: 1 << 20 });
    const brk = Atomics.load(m.i32, G_BRK);
    const e = corrupt(m, G_BRK, brk + 4, () => { m.checkInvariants(); });
    expect(e.message).toContain('global header is inconsistent');
    expect(e.state).toMatchObject({ brk: brk + 4, size: 1 << 20 });
    m.checkInvariants();
  });

  it('a region that passes the end of the regions (brk)', () => {
    const m = setup();
    m.createStack('s', { capacity: 1024 });
    const r = m.regions()[0];
    const brk = Atomics.load(m.i32, G_BRK);
    expect(brk).toBe(r.offset + r.byteLength);
    // one step of the grid lower: still a valid header, but the stack now passes it
    const lower = brk - REGION_ALIGN;
    const e = corrupt(m, G_BRK, lower, () => { m.checkInvariants(); });
    expect(e.message).toContain(`memory: region "s" [${r.offset}, ${r.offset + r.byteLength}) overlaps or passes brk ${lower}`);
    expect(e.state).toEqual({ offset: r.offset, byteLength: r.byteLength, previousEnd: DATA_START, brk: lower });
    m.checkInvariants();
  });

  it('the region-table lock held by a thread that is not attached', () => {
    const m = setup();
    const w = attachMemory(m.share());
    const gone = w.threadId;
    w.detach();
    const e = corrupt(m, G_TABLE_LOCK, gone + 1, () => { m.checkInvariants(); });
    expect(e.message).toContain(`the region table is locked by thread ${gone}, which is not attached`);
    expect(e.state).toEqual({ holder: gone });
    m.checkInvariants();
  });
});

describe('an arena', () => {
  it('a peak beyond the capacity', () => {
    const m = setup();
    const a = m.createArena('a', { capacity: 4096, frames: 2, laneBytes: 256 });
    a.alloc(100);
    const e = corrupt(m, baseOf(m, 'a') + A_PEAK, 5000, () => { a.checkInvariants(); });
    expect(e.message).toContain('peak 5000 outside 0..4096');
    expect(e.state).toEqual({ peak: 5000 });
    a.checkInvariants();
    m.checkInvariants();
  });

  it('a capacity corrupted before another thread opened the arena: its segments no longer fit the region', () => {
    const m = setup();
    m.createArena('a', { capacity: 4096, frames: 2, laneBytes: 256 });
    const w = attachMemory(m.share());
    const b = baseOf(m, 'a');
    const r = m.regions()[0];
    const data = Atomics.load(m.i32, b + A_DATA);
    Atomics.store(m.i32, b + A_CAPACITY, 4096 + 64);
    const late = w.arena('a'); // opened now: it takes the header as it finds it
    const e = expectCode(() => { late.checkInvariants(); }, 'INVARIANT_VIOLATED');
    const regionEnd = r.offset + r.byteLength - STATS_BYTES;
    expect(e.message).toContain(`segments [0x${data.toString(16)}, 0x${(data + 2 * 4160).toString(16)}) do not fit the region [0x${r.offset.toString(16)}, 0x${regionEnd.toString(16)})`);
    expect(e.state).toEqual({ data, capacity: 4160, regionEnd });
    Atomics.store(m.i32, b + A_CAPACITY, 4096);
    m.checkInvariants(); // this thread's instance opened before the write: consistent again
    // the late instance keeps the capacity it read, which the header no longer has
    expect(expectCode(() => { late.checkInvariants(); }, 'INVARIANT_VIOLATED').message).toContain('the header\'s constants changed');
    w.detach();
    m.checkInvariants();
  });

  it('this thread\'s lessee bit set in a segment it does not lease', () => {
    const m = setup();
    const a = m.createArena('a', { capacity: 4096, frames: 2, laneBytes: 256 });
    a.alloc(100); // leases segment 0 (frame 0)
    const w = segWord(baseOf(m, 'a'), 1) + SEG_MASK_LO;
    const e = corrupt(m, w, 1 << m.threadId, () => { a.checkInvariants(); });
    expect(e.message).toContain('this thread\'s lessee bit in segment 1 is set, but its lease is in segment 0');
    expect(e.state).toEqual({ segment: 1, lease: 0 });
    a.checkInvariants();
    m.checkInvariants();
  });
});

describe('a stack', () => {
  it('a block whose record breaks the chain', () => {
    const m = setup();
    const s = m.createStack('s', { capacity: 1024 });
    const a = s.push(16);
    const b = s.push(16);
    // b's record holds the top before it (a's end): point it past b itself
    const e = corrupt(m, (b - BLOCK_HEADER) >> 2, b + 64, () => { s.checkInvariants(); });
    expect(e.message).toContain(`block 0x${b.toString(16)} breaks the chain: previous top 0x${(b + 64).toString(16)}`);
    expect(e.state).toMatchObject({ block: b, prevTop: b + 64 });
    s.checkInvariants();
    s.pop(b);
    s.pop(a);
    m.checkInvariants();
  });

  it('a top above the data start with no blocks', () => {
    const m = setup();
    const s = m.createStack('s', { capacity: 1024 });
    const p = s.push(32);
    const e = corrupt(m, baseOf(m, 's') + SK_LAST, 0, () => { s.checkInvariants(); });
    const data = p - BLOCK_HEADER;
    const top = Atomics.load(m.i32, baseOf(m, 's') + SK_TOP);
    expect(e.message).toContain(`no blocks but top is 0x${top.toString(16)}, not 0x${data.toString(16)}`);
    expect(e.state).toEqual({ top, data });
    s.checkInvariants();
    s.pop(p);
    m.checkInvariants();
  });
});

describe('a pool', () => {
  it('this thread\'s cache line with a wrong capacity', () => {
    const m = setup();
    const p = m.createPool('p', { slotSize: 8, capacity: 64, batch: 4 });
    const h = p.alloc();
    const w = baseOf(m, 'p') + P_CACHED + m.threadId * CACHED_STRIDE + L_MAX;
    const max = Atomics.load(m.i32, w);
    const e = corrupt(m, w, max + 1, () => { p.checkInvariants(); });
    expect(e.message).toContain(`this thread's line lost its constants (flip `);
    expect(e.message).toContain(`capacity ${max + 1})`);
    expect(e.state).toMatchObject({ max: max + 1 });
    p.checkInvariants();
    p.free(h);
    m.checkInvariants();
  });
});
