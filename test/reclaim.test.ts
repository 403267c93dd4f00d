/**
 * The thread lifecycle: thread slots, reclaimThread() of a thread that is gone, THREAD_RECLAIMED
 * for one that turns out to be alive, ids reused, and locks that survive their holder. A "dead"
 * thread here is a second attached view of the same memory that simply stops being used, which
 * is what a terminated worker leaves behind; test/kill.test.ts terminates real workers.
 */
import { describe, expect, it } from 'vitest';
import { attachMemory, createMemory, type Memory } from '../src/index.ts';
import {
  E_CREATOR, E_STATE, ENTRY_INIT, G_ENTRIES, G_TABLE_LOCK, KIND_ARENA, MAX_THREADS, entryWordOf,
} from '../src/memory/layout.ts';
import { claimThreadId } from '../src/memory/threads.ts';
import { createRegion } from '../src/memory/region-table.ts';
import { initArena } from '../src/allocators/arena/layout.ts';
import { CHECKS, expectCode, itChecked } from './helpers.ts';

function setup(): { m: Memory; w: Memory } {
  const m = createMemory({ size: 1 << 20, name: 'clock' });
  const w = attachMemory(m.share(), { name: 'sim-1' });
  return { m, w };
}

describe('thread table', () => {
  it('lists each thread with its name, state, generation and lag', () => {
    const { m, w } = setup();
    m.advance();
    m.advance();
    const [main, sim] = m.threads();
    expect(main).toMatchObject({ id: 0, name: 'clock', state: 'attached', lag: 0 });
    expect(sim).toMatchObject({ id: 1, name: 'sim-1', state: 'attached', lastFrame: 0, lag: 2, attachedAt: 0 });
    w.publishStats(); // a thread reports its frame when it publishes (or releases a lane)
    expect(m.threads()[1]).toMatchObject({ lastFrame: 2, lag: 0 });
    w.detach();
    expect(m.threads()[1]).toMatchObject({ state: 'detached', lag: 0 });
    expect(m.snapshot().threads).toEqual([0]);
    m.checkInvariants();
  });

  it('rejects bad names and options with INVALID_NAME / INVALID_OPTION', () => {
    const m = createMemory({ size: 1 << 16 });
    expectCode(() => attachMemory(m.share(), { name: '' }), 'INVALID_NAME');
    expectCode(() => attachMemory(m.share(), { name: 'x'.repeat(32) }), 'INVALID_NAME');
    expectCode(() => attachMemory(m.share(), { name: 'a b' }), 'INVALID_NAME');
    expectCode(() => attachMemory(m.share(), null as unknown as object), 'INVALID_OPTION');
    expectCode(() => createMemory(null as unknown as { size: number }), 'INVALID_OPTION');
    expect(m.threads().length).toBe(1); // nothing was attached by the failed calls
    m.checkInvariants();
  });
});

describe('reclaimThread', () => {
  it('releases a dead thread\'s arena lease, so the clock moves again', () => {
    const { m, w } = setup();
    m.createArena('frame', { capacity: 4096, frames: 1, laneBytes: 256 });
    w.arena('frame').alloc(64);
    const err = expectCode(() => m.advance(), 'LANE_LEASED');
    expect(err.message).toContain('thread 1 "sim-1" (lease in frame 0, 0 frame(s) behind)');
    const r = m.reclaimThread(w.threadId);
    expect(r).toEqual({ id: 1, name: 'sim-1', generation: 1, leases: 1, slots: 0, stacks: 0, lock: false, abandoned: 0 });
    expect(m.advance()).toBe(1);
    expect(m.threads()[1]).toMatchObject({ state: 'reclaimed', generation: 2 });
    expect(m.reclaimThread(1)).toBeNull(); // already reclaimed: nothing to do
    m.checkInvariants();
  });

  it('a reclaimed thread that is still alive gets THREAD_RECLAIMED on its slow paths, and corrupts nothing', () => {
    const { m, w } = setup();
    m.createArena('frame', { capacity: 4096, frames: 1, laneBytes: 64 });
    m.createPool('p', { slotSize: 8, capacity: 64, batch: 4 });
    const wa = w.arena('frame');
    const wp = w.pool('p');
    wa.alloc(64);
    wp.free(wp.alloc());
    m.reclaimThread(w.threadId);
    const newcomer = attachMemory(m.share(), { name: 'sim-2' }); // gets id 1 again
    expect(newcomer.threadId).toBe(1);
    newcomer.arena('frame').alloc(8);
    expectCode(() => wa.alloc(64), 'THREAD_RECLAIMED'); // needs a new lease
    expectCode(() => { wa.release(); }, 'THREAD_RECLAIMED');
    expectCode(() => { w.publishStats(); }, 'THREAD_RECLAIMED');
    expectCode(() => { wp.flush(); }, 'THREAD_RECLAIMED');
    // the newcomer's lease survived the old thread's attempts
    expectCode(() => m.advance(), 'LANE_LEASED');
    newcomer.arena('frame').release();
    expect(m.advance()).toBe(1);
    w.detach(); // must not free the newcomer's id
    expect(m.threads()[1]).toMatchObject({ name: 'sim-2', state: 'attached' });
    m.checkInvariants();
  });

  it('returns the slots a dead thread cached, so live + free + cached = capacity and every slot can be taken', () => {
    const { m, w } = setup();
    const p = m.createPool('p', { slotSize: 8, capacity: 256, batch: 4 });
    const wp = w.pool('p');
    const held = [wp.alloc(), wp.alloc(), wp.alloc()]; // w caches 1 more
    for (const h of held.slice(1)) wp.free(h); // 3 cached, 1 live
    expect(p.stats().cached).toBe(3);
    const r = m.reclaimThread(w.threadId);
    expect(r?.slots).toBe(3);
    const s = p.stats();
    expect(s).toMatchObject({ live: 1, cached: 0, free: 255 });
    expect(s.live + s.free + s.cached).toBe(256);
    m.checkInvariants();
    const all: number[] = [];
    for (let k = 0; k < 255; k++) all.push(p.alloc());
    expect(p.tryAlloc()).toBe(0);
    expect(p.leaks().entries.map((e) => e.thread)).toContain(1); // the dead thread's live slot shows as a leak
    for (const h of all) p.free(h);
    m.checkInvariants();
  });

  it('empties a dead thread\'s stacks and lets another thread adopt them', () => {
    const { m, w } = setup();
    const ws = w.createStack('scratch', { capacity: 1024 });
    ws.push(100);
    ws.mark();
    ws.push(50);
    const s = m.stack('scratch');
    expectCode(() => { s.adopt(); }, 'WRONG_THREAD'); // not empty
    expect(m.reclaimThread(w.threadId)?.stacks).toBe(1);
    expect(s.stats()).toMatchObject({ depth: 0, owner: -1, used: 0 });
    if (CHECKS) expect(expectCode(() => s.push(8), 'WRONG_THREAD').message).toContain('has no owner');
    s.adopt();
    expect(s.push(8)).toBeGreaterThan(0);
    m.checkInvariants();
  });

  it('reuses ids over 1,000 attach/reclaim cycles, and 63 dead threads never exhaust the table', () => {
    const m = createMemory({ size: 1 << 16 });
    m.createArena('frame', { capacity: 4096, frames: 2, laneBytes: 64 });
    for (let cycle = 0; cycle < 1000; cycle++) {
      const w = attachMemory(m.share(), { name: `w${cycle % 10}` });
      expect(w.threadId).toBe(1);
      w.arena('frame').alloc(16); // holds a lease when it "dies"
      expect(m.reclaimThread(w.threadId)?.leases).toBe(1);
      m.advance();
    }
    expect(m.threads()[1].generation).toBe(2000);
    const dead: Memory[] = [];
    for (let k = 1; k < MAX_THREADS; k++) dead.push(attachMemory(m.share()));
    expectCode(() => attachMemory(m.share()), 'TOO_MANY_THREADS');
    m.reclaimThread(dead[10].threadId);
    expect(attachMemory(m.share()).threadId).toBe(11);
    m.checkInvariants();
  });

  it('refuses its own id and ids out of range; returns null for an id nobody holds', () => {
    const { m } = setup();
    expectCode(() => m.reclaimThread(0), 'INVALID_OPTION');
    for (const bad of [-1, 64, 1.5, Number.NaN, '1' as unknown as number]) expectCode(() => m.reclaimThread(bad), 'INVALID_OPTION');
    expect(m.reclaimThread(5)).toBeNull();
    m.checkInvariants();
  });
});

describe('the region-table lock and regions a dead thread was creating', () => {
  it('breaks the lock of a reclaimed or detached holder', () => {
    const { m, w } = setup();
    Atomics.store(m.i32, G_TABLE_LOCK, w.threadId + 1); // w died holding the lock
    const r = m.reclaimThread(w.threadId);
    expect(r?.lock).toBe(true);
    m.createPool('p', { slotSize: 8, capacity: 8 });
    const v = attachMemory(m.share());
    Atomics.store(m.i32, G_TABLE_LOCK, v.threadId + 1);
    v.detach(); // gone without releasing: the next locker breaks the lock at once
    m.createArena('a', { capacity: 1024 });
    expect(Atomics.load(m.i32, G_TABLE_LOCK)).toBe(0);
    m.checkInvariants();
  });

  it('gives up with LOCK_TIMEOUT naming the holder when a live-looking holder keeps the lock', () => {
    const { m, w } = setup();
    Atomics.store(m.i32, G_TABLE_LOCK, w.threadId + 1);
    const err = expectCode(() => m.createPool('p', { slotSize: 8, capacity: 8 }), 'LOCK_TIMEOUT');
    expect(err.message).toContain('thread 1 "sim-1"');
    expect(err.suggestion).toContain('reclaimThread(1)');
    m.reclaimThread(w.threadId);
    m.createPool('p', { slotSize: 8, capacity: 8 });
    m.checkInvariants();
  });

  it('abandons a region its dead creator left half-initialised, and frees the name', () => {
    const { m, w } = setup();
    m.createPool('ok', { slotSize: 8, capacity: 8 });
    w.createArena('half', { capacity: 1024 });
    // turn it back into an entry w is still initialising
    const i = Atomics.load(m.i32, G_ENTRIES) - 1;
    Atomics.store(m.i32, entryWordOf(i) + E_STATE, ENTRY_INIT);
    Atomics.sub(m.i32, 4 /* G_REGION_COUNT */, 1);
    expect(m.i32[entryWordOf(i) + E_CREATOR]).toBe(w.threadId + 1);
    expectCode(() => m.createArena('half', { capacity: 1024 }), 'REGION_EXISTS');
    expectCode(() => m.arena('half'), 'REGION_NOT_FOUND');
    expect(m.reclaimThread(w.threadId)?.abandoned).toBe(1);
    m.createArena('half', { capacity: 1024 }).alloc(8);
    expect(m.regions().map((r) => r.name)).toEqual(['ok', 'half']);
    m.advance();
    m.checkInvariants();
  });
});

describe('a thread killed while it attaches or creates', () => {
  it('an id claimed by a thread that died before it wrote its slot is attached, listed and reclaimable', () => {
    const { m } = setup();
    const id = claimThreadId(m.i32); // the one-CAS claim; the worker dies before fillThreadSlot
    expect(id).toBe(2);
    m.checkInvariants(); // a claimed id is a whole state, not a half one
    expect(m.threads()[2]).toMatchObject({ id: 2, state: 'attached', name: '' });
    expect(m.reclaimThread(id)).toMatchObject({ id: 2, leases: 0, slots: 0, stacks: 0 });
    expect(m.threads()[2].state).toBe('reclaimed');
    expect(attachMemory(m.share(), { name: 'next' }).threadId).toBe(2); // the id is reused
    m.checkInvariants();
  });

  it('a region whose creator was reclaimed during its initialisation is never published: THREAD_RECLAIMED', () => {
    const { m, w } = setup();
    const err = expectCode(() => createRegion(w.i32, w.u8, w.threadId, 'late', KIND_ARENA, 1024, (offset) => {
      // another thread decides w is dead while w still initialises the region
      expect(m.reclaimThread(w.threadId)?.abandoned).toBe(1);
      initArena(w.i32, offset, { capacity: 512, frames: 1, laneBytes: 64 }, 0);
    }), 'THREAD_RECLAIMED');
    expect(err.message).toContain('"late"');
    expectCode(() => m.arena('late'), 'REGION_NOT_FOUND');
    expect(m.regions()).toEqual([]);
    m.createArena('late', { capacity: 1024 }).alloc(8); // the name is free again
    m.checkInvariants();
  });
});

describe('reclaim and the checked build', () => {
  itChecked('the checked build still catches a zombie\'s stale handle after reclaim', () => {
    const { m, w } = setup();
    const p = m.createPool('p', { slotSize: 8, capacity: 16, batch: 2 });
    const wp = w.pool('p');
    const h = wp.alloc();
    wp.free(h);
    m.reclaimThread(w.threadId);
    expectCode(() => p.offsetOf(h), 'STALE_HANDLE');
    m.checkInvariants();
  });
});
