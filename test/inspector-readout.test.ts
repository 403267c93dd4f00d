/**
 * The inspector's numbers against `memory.snapshot()`: after the main thread's work, after a
 * worker's (Node worker_threads or a browser Web Worker) and with errors and warnings; and what
 * hit testing returns for each part of the canvas.
 */
import { describe, expect, it } from 'vitest';
import { createMemory } from '../src/index.ts';
import { InspectorRenderer } from '../src/inspector/renderer.ts';
import type { InspectorPoolReadout } from '../src/inspector/readout.ts';
import { StubContext } from './fixtures/inspector-stub-context.ts';
import { compareReadout } from './fixtures/inspector-compare.ts';
import { runFillWorker } from './fixtures/inspector-spawn.ts';

/** A memory with one region of each kind, the stub context and a renderer of 640 x 480. */
function setup(poolCapacity = 1000) {
  const memory = createMemory({ size: 16 << 20 });
  const arena = memory.createArena('frame', { capacity: 1 << 18, frames: 2, laneBytes: 4096 });
  const pool = memory.createPool('slots', { slotSize: 16, capacity: poolCapacity, batch: 8 });
  const stack = memory.createStack('scratch', { capacity: 8192 });
  const ctx = new StubContext();
  const renderer = new InspectorRenderer(memory, ctx.asContext(), { width: 640, height: 480 });
  renderer.setViews(false, false, false); // the regions' parts at fixed coordinates; the views are in inspector-views.test.ts
  return { memory, arena, pool, stack, ctx, renderer };
}

describe('inspector readout', () => {
  it('matches snapshot() after main-thread work over several frames', () => {
    const { memory, arena, pool, stack, renderer } = setup();
    const held: number[] = [];
    for (let f = 0; f < 70; f++) {
      for (let k = 0; k < 10 + (f % 7); k++) arena.alloc(48 + f, 16);
      for (let k = 0; k < 5; k++) held.push(pool.alloc());
      if (f % 3 === 0) pool.free(held.shift() ?? 0);
      memory.advance();
      renderer.draw();
    }
    const m1 = stack.mark();
    stack.push(100);
    stack.mark();
    stack.push(40, 16);
    arena.alloc(1000);
    renderer.draw();
    const readout = renderer.readout();
    expect(compareReadout(readout, memory.snapshot())).toEqual([]);
    expect(readout.drawn).toBe(71);
    const p = readout.regions[1] as InspectorPoolReadout;
    expect(p.live).toBe(held.length);
    expect(p.liveByThread[0]).toBe(held.length);
    expect(p.grid).toEqual({ capacity: 1000, cellPx: 11, cols: 56, rows: 18, slotsPerCell: 1, cells: 1000 });
    expect(readout.regions[0].frameHistory).toHaveLength(64);
    const s = readout.regions[2];
    expect(s.kind === 'stack' && s.marks[0]).toBe(m1);
    expect(Object.isFrozen(readout) && Object.isFrozen(readout.regions[0])).toBe(true);
  });

  it('matches snapshot() for memory a worker filled, and credits the worker\'s slots to its thread', async () => {
    const { memory, renderer, pool } = setup(5000);
    memory.advance();
    const result = await runFillWorker({ memory: memory.share(), keep: 1234, arenaBytes: 20_000 });
    expect(result.errorCode).toBe('POOL_EXHAUSTED');
    renderer.draw();
    const readout = renderer.readout();
    expect(compareReadout(readout, memory.snapshot())).toEqual([]);
    const p = readout.regions[1] as InspectorPoolReadout;
    expect(p.live).toBe(1234);
    expect(p.liveByThread[result.threadId]).toBe(1234);
    expect(p.liveByThread[0]).toBe(0);
    expect(p.failures).toBe(2); // the tryAlloc that found the pool dry, and the alloc that threw
    expect(p.errors).toBe(1);
    expect(p.lastError).toBe('POOL_EXHAUSTED');
    const a = readout.regions[0];
    expect(a.kind === 'arena' && a.lanes[result.threadId]).toBeGreaterThanOrEqual(20_000);
    expect(readout.threads).toContain(result.threadId);
    // the warning list names the pool's failure and error
    expect(readout.warnings.filter((w) => w.region === 'slots').map((w) => w.kind)).toEqual(['failures', 'errors']);
    expect(readout.warnings.find((w) => w.kind === 'errors')?.lastError).toBe('POOL_EXHAUSTED');
    expect(pool.live).toBe(1234);
  });

  it('warns when an arena peaks or a pool fills past 90%, and draws the last error code', () => {
    const { memory, arena, pool, renderer, ctx } = setup(100);
    for (let k = 0; k < 95; k++) pool.alloc();
    arena.alloc(1 << 17);
    expect(() => arena.alloc(1 << 18)).toThrow();
    renderer.draw();
    const r = renderer.readout();
    expect(compareReadout(r, memory.snapshot())).toEqual([]);
    expect(r.warnings.map((w) => `${w.region}:${w.kind}`)).toEqual(['frame:failures', 'frame:errors', 'slots:near-full']);
    expect(r.warnings[2].value).toBe(95);
    const code = r.regions[0].lastError;
    expect(code).not.toBeNull();
    expect(ctx.texts).toContain(code);
    expect(ctx.texts).toContain(': above 90% of capacity, at ');
  });

  it('rebuilds its region list when a region is added, and only then', () => {
    const { memory, renderer, ctx } = setup();
    renderer.draw();
    const before = renderer.model.regions;
    renderer.draw();
    expect(renderer.model.regions).toBe(before);
    memory.createPool('more', { slotSize: 8, capacity: 64 });
    renderer.draw();
    expect(renderer.model.regions).not.toBe(before);
    expect(renderer.readout().regions.map((x) => x.name)).toEqual(['frame', 'slots', 'scratch', 'more']);
    expect(compareReadout(renderer.readout(), memory.snapshot())).toEqual([]);
    expect(ctx.calls.get('createImageData')).toBe(3); // one pool grid, then two after the rebuild
  });
});

describe('inspector hit testing', () => {
  it('names the part under the point with its numbers', () => {
    const { memory, arena, pool, stack, renderer } = setup();
    const handles = Array.from({ length: 200 }, () => pool.alloc());
    for (let f = 0; f < 3; f++) {
      arena.alloc(2000);
      memory.advance();
    }
    arena.alloc(100);
    stack.mark();
    stack.push(64);
    renderer.draw();
    expect(renderer.hitTest(20, 15)?.part).toBe('title');
    const label = renderer.hitTest(20, 30);
    expect(label).toMatchObject({ region: 'frame', kind: 'arena', part: 'label' });
    expect(label?.lines[1]).toBe(`used ${arena.used} of ${1 << 18} B (${Math.round((100 * arena.used) / (1 << 18))}%)`);
    expect(renderer.hitTest(20, 45)).toMatchObject({ region: 'frame', part: 'bar' });
    // lanes: thread 0 leased 4096 B of 262144 -> the first 9.75 px of the strip; it holds that lease since this frame
    expect(renderer.hitTest(9, 57)).toMatchObject({
      part: 'lanes', index: 0, lines: ['arena "frame", thread 0 "main"', '4096 B leased this frame (2%)', `holds a lease since frame ${memory.frame}`],
    });
    expect(renderer.hitTest(300, 57)).toMatchObject({ part: 'lanes', index: -1 });
    // graph: 64 bars over 624 px, newest on the right; 3 frames recorded -> the last 3 bars
    const newest = renderer.hitTest(8 + 624 - 1, 80);
    expect(newest).toMatchObject({ part: 'graph', index: 2 });
    expect(newest?.lines[1]).toMatch(/^high water \d+ B/);
    expect(renderer.hitTest(20, 80)).toMatchObject({ part: 'graph', index: -1 });
    // grid: 11 px cells, 56 a row, from (8, 130); cell (3, 2) is slot 115
    const cell = renderer.hitTest(8 + 11 * 3 + 5, 130 + 11 * 2 + 5);
    expect(cell).toMatchObject({ region: 'slots', part: 'grid', index: 115, count: 1, lines: ['pool "slots", slot 115', 'live, owned by thread 0'] });
    expect(renderer.hitTest(8 + 11 * 3 + 5, 130 + 11 * 5 + 5)).toMatchObject({ index: 283, lines: ['pool "slots", slot 283', 'free or cached'] });
    expect(renderer.hitTest(20, 380)).toMatchObject({ region: 'scratch', part: 'bar' });
    expect(renderer.hitTest(20, 380)?.lines[2]).toBe('depth 1 blocks, marks at 0');
    expect(renderer.hitTest(20, 420)).toMatchObject({ part: 'warnings' });
    expect(renderer.hitTest(635, 470)).toBeNull();
    for (const h of handles) pool.free(h);
  });

  it('aggregated cells report their slot range, live count and dominant owner', () => {
    const { pool, renderer } = setup(400_000);
    for (let k = 0; k < 100; k++) pool.alloc();
    renderer.draw(); // lays out: reads the whole pool once
    renderer.draw();
    // 400,000 slots at 262,144 a frame: the second draw read part of the pool; readout() reads it whole
    expect(renderer.model.regions[1].grid?.midSweep).toBe(true);
    const p = renderer.readout().regions[1] as InspectorPoolReadout;
    // 624 x 221 = 137,904 pixels for 400,000 slots: 3 slots a cell
    expect(p.grid).toEqual({ capacity: 400_000, cellPx: 1, cols: 624, rows: 214, slotsPerCell: 3, cells: 133_334 });
    expect(renderer.hitTest(8.5, 130.5)).toMatchObject({ part: 'grid', index: 0, count: 3, lines: ['pool "slots", slots 0-2', '3 of 3 live (100%)', 'mostly thread 0'] });
    expect(renderer.hitTest(8 + 40.5, 130.5)).toMatchObject({ index: 120, lines: ['pool "slots", slots 120-122', '0 of 3 live (0%)', 'none live'] });
    expect(p.gridLive).toBe(100);
    expect(p.liveByThread[0]).toBe(100);
  });

  it('keeps a tooltip while hovering, refreshed on moves and every few frames', () => {
    const { renderer, ctx } = setup();
    renderer.draw();
    expect(renderer.hovered()).toBeNull();
    const v0 = renderer.hoverChanges;
    renderer.hover(20, 45);
    renderer.draw();
    expect(renderer.hovered()).toMatchObject({ region: 'frame', part: 'bar' });
    expect(renderer.hoverChanges).toBe(v0 + 1);
    renderer.draw();
    expect(renderer.hoverChanges).toBe(v0 + 1);
    for (let k = 0; k < 15; k++) renderer.draw();
    expect(renderer.hoverChanges).toBe(v0 + 2);
    renderer.setCanvasTooltip(true);
    ctx.clear();
    renderer.draw();
    expect(ctx.texts).toContain('arena "frame"');
    renderer.hover(null);
    expect(renderer.hovered()).toBeNull();
  });
});
