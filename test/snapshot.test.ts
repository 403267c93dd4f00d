/** memory.snapshot() and the arenas' per-frame high-water history, read from the shared buffer. */
import { describe, expect, it } from 'vitest';
import { attachMemory, createMemory } from '../src/index.ts';
import { HISTORY_FRAMES } from '../src/allocators/arena/frame-arena.ts';

describe('memory.snapshot()', () => {
  it('is a frozen, JSON-serializable picture of every region, with what workers did', () => {
    const m = createMemory({ size: 1 << 18 });
    const arena = m.createArena('frame', { capacity: 4096, frames: 2, laneBytes: 64 });
    const pool = m.createPool('bullets', { slotSize: 16, capacity: 32 });
    m.createStack('scratch', { capacity: 256 }).push(16);
    const w = attachMemory(m.share());
    w.pool('bullets').alloc(); // a "worker" allocates: the snapshot of the main thread sees it
    pool.alloc();
    arena.alloc(100);
    const s = m.snapshot();
    expect(Object.isFrozen(s) && Object.isFrozen(s.regions) && Object.isFrozen(s.regions[0])).toBe(true);
    expect(s.frame).toBe(0);
    expect(s.threads).toEqual([0, 1]);
    expect(s.regions.map((r) => [r.name, r.kind, r.stats.kind])).toEqual([
      ['frame', 'arena', 'arena'], ['bullets', 'pool', 'pool'], ['scratch', 'stack', 'stack'],
    ]);
    const ps = s.regions[1].stats;
    expect(ps.kind === 'pool' && ps.live).toBe(2);
    const ss = s.regions[2].stats;
    expect(ss.kind === 'stack' && ss.depth).toBe(1);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('records the high water of every frame, oldest first, for the last 64 frames', () => {
    const m = createMemory({ size: 1 << 18 });
    const arena = m.createArena('frame', { capacity: 4096, frames: 2, laneBytes: 64 });
    for (let f = 0; f < 70; f++) {
      arena.alloc(8 * (f + 1));
      m.advance();
    }
    const h = arena.frameHistory();
    expect(h).toHaveLength(HISTORY_FRAMES);
    // frame f used 8 * (f + 1) bytes; advance() released the lane first, so the tail came back
    expect(h[h.length - 1]).toBe(8 * 70);
    expect(h[0]).toBe(8 * 7);
    expect(h).toEqual(Array.from({ length: 64 }, (_, k) => 8 * (k + 7)));
    expect(m.snapshot().regions[0].frameHistory).toEqual(h);
    arena.checkInvariants();
  });
});
