/**
 * Each region's graphics below its label row: an arena's bar (used, peak tick), per-thread
 * lanes and high-water graph; a stack's bar with its mark ticks; a pool's summary bar
 * (live | cached | free) and slot grid. Per frame they allocate nothing, and only whole numbers
 * cross a call (a fraction would be boxed into a new heap number).
 * @module
 * @internal
 */
import { MAX_THREADS } from '../memory/layout.ts';
import { STAT } from '../stats/fields.ts';
import { CACHED, LIVE, PEAK, TEXT, THREAD_CSS, TRACK, USED, WARN } from './colors.ts';
import type { InspectorContext } from './context.ts';
import { paintGrid } from './grid-image.ts';
import type { Rect } from './layout.ts';
import { NEAR_FULL, type RegionModel } from './model.ts';

/**
 * A track filled `usedPx` pixels, with a peak tick at `peakPx` (warning colour when `warn`).
 * Only whole numbers cross this call: a fraction would be boxed into a new heap number.
 */
function drawBar(ctx: InspectorContext, rect: Rect, usedPx: number, peakPx: number, warn: boolean): void {
  ctx.fillStyle = TRACK;
  ctx.fillRect(rect.x, rect.y, rect.w, rect.h);
  ctx.fillStyle = USED;
  ctx.fillRect(rect.x, rect.y, usedPx, rect.h);
  ctx.fillStyle = warn ? WARN : PEAK;
  ctx.fillRect(rect.x + peakPx - 1, rect.y, 2, rect.h);
}

/** Draws arena `r`: its bar, its per-thread lanes and its high-water graph. */
export function drawArena(ctx: InspectorContext, r: RegionModel, bar: Rect, lanes: Rect, graph: Rect): void {
  const s = r.stats;
  const cap = s[STAT.CAPACITY] || 1;
  drawBar(ctx, bar, px(s[STAT.USED], cap, bar.w), px(s[STAT.PEAK], cap, bar.w), s[STAT.PEAK] > NEAR_FULL * cap);
  ctx.fillStyle = TRACK;
  ctx.fillRect(lanes.x, lanes.y, lanes.w, lanes.h);
  let x = lanes.x;
  for (let t = 0; t < MAX_THREADS; t++) {
    const b = r.lanes[t];
    if (b <= 0) continue;
    const w = (b / cap) * lanes.w;
    ctx.fillStyle = THREAD_CSS[t];
    ctx.fillRect(x | 0, lanes.y, Math.max(w, 1) | 0, lanes.h);
    x += w;
  }
  ctx.fillStyle = TRACK;
  ctx.fillRect(graph.x, graph.y, graph.w, graph.h);
  // the graph's top is the arena's peak (no frame's high water exceeds it), so small arenas'
  // shapes show; the 90%-of-capacity line is drawn when it falls inside
  const top = Math.max(s[STAT.PEAK], 1);
  if (NEAR_FULL * cap <= top) {
    ctx.fillStyle = PEAK;
    ctx.fillRect(graph.x, graph.y + graph.h - px(NEAR_FULL * cap, top, graph.h), graph.w, 1);
  }
  const slots = r.history.length;
  const bw = graph.w / slots;
  const n = r.historyLength;
  for (let k = 0; k < n; k++) {
    const v = r.history[k];
    const h = px(v, top, graph.h);
    ctx.fillStyle = v > NEAR_FULL * cap ? WARN : USED;
    ctx.fillRect((graph.x + (slots - n + k) * bw) | 0, graph.y + graph.h - h, Math.max(bw - 1, 1) | 0, h);
  }
}

/** Draws stack `r`: its bar and a tick at each open mark. */
export function drawStack(ctx: InspectorContext, r: RegionModel, bar: Rect): void {
  const s = r.stats;
  const cap = s[STAT.CAPACITY] || 1;
  drawBar(ctx, bar, px(s[STAT.USED], cap, bar.w), px(s[STAT.PEAK], cap, bar.w), s[STAT.PEAK] > NEAR_FULL * cap);
  ctx.fillStyle = TEXT;
  for (let k = 0; k < r.markCount; k++) {
    ctx.fillRect(bar.x + px(r.marks[k] - r.dataStart, cap, bar.w), bar.y - 2, 1, bar.h + 4);
  }
}

/**
 * Draws pool `r`: its summary bar, then its grid painted into `img` (made at layout time) and
 * put at device pixels (`gridX`, `gridY`); no grid when `img` or the region's cells are null.
 */
export function drawPool(ctx: InspectorContext, r: RegionModel, bar: Rect, img: ImageData | null, gridX: number, gridY: number): void {
  const s = r.stats;
  const cap = s[STAT.CAPACITY] || 1;
  const live = px(s[STAT.USED], cap, bar.w);
  const cached = px(s[STAT.DEPTH], cap, bar.w);
  ctx.fillStyle = TRACK;
  ctx.fillRect(bar.x, bar.y, bar.w, bar.h);
  ctx.fillStyle = s[STAT.USED] > NEAR_FULL * cap ? WARN : LIVE;
  ctx.fillRect(bar.x, bar.y, live, bar.h);
  ctx.fillStyle = CACHED;
  ctx.fillRect(bar.x + live, bar.y, cached, bar.h);
  const g = r.grid;
  if (img === null || g === null) return;
  paintGrid(g, img);
  ctx.putImageData(img, gridX, gridY);
}

/** `v / cap` of `w` pixels, clamped to 0..w, as a whole number (returned as a small integer, never boxed). */
function px(v: number, cap: number, w: number): number {
  return (Math.min(Math.max(v / cap, 0), 1) * w) | 0;
}
