/**
 * A pool grid as pixels: the cells and the ImageData made for a pool's grid area at layout
 * time, and the per-frame write of the cells into that ImageData (integer arithmetic only,
 * allocating nothing).
 * @module
 * @internal
 */
import { STAT } from '../stats/fields.ts';
import { BACKGROUND_RGB, FREE_RGB, THREAD_RGB } from './colors.ts';
import type { InspectorContext } from './context.ts';
import { MAX_CELL, type Rect } from './layout.ts';
import type { RegionModel } from './model.ts';
import { PoolGridCells, type SlotOwnerSource, poolGridShape } from './pool-grid.ts';

/**
 * Fits pool `r`'s grid to `grid` (CSS pixels) at `dpr`: makes new cells when the shape changed
 * (keeping them otherwise), reads every slot into them, and returns an ImageData of the grid's
 * size filled with the background. Allocates: at layout time, never per frame.
 */
export function poolGridImage(ctx: InspectorContext, r: RegionModel, grid: Rect, dpr: number): ImageData {
  const shape = poolGridShape(r.stats[STAT.CAPACITY] || (r.source as { capacity: number }).capacity,
    Math.floor(grid.w * dpr), Math.floor(grid.h * dpr), Math.max(1, Math.floor(MAX_CELL * dpr)));
  let cells = r.grid;
  const old = cells?.shape;
  if (cells === null || old?.cellPx !== shape.cellPx || old.cols !== shape.cols || old.cells !== shape.cells || old.slotsPerCell !== shape.slotsPerCell) {
    cells = new PoolGridCells(shape);
    r.grid = cells;
  }
  cells.aggregate(r.source as SlotOwnerSource);
  const img = ctx.createImageData(Math.max(1, shape.cols * shape.cellPx), Math.max(1, shape.rows * shape.cellPx));
  fillImage(img, BACKGROUND_RGB);
  return img;
}

/** Fills every pixel of `img` with an opaque colour (gaps and unused cells keep it). */
function fillImage(img: ImageData, rgb: readonly [number, number, number]): void {
  const d = img.data;
  for (let k = 0; k < d.length; k += 4) {
    d[k] = rgb[0];
    d[k + 1] = rgb[1];
    d[k + 2] = rgb[2];
    d[k + 3] = 255;
  }
}

/**
 * Writes a pool grid's cells into `img`: free cells in the free colour, cells with live slots in
 * their dominant owner's hue, mixed from the free colour by the cell's weight (35% for one live
 * slot up to 100% for a full cell); cells of 4 pixels and more keep a one-pixel gap. Integer
 * arithmetic only, and allocates nothing.
 */
export function paintGrid(g: PoolGridCells, img: ImageData): void {
  const shape = g.shape;
  const cellPx = shape.cellPx;
  const cols = shape.cols;
  const cells = shape.cells;
  const data = img.data;
  const stride = img.width * 4;
  const gap = cellPx >= 4 ? 1 : 0;
  const inner = cellPx - gap;
  const fr = FREE_RGB[0];
  const fg = FREE_RGB[1];
  const fb = FREE_RGB[2];
  const rgb = THREAD_RGB;
  const live = g.live;
  const owner = g.owner;
  const weight = g.weight;
  let col = 0;
  let y0 = 0;
  for (let c = 0; c < cells; c++) {
    const n = live[c];
    let r = fr;
    let gg = fg;
    let b = fb;
    if (n > 0) {
      const w = c === cells - 1 ? g.weightLast[n] : weight[n];
      const t = 3 * (owner[c] - 1);
      r = fr + (((rgb[t] - fr) * w) >> 8);
      gg = fg + (((rgb[t + 1] - fg) * w) >> 8);
      b = fb + (((rgb[t + 2] - fb) * w) >> 8);
    }
    const x0 = col * cellPx;
    if (cellPx === 1) {
      const at = y0 * stride + x0 * 4;
      data[at] = r;
      data[at + 1] = gg;
      data[at + 2] = b;
      data[at + 3] = 255;
    } else for (let dy = 0; dy < inner; dy++) {
      let at = (y0 + dy) * stride + x0 * 4;
      for (let dx = 0; dx < inner; dx++) {
        data[at] = r;
        data[at + 1] = gg;
        data[at + 2] = b;
        data[at + 3] = 255;
        at += 4;
      }
    }
    if (++col === cols) {
      col = 0;
      y0 += cellPx;
    }
  }
}
