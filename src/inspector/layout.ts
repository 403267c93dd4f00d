/**
 * Where everything sits on the canvas, in CSS pixels: a title line, then one section per region
 * in creation order, then the warning list at the bottom. Computed when the canvas size or the
 * region table changes, never per frame.
 *
 * ```
 * ┌ title: frame, threads, regions ───────────────────────────────┐
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
 * The whole canvas's layout.
 * @internal
 */
export interface CanvasLayout {
  readonly width: number;
  readonly height: number;
  readonly title: Rect;
  readonly regions: readonly RegionRects[];
  readonly warnings: Rect;
  /** How many regions did not fit (the last ones; the title line says so). */
  readonly hidden: number;
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
export function layoutCanvas(width: number, height: number, kinds: readonly BuiltInRegionKind[]): CanvasLayout {
  const innerW = Math.max(1, width - 2 * PAD);
  const title: Rect = { x: PAD, y: PAD, w: innerW, h: TITLE_H };
  const warnings: Rect = { x: PAD, y: Math.max(PAD + TITLE_H, height - PAD - WARN_H), w: innerW, h: WARN_H };
  let fixed = 0;
  let pools = 0;
  for (const k of kinds) {
    fixed += fixedHeight(k);
    if (k === 'pool') pools++;
  }
  const free = warnings.y - (PAD + TITLE_H) - fixed;
  const gridH = pools === 0 ? 0 : Math.max(MIN_GRID_H, Math.floor(free / pools));
  let y = PAD + TITLE_H;
  const x = PAD;
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
  const first = regions.findIndex((r) => r.section.y + r.section.h - GAP > warnings.y);
  if (first < 0) return { width, height, title, regions, warnings, hidden: 0 };
  const e = EMPTY_AT(x, regions[first].section.y, innerW);
  const hide = (r: RegionRects): RegionRects => ({ kind: r.kind, section: e, label: e, bar: e, lanes: e, graph: e, grid: e, shown: false });
  return { width, height, title, regions: regions.map((r, k) => (k < first ? r : hide(r))), warnings, hidden: regions.length - first };
}

/** True when CSS point (px, py) is inside `r`. */
export function inside(r: Rect, px: number, py: number): boolean {
  return r.h > 0 && px >= r.x && px < r.x + r.w && py >= r.y && py < r.y + r.h;
}
