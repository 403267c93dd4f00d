/**
 * The thread table: a header with the colour legend, then one row per thread slot in use: its
 * hue (the colour of its lanes and slots), id, name, state, last frame and lag, the arena leases
 * and cached pool slots it holds, or what a reclaim gave back. Per frame it allocates nothing:
 * names are strings made when a slot changes hands, states are constants, numbers are digits.
 * @module
 * @internal
 */
import { THREAD_ATTACHED, THREAD_DETACHED, THREAD_RECLAIMED, THREAD_RECLAIMING } from '../memory/layout.ts';
import { CACHED, DIM, FREE_RGB, LIVE, PEAK, TEXT, THREAD_CSS, WARN } from './colors.ts';
import type { InspectorContext } from './context.ts';
import { LINE_H, THREAD_ROWS_MAX, type ThreadRects } from './layout.ts';
import type { ThreadsModel } from './threads-model.ts';
import { LAG_WARN_FRAMES, NAME_CHARS } from './threads-model.ts';
import type { TextPainter } from './text.ts';
import { field } from './text-lines.ts';

/** State names as drawn, by THREAD_* code, padded to one width. */
const STATE_TEXT: readonly string[] = Object.freeze(['free      ', 'attached  ', 'detached  ', 'reclaimed ', 'reclaiming']);
const FREE_CSS = `rgb(${String(FREE_RGB[0])},${String(FREE_RGB[1])},${String(FREE_RGB[2])})`;
/** The legend: labels and colours of the state colours used in the regions (parallel arrays: no iterator per frame). */
const LEGEND_TEXT: readonly string[] = Object.freeze([' live', ' cached', ' free', ' peak', ' warning']);
const LEGEND_CSS: readonly string[] = Object.freeze([LIVE, CACHED, FREE_CSS, PEAK, WARN]);

/** Width in characters of the legend (to right-align it). */
export const LEGEND_CHARS = LEGEND_TEXT.reduce((n, label) => n + label.length + 3, 0);

/** A legend swatch and its label; returns the x after. */
function swatch(ctx: InspectorContext, p: TextPainter, color: string, label: string, x: number, y: number): number {
  ctx.fillStyle = color;
  ctx.fillRect(x, y - 4, 8, 8);
  ctx.fillStyle = DIM;
  return p.text(ctx, label, x + 10, y) + p.charW;
}

/** Draws the thread table of `th` in `t`. */
export function drawThreads(ctx: InspectorContext, p: TextPainter, th: ThreadsModel, t: ThreadRects): void {
  const hy = t.header.y + (t.header.h >> 1);
  ctx.fillStyle = TEXT;
  let x = p.text(ctx, 'threads', t.header.x, hy);
  ctx.fillStyle = DIM;
  x = p.text(ctx, '  in use ', x, hy);
  ctx.fillStyle = TEXT;
  x = p.int(ctx, th.rowCount, x, hy);
  if (th.rowCount > THREAD_ROWS_MAX) {
    ctx.fillStyle = DIM;
    x = p.text(ctx, ' (first ', x, hy);
    x = p.int(ctx, THREAD_ROWS_MAX, x, hy);
    x = p.text(ctx, ' shown)', x, hy);
  }
  if (th.lagging > 0) {
    ctx.fillStyle = WARN;
    x = p.text(ctx, '  lagging ', x, hy);
    x = p.int(ctx, th.lagging, x, hy);
  }
  // the legend of the state colours, right-aligned when there is room
  let lx = t.header.x + t.header.w - p.width(LEGEND_CHARS);
  if (lx > x + p.charW) for (let k = 0; k < LEGEND_TEXT.length; k++) lx = swatch(ctx, p, LEGEND_CSS[k], LEGEND_TEXT[k], lx, hy);
  const n = Math.min(th.rowCount, t.rowCount);
  for (let i = 0; i < n; i++) drawRow(ctx, p, th, th.rows[i], t.rows.x, t.rows.y + i * LINE_H + (LINE_H >> 1));
}

function drawRow(ctx: InspectorContext, p: TextPainter, th: ThreadsModel, id: number, x0: number, y: number): void {
  const st = th.state[id];
  const cw = p.charW;
  ctx.fillStyle = THREAD_CSS[id];
  ctx.fillRect(x0, y - 4, 8, 8);
  ctx.fillStyle = DIM;
  p.int(ctx, id, x0 + 12, y);
  ctx.fillStyle = st === THREAD_ATTACHED ? TEXT : DIM;
  p.text(ctx, th.labels[id], x0 + 12 + 3 * cw, y);
  let x = x0 + 12 + (4 + NAME_CHARS) * cw;
  ctx.fillStyle = st === THREAD_RECLAIMED || st === THREAD_RECLAIMING ? WARN : st === THREAD_DETACHED ? DIM : TEXT;
  x = p.text(ctx, STATE_TEXT[st] ?? STATE_TEXT[0], x, y);
  x = field(ctx, p, ' frame ', th.lastFrame[id], x, y, TEXT);
  if (st === THREAD_ATTACHED) {
    const lag = th.lag[id];
    x = field(ctx, p, ' lag ', lag, x, y, lag >= LAG_WARN_FRAMES ? WARN : TEXT);
    x = field(ctx, p, ' leases ', th.leases[id], x, y, TEXT);
    if (th.leaseSince[id] >= 0) x = field(ctx, p, ' since ', th.leaseSince[id], x, y, TEXT);
    field(ctx, p, ' cached slots ', th.cached[id], x, y, TEXT);
  } else if (th.reclaimedAt[id] >= 0 && (st === THREAD_RECLAIMED || st === THREAD_RECLAIMING)) {
    // reclaimed at F: released L leases S slots K stacks
    x = field(ctx, p, ' reclaimed at ', th.reclaimedAt[id], x, y, WARN);
    x = field(ctx, p, ': released ', th.releasedLeases[id], x, y, TEXT);
    x = field(ctx, p, ' leases ', th.releasedSlots[id], x, y, TEXT);
    x = field(ctx, p, ' slots ', th.releasedStacks[id], x, y, TEXT);
    ctx.fillStyle = DIM;
    p.text(ctx, ' stacks', x, y);
  }
}
