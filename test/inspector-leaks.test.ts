/**
 * Leak hunting in the inspector: per pool, the live slots by call site and the slots older than
 * `oldFrames` frames (checked build), from any thread's allocations; a click on a grid cell
 * selects its first slot and describes its birth frame, owner and call site.
 */
import { describe, expect, it } from 'vitest';
import { CHECKS, attachMemory, createMemory } from '../src/index.ts';
import { InspectorRenderer } from '../src/inspector/renderer.ts';
import { DEFAULT_OLD_FRAMES, LEAK_EVERY, shortSite } from '../src/inspector/leaks-model.ts';
import { StubContext } from './fixtures/inspector-stub-context.ts';

/** Allocates `n` slots of `pool` from a call site of its own (one line: one site). */
function spawnA(pool: { alloc(): number }, n: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(pool.alloc());
  return out;
}
function spawnB(pool: { alloc(): number }, n: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(pool.alloc());
  return out;
}

describe('inspector leak table', () => {
  it('shortens a call site to its first frame, file and line', () => {
    expect(shortSite('    at spawn (http://localhost:5173/demo/particles/sim.worker.ts:58:21)\n    at tick (x.ts:3:1)')).toBe('spawn (sim.worker.ts:58:21)');
    expect(shortSite('at /home/me/game/src/bullets.ts:17:5')).toBe('bullets.ts:17:5');
    expect(shortSite('spawn@http://localhost/a/b/c.js:10:2')).toBe('spawn@c.js:10:2');
  });

  it('counts live and old slots by call site, across threads, and ranks the sites', () => {
    const memory = createMemory({ size: 8 << 20 });
    const pool = memory.createPool('bullets', { slotSize: 16, capacity: 4096 });
    memory.captureCallSites(true);
    spawnA(pool, 30);
    for (let f = 0; f < DEFAULT_OLD_FRAMES + 5; f++) memory.advance();
    spawnB(pool, 50);
    if (memory.shared) {
      const w = attachMemory(memory.share(), { name: 'w' });
      w.captureCallSites(true);
      spawnA(w.pool('bullets'), 7);
      w.detach();
    }
    const renderer = new InspectorRenderer(memory, new StubContext().asContext(), { width: 1024, height: 720, dpr: 1 });
    renderer.draw();
    const leaks = renderer.readout().leaks;
    expect(leaks.oldFrames).toBe(DEFAULT_OLD_FRAMES);
    const p = leaks.pools.find((x) => x.name === 'bullets');
    const live = 80 + (memory.shared ? 7 : 0);
    expect(p?.live).toBe(live);
    if (!CHECKS) {
      expect(p?.old).toBe(0); // no birth frames in the fast build
      return;
    }
    expect(p?.old).toBe(30);
    // spawnB's 50 lead; spawnA's 30 (+ the worker's 7 from the same line) are the old ones
    expect(p?.topLive[0]).toMatchObject({ count: 50 });
    expect(p?.topLive[0].site).toContain('spawnB');
    expect(p?.topOld[0]).toMatchObject({ count: 30 });
    expect(p?.topOld[0].site).toContain('spawnA');
    memory.checkInvariants();
  });

  it('a click on a grid cell selects its first slot: birth frame, owner and site; elsewhere clears it', () => {
    const memory = createMemory({ size: 8 << 20 });
    const pool = memory.createPool('p', { slotSize: 16, capacity: 64 });
    memory.captureCallSites(true);
    memory.advance();
    const [h] = spawnA(pool, 1);
    memory.advance();
    const renderer = new InspectorRenderer(memory, new StubContext().asContext(), { width: 1024, height: 720, dpr: 1 });
    renderer.draw();
    const grid = renderer.layoutRects()?.regions[0].grid;
    expect(grid?.h).toBeGreaterThan(0);
    expect(pool.slotInfo(0)).toMatchObject({ slot: 0, live: true, handle: h, thread: 0, frame: CHECKS ? 1 : -1 });
    expect(renderer.click((grid?.x ?? 0) + 1, (grid?.y ?? 0) + 1)).toBe(true);
    const sel = renderer.readout().leaks.selected;
    expect(sel).toMatchObject({ region: 'p', slot: 0, live: true, thread: 0, frame: CHECKS ? 1 : -1 });
    if (CHECKS) expect(sel?.site).toContain('spawnA');
    expect(sel?.text).toMatch(/^p slot 0: live, thread 0 main/);
    expect(renderer.click(5, 5)).toBe(true); // the title: clears it
    expect(renderer.readout().leaks.selected).toBeNull();
    memory.checkInvariants();
  });

  it('counts every LEAK_EVERY frames, not every frame', () => {
    const memory = createMemory({ size: 4 << 20 });
    const pool = memory.createPool('p', { slotSize: 8, capacity: 128 });
    const renderer = new InspectorRenderer(memory, new StubContext().asContext(), { width: 1024, height: 720, dpr: 1 });
    renderer.draw();
    renderer.draw(); // lays out the leak table: its first count
    pool.alloc();
    memory.advance();
    for (let k = 0; k < LEAK_EVERY - 2; k++) renderer.draw();
    expect(renderer.readout().leaks.pools[0].live).toBe(0);
    renderer.draw();
    renderer.draw();
    expect(renderer.readout().leaks.pools[0].live).toBe(1);
  });
});
