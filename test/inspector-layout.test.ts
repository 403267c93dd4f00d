/** Where the inspector puts each region on the canvas, with exact numbers from the layout constants. */
import { describe, expect, it } from 'vitest';
import { GAP, LABEL_H, MIN_GRID_H, PAD, type Rect, TITLE_H, WARN_H, fixedHeight, inside, layoutCanvas } from '../src/inspector/layout.ts';

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
    const roomy = layoutCanvas(300, 276, ['pool', 'pool', 'pool']); // 71 px left: 23 each, so MIN_GRID_H, and all three fit
    for (const r of roomy.regions) expect(r.grid.h).toBe(MIN_GRID_H);
    expect(roomy.regions[1].label.y).toBe(PAD + TITLE_H + fixedHeight('pool') + MIN_GRID_H);
    expect(roomy.hidden).toBe(0);
  });

  it('a region that does not fit above the warnings is not shown (the title says how many)', () => {
    // 200 px: the title, one pool (31 + 24 px), then the warnings at 200 - 8 - 78 = 114
    const crowded = layoutCanvas(300, 200, ['pool', 'pool', 'pool']);
    expect(crowded.warnings.y).toBe(200 - PAD - WARN_H);
    expect(crowded.regions.map((r) => r.shown)).toEqual([true, false, false]);
    expect(crowded.hidden).toBe(2);
    const first = crowded.regions[0];
    expect(first.section.y + first.section.h - GAP).toBeLessThanOrEqual(crowded.warnings.y);
    for (const r of crowded.regions.slice(1)) for (const part of [r.section, r.label, r.bar, r.lanes, r.graph, r.grid]) expect(part.h).toBe(0);
  });

  it('no two parts overlap, on any canvas from 120 x 80 to 1400 x 1200 with up to 12 regions', () => {
    const kinds = ['arena', 'stack', 'pool'] as const;
    const overlap = (a: Rect, b: Rect): boolean => a.h > 0 && b.h > 0 && a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
    let seed = 7;
    const next = (n: number): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n; };
    for (let round = 0; round < 400; round++) {
      const width = 120 + next(1280);
      const height = 80 + next(1120);
      const list = Array.from({ length: next(13) }, () => kinds[next(3)]);
      const l = layoutCanvas(width, height, list);
      const parts: Rect[] = [l.title, l.warnings];
      for (const r of l.regions) {
        expect(r.shown || [r.section, r.label, r.bar, r.lanes, r.graph, r.grid].every((p) => p.h === 0)).toBe(true);
        if (r.shown) parts.push(r.label, r.bar, r.lanes, r.graph, r.grid);
      }
      for (let i = 0; i < parts.length; i++) {
        for (let j = i + 1; j < parts.length; j++) expect(overlap(parts[i], parts[j]), `${String(width)}x${String(height)} [${list.join(',')}] parts ${String(i)} and ${String(j)}`).toBe(false);
      }
      expect(l.hidden).toBe(l.regions.filter((r) => !r.shown).length);
      expect(l.regions.findIndex((r) => !r.shown) === -1 || l.regions.slice(l.regions.findIndex((r) => !r.shown)).every((r) => !r.shown)).toBe(true); // only the last ones
    }
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
