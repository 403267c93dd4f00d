/**
 * Where everything sits on the canvas, in CSS pixels: a title line, then one section per region
 * in creation order, then the warning list at the bottom. Computed when the canvas size or the
 * region table changes, never per frame.
 *
 * ```
 * ┌ title: frame, threads, regions ───────────────────────────────┐
 * │ timeline  label row (frame, its time, paused / scrubbed)      │
 * │           bytes per region, stacked, last 64 frames (TL_H)    │
 * │           frame times of the same frames          (TIMES_H)   │
 * │ threads   header row, then one row per thread slot in use     │
 * │ arena  label row (name, numbers)                              │
 * │        bar: used, peak tick                          (BAR_H)  │
 * │        lanes: bytes per thread, thread hues          (LANES_H)│
 * │        graph: high water of the last 64 frames       (GRAPH_H)│
 * │ stack  label row · bar with used, peak and mark ticks         │
 * │ pool   label row · summary bar live|cached|free · slot grid   │
 * │ warnings: header and up to WARN_LINES lines                   │
 * └───────────────────────────────────────────────────────────────┘
 * ```
 * @module
 */
import type { BuiltInRegionKind } from '../api-reports.ts';

/** Padding around the content. */
export const PAD = 8;
/** Height of the title line. */
export const TITLE_H = 18;
/** Height of a region's label row. */
export const LABEL_H = 15;
/** Height of an arena's or a stack's bar. */
export const BAR_H = 12;
/** Height of an arena's lane strip. */
export const LANES_H = 6;
/** Height of an arena's high-water graph. */
export const GRAPH_H = 36;
/** Height of a pool's summary bar (live | cached | free). */
export const POOL_BAR_H = 6;
/** Gap after each section. */
export const GAP = 8;
/** Smallest height of a pool's slot grid. */
export const MIN_GRID_H = 24;
/** Largest pool cell side, in CSS pixels. */
export const MAX_CELL = 12;
/** Lines of the warning list. */
export const WARN_LINES = 5;
/** Height of one warning line (and of the warning header). */
export const LINE_H = 13;
/** Height of the warning area. */
export const WARN_H = LINE_H * (WARN_LINES + 1);

/** Height of the timeline's stacked bytes graph. */
export const TL_H = 40;
/** Height of the timeline's frame-time graph. */
export const TIMES_H = 24;
/** Most thread rows drawn; the header counts the rest. */
export const THREAD_ROWS_MAX = 8;

/** A rectangle in CSS pixels. */
export interface Rect {
  /** Left edge. */
  readonly x: number;
  /** Top edge. */
  readonly y: number;
  /** Width. */
  readonly w: number;
  /** Height. */
  readonly h: number;
}

/**
 * One region's rectangles. Parts a kind does not have are empty rectangles (h = 0).
 * @internal
 */
export interface RegionRects {
  readonly kind: BuiltInRegionKind;
  /** The whole section. */
  readonly section: Rect;
  /** The label row: name and numbers. */
  readonly label: Rect;
  /** Arena and stack: the usage bar. Pool: the summary bar. */
  readonly bar: Rect;
  /** Arena: the lane strip. */
  readonly lanes: Rect;
  /** Arena: the high-water graph. */
  readonly graph: Rect;
  /** Pool: the slot grid's area. */
  readonly grid: Rect;
  /** False when the section did not fit above the warnings: every rectangle is empty and nothing of it is drawn. */
  readonly shown: boolean;
}

/**
 * The timeline's rectangles (all empty when it is off or does not fit).
 * @internal
 */
export interface TimelineRects {
  readonly section: Rect;
  /** The label row: the frame shown, its time, and whether the picture is paused. */
  readonly label: Rect;
  /** Bytes per region, stacked, one column per frame. */
  readonly bytes: Rect;
  /** Frame times of the same frames, in the same columns. */
  readonly times: Rect;
  readonly shown: boolean;
}

/**
 * The thread table's rectangles (all empty when it is off or does not fit).
 * @internal
 */
export interface ThreadRects {
  readonly section: Rect;
  /** The header row (and the colour legend). */
  readonly header: Rect;
  /** The rows, LINE_H each. */
  readonly rows: Rect;
  /** Rows drawn (at most THREAD_ROWS_MAX). */
  readonly rowCount: number;
  readonly shown: boolean;
}

/**
 * Which views besides the regions the canvas has.
 * @internal
 */
export interface CanvasViews {
  /** The timeline at the top. */
  readonly timeline: boolean;
  /** Rows of the thread table (0: no thread table). */
  readonly threadRows: number;
  /** Rows of the leak table: one per pool and the selected slot's (0: no leak table). @defaultValue 0 */
  readonly leakRows?: number;
}

/**
 * The whole canvas's layout.
 * @internal
 */
export interface CanvasLayout {
  readonly width: number;
  readonly height: number;
  readonly title: Rect;
  readonly timeline: TimelineRects;
  readonly threads: ThreadRects;
  /** The leak table: per pool its top call sites of live and of old slots, and the selected slot. */
  readonly leaks: ThreadRects;
  readonly regions: readonly RegionRects[];
  readonly warnings: Rect;
  /** How many sections (views and regions) did not fit (the last ones; the title line says so). */
  readonly hidden: number;
}

/** Height of the timeline section. */
export const TIMELINE_SECTION_H = LABEL_H + TL_H + 2 + TIMES_H + GAP;

/** Height of the thread table with `rows` rows (0: none). */
export function threadsHeight(rows: number): number {
  return rows <= 0 ? 0 : LABEL_H + Math.min(rows, THREAD_ROWS_MAX) * LINE_H + GAP;
}

const EMPTY_AT = (x: number, y: number, w: number): Rect => ({ x, y, w, h: 0 });

/** The fixed height of a region's section, without a pool's grid. */
export function fixedHeight(kind: BuiltInRegionKind): number {
  if (kind === 'arena') return LABEL_H + BAR_H + 2 + LANES_H + 2 + GRAPH_H + GAP;
  if (kind === 'stack') return LABEL_H + BAR_H + GAP;
  return LABEL_H + POOL_BAR_H + 2 + GAP;
}

/**
 * Lays out `kinds` (the regions, in order) on a canvas of `width` x `height` CSS pixels. Pools
 * share the height left after the fixed parts equally, each at least {@link MIN_GRID_H}. No two
 * parts overlap: the regions that do not fit above the warnings are not shown (`shown: false`,
 * empty rectangles), and the title line says how many.
 */
export function layoutCanvas(width: number, height: number, kinds: readonly BuiltInRegionKind[], views: CanvasViews = NO_VIEWS): CanvasLayout {
  // the regions matter most: when they do not all fit, the leak table goes first, then the thread table, then the timeline
  const leakRows = views.leakRows ?? 0;
  const steps: CanvasViews[] = [views];
  if (leakRows > 0) steps.push({ timeline: views.timeline, threadRows: views.threadRows, leakRows: 0 });
  if (views.threadRows > 0) steps.push({ timeline: views.timeline, threadRows: 0, leakRows: 0 });
  if (views.timeline) steps.push(NO_VIEWS);
  for (let k = 0; k < steps.length - 1; k++) {
    const l = layoutWith(width, height, kinds, steps[k], k);
    if (l.hidden === k) return l;
  }
  return layoutWith(width, height, kinds, steps[steps.length - 1], steps.length - 1);
}

/** The layout with `views`, counting `dropped` views left out before it. */
function layoutWith(width: number, height: number, kinds: readonly BuiltInRegionKind[], views: CanvasViews, dropped: number): CanvasLayout {
  const innerW = Math.max(1, width - 2 * PAD);
  const x = PAD;
  const title: Rect = { x: PAD, y: PAD, w: innerW, h: TITLE_H };
  const warnings: Rect = { x: PAD, y: Math.max(PAD + TITLE_H, height - PAD - WARN_H), w: innerW, h: WARN_H };
  let y = PAD + TITLE_H;
  // the views first: each is shown only when it fits above the warnings (the regions after it are then hidden too)
  let timeline = noTimeline(x, y, innerW);
  let viewsHidden = dropped;
  let clipped = false;
  if (views.timeline) {
    if (y + TIMELINE_SECTION_H - GAP <= warnings.y) {
      const bytesY = y + LABEL_H;
      timeline = {
        section: { x, y, w: innerW, h: TIMELINE_SECTION_H }, label: { x, y, w: innerW, h: LABEL_H },
        bytes: { x, y: bytesY, w: innerW, h: TL_H }, times: { x, y: bytesY + TL_H + 2, w: innerW, h: TIMES_H }, shown: true,
      };
      y += TIMELINE_SECTION_H;
    } else { viewsHidden++; clipped = true; }
  }
  let threads = noThreads(x, y, innerW);
  if (views.threadRows > 0) {
    const h = threadsHeight(views.threadRows);
    if (!clipped && y + h - GAP <= warnings.y) {
      const rowCount = Math.min(views.threadRows, THREAD_ROWS_MAX);
      threads = { section: { x, y, w: innerW, h }, header: { x, y, w: innerW, h: LABEL_H }, rows: { x, y: y + LABEL_H, w: innerW, h: rowCount * LINE_H }, rowCount, shown: true };
      y += h;
    } else { viewsHidden++; clipped = true; }
  }
  let leaks = noThreads(x, y, innerW);
  const leakRows = views.leakRows ?? 0;
  if (leakRows > 0) {
    const h = threadsHeight(leakRows);
    if (!clipped && y + h - GAP <= warnings.y) {
      const rowCount = Math.min(leakRows, THREAD_ROWS_MAX);
      leaks = { section: { x, y, w: innerW, h }, header: { x, y, w: innerW, h: LABEL_H }, rows: { x, y: y + LABEL_H, w: innerW, h: rowCount * LINE_H }, rowCount, shown: true };
      y += h;
    } else { viewsHidden++; clipped = true; }
  }
  const top = y;
  let fixed = 0;
  let pools = 0;
  for (const k of kinds) {
    fixed += fixedHeight(k);
    if (k === 'pool') pools++;
  }
  const free = warnings.y - top - fixed;
  const gridH = pools === 0 ? 0 : Math.max(MIN_GRID_H, Math.floor(free / pools));
  const regions: RegionRects[] = kinds.map((kind) => {
    const top = y;
    const label: Rect = { x, y, w: innerW, h: LABEL_H };
    y += LABEL_H;
    let bar: Rect;
    let lanes = EMPTY_AT(x, y, innerW);
    let graph = EMPTY_AT(x, y, innerW);
    let grid = EMPTY_AT(x, y, innerW);
    if (kind === 'arena') {
      bar = { x, y, w: innerW, h: BAR_H };
      y += BAR_H + 2;
      lanes = { x, y, w: innerW, h: LANES_H };
      y += LANES_H + 2;
      graph = { x, y, w: innerW, h: GRAPH_H };
      y += GRAPH_H;
    } else if (kind === 'stack') {
      bar = { x, y, w: innerW, h: BAR_H };
      y += BAR_H;
    } else {
      bar = { x, y, w: innerW, h: POOL_BAR_H };
      y += POOL_BAR_H + 2;
      grid = { x, y, w: innerW, h: gridH };
      y += gridH;
    }
    y += GAP;
    return { kind, section: { x, y: top, w: innerW, h: y - top }, label, bar, lanes, graph, grid, shown: true };
  });
  // the first section that reaches into the warnings (its trailing gap may touch them): hide from there on
  const first = clipped ? 0 : regions.findIndex((r) => r.section.y + r.section.h - GAP > warnings.y);
  if (first < 0) return { width, height, title, timeline, threads, leaks, regions, warnings, hidden: viewsHidden };
  const e = EMPTY_AT(x, first < regions.length ? regions[first].section.y : top, innerW);
  const hide = (r: RegionRects): RegionRects => ({ kind: r.kind, section: e, label: e, bar: e, lanes: e, graph: e, grid: e, shown: false });
  return { width, height, title, timeline, threads, leaks, regions: regions.map((r, k) => (k < first ? r : hide(r))), warnings, hidden: viewsHidden + regions.length - first };
}

/** No views: only the regions (the default of {@link layoutCanvas}). */
export const NO_VIEWS: CanvasViews = Object.freeze({ timeline: false, threadRows: 0 });

function noTimeline(x: number, y: number, w: number): TimelineRects {
  const e = EMPTY_AT(x, y, w);
  return { section: e, label: e, bytes: e, times: e, shown: false };
}

function noThreads(x: number, y: number, w: number): ThreadRects {
  const e = EMPTY_AT(x, y, w);
  return { section: e, header: e, rows: e, rowCount: 0, shown: false };
}

/** True when CSS point (px, py) is inside `r`. */
export function inside(r: Rect, px: number, py: number): boolean {
  return r.h > 0 && px >= r.x && px < r.x + r.w && py >= r.y && py < r.y + r.h;
}
