/**
 * Allocator kinds when things go wrong: a kind's hooks that throw (init, reclaim, detach) leave
 * nothing half-done, and the error texts name the kind. The kind is test/fixtures/ring-kind.ts,
 * varied per test; test/kinds.test.ts covers the contract when all goes well.
 */
import { describe, expect, it } from 'vitest';
import { type Memory, attachMemory, createMemory } from '../src/index.ts';
import { createRegion } from '../src/memory/region-table.ts';
import { STATS_BYTES } from '../src/stats/block.ts';
import { RING, ringKind } from './fixtures/ring-kind.ts';
import { expectCode } from './helpers.ts';

/** Region bytes of a ring of capacity 8 and 2 frames: header and records, then the statistics block. */
const RING_8x2_BYTES = (RING.DATA + 2 * 8) * 4 + STATS_BYTES;

function setup(): { m: Memory; w: Memory } {
  const m = createMemory({ size: 1 << 20, name: 'clock' });
  const w = attachMemory(m.share(), { name: 'sim-1' });
  return { m, w };
}

describe('a kind whose hooks throw', () => {
  it('init: the entry is abandoned, the name is free again, and the memory stays intact', () => {
    const { m } = setup();
    const boom = Object.freeze({ ...ringKind, name: 'fixture:init-boom', code: 40, init: () => { throw new Error('init failed'); } });
    const unused = m.unusedBytes;
    expect(() => m.create(boom, 'x', { capacity: 8, frames: 2 })).toThrow('init failed');
    expect(m.regions()).toEqual([]);
    expect(m.unusedBytes).toBe(unused - RING_8x2_BYTES); // the bytes stay reserved, as for a creator that died
    m.checkInvariants();
    expect(m.create(ringKind, 'x', { capacity: 8, frames: 2 }).push(1)).toBe(0); // the name is free
    m.checkInvariants();
  });

  it('reclaimThread: the other regions are still reclaimed, the id is freed, and the error is rethrown', () => {
    const { m, w } = setup();
    const boom = Object.freeze({ ...ringKind, name: 'fixture:reclaim-boom', code: 41, reclaimThread: () => { throw new Error('reclaim failed'); } });
    m.create(boom, 'first', { capacity: 8, frames: 2 });
    m.createArena('frame', { capacity: 4096, frames: 1, laneBytes: 256 });
    w.arena('frame').alloc(8);
    expect(() => m.reclaimThread(w.threadId)).toThrow('reclaim failed');
    expect(m.threads()[1]).toMatchObject({ state: 'reclaimed', generation: 2 });
    expect(m.advance()).toBe(1); // the arena lease was released all the same
    expect(attachMemory(m.share(), { name: 'next' }).threadId).toBe(1); // the id is free
    m.checkInvariants();
  });

  it('detach: the thread detaches all the same and the error is rethrown', () => {
    const { m, w } = setup();
    const boom = Object.freeze({ ...ringKind, name: 'fixture:detach-boom', code: 42, detach: () => { throw new Error('detach failed'); } });
    m.create(boom, 'events', { capacity: 8, frames: 2 });
    w.region(boom, 'events');
    expect(() => { w.detach(); }).toThrow('detach failed');
    expect(m.threads()[1]).toMatchObject({ state: 'detached' });
    w.detach(); // a second detach is a no-op
    expectCode(() => w.region(boom, 'events'), 'DETACHED');
    m.checkInvariants();
  });
});

describe('error texts name the kind', () => {
  it('REGION_EXISTS points at memory.region(kind), LANE_LEASED at the kind, startTrace at itself', () => {
    const { m, w } = setup();
    m.create(ringKind, 'events', { capacity: 8, frames: 2 });
    expect(expectCode(() => m.create(ringKind, 'events', { capacity: 8, frames: 2 }), 'REGION_EXISTS').suggestion)
      .toBe('attach to it with memory.region(fixture:ring, "events"), or pick another name.');
    m.createPool('bullets', { slotSize: 16, capacity: 8 });
    expect(expectCode(() => m.createPool('bullets', { slotSize: 16, capacity: 8 }), 'REGION_EXISTS').suggestion)
      .toBe('attach to it with memory.pool("bullets"), or pick another name.');
    expect(w.region(ringKind, 'events').hold()).toBe(true);
    const leased = expectCode(() => m.advance(), 'LANE_LEASED');
    expect(leased.allocator).toBe('fixture:ring "events"');
    expect(leased.suggestion).not.toContain('arena.release()');
    w.region(ringKind, 'events').drop();
    createRegion(m.i32, m.u8, m.threadId, 'alien', 998, 64, () => undefined, true);
    expect(expectCode(() => m.startTrace(), 'REGION_KIND_MISMATCH').message).toContain('startTrace(): region "alien" has kind code 998');
    m.checkInvariants();
  });
});
