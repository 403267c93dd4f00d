/**
 * Hit testing and tooltip text: which part of which region is under a point, and the numbers to
 * show for it. Runs on pointer moves (and while hovering, every `HOVER_REFRESH` frames),
 * never on the plain frame path, so it may build strings. Also the hover state that decides when
 * to hit-test again ({@link HoverState}), and the tooltip box worker mode draws on the canvas.
 * @module
 */
import type { BuiltInRegionKind } from '../api-reports.ts';
import { STAT } from '../stats/fields.ts';
import { PEAK, TEXT } from './colors.ts';
import type { InspectorContext } from './context.ts';
import { inside, LINE_H, type CanvasLayout } from './layout.ts';
import { type InspectorModel, type RegionModel, WARN_LAG } from './model.ts';
import { errorCodeOf } from './readout.ts';
import { viewHit } from './tooltip-views.ts';
import type { TextPainter } from './text.ts';

/** Frames between two rebuilds of the hover text while the pointer rests. */
export const HOVER_REFRESH = 15;

/**
 * Which part of a region a point hits.
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * const part: InspectorPart = 'grid';
 * ```
 */
export type InspectorPart = 'title' | 'timeline' | 'threads' | 'label' | 'bar' | 'lanes' | 'graph' | 'grid' | 'warnings';

/**
 * What is under a point of the inspector's canvas, with the numbers the tooltip shows.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * const hit = inspector.hitTest(120, 80);
 * if (hit) console.log(hit.region, hit.part, hit.lines.join('\n'));
 * ```
 */
export interface InspectorHit {
  /** The region's name ('' for the title and the warning list). */
  readonly region: string;
  /** The region's kind, or null for the title and the warning list. */
  readonly kind: BuiltInRegionKind | null;
  /** The part under the point. */
  readonly part: InspectorPart;
  /**
   * Which element of the part: the thread id (lanes, threads), the frame (graph, timeline), the
   * first slot of the cell (grid), otherwise -1.
   */
  readonly index: number;
  /** Pool grid: slots the cell stands for (1 when not aggregated); otherwise 0. */
  readonly count: number;
  /** The tooltip text, one line per entry. */
  readonly lines: readonly string[];
}

const pct = (v: number, cap: number): string => (cap > 0 ? `${Math.round((100 * v) / cap)}%` : '-');

function counters(s: Float64Array): string[] {
  const err = errorCodeOf(s[STAT.LAST_ERROR]);
  return [
    `allocations ${s[STAT.ALLOCATIONS]}, frees ${s[STAT.FREES]}, bytes ${s[STAT.BYTES]}`,
    `failures ${s[STAT.FAILURES]}, errors ${s[STAT.ERRORS]}${err === null ? '' : `, last ${err} at frame ${s[STAT.LAST_ERROR_FRAME]}`}`,
  ];
}

function summary(r: RegionModel): string[] {
  const s = r.stats;
  const cap = s[STAT.CAPACITY];
  if (r.kind === 'arena') {
    return [`arena "${r.name}"`, `used ${s[STAT.USED]} of ${cap} B (${pct(s[STAT.USED], cap)})`,
      `peak ${s[STAT.PEAK]} B (${pct(s[STAT.PEAK], cap)})`, `leases ${s[STAT.DEPTH]}, resets ${s[STAT.RESETS]}`, ...counters(s)];
  }
  if (r.kind === 'pool') {
    const g = r.grid;
    return [`pool "${r.name}"`, `live ${s[STAT.USED]} of ${cap} slots (${pct(s[STAT.USED], cap)})`,
      `cached ${s[STAT.DEPTH]}, free list ${s[STAT.FREE]}, peak ${s[STAT.PEAK]}`,
      g === null ? 'grid not laid out' : `grid ${g.shape.cells} cells of ${g.shape.slotsPerCell} slot(s), ${g.shape.cellPx} px`, ...counters(s)];
  }
  const marks: number[] = [];
  for (let k = 0; k < r.markCount; k++) marks.push(r.marks[k] - r.dataStart);
  return [`stack "${r.name}"`, `used ${s[STAT.USED]} of ${cap} B (${pct(s[STAT.USED], cap)}), peak ${s[STAT.PEAK]} B`,
    `depth ${s[STAT.DEPTH]} blocks, marks at ${marks.length === 0 ? 'none' : marks.join(', ')}`, ...counters(s)];
}

function hit(region: string, kind: BuiltInRegionKind | null, part: InspectorPart, index: number, count: number, lines: string[]): InspectorHit {
  return Object.freeze({ region, kind, part, index, count, lines: Object.freeze(lines) });
}

/** What is at CSS point (x, y) of `layout`, drawn from `model` at device pixel ratio `dpr`, or null. */
export function hitTest(layout: CanvasLayout, model: InspectorModel, dpr: number, x: number, y: number): InspectorHit | null {
  if (inside(layout.title, x, y)) {
    return hit('', null, 'title', -1, 0, [`frame ${model.frame}`, `${model.threadCount} thread(s) attached`, `${model.regions.length} region(s)`]);
  }
  if (inside(layout.warnings, x, y)) {
    const lines: string[] = [];
    for (let k = 0; k < model.warnCount; k++) {
      if (model.warnKind[k] === WARN_LAG) {
        const t = model.warnRegion[k];
        lines.push(`thread ${t} "${model.threads.names[t]}": lags ${model.threads.lag[t]} frames (last frame ${model.threads.lastFrame[t]})`);
        continue;
      }
      const r = model.regions[model.warnRegion[k]];
      const err = errorCodeOf(r.stats[STAT.LAST_ERROR]);
      lines.push(`${r.kind} "${r.name}": ${['', 'above 90% of capacity', 'failed requests', 'errors'][model.warnKind[k]]}${err === null ? '' : ` (last ${err})`}`);
    }
    return hit('', null, 'warnings', -1, 0, lines.length === 0 ? ['no warnings'] : lines);
  }
  const v = viewHit(layout, model, x, y);
  if (v !== null) return hit('', null, v.part, v.index, 0, v.lines);
  for (let k = 0; k < layout.regions.length && k < model.regions.length; k++) {
    const rect = layout.regions[k];
    const r = model.regions[k];
    if (!inside(rect.section, x, y)) continue;
    const s = r.stats;
    const cap = s[STAT.CAPACITY];
    if (inside(rect.lanes, x, y)) {
      let at = rect.lanes.x;
      for (let t = 0; t < r.lanes.length; t++) {
        const w = cap > 0 ? (r.lanes[t] / cap) * rect.lanes.w : 0;
        if (w > 0 && x >= at && x < at + Math.max(w, 1)) {
          const since = r.leaseSince[t];
          return hit(r.name, r.kind, 'lanes', t, 0, [`arena "${r.name}", thread ${t} "${model.threads.names[t]}"`, `${r.lanes[t]} B leased this frame (${pct(r.lanes[t], cap)})`,
            since < 0 ? 'holds no lease now' : `holds a lease since frame ${since}${since < model.frame ? ` (${model.frame - since} frames)` : ''}`]);
        }
        at += w;
      }
      return hit(r.name, r.kind, 'lanes', -1, 0, [`arena "${r.name}"`, 'no lane leased here']);
    }
    if (inside(rect.graph, x, y)) {
      const slots = r.history.length;
      const bar = Math.floor(((x - rect.graph.x) / rect.graph.w) * slots);
      const k2 = bar - (slots - r.historyLength);
      if (k2 < 0) return hit(r.name, r.kind, 'graph', -1, 0, [`arena "${r.name}"`, 'no frame recorded here yet']);
      const frame = model.frame - r.historyLength + k2;
      const v = r.history[k2];
      return hit(r.name, r.kind, 'graph', frame, 0, [`arena "${r.name}", frame ${frame}`, `high water ${v} B (${pct(v, cap)})`]);
    }
    const g = r.grid;
    if (g !== null && inside(rect.grid, x, y)) {
      const { cellPx, cols, cells, slotsPerCell, capacity } = g.shape;
      const col = Math.floor(((x - rect.grid.x) * dpr) / cellPx);
      const row = Math.floor(((y - rect.grid.y) * dpr) / cellPx);
      const cell = row * cols + col;
      if (col < cols && cell < cells) {
        const first = cell * slotsPerCell;
        const n = Math.min(capacity, first + slotsPerCell) - first;
        const owner = g.owner[cell];
        const live = g.live[cell];
        const lines = slotsPerCell === 1
          ? [`pool "${r.name}", slot ${first}`, live > 0 ? `live, owned by thread ${owner - 1}` : 'free or cached']
          : [`pool "${r.name}", slots ${first}-${first + n - 1}`, `${live} of ${n} live (${pct(live, n)})`,
            owner > 0 ? `mostly thread ${owner - 1}` : 'none live'];
        return hit(r.name, r.kind, 'grid', first, n, lines);
      }
    }
    if (inside(rect.bar, x, y)) return hit(r.name, r.kind, 'bar', -1, 0, summary(r));
    return hit(r.name, r.kind, 'label', -1, 0, summary(r));
  }
  return null;
}

/**
 * The pointer over the canvas: its last position, and what is under it as of the last draw,
 * hit-tested again when the pointer moves and every `HOVER_REFRESH` frames while it rests.
 */
export class HoverState {
  /** The last pointer position in CSS pixels: x. */
  x = 0;
  /** The last pointer position in CSS pixels: y. */
  y = 0;
  /** What the pointer is over, with its tooltip text; null when not hovering. */
  hit: InspectorHit | null = null;
  /** A counter that changes whenever `hit` does. */
  version = 0;
  private hovering = false;
  private dirty = false;
  /** The frame of the last hit test. */
  private at = 0;

  /** Sets the pointer position in CSS pixels, or clears it with `null`. */
  move(x: number | null, y: number): void {
    if (x === null) {
      this.hovering = false;
      if (this.hit !== null) { this.hit = null; this.version++; }
      return;
    }
    this.hovering = true;
    this.dirty = true;
    this.x = x;
    this.y = y;
  }

  /** Whether the pointer is to be hit-tested after frame `frame`: it moved, or rested HOVER_REFRESH frames. */
  due(frame: number): boolean {
    return this.hovering && (this.dirty || frame - this.at >= HOVER_REFRESH);
  }

  /** Records `hit`, the hit test after frame `frame`. */
  record(hit: InspectorHit | null, frame: number): void {
    this.hit = hit;
    this.dirty = false;
    this.at = frame;
    this.version++;
  }
}

/**
 * Draws tooltip lines in a box near CSS point (x, y), kept inside a canvas of `width` x
 * `height` CSS pixels (worker mode).
 */
export function drawTooltipBox(ctx: InspectorContext, p: TextPainter, lines: readonly string[], x: number, y: number, width: number, height: number): void {
  let chars = 0;
  for (const l of lines) chars = Math.max(chars, l.length);
  const w = p.width(chars) + 12;
  const h = lines.length * LINE_H + 8;
  const bx = Math.max(0, Math.min(x + 12, width - w));
  const by = Math.max(0, Math.min(y + 12, height - h));
  ctx.fillStyle = 'rgba(10,12,16,0.92)';
  ctx.fillRect(bx, by, w, h);
  ctx.fillStyle = PEAK;
  ctx.fillRect(bx, by, 2, h);
  ctx.fillStyle = TEXT;
  for (let k = 0; k < lines.length; k++) ctx.fillText(lines[k], bx + 7, by + 4 + LINE_H * k + LINE_H / 2);
}
