/**
 * The inspector's lines of text: the title line, each region's label row (name, kind and
 * numbers) and the warning list. Per frame they allocate nothing: labels are string constants
 * or region names made at rebuild, and numbers are drawn digit by digit ({@link TextPainter}).
 * @module
 * @internal
 */
import { MEMORY_ERROR_CODES } from '../errors.ts';
import { STAT } from '../stats/fields.ts';
import { DIM, TEXT, WARN } from './colors.ts';
import type { InspectorContext } from './context.ts';
import { LINE_H, WARN_LINES, type Rect } from './layout.ts';
import { type InspectorModel, NEAR_FULL, type RegionModel, WARN_ERRORS, WARN_FAILURES, WARN_LAG } from './model.ts';
import type { TextPainter } from './text.ts';

/** Kind names as drawn after a region's name. */
const KIND_LABEL = Object.freeze({ arena: ' arena ', pool: ' pool ', stack: ' stack ' } as const);
/** Warning texts by WARN_* kind. */
const WARN_TEXT: readonly string[] = Object.freeze(['', ': above 90% of capacity, at ', ': failed requests ', ': errors ']);

/**
 * Draws the title line in `rect`: the frame, the attached threads, the regions (with `hiddenNote`
 * after their count when some do not fit) and whether the memory is shared.
 */
export function drawTitle(ctx: InspectorContext, p: TextPainter, m: InspectorModel, rect: Rect, hiddenNote = ''): void {
  const y = rect.y + (rect.h >> 1);
  ctx.fillStyle = TEXT;
  let x = p.text(ctx, 'nebula-memory', rect.x, y);
  ctx.fillStyle = DIM;
  x = p.text(ctx, '  frame ', x, y);
  ctx.fillStyle = TEXT;
  x = p.int(ctx, m.frame, x, y);
  ctx.fillStyle = DIM;
  x = p.text(ctx, '  threads ', x, y);
  ctx.fillStyle = TEXT;
  x = p.int(ctx, m.threadCount, x, y);
  ctx.fillStyle = DIM;
  x = p.text(ctx, '  regions ', x, y);
  ctx.fillStyle = TEXT;
  x = p.int(ctx, m.regions.length, x, y);
  if (hiddenNote !== '') {
    ctx.fillStyle = WARN;
    x = p.text(ctx, hiddenNote, x, y);
  }
  ctx.fillStyle = DIM;
  p.text(ctx, m.note !== '' ? m.note : m.memory.shared ? '  shared' : '  single-thread', x, y);
}

/** Draws `label` in dim, then `v` in `color`; returns the x after. */
export function field(ctx: InspectorContext, p: TextPainter, label: string, v: number, x: number, y: number, color: string): number {
  ctx.fillStyle = DIM;
  x = p.text(ctx, label, x, y);
  ctx.fillStyle = color;
  return p.int(ctx, v, x, y);
}

/** Draws region `r`'s label row in `rect`: its name, kind and numbers, and its last error code. */
export function drawLabel(ctx: InspectorContext, p: TextPainter, r: RegionModel, rect: Rect): void {
  const s = r.stats;
  const y = rect.y + (rect.h >> 1);
  ctx.fillStyle = TEXT;
  let x = p.text(ctx, r.name, rect.x, y);
  ctx.fillStyle = DIM;
  x = p.text(ctx, KIND_LABEL[r.kind], x, y);
  const cap = s[STAT.CAPACITY];
  const used = s[STAT.USED];
  const full = r.kind === 'pool' ? used > NEAR_FULL * cap : s[STAT.PEAK] > NEAR_FULL * cap;
  x = field(ctx, p, r.kind === 'pool' ? 'live ' : 'used ', used, x, y, TEXT);
  x = field(ctx, p, '/', cap, x, y, TEXT);
  if (r.kind === 'pool') x = field(ctx, p, ' cached ', s[STAT.DEPTH], x, y, TEXT);
  if (r.kind === 'stack') {
    x = field(ctx, p, ' depth ', s[STAT.DEPTH], x, y, TEXT);
    x = field(ctx, p, ' marks ', r.markCount, x, y, TEXT);
  }
  x = field(ctx, p, ' peak ', s[STAT.PEAK], x, y, full ? WARN : TEXT);
  x = field(ctx, p, ' allocs ', s[STAT.ALLOCATIONS], x, y, TEXT);
  if (r.kind !== 'arena') x = field(ctx, p, ' frees ', s[STAT.FREES], x, y, TEXT);
  x = field(ctx, p, ' fails ', s[STAT.FAILURES], x, y, s[STAT.FAILURES] > 0 ? WARN : TEXT);
  x = field(ctx, p, ' err ', s[STAT.ERRORS], x, y, s[STAT.ERRORS] > 0 ? WARN : TEXT);
  const last = s[STAT.LAST_ERROR];
  if (last > 0 && last <= MEMORY_ERROR_CODES.length) {
    ctx.fillStyle = WARN;
    x = p.text(ctx, ' ', x, y);
    p.text(ctx, MEMORY_ERROR_CODES[last - 1], x, y);
  }
}

/** Draws the warning list in `rect`: the count, up to WARN_LINES warnings, and how many more. */
export function drawWarnings(ctx: InspectorContext, p: TextPainter, m: InspectorModel, rect: Rect): void {
  let y = rect.y + (LINE_H >> 1);
  ctx.fillStyle = m.warnCount > 0 ? WARN : DIM;
  let x = p.text(ctx, 'warnings ', rect.x, y);
  p.int(ctx, m.warnCount, x, y);
  const n = Math.min(m.warnCount, WARN_LINES);
  for (let k = 0; k < n; k++) {
    y += LINE_H;
    const kind = m.warnKind[k];
    if (kind === WARN_LAG) {
      drawLagWarning(ctx, p, m, m.warnRegion[k], rect.x, y);
      continue;
    }
    const r = m.regions[m.warnRegion[k]];
    const s = r.stats;
    ctx.fillStyle = TEXT;
    x = p.text(ctx, r.name, rect.x, y);
    ctx.fillStyle = WARN;
    x = p.text(ctx, WARN_TEXT[kind], x, y);
    if (kind === WARN_FAILURES) p.int(ctx, s[STAT.FAILURES], x, y);
    else if (kind === WARN_ERRORS) {
      x = p.int(ctx, s[STAT.ERRORS], x, y);
      const last = s[STAT.LAST_ERROR];
      if (last > 0 && last <= MEMORY_ERROR_CODES.length) {
        x = p.text(ctx, ', last ', x, y);
        x = p.text(ctx, MEMORY_ERROR_CODES[last - 1], x, y);
        x = p.text(ctx, ' at frame ', x, y);
        p.int(ctx, s[STAT.LAST_ERROR_FRAME], x, y);
      }
    } else {
      const cap = s[STAT.CAPACITY] || 1;
      x = p.int(ctx, Math.round((100 * (r.kind === 'pool' ? s[STAT.USED] : s[STAT.PEAK])) / cap), x, y);
      p.text(ctx, '%', x, y);
    }
  }
  if (m.warnCount > n) {
    ctx.fillStyle = DIM;
    x = p.text(ctx, '+', rect.x, y + LINE_H);
    x = p.int(ctx, m.warnCount - n, x, y + LINE_H);
    p.text(ctx, ' more', x, y + LINE_H);
  }
}

/** A lag warning's line: `thread 3 sim-1: lags 5 frames (last frame 180)`. */
function drawLagWarning(ctx: InspectorContext, p: TextPainter, m: InspectorModel, t: number, x: number, y: number): void {
  const th = m.threads;
  ctx.fillStyle = TEXT;
  x = p.text(ctx, 'thread ', x, y);
  x = p.int(ctx, t, x, y);
  x = p.text(ctx, ' ', x, y);
  x = p.text(ctx, th.labels[t], x, y);
  ctx.fillStyle = WARN;
  x = p.text(ctx, ': lags ', x, y);
  x = p.int(ctx, th.lag[t], x, y);
  x = p.text(ctx, ' frames (last frame ', x, y);
  x = p.int(ctx, th.lastFrame[t], x, y);
  p.text(ctx, ')', x, y);
}
