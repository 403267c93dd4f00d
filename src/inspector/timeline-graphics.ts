/**
 * The timeline: the last 64 frames' bytes per region, stacked, above the same frames' times,
 * column for column, with a cursor on the frame being scrubbed. Per frame it allocates nothing
 * and passes only whole numbers to the context.
 * @module
 * @internal
 */
import { HISTORY_FRAMES } from '../stats/block.ts';
import { DIM, PEAK, TEXT, TRACK, USED, WARN, regionColor } from './colors.ts';
import type { InspectorContext } from './context.ts';
import type { TimelineRects } from './layout.ts';
import type { InspectorModel } from './model.ts';
import type { TextPainter } from './text.ts';

/** The frame budget drawn as the reference line: 60 Hz. */
export const BUDGET_MS = 1000 / 60;
/** Frame times at least this many budgets are drawn in the warning colour. */
const SLOW = 1.5;

/** The timeline's pause and scrub state. @internal */
export interface TimelineView {
  /** The picture is frozen (the model is not read). */
  readonly paused: boolean;
  /** The frame the cursor is on, or -1. */
  readonly scrub: number;
}

/** The frame of timeline column `col` (0..63) at the model's frame, or -1 before the first recorded frame. */
export function frameOfColumn(m: InspectorModel, col: number): number {
  const n = m.frameTimeCount;
  const k = col - (HISTORY_FRAMES - n);
  return k < 0 || k >= n ? -1 : m.frame - n + k;
}

/** Bytes of region `r` in frame `frame` (its high water), or 0 when the frame is outside its history. A small integer (never boxed). */
export function regionBytesAt(m: InspectorModel, r: number, frame: number): number {
  const reg = m.regions[r];
  const k = frame - (m.frame - reg.historyLength);
  return k < 0 || k >= reg.historyLength ? 0 : (reg.history[k] * reg.unitBytes) | 0;
}

/** Frame time of `frame` in tenths of a ms, rounded (an integer: a fraction crossing a call is boxed), or 0 outside the window. */
function frameTenthsAt(m: InspectorModel, frame: number): number {
  const k = frame - (m.frame - m.frameTimeCount);
  return k < 0 || k >= m.frameTimeCount ? 0 : Math.round(m.frameTimes[k] * 10) | 0;
}

/** Frame time of `frame` in ms, or -1 outside the window. */
export function frameTimeAt(m: InspectorModel, frame: number): number {
  const k = frame - (m.frame - m.frameTimeCount);
  return k < 0 || k >= m.frameTimeCount ? -1 : m.frameTimes[k];
}

/** Draws `tenths` / 10 ms with one decimal, digit by digit; returns the x after. */
function drawMs(ctx: InspectorContext, p: TextPainter, tenths: number, x: number, y: number): number {
  x = p.int(ctx, (tenths - (tenths % 10)) / 10, x, y);
  x = p.text(ctx, '.', x, y);
  x = p.int(ctx, tenths % 10, x, y);
  return p.text(ctx, ' ms', x, y);
}

/** Column `col`'s left edge and width in whole pixels within a rectangle `x`, `w`. */
function colX(x: number, w: number, col: number): number {
  return (x + (col * w) / HISTORY_FRAMES) | 0;
}

/** Draws the timeline in `t` from `m`, with `view`'s pause and cursor. */
export function drawTimeline(ctx: InspectorContext, p: TextPainter, m: InspectorModel, t: TimelineRects, view: TimelineView): void {
  const n = m.frameTimeCount;
  const regions = m.regions;
  // the label row: what frame is shown and its time
  const y = t.label.y + (t.label.h >> 1);
  ctx.fillStyle = TEXT;
  let x = p.text(ctx, 'timeline', t.label.x, y);
  ctx.fillStyle = DIM;
  x = p.text(ctx, '  last ', x, y);
  x = p.int(ctx, n, x, y);
  x = p.text(ctx, ' frames', x, y);
  const shown = view.scrub >= 0 ? view.scrub : n > 0 ? m.frame - 1 : -1;
  if (shown >= 0) {
    x = p.text(ctx, '  frame ', x, y);
    ctx.fillStyle = TEXT;
    x = p.int(ctx, shown, x, y);
    ctx.fillStyle = DIM;
    x = p.text(ctx, ' took ', x, y);
    ctx.fillStyle = TEXT;
    x = drawMs(ctx, p, frameTenthsAt(m, shown), x, y);
    let total = 0;
    for (let r = 0; r < regions.length; r++) total += regionBytesAt(m, r, shown);
    ctx.fillStyle = DIM;
    x = p.text(ctx, '  bytes ', x, y);
    ctx.fillStyle = TEXT;
    x = p.int(ctx, total, x, y);
  }
  if (view.paused) {
    ctx.fillStyle = WARN;
    p.text(ctx, '  PAUSED (click to resume)', x, y);
  }
  // stacked bytes: scaled to the largest total in the window
  const b = t.bytes;
  ctx.fillStyle = TRACK;
  ctx.fillRect(b.x, b.y, b.w, b.h);
  let top = 1;
  for (let col = 0; col < HISTORY_FRAMES; col++) {
    const f = frameOfColumn(m, col);
    if (f < 0) continue;
    let sum = 0;
    for (let r = 0; r < regions.length; r++) sum += regionBytesAt(m, r, f);
    if (sum > top) top = sum;
  }
  for (let col = 0; col < HISTORY_FRAMES; col++) {
    const f = frameOfColumn(m, col);
    if (f < 0) continue;
    const x0 = colX(b.x, b.w, col);
    const cw = Math.max(colX(b.x, b.w, col + 1) - x0 - 1, 1);
    let acc = 0;
    for (let r = 0; r < regions.length; r++) {
      const v = regionBytesAt(m, r, f);
      if (v <= 0) continue;
      const y0 = ((acc / top) * b.h) | 0;
      acc += v;
      const y1 = ((acc / top) * b.h) | 0;
      if (y1 <= y0) continue;
      ctx.fillStyle = regionColor(r);
      ctx.fillRect(x0, b.y + b.h - y1, cw, y1 - y0);
    }
  }
  // frame times: scaled to the slowest frame, at least two budgets; the budget line
  const tr = t.times;
  ctx.fillStyle = TRACK;
  ctx.fillRect(tr.x, tr.y, tr.w, tr.h);
  let slowest = 2 * BUDGET_MS;
  for (let k = 0; k < n; k++) if (m.frameTimes[k] > slowest) slowest = m.frameTimes[k];
  for (let col = HISTORY_FRAMES - n; col < HISTORY_FRAMES; col++) {
    const ms = m.frameTimes[col - (HISTORY_FRAMES - n)];
    const h = Math.max(((ms / slowest) * tr.h) | 0, ms > 0 ? 1 : 0);
    if (h === 0) continue;
    const x0 = colX(tr.x, tr.w, col);
    ctx.fillStyle = ms >= SLOW * BUDGET_MS ? WARN : USED;
    ctx.fillRect(x0, tr.y + tr.h - h, Math.max(colX(tr.x, tr.w, col + 1) - x0 - 1, 1), h);
  }
  ctx.fillStyle = PEAK;
  ctx.fillRect(tr.x, tr.y + tr.h - (((BUDGET_MS / slowest) * tr.h) | 0), tr.w, 1);
  // the cursor on the scrubbed frame, through both graphs
  if (view.scrub >= 0) {
    const col = view.scrub - (m.frame - n) + (HISTORY_FRAMES - n);
    if (col >= 0 && col < HISTORY_FRAMES) {
      ctx.fillStyle = TEXT;
      const cx = colX(b.x, b.w, col);
      ctx.fillRect(cx, b.y, Math.max(colX(b.x, b.w, col + 1) - cx - 1, 1), 2);
      ctx.fillRect(cx, tr.y + tr.h - 2, Math.max(colX(b.x, b.w, col + 1) - cx - 1, 1), 2);
      ctx.fillStyle = 'rgba(255,255,255,0.18)';
      ctx.fillRect(cx, b.y, Math.max(colX(b.x, b.w, col + 1) - cx, 1), tr.y + tr.h - b.y);
    }
  }
}
