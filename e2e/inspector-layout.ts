/**
 * What the inspector e2e checks read from a canvas layout (`inspector.renderer.layoutRects()`):
 * its parts as named rectangles, the pairs that overlap, the parts outside the canvas, and the
 * layout a worker-mode inspector has (the worker lays out; the page cannot ask it), computed with
 * the renderer's own layout function.
 * @module
 */
import type { InspectorReadout } from '../src/inspector/index.ts';
import { type CanvasLayout, type Rect, THREAD_ROWS_MAX, layoutCanvas } from '../src/inspector/layout.ts';
import { HISTORY_FRAMES } from '../src/stats/block.ts';

/** One drawn part of the canvas. */
export interface NamedRect {
  readonly name: string;
  readonly r: Rect;
}

/** Every non-empty part of `l`: the title, the parts of the timeline, the thread table and the leak table, each shown region's parts, the warnings. */
export function partsOf(l: CanvasLayout): NamedRect[] {
  const out: NamedRect[] = [];
  const add = (name: string, r: Rect): void => {
    if (r.w > 0 && r.h > 0) out.push({ name, r });
  };
  add('title', l.title);
  add('timeline.label', l.timeline.label);
  add('timeline.bytes', l.timeline.bytes);
  add('timeline.times', l.timeline.times);
  add('threads.header', l.threads.header);
  add('threads.rows', l.threads.rows);
  add('leaks.header', l.leaks.header);
  add('leaks.rows', l.leaks.rows);
  l.regions.forEach((g, k) => {
    if (!g.shown) return;
    add(`region ${k} (${g.kind}) label`, g.label);
    add(`region ${k} (${g.kind}) bar`, g.bar);
    add(`region ${k} (${g.kind}) lanes`, g.lanes);
    add(`region ${k} (${g.kind}) graph`, g.graph);
    add(`region ${k} (${g.kind}) grid`, g.grid);
  });
  add('warnings', l.warnings);
  return out;
}

function fmt(r: Rect): string {
  return `[${r.x},${r.y} ${r.w}x${r.h}]`;
}

/** The pairs of parts whose areas intersect, as text (empty when none do). */
export function overlaps(parts: readonly NamedRect[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    for (let j = i + 1; j < parts.length; j++) {
      const a = parts[i].r;
      const b = parts[j].r;
      const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      if (w > 0 && h > 0) out.push(`${parts[i].name} ${fmt(a)} overlaps ${parts[j].name} ${fmt(b)}`);
    }
  }
  return out;
}

/** The parts not inside the canvas of `l`, as text. */
export function outsideCanvas(l: CanvasLayout, parts: readonly NamedRect[]): string[] {
  return parts.filter(({ r }) => r.x < 0 || r.y < 0 || r.x + r.w > l.width || r.y + r.h > l.height)
    .map(({ name, r }) => `${name} ${fmt(r)} is outside the ${l.width}x${l.height} canvas`);
}

/**
 * The layout the renderer has for a canvas of `width` x `height` CSS pixels drawing `readout`'s
 * regions, thread table and leak table (a row per pool and one for the selected slot) with every
 * view on, as by default: what a worker-mode inspector lays out.
 */
export function layoutFor(width: number, height: number, readout: InspectorReadout): CanvasLayout {
  const pools = readout.regions.filter((r) => r.kind === 'pool').length;
  return layoutCanvas(width, height, readout.regions.map((r) => r.kind), {
    timeline: true, threadRows: Math.min(readout.threadTable.length, THREAD_ROWS_MAX), leakRows: pools > 0 ? pools + 1 : 0,
  });
}

/** The CSS x, y of the middle of timeline column `col` (0..HISTORY_FRAMES - 1) of `l`. */
export function timelineColumn(l: CanvasLayout, col: number): { x: number; y: number } {
  const b = l.timeline.bytes;
  return { x: b.x + Math.floor(((col + 0.5) * b.w) / HISTORY_FRAMES), y: b.y + Math.floor(b.h / 2) };
}

/** The frame of timeline column `col` in `readout` (its frames fill the last columns), or -1. */
export function frameOfColumn(readout: InspectorReadout, col: number): number {
  const frames = readout.timeline.frames;
  const k = col - (HISTORY_FRAMES - frames.length);
  return k < 0 || k >= frames.length ? -1 : frames[k];
}
