/**
 * What the user did to the picture, as opposed to what the memory holds: whether it is paused
 * (the model is no longer read, so the picture freezes while the game runs on), which frame of
 * the timeline the cursor is on, and which pool cell is selected. Changed by clicks and by the
 * Inspector's pause/resume/scrub methods; read by the renderer each frame.
 * @module
 * @internal
 */
import { HISTORY_FRAMES } from '../stats/block.ts';
import { inside, type CanvasLayout } from './layout.ts';
import type { InspectorModel } from './model.ts';
import { frameOfColumn } from './timeline-graphics.ts';

/**
 * Pause, scrub and selection.
 * @internal
 */
export class ViewState {
  /** The picture is frozen: draws repaint the last numbers read. */
  paused = false;
  /** The frame the timeline's cursor is on, or -1 for none (the newest frame is described). */
  scrub = -1;
  /** The selected pool cell: region index, or -1 for none. */
  selRegion = -1;
  /** The selected pool cell: its first slot. */
  selSlot = -1;
  /** Changes whenever anything above does. */
  version = 0;

  /** Freezes or unfreezes the picture; resuming clears the cursor. */
  setPaused(on: boolean): void {
    if (on === this.paused) return;
    this.paused = on;
    if (!on) this.scrub = -1;
    this.version++;
  }

  /** Puts the cursor on `frame` (or clears it with -1). */
  setScrub(frame: number): void {
    if (frame === this.scrub) return;
    this.scrub = frame;
    this.version++;
  }

  /** Selects the pool cell of region `region` starting at `slot` (or clears it with -1). */
  select(region: number, slot: number): void {
    if (region === this.selRegion && slot === this.selSlot) return;
    this.selRegion = region;
    this.selSlot = region < 0 ? -1 : slot;
    this.version++;
  }
}

/** The timeline column under CSS x in the timeline's rectangles. */
function columnAt(layout: CanvasLayout, x: number): number {
  const r = layout.timeline.bytes;
  return Math.min(HISTORY_FRAMES - 1, Math.max(0, Math.floor(((x - r.x) / r.w) * HISTORY_FRAMES)));
}

/**
 * A click (or a drag with the button down, `drag`) at CSS point (x, y). On the timeline's
 * graphs: pauses and puts the cursor on the frame under the pointer. On the timeline's label row
 * while paused: resumes. Returns true when the click was the timeline's.
 */
export function timelineClick(view: ViewState, layout: CanvasLayout, model: InspectorModel, x: number, y: number, drag: boolean): boolean {
  const t = layout.timeline;
  if (!t.shown || !inside(t.section, x, y)) return false;
  if (inside(t.label, x, y)) {
    if (!drag) view.setPaused(!view.paused);
    return true;
  }
  const frame = frameOfColumn(model, columnAt(layout, x));
  view.setPaused(true);
  if (frame >= 0) view.setScrub(frame);
  return true;
}

/**
 * Sets pause and cursor together: `scrub` is kept only when it is one of the timeline's frames
 * (and then the picture is paused), else the cursor is cleared.
 */
export function applyView(view: ViewState, model: InspectorModel, paused: boolean, scrub: number): void {
  const n = model.frameTimeCount;
  const inWindow = Number.isInteger(scrub) && scrub >= model.frame - n && scrub < model.frame;
  view.setPaused(paused || inWindow);
  view.setScrub(inWindow ? scrub : -1);
}

/**
 * A click on a pool's grid selects the first slot of the cell under the pointer (the leak
 * table describes it); a click on any other part of the regions clears the selection.
 */
export function gridClick(view: ViewState, layout: CanvasLayout, model: InspectorModel, dpr: number, x: number, y: number): void {
  for (let k = 0; k < layout.regions.length && k < model.regions.length; k++) {
    const rect = layout.regions[k];
    const g = model.regions[k].grid;
    if (g === null || !inside(rect.grid, x, y)) continue;
    const { cellPx, cols, cells, slotsPerCell } = g.shape;
    const col = Math.floor(((x - rect.grid.x) * dpr) / cellPx);
    const cell = Math.floor(((y - rect.grid.y) * dpr) / cellPx) * cols + col;
    if (col >= cols || cell >= cells) break;
    view.select(k, cell * slotsPerCell);
    model.leaks.select(model.memory, model.regions, k, cell * slotsPerCell);
    return;
  }
  if (view.selRegion >= 0) {
    view.select(-1, -1);
    model.leaks.select(model.memory, model.regions, -1, -1);
  }
}
