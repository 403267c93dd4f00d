/**
 * The leak table: a row per pool with its live slots and the call site that allocated most of
 * them, then the slots older than `oldFrames` frames and their top site; and a row for the slot
 * selected in a grid (its birth frame, owner thread and call site). Per frame it allocates
 * nothing: site texts and the selection's line are made when they change.
 * @module
 * @internal
 */
import { CHECKS } from '../build.ts';
import { DIM, TEXT, WARN, regionColor } from './colors.ts';
import type { InspectorContext } from './context.ts';
import { LINE_H, type ThreadRects } from './layout.ts';
import type { LeaksModel, PoolLeaks } from './leaks-model.ts';
import type { InspectorModel } from './model.ts';
import type { TextPainter } from './text.ts';

/** Characters of the pool-name column. */
const NAME_CHARS = 12;

/** Draws `count × site` when it fits before `right`; returns the x after, or -1 when it did not fit. */
function siteEntry(ctx: InspectorContext, p: TextPainter, model: InspectorModel, leaks: LeaksModel, counts: Int32Array, id: number, x: number, y: number, right: number): number {
  const text = leaks.siteText(model.memory, id, true);
  if (x + p.width(text.length + 12) > right) return -1;
  ctx.fillStyle = TEXT;
  x = p.int(ctx, counts[id], x, y);
  ctx.fillStyle = DIM;
  x = p.text(ctx, ' x ', x, y);
  ctx.fillStyle = TEXT;
  return p.text(ctx, text, x, y);
}

function drawPoolRow(ctx: InspectorContext, p: TextPainter, model: InspectorModel, leaks: LeaksModel, k: number, pl: PoolLeaks, x0: number, y: number, right: number): void {
  ctx.fillStyle = regionColor(k);
  ctx.fillRect(x0, y - 4, 8, 8);
  ctx.fillStyle = TEXT;
  p.text(ctx, model.regions[k].name, x0 + 12, y);
  let x = x0 + 12 + p.width(NAME_CHARS);
  ctx.fillStyle = DIM;
  x = p.text(ctx, ' live ', x, y);
  ctx.fillStyle = TEXT;
  x = p.int(ctx, pl.liveTotal, x, y);
  if (pl.topLive[0] >= 0) {
    ctx.fillStyle = DIM;
    x = p.text(ctx, ' top ', x, y);
    const after = siteEntry(ctx, p, model, leaks, pl.live, pl.topLive[0], x, y, right);
    if (after >= 0) x = after;
  }
  ctx.fillStyle = DIM;
  x = p.text(ctx, '  older than ', x, y);
  x = p.int(ctx, leaks.oldFrames, x, y);
  x = p.text(ctx, ' frames ', x, y);
  ctx.fillStyle = pl.oldTotal > 0 ? WARN : TEXT;
  x = p.int(ctx, pl.oldTotal, x, y);
  if (pl.topOld[0] >= 0) {
    ctx.fillStyle = DIM;
    x = p.text(ctx, ' top ', x, y);
    siteEntry(ctx, p, model, leaks, pl.old, pl.topOld[0], x, y, right);
  }
}

/** Draws the leak table of `leaks` in `t`. */
export function drawLeaks(ctx: InspectorContext, p: TextPainter, model: InspectorModel, leaks: LeaksModel, t: ThreadRects): void {
  const hy = t.header.y + (t.header.h >> 1);
  ctx.fillStyle = TEXT;
  let x = p.text(ctx, 'leaks', t.header.x, hy);
  ctx.fillStyle = DIM;
  x = p.text(ctx, '  live slots by call site, and slots older than ', x, hy);
  x = p.int(ctx, leaks.oldFrames, x, hy);
  p.text(ctx, CHECKS ? ' frames (memory.captureCallSites(true) names the sites)' : ' frames: birth frames and sites are the checked build\'s', x, hy);
  const right = t.rows.x + t.rows.w;
  let row = 0;
  const regions = model.regions;
  for (let k = 0; k < regions.length && row < t.rowCount - 1; k++) {
    const pl = leaks.pools[k];
    if (pl === null) continue;
    drawPoolRow(ctx, p, model, leaks, k, pl, t.rows.x, t.rows.y + row * LINE_H + (LINE_H >> 1), right);
    row++;
  }
  const y = t.rows.y + (t.rowCount - 1) * LINE_H + (LINE_H >> 1);
  const sel = leaks.selected;
  ctx.fillStyle = DIM;
  x = p.text(ctx, 'selected ', t.rows.x, y);
  ctx.fillStyle = sel === null ? DIM : TEXT;
  p.text(ctx, sel === null ? 'none: click a cell of a pool\'s grid for its birth frame, owner and call site' : sel.text, x, y);
}
