/**
 * What a threads view reads: the reclaim record in each thread slot (the frame of the reclaim and
 * the leases, slots and stacks it released; `memory.threads()` and the allocation-free
 * `thread*At` helpers of src/memory/threads.ts), and, per thread id, the oldest frame of its
 * arena leases (`arena.leaseFramesInto`) and the free slots in its pool caches
 * (`pool.cachedSlotsInto`). "Dead" threads are attached views that stop being used, as in
 * test/reclaim.test.ts, reclaimed with `reclaimThread()`.
 */
import { describe, expect, it } from 'vitest';
import { attachMemory, createMemory, type Memory } from '../src/index.ts';
import { SEG_MASK_HI, SEG_MASK_LO, segWord } from '../src/allocators/arena/layout.ts';
import {
  MAX_THREADS, THREAD_ATTACHED, THREAD_DETACHED, THREAD_FREE, THREAD_RECLAIMED, T_RECLAIMED_AT, T_RELEASED_LEASES, threadWordOf,
} from '../src/memory/layout.ts';
import {
  threadAttachedAt, threadFrameAt, threadGenerationAt, threadReclaimedAt, threadReleasedLeasesAt, threadReleasedSlotsAt,
  threadReleasedStacksAt, threadStateAt,
} from '../src/memory/threads.ts';
import { expectCode, inBrowser } from './helpers.ts';

/** Every per-slot helper's answer for thread `t`, in one record. */
function slot(m: Memory, t: number): Record<string, number> {
  const i32 = m.i32;
  return {
    state: threadStateAt(i32, t), generation: threadGenerationAt(i32, t), frame: threadFrameAt(i32, t), attachedAt: threadAttachedAt(i32, t),
    reclaimedAt: threadReclaimedAt(i32, t), leases: threadReleasedLeasesAt(i32, t), slots: threadReleasedSlotsAt(i32, t), stacks: threadReleasedStacksAt(i32, t),
  };
}

/**
 * Frame 4 of a memory whose worker `w` (id 1, attached in frame 0) holds leases in two arenas
 * (leased in frame 3), 3 free slots in its pool cache and one live slot, and owns a stack; the
 * clock thread holds a lease of frame 4 in "frame" and 3 cached slots; thread 33 a lease of frame 4.
 */
function busyMemory(): { m: Memory; w: Memory; t33: Memory } {
  const m = createMemory({ size: 1 << 20, name: 'clock' });
  m.createArena('frame', { capacity: 4096, frames: 2, laneBytes: 256 });
  m.createArena('fx', { capacity: 4096, frames: 2, laneBytes: 256 });
  m.createPool('p', { slotSize: 8, capacity: 64, batch: 4 });
  const w = attachMemory(m.share(), { name: 'sim-1' });
  const others: Memory[] = [];
  for (let k = 2; k <= 33; k++) others.push(attachMemory(m.share()));
  m.advance();
  m.advance();
  m.advance();
  w.arena('frame').alloc(16);
  w.arena('fx').alloc(16);
  w.pool('p').alloc(); // a refill of 4: 1 live, 3 cached
  w.createStack('w-stack', { capacity: 256 }).push(8);
  expect(m.advance()).toBe(4); // recycles segment 0; w's leases are in segment 1
  m.arena('frame').alloc(8);
  m.pool('p').alloc();
  const t33 = others[others.length - 1];
  expect(t33.threadId).toBe(33);
  t33.arena('frame').alloc(8);
  return { m, w, t33 };
}

describe('the reclaim record in the thread slot', () => {
  it('reclaimThread() writes the frame and what it released; threads() and the helpers read it back', () => {
    const { m, w } = busyMemory();
    const r = m.reclaimThread(w.threadId);
    expect(r).toEqual({ id: 1, name: 'sim-1', generation: 1, leases: 2, slots: 3, stacks: 1, lock: false, abandoned: 0 });
    const info = m.threads()[1];
    expect(info).toEqual({
      id: 1, generation: 2, name: 'sim-1', state: 'reclaimed', lastFrame: 0, lag: 0, attachedAt: 0,
      reclaimedAt: 4, released: { leases: 2, slots: 3, stacks: 1 },
    });
    expect(Object.isFrozen(info.released)).toBe(true);
    expect(slot(m, 1)).toEqual({ state: THREAD_RECLAIMED, generation: 2, frame: 0, attachedAt: 0, reclaimedAt: 4, leases: 2, slots: 3, stacks: 1 });
    // the clock thread was never reclaimed
    expect(m.threads()[0]).toMatchObject({ state: 'attached', reclaimedAt: -1, released: { leases: 0, slots: 0, stacks: 0 } });
    expect(slot(m, 0)).toEqual({ state: THREAD_ATTACHED, generation: 1, frame: 4, attachedAt: 0, reclaimedAt: -1, leases: 0, slots: 0, stacks: 0 });
    // an unused slot
    expect(slot(m, 40)).toEqual({ state: THREAD_FREE, generation: 0, frame: 0, attachedAt: 0, reclaimedAt: -1, leases: 0, slots: 0, stacks: 0 });
    m.checkInvariants();
  });

  it('a thread that held nothing is recorded with zeros; a later attach to the id clears the record', () => {
    const { m, w, t33 } = busyMemory();
    m.reclaimThread(w.threadId);
    t33.arena('frame').release();
    m.advance(); // 5
    const idle = attachMemory(m.share()); // id 1 again
    expect(idle.threadId).toBe(1);
    expect(slot(m, 1)).toEqual({ state: THREAD_ATTACHED, generation: 3, frame: 5, attachedAt: 5, reclaimedAt: -1, leases: 0, slots: 0, stacks: 0 });
    expect(m.threads()[1]).toMatchObject({ name: '', state: 'attached', reclaimedAt: -1, released: { leases: 0, slots: 0, stacks: 0 } });
    m.advance(); // 6
    expect(m.reclaimThread(1)).toEqual({ id: 1, name: '', generation: 3, leases: 0, slots: 0, stacks: 0, lock: false, abandoned: 0 });
    expect(slot(m, 1)).toMatchObject({ state: THREAD_RECLAIMED, generation: 4, reclaimedAt: 6, leases: 0, slots: 0, stacks: 0 });
    m.checkInvariants();
  });

  it('a thread that detached itself has no reclaim record', () => {
    const m = createMemory({ size: 1 << 16 });
    m.advance();
    const w = attachMemory(m.share());
    m.advance();
    w.detach();
    expect(m.threads()[1]).toMatchObject({ state: 'detached', attachedAt: 1, reclaimedAt: -1, released: { leases: 0, slots: 0, stacks: 0 } });
    expect(slot(m, 1)).toMatchObject({ state: THREAD_DETACHED, generation: 1, reclaimedAt: -1 });
    m.checkInvariants();
  });

  it('checkInvariants() rejects a record out of range', () => {
    const m = createMemory({ size: 1 << 16 });
    m.i32[threadWordOf(3) + T_RECLAIMED_AT] = 7; // a reclaim in a frame that has not come
    expectCode(() => { m.checkInvariants(); }, 'INVARIANT_VIOLATED');
    m.i32[threadWordOf(3) + T_RECLAIMED_AT] = -1;
    m.i32[threadWordOf(3) + T_RELEASED_LEASES] = -2;
    expect(expectCode(() => { m.checkInvariants(); }, 'INVARIANT_VIOLATED').message).toContain('thread 3: reclaim record (frame -1, released -2/0/0)');
  });

  it('the helpers reject a thread id out of range with INVALID_OPTION', () => {
    const m = createMemory({ size: 1 << 16 });
    for (const f of [threadStateAt, threadGenerationAt, threadFrameAt, threadAttachedAt, threadReclaimedAt, threadReleasedLeasesAt, threadReleasedSlotsAt, threadReleasedStacksAt]) {
      for (const bad of [-1, 64, 1.5, Number.NaN, '1' as unknown as number]) expectCode(() => f(m.i32, bad), 'INVALID_OPTION');
      expect(f(m.i32, 63)).toBe(f === threadReclaimedAt ? -1 : 0);
    }
  });
});

describe('arena.leaseFramesInto()', () => {
  it('gives each thread the frame of the segment it holds a lease in, -1 for none; a reclaim clears it', () => {
    const { m, w } = busyMemory();
    const out = new Int32Array(MAX_THREADS + 6).fill(99);
    m.arena('frame').leaseFramesInto(out);
    const want = new Array<number>(MAX_THREADS).fill(-1);
    want[0] = 4; // the clock thread, in frame 4
    want[1] = 3; // w, still in frame 3
    want[33] = 4; // a thread past 31: the high mask word
    expect(Array.from(out.subarray(0, MAX_THREADS))).toEqual(want);
    expect(Array.from(out.subarray(MAX_THREADS))).toEqual([99, 99, 99, 99, 99, 99]); // past 63: untouched
    m.arena('fx').leaseFramesInto(out);
    expect(out.subarray(0, MAX_THREADS).reduce((n, f, t) => (f >= 0 ? [...n, `${t}@${f}`] : n), [] as string[])).toEqual(['1@3']);
    m.reclaimThread(w.threadId);
    m.arena('frame').leaseFramesInto(out);
    want[1] = -1;
    expect(Array.from(out.subarray(0, MAX_THREADS))).toEqual(want);
    m.arena('fx').leaseFramesInto(out);
    expect(out.subarray(0, MAX_THREADS).every((f) => f === -1)).toBe(true);
  });

  it('a thread whose bit is set in two segments reads the older frame', () => {
    const m = createMemory({ size: 1 << 18 });
    const a = m.createArena('a', { capacity: 1024, frames: 2 });
    m.advance();
    m.advance();
    m.advance(); // segment 1 holds frame 3, segment 0 frame 2
    const base = m.regions()[0].offset >> 2;
    m.i32[segWord(base, 0) + SEG_MASK_HI] = 1 << 8; // thread 40 in frame 2
    m.i32[segWord(base, 1) + SEG_MASK_HI] = 1 << 8; // and in frame 3
    m.i32[segWord(base, 1) + SEG_MASK_LO] = 1 << 5; // thread 5 in frame 3
    const out = new Int32Array(MAX_THREADS);
    a.leaseFramesInto(out);
    expect([out[5], out[40], out[0], out[63]]).toEqual([3, 2, -1, -1]);
  });

  it('bad input gets INVALID_OPTION, counted in the arena\'s errors', () => {
    const m = createMemory({ size: 1 << 16 });
    const a = m.createArena('a', { capacity: 1024 });
    for (const bad of [new Int32Array(63), new Float64Array(64), new Uint32Array(64), [], null, undefined, 64]) {
      const e = expectCode(() => { a.leaseFramesInto(bad as unknown as Int32Array); }, 'INVALID_OPTION');
      expect(e.suggestion).toContain('new Int32Array(64)');
    }
    expect(a.stats()).toMatchObject({ errors: 7, lastError: 'INVALID_OPTION' });
  });
});

describe('pool.cachedSlotsInto()', () => {
  it('gives each thread the free slots in its cache; a reclaim returns them', () => {
    const { m, w } = busyMemory();
    const p = m.pool('p');
    const out = new Int32Array(MAX_THREADS + 1).fill(99);
    p.cachedSlotsInto(out);
    expect(Array.from(out.subarray(0, 2))).toEqual([3, 3]);
    expect(out.subarray(2, MAX_THREADS).every((n) => n === 0)).toBe(true);
    expect(out[MAX_THREADS]).toBe(99);
    expect(out.subarray(0, MAX_THREADS).reduce((s, n) => s + n, 0)).toBe(p.stats().cached);
    m.reclaimThread(w.threadId);
    p.cachedSlotsInto(out);
    expect(Array.from(out.subarray(0, 2))).toEqual([3, 0]);
    expect(p.stats()).toMatchObject({ cached: 3, live: 2 });
  });

  it('bad input gets INVALID_OPTION', () => {
    const m = createMemory({ size: 1 << 16 });
    const p = m.createPool('p', { slotSize: 8, capacity: 8 });
    for (const bad of [new Int32Array(0), new Int16Array(64), {}, null]) expectCode(() => { p.cachedSlotsInto(bad as unknown as Int32Array); }, 'INVALID_OPTION');
    expect(p.stats().errors).toBe(4);
  });
});

describe('the readers allocate nothing (heap)', () => {
  it.skipIf(inBrowser)('frameTimesInto, leaseFramesInto, cachedSlotsInto and the thread helpers: 10,000 reads leave the heap as they found it', async () => {
    const v8 = await import('node:v8');
    const vm = await import('node:vm');
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const { m } = busyMemory();
    const times = new Float64Array(64);
    const since = new Int32Array(MAX_THREADS);
    const cached = new Int32Array(MAX_THREADS);
    const arena = m.arena('frame');
    const pool = m.pool('p');
    let sum = 0;
    const read = (): void => {
      sum += m.frameTimesInto(times);
      arena.leaseFramesInto(since);
      pool.cachedSlotsInto(cached);
      for (let t = 0; t < MAX_THREADS; t++) {
        sum += threadStateAt(m.i32, t) + threadGenerationAt(m.i32, t) + threadFrameAt(m.i32, t) + threadAttachedAt(m.i32, t) + threadReclaimedAt(m.i32, t)
          + threadReleasedLeasesAt(m.i32, t) + threadReleasedSlotsAt(m.i32, t) + threadReleasedStacksAt(m.i32, t);
      }
    };
    for (let k = 0; k < 20_000; k++) read();
    const rounds: number[] = [];
    for (let r = 0; r < 3; r++) {
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let k = 0; k < 10_000; k++) read();
      rounds.push(process.memoryUsage().heapUsed - before);
    }
    expect(Math.min(...rounds), `heap growth per 10,000 reads: ${rounds.join(', ')} B`).toBeLessThan(16 << 10);
    expect(sum).toBeGreaterThan(0);
  });
});
