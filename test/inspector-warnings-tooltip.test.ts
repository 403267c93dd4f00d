/**
 * The inspector with more warnings than its list shows, and what the tooltip says over the
 * warning list and over a pool's label and bar; and the 90%-of-capacity line an arena's
 * high-water graph gets when the arena peaked past it. Drawn on the stub context (every project).
 */
import { describe, expect, it } from 'vitest';
import { type PoolStats, createMemory } from '../src/index.ts';
import { InspectorRenderer } from '../src/inspector/renderer.ts';
import type { InspectorPoolReadout } from '../src/inspector/readout.ts';
import { PEAK, WARN } from '../src/inspector/colors.ts';
import { GRAPH_H, LABEL_H, BAR_H, LANES_H, PAD, TITLE_H, WARN_H, WARN_LINES } from '../src/inspector/layout.ts';
import { StubContext } from './fixtures/inspector-stub-context.ts';
import { expectCode } from './helpers.ts';

/** The stub context, also recording each fillRect with the fill style it used. */
class RectContext extends StubContext {
  readonly rects: { style: unknown; x: number; y: number; w: number; h: number }[] = [];
  override fillRect(x: number, y: number, w: number, h: number): void {
    super.fillRect(x, y, w, h);
    this.rects.push({ style: this.fillStyle, x, y, w, h });
  }
  override clear(): void {
    super.clear();
    this.rects.length = 0;
  }
}

const ARENA_CAP = 1 << 16;

/**
 * An arena that peaked past 90% and then failed twice (a tryAlloc and a throwing alloc), and a
 * pool filled to capacity that failed the same way: three warnings each, six in all.
 */
function overloaded() {
  const memory = createMemory({ size: 16 << 20 });
  const arena = memory.createArena('frame', { capacity: ARENA_CAP, frames: 2 });
  const pool = memory.createPool('slots', { slotSize: 16, capacity: 100, batch: 8 });
  for (let k = 0; k < 15; k++) arena.alloc(4000);
  expect(arena.tryAlloc(8000)).toBe(0);
  expectCode(() => arena.alloc(8000), 'ARENA_EXHAUSTED');
  for (let k = 0; k < 100; k++) pool.alloc();
  expect(pool.tryAlloc()).toBe(0);
  expectCode(() => pool.alloc(), 'POOL_EXHAUSTED');
  memory.checkInvariants();
  const ctx = new RectContext();
  const renderer = new InspectorRenderer(memory, ctx.asContext(), { width: 640, height: 480 });
  renderer.setViews(false, false, false); // the regions' parts at fixed coordinates; the views are in inspector-views.test.ts
  return { memory, arena, pool, ctx, renderer };
}

describe('inspector warnings past the list', () => {
  it('draws the first five and "+1 more"', () => {
    const { renderer, ctx } = overloaded();
    renderer.draw();
    const r = renderer.readout();
    expect(r.warnings.map((w) => `${w.region}:${w.kind}`)).toEqual([
      'frame:near-full', 'frame:failures', 'frame:errors', 'slots:near-full', 'slots:failures', 'slots:errors',
    ]);
    expect(WARN_LINES).toBe(5);
    // the list ends with the count of the warnings it had no room for, drawn digit by digit
    expect(ctx.texts.slice(-3)).toEqual(['+', '1', ' more']);
    // the sixth warning's own text is not drawn: the pool's error count line stops at the fifth
    expect(ctx.texts.filter((t) => t === 'slots')).toHaveLength(2 + 1); // its label row and two warning lines
  });

  it('the tooltip over the list names every warning, with each region\'s last error', () => {
    const { renderer } = overloaded();
    renderer.draw();
    const y = 480 - PAD - WARN_H + 5;
    expect(renderer.hitTest(20, y)).toMatchObject({
      part: 'warnings', region: '', index: -1,
      lines: [
        'arena "frame": above 90% of capacity (last ARENA_EXHAUSTED)',
        'arena "frame": failed requests (last ARENA_EXHAUSTED)',
        'arena "frame": errors (last ARENA_EXHAUSTED)',
        'pool "slots": above 90% of capacity (last POOL_EXHAUSTED)',
        'pool "slots": failed requests (last POOL_EXHAUSTED)',
        'pool "slots": errors (last POOL_EXHAUSTED)',
      ],
    });
  });

  it('the tooltip over a pool\'s label and summary bar sums the pool up', () => {
    const { renderer, memory } = overloaded();
    renderer.draw();
    const readout = renderer.readout();
    const p = readout.regions[1] as InspectorPoolReadout;
    const g = p.grid;
    if (g === null) throw new Error('the pool has no grid');
    // the arena's section, then the pool's label row, then its summary bar
    const poolTop = PAD + TITLE_H + LABEL_H + BAR_H + 2 + LANES_H + 2 + GRAPH_H + 8;
    const label = renderer.hitTest(20, poolTop + 3);
    const bar = renderer.hitTest(20, poolTop + LABEL_H + 2);
    expect(label).toMatchObject({ region: 'slots', kind: 'pool', part: 'label', index: -1 });
    expect(bar).toMatchObject({ region: 'slots', kind: 'pool', part: 'bar' });
    expect(bar?.lines).toEqual(label?.lines);
    const s = memory.snapshot().regions[1].stats as PoolStats;
    expect(label?.lines).toEqual([
      'pool "slots"',
      'live 100 of 100 slots (100%)',
      `cached ${p.cached}, free list ${p.free}, peak 100`,
      `grid ${g.cells} cells of ${g.slotsPerCell} slot(s), ${g.cellPx} px`,
      `allocations ${s.allocations}, frees ${s.frees}, bytes ${s.bytes}`,
      `failures 2, errors 1, last POOL_EXHAUSTED at frame ${readout.frame}`,
    ]);
    expect(g).toMatchObject({ capacity: 100, cells: 100, slotsPerCell: 1 });
  });
});

describe('an arena\'s high-water graph', () => {
  it('draws the 90% line when the peak passed it, and the peak tick in the warning colour', () => {
    const { renderer, ctx, arena } = overloaded();
    renderer.draw();
    const peak = renderer.readout().regions[0].peak;
    expect(peak).toBe(arena.peak);
    expect(peak).toBeGreaterThan(0.9 * ARENA_CAP);
    // the graph: x 8, 624 wide; below the title, the label row, the bar and the lane strip
    const graphY = PAD + TITLE_H + LABEL_H + BAR_H + 2 + LANES_H + 2;
    const lineY = graphY + GRAPH_H - (((0.9 * ARENA_CAP) / peak) * GRAPH_H | 0);
    expect(ctx.rects).toContainEqual({ style: PEAK, x: 8, y: lineY, w: 624, h: 1 });
    const barY = PAD + TITLE_H + LABEL_H;
    expect(ctx.rects).toContainEqual({ style: WARN, x: 8 + ((peak / ARENA_CAP) * 624 | 0) - 1, y: barY, w: 2, h: BAR_H });
  });

  it('draws no 90% line while the peak stays under it', () => {
    const memory = createMemory({ size: 1 << 20 });
    // small lanes: the peak counts what lanes leased, 4096 B here
    const arena = memory.createArena('frame', { capacity: ARENA_CAP, frames: 2, laneBytes: 4096 });
    arena.alloc(1000);
    const ctx = new RectContext();
    const renderer = new InspectorRenderer(memory, ctx.asContext(), { width: 640, height: 480 });
    renderer.setViews(false, false, false); // the regions' parts at fixed coordinates; the views are in inspector-views.test.ts
    renderer.draw();
    expect(renderer.readout().regions[0].peak).toBeLessThan(0.9 * ARENA_CAP);
    expect(ctx.rects.filter((r) => r.style === PEAK && r.h === 1)).toEqual([]);
    memory.checkInvariants();
  });
});
