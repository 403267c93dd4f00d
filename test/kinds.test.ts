/**
 * The allocator-kind registry, end to end, through a fourth kind written only against the public
 * contract (test/fixtures/ring-kind.ts): registerKind's validation, create and lookup, the frame
 * clock's two phases across kinds, reclaim, detach, leaks, snapshots, regions of a kind this
 * thread has not registered, and the kind's own invariants. A "dead" or second thread is a second
 * `attachMemory(m.share())` view in the same JS thread, as in test/reclaim.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { type Memory, attachMemory, createMemory } from '../src/index.ts';
import { type AllocatorKind, registerKind } from '../src/kinds.ts';
import { DATA_START } from '../src/memory/layout.ts';
import { createRegion } from '../src/memory/region-table.ts';
import { STATS_BYTES, publishCounts } from '../src/stats/block.ts';
import { EventRing, RING, ringKind } from './fixtures/ring-kind.ts';
import { expectCode } from './helpers.ts';

/** Region bytes of a ring of capacity 8 and 2 frames: header and records (384, 64-aligned), then the statistics block. */
const RING_8x2_BYTES = (RING.DATA + 2 * 8) * 4 + STATS_BYTES;

function setup(): { m: Memory; w: Memory } {
  const m = createMemory({ size: 1 << 20, name: 'clock' });
  const w = attachMemory(m.share(), { name: 'sim-1' });
  return { m, w };
}

/** Byte offset of region `name`. */
function offsetOf(m: Memory, name: string): number {
  const r = m.regions().find((x) => x.name === name);
  if (r === undefined) throw new Error(`no region ${name}`);
  return r.offset;
}

describe('registerKind', () => {
  it('rejects a malformed kind, a code outside 16..1023, an unscoped name and a clash with INVALID_OPTION; the same object again is a no-op', () => {
    const bad = (k: unknown) => expectCode(() => { registerKind(k as AllocatorKind); }, 'INVALID_OPTION');
    registerKind(ringKind);
    registerKind(ringKind); // no-op
    for (const k of [null, undefined, 42, 'fixture:ring']) bad(k);
    for (const code of [15, 1024, 1.5, 0, -1, Number.NaN, '17']) {
      expect(bad({ ...ringKind, name: 'fixture:other', code }).message).toContain(`code ${String(code)} is outside 16..1023`);
    }
    for (const name of ['ring', 'arena', 'pool', 'stack', '', 'a:b:c', 'fixture:', 'fix ture:ring', 42]) {
      expect(bad({ ...ringKind, name, code: 17 }).message).toContain('is not of the form "scope:name"');
    }
    for (const hook of ['regionBytes', 'init', 'open'] as const) {
      expect(bad({ ...ringKind, name: 'fixture:other', code: 17, [hook]: undefined }).message).toContain(`${hook} is not a function`);
    }
    // another object with the same code and name, the same code, the same name
    for (const clash of [{ ...ringKind }, { ...ringKind, name: 'fixture:other' }, { ...ringKind, code: 17 }]) {
      const err = bad(clash);
      expect(err.message).toContain('is taken by kind fixture:ring (code 16)');
      // the failed calls registered nothing
      expect(err.state).toEqual({ registered: 'arena, pool, stack, fixture:ring' });
    }
    const { m } = setup();
    const unused = m.unusedBytes;
    expectCode(() => m.create({ ...ringKind, code: 17 }, 'events', { capacity: 8, frames: 2 }), 'INVALID_OPTION'); // create registers: same rules
    expect(m.unusedBytes).toBe(unused);
    expect(m.regions()).toEqual([]);
    m.checkInvariants();
  });
});

describe('create and region', () => {
  it('creates a ring, finds the same instance, and gives another thread its own instance over the same records', () => {
    const { m, w } = setup();
    const ring = m.create(ringKind, 'events', { capacity: 8, frames: 2 });
    expect(ring).toBeInstanceOf(EventRing);
    expect(m.region(ringKind, 'events')).toBe(ring);
    const wr = w.region(ringKind, 'events');
    expect(wr).toBeInstanceOf(EventRing);
    expect(wr === ring).toBe(false); // (not .not.toBe: vitest deep-compares the two instances, views of 1 MiB included, for its message)
    expect(w.region(ringKind, 'events')).toBe(wr);
    expect(ring.push(7)).toBe(0);
    expect(wr.push(-8)).toBe(1);
    expect([ring.count(0), wr.count(0)]).toEqual([2, 2]);
    expect([ring.read(0, 0), ring.read(0, 1), wr.read(0, 0), wr.read(0, 1)]).toEqual([7, -8, 7, -8]);
    expect(m.regions()).toEqual([{ name: 'events', kind: 'fixture:ring', offset: DATA_START, byteLength: RING_8x2_BYTES }]);
    expect(w.regions()).toEqual(m.regions());
    m.checkInvariants();
  });

  it('refuses the wrong kind, a missing region, a taken name and bad options, leaving the memory intact', () => {
    const { m } = setup();
    m.create(ringKind, 'events', { capacity: 8, frames: 2 });
    m.createArena('frame', { capacity: 4096, frames: 2 });
    expect(expectCode(() => m.pool('events'), 'REGION_KIND_MISMATCH').message).toContain('"events" is a fixture:ring, not a pool');
    const mismatch = expectCode(() => m.region(ringKind, 'frame'), 'REGION_KIND_MISMATCH');
    expect(mismatch.message).toContain('"frame" is a arena, not a fixture:ring');
    expect(mismatch.suggestion).toBe('use memory.arena("frame").');
    const missing = expectCode(() => m.region(ringKind, 'nope'), 'REGION_NOT_FOUND');
    expect(missing.suggestion).toContain('memory.create(fixture:ring, "nope", ...)');
    expect(missing.state).toEqual({ regions: 'fixture:ring "events", arena "frame"' });
    m.checkInvariants();
    const unused = m.unusedBytes;
    const before = m.regions();
    expectCode(() => m.create(ringKind, 'events', { capacity: 8, frames: 2 }), 'REGION_EXISTS');
    expectCode(() => m.create(ringKind, 'a b', { capacity: 8, frames: 2 }), 'INVALID_NAME');
    const badOptions: unknown[] = [
      null, undefined, 7, {}, { capacity: 8 }, { frames: 2 }, { capacity: 0, frames: 2 }, { capacity: -8, frames: 2 }, { capacity: 1.5, frames: 2 },
      { capacity: (1 << 20) + 1, frames: 2 }, { capacity: 8, frames: 0 }, { capacity: 8, frames: 5 }, { capacity: 8, frames: 1.5 }, { capacity: '8', frames: 2 },
    ];
    for (const o of badOptions) {
      const err = expectCode(() => m.create(ringKind, 'bad', o as { capacity: number; frames: number }), 'INVALID_OPTION');
      expect(err.allocator).toBe('fixture:ring "bad"');
    }
    expect(m.unusedBytes).toBe(unused);
    expect(m.regions()).toEqual(before);
    m.checkInvariants();
    // the name is still free
    expect(m.create(ringKind, 'bad', { capacity: 1, frames: 1 }).push(5)).toBe(0);
    m.checkInvariants();
  });
});

describe('frame clock', () => {
  it('fills a segment exactly, recycles the segment frame next maps to, and keeps frames: 2 frames', () => {
    const { m } = setup();
    const ring = m.create(ringKind, 'events', { capacity: 8, frames: 2 });
    for (let k = 0; k < 8; k++) expect(ring.push(100 + k)).toBe(k);
    expect(ring.push(108)).toBe(-1);
    expect(ring.push(109)).toBe(-1);
    expect(ring.stats()).toMatchObject({ allocations: 8, bytes: 32, failures: 2, count: 8, recycles: 0 });
    m.checkInvariants(); // the failed pushes gave their index back
    expect(m.advance()).toBe(1); // recycles segment 1 (empty); frame 0 is still kept
    expect([ring.count(0), ring.count(1)]).toEqual([8, 0]);
    expect(ring.read(0, 7)).toBe(107);
    for (let k = 0; k < 3; k++) expect(ring.push(200 + k)).toBe(k);
    expect([ring.count(0), ring.count(1)]).toEqual([8, 3]);
    m.checkInvariants();
    expect(m.advance()).toBe(2); // recycles segment 0: frame 0's records
    expect([ring.count(0), ring.count(1), ring.count(2), ring.count(3)]).toEqual([0, 3, 0, 0]);
    expect(ring.read(1, 2)).toBe(202);
    expect(expectCode(() => ring.read(0, 0), 'INVALID_OFFSET').message).toContain('record 0 of frame 0 is not there (0 kept)');
    expectCode(() => ring.read(1, 3), 'INVALID_OFFSET');
    const history = new Float64Array(64);
    expect(Array.from(history.subarray(0, ring.frameHistoryInto(history)))).toEqual([8, 3]);
    expect(ring.stats()).toEqual({
      kind: 'fixture:ring', name: 'events', allocations: 11, bytes: 44, failures: 2, errors: 2, lastError: 'INVALID_OFFSET',
      capacity: 8, frames: 2, count: 0, peak: 8, holders: 0, recycles: 2,
    });
    expect(Object.isFrozen(ring.stats())).toBe(true);
    m.checkInvariants();
  });

  it('a hold makes advance() throw LANE_LEASED and change nothing in any region; drop() lets it go on', () => {
    const { m, w } = setup();
    const early = m.createArena('early', { capacity: 4096, frames: 1, laneBytes: 256 }); // locked before the ring: its lock is undone
    const ring = m.create(ringKind, 'events', { capacity: 8, frames: 1 });
    const late = m.createArena('late', { capacity: 4096, frames: 1, laneBytes: 256 }); // after it: never locked
    const wr = w.region(ringKind, 'events');
    early.alloc(64);
    late.alloc(64);
    early.release();
    late.release();
    ring.push(1);
    ring.push(2);
    expect(wr.hold()).toBe(true);
    expect(wr.hold()).toBe(true); // held already
    expect(ring.stats().holders).toBe(1);
    const err = expectCode(() => m.advance(), 'LANE_LEASED');
    expect(err.allocator).toBe('fixture:ring "events"');
    expect(err.message).toContain('advance() to frame 1 would recycle memory that thread 1 (hold) still lease(s)');
    expect(m.frame).toBe(0);
    expect([early.stats().used, late.stats().used, early.stats().resets, late.stats().resets]).toEqual([64, 64, 0, 0]); // release() gave the lane tails back
    expect(ring.count(0)).toBe(2);
    expect(m.i32[(offsetOf(m, 'events') >> 2) + RING.LOCK]).toBe(0);
    m.checkInvariants();
    wr.drop();
    expect(ring.stats().holders).toBe(0);
    expect(m.advance()).toBe(1);
    expect([early.stats().used, late.stats().used, ring.count(1), ring.stats().recycles]).toEqual([0, 0, 0, 1]);
    m.checkInvariants();
  });

  it('when an arena after the ring refuses, the ring\'s lock is undone and a hold can be taken', () => {
    const { m, w } = setup();
    const ring = m.create(ringKind, 'events', { capacity: 8, frames: 1 });
    m.createArena('late', { capacity: 4096, frames: 1, laneBytes: 256 });
    const wl = w.arena('late');
    wl.alloc(8); // w's lease blocks the arena
    ring.push(1);
    const err = expectCode(() => m.advance(), 'LANE_LEASED');
    expect(err.allocator).toBe('arena "late"');
    expect([m.frame, ring.count(0), ring.stats().recycles]).toEqual([0, 1, 0]);
    expect(m.i32[(offsetOf(m, 'events') >> 2) + RING.LOCK]).toBe(0);
    const wr = w.region(ringKind, 'events');
    expect(wr.hold()).toBe(true);
    wr.drop();
    m.checkInvariants();
    wl.release();
    expect(m.advance()).toBe(1);
    expect(ring.count(1)).toBe(0);
    m.checkInvariants();
  });

  it('hold() returns false, holding nothing, while the clock has the ring locked', () => {
    const { m, w } = setup();
    m.create(ringKind, 'events', { capacity: 8, frames: 2 });
    const wr = w.region(ringKind, 'events');
    const lock = (offsetOf(m, 'events') >> 2) + RING.LOCK;
    m.i32[lock] = 1; // what lock() leaves between the two phases of an advance
    expect(wr.hold()).toBe(false);
    expect(wr.stats().holders).toBe(0);
    m.i32[lock] = 0;
    expect(wr.hold()).toBe(true);
    wr.drop();
    m.checkInvariants();
  });
});

describe('reclaimThread', () => {
  it('drops a dead thread\'s hold and reports it under custom; a thread holding nothing gets no custom field', () => {
    const { m, w } = setup();
    m.create(ringKind, 'events', { capacity: 8, frames: 2 });
    m.createArena('frame', { capacity: 4096, frames: 2, laneBytes: 256 });
    const wr = w.region(ringKind, 'events');
    expect(wr.hold()).toBe(true);
    expectCode(() => m.advance(), 'LANE_LEASED');
    const r = m.reclaimThread(w.threadId);
    expect(r).toStrictEqual({
      id: 1, name: 'sim-1', generation: 1, leases: 0, slots: 0, stacks: 0, lock: false, abandoned: 0, custom: { 'fixture:ring': 1 },
    });
    expect(Object.isFrozen(r?.custom)).toBe(true);
    expect(m.advance()).toBe(1);
    expectCode(() => wr.hold(), 'THREAD_RECLAIMED'); // the dead thread's instance, still alive after all
    expect(m.region(ringKind, 'events').stats().holders).toBe(0);
    m.checkInvariants();

    const w2 = attachMemory(m.share(), { name: 'sim-2' }); // id 1 again, holds nothing in the ring
    w2.region(ringKind, 'events').push(3);
    const r2 = m.reclaimThread(w2.threadId);
    expect(r2).toStrictEqual({ id: 1, name: 'sim-2', generation: 3, leases: 0, slots: 0, stacks: 0, lock: false, abandoned: 0 });
    expect(r2 !== null && 'custom' in r2).toBe(false);
    m.checkInvariants();

    const w3 = attachMemory(m.share(), { name: 'sim-3' }); // holds an arena lease and the ring
    w3.arena('frame').alloc(8);
    expect(w3.region(ringKind, 'events').hold()).toBe(true);
    expect(m.reclaimThread(w3.threadId)).toStrictEqual({
      id: 1, name: 'sim-3', generation: 5, leases: 1, slots: 0, stacks: 0, lock: false, abandoned: 0, custom: { 'fixture:ring': 1 },
    });
    expect(m.advance()).toBe(2);
    m.checkInvariants();
  });
});

describe('snapshot', () => {
  it('lists built-in regions in regions and the ring in customRegions, with its published stats', () => {
    const { m, w } = setup();
    m.createPool('p', { slotSize: 8, capacity: 16 });
    m.create(ringKind, 'events', { capacity: 8, frames: 2 });
    const offset = offsetOf(m, 'events');
    const wr = w.region(ringKind, 'events');
    for (const v of [1, 2, 3]) wr.push(v);
    const expected = (allocations: number, count: number, frameHistory: number[], recycles: number) => [{
      name: 'events', kind: 'fixture:ring', offset, byteLength: RING_8x2_BYTES,
      stats: {
        kind: 'fixture:ring', name: 'events', allocations, bytes: allocations * 4, failures: 0, errors: 0, lastError: null,
        capacity: 8, frames: 2, count, peak: Math.max(0, ...frameHistory), holders: 0, recycles,
      },
      frameHistory, lanes: [],
    }];
    let s = m.snapshot();
    expect(s.regions.map((r) => `${r.kind} ${r.name}`)).toEqual(['pool p']);
    expect(s.customRegions).toEqual(expected(0, 3, [], 0)); // w has not published
    w.publishStats();
    s = m.snapshot();
    expect(s.customRegions).toEqual(expected(3, 3, [], 0));
    m.checkInvariants();
    expect(m.advance()).toBe(1);
    s = m.snapshot();
    expect(s.customRegions).toEqual(expected(3, 0, [3], 1));
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    expect(Object.isFrozen(s.customRegions)).toBe(true);
    m.checkInvariants();
  });

  it('has no customRegions key without a region of a registered kind', () => {
    const { m } = setup();
    m.createPool('p', { slotSize: 8, capacity: 16 });
    expect(Object.keys(m.snapshot())).toEqual(['frame', 'shared', 'byteLength', 'unusedBytes', 'threads', 'frameTimes', 'regions']);
    m.checkInvariants();
  });
});

describe('a region of a kind this thread has not registered', () => {
  it('shows as unknown:<code> from its statistics block; unclocked it lets advance() run, clocked it stops it', () => {
    const { m } = setup();
    createRegion(m.i32, m.u8, m.threadId, 'alien', 999, 256, () => undefined, false);
    const info = { name: 'alien', kind: 'unknown:999', offset: DATA_START, byteLength: 256 + STATS_BYTES };
    expect(m.regions()).toEqual([info]);
    const stats = (allocations: number, bytes: number, failures: number) => ({
      kind: 'unknown:999', name: 'alien', allocations, bytes, failures, errors: 0, lastError: null,
    });
    let s = m.snapshot();
    expect(s.regions).toEqual([]);
    expect(s.customRegions).toEqual([{ ...info, stats: stats(0, 0, 0), frameHistory: [], lanes: [] }]);
    m.checkInvariants();
    expect(m.leaks()).toMatchObject({ count: 0, text: 'memory: nothing held' });
    const mismatch = expectCode(() => m.region(ringKind, 'alien'), 'REGION_KIND_MISMATCH');
    expect(mismatch.message).toContain('"alien" is a unknown:999, not a fixture:ring');
    expect(mismatch.suggestion).toContain('register its kind (code 999)');
    expect(m.advance()).toBe(1);
    publishCounts(m.i32, (DATA_START + 256) >> 2, 5, 0, 40, 2); // what a thread that knows the kind would publish
    s = m.snapshot();
    expect(s.customRegions).toEqual([{ ...info, stats: stats(5, 40, 2), frameHistory: [0], lanes: [] }]);
    m.checkInvariants();

    const arena = m.createArena('frame', { capacity: 4096, frames: 1, laneBytes: 256 });
    const ring = m.create(ringKind, 'events', { capacity: 8, frames: 1 });
    arena.alloc(8);
    ring.push(1);
    createRegion(m.i32, m.u8, m.threadId, 'alien-clock', 999, 256, () => undefined, true);
    const err = expectCode(() => m.advance(), 'REGION_KIND_MISMATCH');
    expect(err.message).toContain('advance(): region "alien-clock" has kind code 999, which this thread has not registered');
    expect([m.frame, arena.stats().used, arena.stats().resets, ring.count(1), ring.stats().recycles]).toEqual([1, 8, 0, 1, 0]); // advance() released the lane first
    expectCode(() => m.advance(), 'REGION_KIND_MISMATCH'); // every time, not only the first
    expect(m.frame).toBe(1);
    expect(m.regions().map((r) => r.kind)).toEqual(['unknown:999', 'arena', 'fixture:ring', 'unknown:999']);
    m.checkInvariants();
  });
});

describe('detach and leaks', () => {
  it('lists one leak entry per holder, and a detaching thread drops its hold', () => {
    const { m, w } = setup();
    const ring = m.create(ringKind, 'events', { capacity: 8, frames: 2 });
    const data = offsetOf(m, 'events') + RING.DATA * 4;
    const wr = w.region(ringKind, 'events');
    ring.push(1);
    ring.push(2);
    expect(m.leaks()).toMatchObject({ count: 0, text: 'memory: nothing held' });
    expect(wr.hold()).toBe(true);
    let l = m.leaks();
    expect(l.entries).toEqual([{ offset: data, size: 8, handle: -1, thread: 1, frame: -1, site: null }]);
    expect(l).toMatchObject({ allocator: 'memory', count: 1, bytes: 8 });
    expect(l.text).toContain('fixture:ring "events": 1 block(s), 8 bytes held');
    expect(ring.hold()).toBe(true);
    l = m.leaks({ limit: 1 });
    expect([l.count, l.entries.map((e) => e.thread)]).toEqual([2, [0]]); // limit: entries listed, not counted
    expect(ring.leaks(10).entries.map((e) => e.thread)).toEqual([0, 1]);
    ring.drop();
    expectCode(() => m.advance(), 'LANE_LEASED');
    m.checkInvariants();
    w.detach();
    expect(m.threads()[1].state).toBe('detached');
    expect(m.leaks()).toMatchObject({ count: 0, entries: [] });
    expect(m.advance()).toBe(1);
    expect(ring.count(0)).toBe(2);
    m.checkInvariants();
  });
});

describe('checkInvariants', () => {
  it('catches a corrupted ring header with INVARIANT_VIOLATED and counts it in the region\'s errors', () => {
    const { m } = setup();
    const ring = m.create(ringKind, 'events', { capacity: 8, frames: 2 });
    const b = offsetOf(m, 'events') >> 2;
    const corrupt = (word: number, value: number, state: Record<string, number>) => {
      const was = m.i32[b + word];
      m.i32[b + word] = value;
      expect(expectCode(() => { m.checkInvariants(); }, 'INVARIANT_VIOLATED').state).toEqual(state);
      m.i32[b + word] = was;
      m.checkInvariants();
    };
    corrupt(RING.CURSOR + 1, 9, { segment: 1, cursor: 9, capacity: 8 });
    corrupt(RING.CURSOR, -1, { segment: 0, cursor: -1, capacity: 8 });
    corrupt(RING.CURSOR + 3, 1, { segment: 3, cursor: 1, capacity: 8 }); // a segment beyond frames
    corrupt(RING.FRAMES, 5, { frames: 5, opened: 2 });
    corrupt(RING.FRAMES, 0, { frames: 0, opened: 2 });
    corrupt(RING.CAPACITY, 9, { capacity: 9, opened: 8 });
    corrupt(RING.LOCK, 1, { lock: 1 });
    expect(ring.stats()).toMatchObject({ errors: 7, lastError: 'INVARIANT_VIOLATED' });
  });
});

