/** Where the inspector puts each region on the canvas, with exact numbers from the layout constants. */
import { describe, expect, it } from 'vitest';
import { GAP, LABEL_H, MIN_GRID_H, PAD, TITLE_H, WARN_H, fixedHeight, inside, layoutCanvas } from '../src/inspector/layout.ts';

describe('inspector layout', () => {
  it('stacks title, arena, pool, stack and warnings; the pool grid takes the height left', () => {
    const l = layoutCanvas(640, 480, ['arena', 'pool', 'stack']);
    expect(l.title).toEqual({ x: 8, y: 8, w: 624, h: 18 });
    expect(l.warnings).toEqual({ x: 8, y: 480 - PAD - WARN_H, w: 624, h: WARN_H });
    expect(WARN_H).toBe(78);
    const [arena, pool, stack] = l.regions;
    expect(fixedHeight('arena')).toBe(81);
    expect(fixedHeight('pool')).toBe(31);
    expect(fixedHeight('stack')).toBe(35);
    expect(arena.label).toEqual({ x: 8, y: 26, w: 624, h: 15 });
    expect(arena.bar).toEqual({ x: 8, y: 41, w: 624, h: 12 });
    expect(arena.lanes).toEqual({ x: 8, y: 55, w: 624, h: 6 });
    expect(arena.graph).toEqual({ x: 8, y: 63, w: 624, h: 36 });
    expect(arena.section).toEqual({ x: 8, y: 26, w: 624, h: 81 });
    // 394 (warnings) - 26 (title) - 147 (fixed parts) = 221 for the one pool
    expect(pool.label.y).toBe(107);
    expect(pool.bar).toEqual({ x: 8, y: 122, w: 624, h: 6 });
    expect(pool.grid).toEqual({ x: 8, y: 130, w: 624, h: 221 });
    expect(stack.label.y).toBe(359);
    expect(stack.bar).toEqual({ x: 8, y: 374, w: 624, h: 12 });
    expect(stack.section.y + stack.section.h).toBe(l.warnings.y);
    expect(arena.grid.h).toBe(0);
    expect(stack.graph.h).toBe(0);
  });

  it('shares the height between pools, each at least MIN_GRID_H', () => {
    const two = layoutCanvas(400, 400, ['pool', 'pool']);
    const left = 400 - PAD - WARN_H - (PAD + TITLE_H) - 2 * fixedHeight('pool');
    expect(two.regions[0].grid.h).toBe(Math.floor(left / 2));
    expect(two.regions[1].grid.h).toBe(Math.floor(left / 2));
    const crowded = layoutCanvas(300, 120, ['pool', 'pool', 'pool']);
    for (const r of crowded.regions) expect(r.grid.h).toBe(MIN_GRID_H);
    expect(crowded.regions[1].label.y).toBe(PAD + TITLE_H + fixedHeight('pool') + MIN_GRID_H);
  });

  it('hit-tests rectangles half-open, and never an empty one', () => {
    const r = { x: 10, y: 20, w: 5, h: 5 };
    expect(inside(r, 10, 20)).toBe(true);
    expect(inside(r, 14.9, 24.9)).toBe(true);
    expect(inside(r, 15, 22)).toBe(false);
    expect(inside({ x: 0, y: 0, w: 10, h: 0 }, 1, 0)).toBe(false);
    expect(LABEL_H + GAP).toBeGreaterThan(0);
  });
});
