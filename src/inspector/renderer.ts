/**
 * The renderer shared by both modes: it reads an {@link InspectorModel} each frame and paints
 * it on a 2D context (a page canvas's or a worker's OffscreenCanvas's). Per frame it allocates
 * nothing: numbers are read into typed arrays made once, pool grids are written into an
 * ImageData made once per layout, labels are string constants or strings made at layout time,
 * and numbers are drawn digit by digit (text.ts). The painting itself is in text-lines.ts (title,
 * label rows, warnings), region-graphics.ts (bars, lanes, graphs, marks) and grid-image.ts (pool
 * grids' pixels); hover state and the canvas tooltip are in tooltip.ts.
 * @module
 */
import type { Memory } from '../runtime/memory.ts';
import { BACKGROUND } from './colors.ts';
import type { InspectorContext } from './context.ts';
import { poolGridImage } from './grid-image.ts';
import { type CanvasLayout, THREAD_ROWS_MAX, layoutCanvas } from './layout.ts';
import { InspectorModel } from './model.ts';
import type { SlotOwnerSource } from './pool-grid.ts';
import { type InspectorReadout, buildReadout } from './readout.ts';
import { drawArena, drawPool, drawStack } from './region-graphics.ts';
import { drawLabel, drawTitle, drawWarnings } from './text-lines.ts';
import { drawThreads } from './threads-graphics.ts';
import { drawTimeline } from './timeline-graphics.ts';
import { ViewState, gridClick, timelineClick } from './view-state.ts';
import { drawLeaks } from './leaks-graphics.ts';
import { HoverState, type InspectorHit, drawTooltipBox, hitTest } from './tooltip.ts';
import { TextPainter } from './text.ts';

/** The font of every text: monospace, so widths are known without measuring each string. */
export const FONT = '11px ui-monospace, Menlo, Consolas, monospace';

/**
 * Where the renderer draws: CSS size and device pixel ratio.
 *
 * Thread-safety: a plain data shape; any worker.
 * @example
 * ```ts
 * const size: InspectorSize = { width: 640, height: 480, dpr: devicePixelRatio };
 * ```
 */
export interface InspectorSize {
  /** Width in CSS pixels. */
  readonly width: number;
  /** Height in CSS pixels. */
  readonly height: number;
  /** Device pixels per CSS pixel. @defaultValue 1 */
  readonly dpr?: number;
}

/**
 * Paints a memory's live state on a 2D context, reading the shared buffer directly: every arena
 * as a bar with used, peak and per-thread lanes and a 64-frame high-water graph; every pool as a
 * grid of slots coloured by owner thread (aggregated when slots outnumber pixels); every stack
 * with its depth and marks; the counters; and the warnings with the last error codes. Used by
 * {@link mountInspector} on the page and by {@link nebula-memory/inspector!serveInspectorWorker} in a worker; it can
 * also be driven directly (a HUD, a test with a stub context).
 *
 * Per frame, `draw()` allocates nothing (test/inspector-no-alloc.test.ts); it allocates when the
 * region table or the size changes, and builds tooltip text while hovering.
 *
 * Thread-safety: the thread that owns `memory` and `ctx`.
 * @example
 * ```ts
 * const ctx = canvas.getContext('2d')!;
 * const r = new InspectorRenderer(memory, ctx, { width: 640, height: 480 });
 * function tick() { r.draw(); requestAnimationFrame(tick); }
 * ```
 */
export class InspectorRenderer {
  /** The memory drawn. */
  readonly memory: Memory;
  /** The numbers read each frame. @internal */
  readonly model: InspectorModel;
  private readonly ctx: InspectorContext;
  private readonly painter = new TextPainter(FONT);
  private width = 1;
  private height = 1;
  private dpr = 1;
  private layout: CanvasLayout | null = null;
  /** The title's note on the regions that do not fit (made at layout time, not per frame). */
  private moreNote = '';
  private layoutDirty = true;
  /** Per region: the pool grid's pixels (null for arenas and stacks). */
  private images: (ImageData | null)[] = [];
  /** Per region: where the pool grid's pixels go, in device pixels (integers, computed at layout). */
  private gridX = new Int32Array(0);
  private gridY = new Int32Array(0);
  private drawn = 0;
  /** Draw the tooltip on the canvas (worker mode) instead of leaving it to the DOM. */
  private tooltipOnCanvas = false;
  /** The pointer: its position and what is under it. */
  private readonly pointer = new HoverState();
  /** Pause, the timeline's cursor and the selected cell. @internal */
  readonly view = new ViewState();
  private showTimeline = true;
  private showThreads = true;
  private showLeaks = true;
  /** Thread rows of the current layout. */
  private laidRows = -1;

  /**
   * @param memory - the memory to draw; the renderer reads it through this thread's allocator instances.
   * @param ctx - the 2D context of a canvas or an OffscreenCanvas, whose backing store is `size * dpr`.
   * @param size - CSS size and device pixel ratio.
   */
  constructor(memory: Memory, ctx: InspectorContext, size: InspectorSize) {
    this.memory = memory;
    this.ctx = ctx;
    this.model = new InspectorModel(memory);
    this.resize(size);
  }

  /**
   * Tells the renderer the canvas's new CSS size and pixel ratio (the caller resizes the canvas's
   * backing store to `width * dpr` x `height * dpr`). The next draw lays out again.
   *
   * Thread-safety: the renderer's thread.
   * @example
   * ```ts
   * renderer.resize({ width: 800, height: 600, dpr: 2 });
   * ```
   */
  resize(size: InspectorSize): void {
    // whole pixels: per-frame coordinates stay small integers, which V8 passes without boxing
    this.width = Math.max(1, Math.round(size.width)) | 0;
    this.height = Math.max(1, Math.round(size.height)) | 0;
    this.dpr = size.dpr !== undefined && Number.isFinite(size.dpr) && size.dpr > 0 ? size.dpr : 1; // Infinity would make grid sizes infinite
    this.painter.measure(this.ctx);
    this.layoutDirty = true;
  }

  /**
   * Pool slots each pool's grid reads per frame. A larger pool is swept over several frames (its
   * grid shows each part as of its last read), which bounds the cost per frame; the summary bar
   * and the numbers are read whole every frame. {@link InspectorRenderer.readout} reads every
   * pool whole first.
   *
   * Thread-safety: the renderer's thread.
   * @defaultValue 262144
   * @example
   * ```ts
   * renderer.slotsPerFrame = 1 << 20;
   * ```
   */
  get slotsPerFrame(): number {
    return this.model.slotsPerFrame;
  }

  /**
   * Sets the pool slots each grid reads per frame (at least 1).
   *
   * Thread-safety: the renderer's thread.
   * @example
   * ```ts
   * renderer.slotsPerFrame = 65_536;
   * ```
   */
  set slotsPerFrame(n: number) {
    this.model.slotsPerFrame = Math.max(1, Math.floor(n));
  }

  /**
   * Draws the tooltip on the canvas (worker mode, where there is no DOM) when true.
   *
   * Thread-safety: the renderer's thread.
   * @example
   * ```ts
   * renderer.setCanvasTooltip(true);
   * ```
   */
  setCanvasTooltip(on: boolean): void {
    this.tooltipOnCanvas = on;
  }

  /**
   * Sets the pointer position in CSS pixels (or clears it with `null`); the next draws hit-test
   * it and build the tooltip text, refreshed every few frames while the pointer rests.
   *
   * Thread-safety: the renderer's thread.
   * @example
   * ```ts
   * canvas.onpointermove = (e) => renderer.hover(e.offsetX, e.offsetY);
   * canvas.onpointerleave = () => renderer.hover(null);
   * ```
   */
  hover(x: number | null, y = 0): void {
    this.pointer.move(x, y);
  }

  /**
   * What the pointer is over, as of the last draw, with its tooltip text; null when not hovering.
   *
   * Thread-safety: the renderer's thread.
   * @example
   * ```ts
   * tip.textContent = renderer.hovered()?.lines.join('\n') ?? '';
   * ```
   */
  hovered(): InspectorHit | null {
    return this.pointer.hit;
  }

  /**
   * The last hover position in CSS pixels.
   *
   * Thread-safety: the renderer's thread.
   * @example
   * ```ts
   * const { x, y } = renderer.hoverPoint();
   * ```
   */
  hoverPoint(): {
    /** Pointer x in CSS pixels from the canvas's left edge. */
    readonly x: number;
    /** Pointer y in CSS pixels from the canvas's top edge. */
    readonly y: number;
  } {
    return { x: this.pointer.x, y: this.pointer.y };
  }

  /**
   * A counter that changes whenever {@link InspectorRenderer.hovered} does: compare it to skip
   * DOM updates.
   *
   * Thread-safety: the renderer's thread.
   * @example
   * ```ts
   * if (renderer.hoverChanges !== seen) { seen = renderer.hoverChanges; showTip(); }
   * ```
   */
  get hoverChanges(): number {
    return this.pointer.version;
  }

  /**
   * What is at CSS point (x, y) as of the last draw, with the numbers a tooltip shows; null
   * outside every part. Builds strings: for pointer events, not for every frame.
   *
   * Thread-safety: the renderer's thread.
   * @example
   * ```ts
   * const hit = renderer.hitTest(100, 60);
   * ```
   */
  hitTest(x: number, y: number): InspectorHit | null {
    if (this.layout === null) this.draw();
    return this.layout === null ? null : hitTest(this.layout, this.model, this.dpr, x, y);
  }

  /**
   * The numbers the last draw read and drew, as frozen plain objects, to compare with
   * `memory.snapshot()`. Builds new objects: not for the frame path.
   *
   * Thread-safety: the renderer's thread.
   * @example
   * ```ts
   * const r = renderer.readout();
   * ```
   */
  readout(): InspectorReadout {
    if (this.drawn === 0) this.draw();
    // pools swept over several frames: read them whole now, so the readout is one moment
    for (const r of this.model.regions) {
      if (r.grid !== null && (r.grid.midSweep || this.model.slotsPerFrame < r.grid.shape.capacity)) r.grid.sweepNow(r.source as SlotOwnerSource);
    }
    return buildReadout(this.model, this.drawn, this.view);
  }

  /**
   * Frames drawn so far.
   *
   * Thread-safety: the renderer's thread.
   * @example
   * ```ts
   * console.log(renderer.frames);
   * ```
   */
  get frames(): number {
    return this.drawn;
  }

  /**
   * Reads the memory and paints one frame. Allocates nothing unless the region table or the
   * size changed since the last draw, or the pointer hovers.
   *
   * Thread-safety: the renderer's thread.
   * @example
   * ```ts
   * renderer.draw();
   * ```
   */
  draw(): void {
    const model = this.model;
    // paused: the last numbers are drawn again (the first draw always reads)
    const rebuilt = this.view.paused && model.reads > 0 ? false : model.read();
    const rows = this.showThreads ? Math.min(model.threads.rowCount, THREAD_ROWS_MAX) : 0;
    const layout = rebuilt || this.layoutDirty || this.layout === null || rows !== this.laidRows ? this.relayout(rows) : this.layout;
    const ctx = this.ctx;
    const dpr = this.dpr;
    // the transform, font and baseline were set at layout time (a canvas resize resets them, and
    // every resize lays out again): a fractional dpr passed every frame would box a number
    ctx.fillStyle = BACKGROUND;
    ctx.fillRect(0, 0, this.width, this.height);
    const p = this.painter;
    drawTitle(ctx, p, model, layout.title, this.moreNote);
    if (layout.timeline.shown) drawTimeline(ctx, p, model, layout.timeline, this.view);
    if (layout.threads.shown) drawThreads(ctx, p, model.threads, layout.threads);
    if (layout.leaks.shown) drawLeaks(ctx, p, model, model.leaks, layout.leaks);
    const regions = model.regions;
    for (let k = 0; k < regions.length; k++) {
      const r = regions[k];
      const rects = layout.regions[k];
      if (!rects.shown) continue;
      drawLabel(ctx, p, r, rects.label);
      if (r.kind === 'arena') drawArena(ctx, r, rects.bar, rects.lanes, rects.graph);
      else if (r.kind === 'stack') drawStack(ctx, r, rects.bar);
      else drawPool(ctx, r, rects.bar, this.images[k], this.gridX[k], this.gridY[k]);
    }
    drawWarnings(ctx, p, model, layout.warnings);
    this.drawn++;
    const pointer = this.pointer;
    if (pointer.due(this.drawn)) pointer.record(hitTest(layout, model, dpr, pointer.x, pointer.y), this.drawn);
    if (this.tooltipOnCanvas && pointer.hit !== null) drawTooltipBox(this.ctx, this.painter, pointer.hit.lines, pointer.x, pointer.y, this.width, this.height);
  }

  /** Lays the canvas out again and makes each pool's grid arrays and pixels. Allocates. */
  private relayout(rows: number): CanvasLayout {
    const model = this.model;
    const pools = model.regions.filter((r) => r.kind === 'pool').length;
    const leakRows = this.showLeaks && pools > 0 ? pools + 1 : 0;
    const layout = layoutCanvas(this.width, this.height, model.regions.map((r) => r.kind), { timeline: this.showTimeline, threadRows: rows, leakRows });
    // a leak table that appears counts at once (then every LEAK_EVERY frames)
    if (layout.leaks.shown && !model.leakView) model.leaks.read(model.memory, model.regions, true);
    model.leakView = layout.leaks.shown;
    this.laidRows = rows;
    const dpr = this.dpr;
    this.images = model.regions.map((r, k) => (r.kind === 'pool' && layout.regions[k].shown ? poolGridImage(this.ctx, r, layout.regions[k].grid, dpr) : null));
    this.moreNote = layout.hidden === 0 ? '' : ` (${String(layout.hidden)} not shown: too short)`;
    this.gridX = Int32Array.from(layout.regions, (g) => Math.round(g.grid.x * dpr));
    this.gridY = Int32Array.from(layout.regions, (g) => Math.round(g.grid.y * dpr));
    this.layout = layout;
    this.layoutDirty = false;
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.font = FONT;
    ctx.textBaseline = 'middle';
    return layout;
  }

  /**
   * Which views to draw above the regions: the timeline, the thread table and the leak table (all by default).
   *
   * Thread-safety: the renderer's thread.
   * @example
   * ```ts
   * renderer.setViews(false, true, true, 600); // no timeline; threads; leaks, old after 600 frames
   * ```
   */
  setViews(timeline: boolean, threads: boolean, leaks = true, oldFrames?: number): void {
    this.showTimeline = timeline;
    this.showThreads = threads;
    this.showLeaks = leaks;
    if (oldFrames !== undefined) this.model.leaks.setOldFrames(oldFrames);
    this.layoutDirty = true;
  }

  /**
   * A click at CSS point (x, y), or a move with the button down (`drag`): on the timeline it
   * pauses and puts the cursor on the frame under the pointer (its label row resumes). Returns
   * true when the click changed the view.
   *
   * Thread-safety: the renderer's thread.
   * @example
   * ```ts
   * canvas.onclick = (e) => renderer.click(e.offsetX, e.offsetY);
   * ```
   */
  click(x: number, y: number, drag = false): boolean {
    if (this.layout === null) this.draw();
    const layout = this.layout;
    if (layout === null) return false;
    const before = this.view.version;
    if (!timelineClick(this.view, layout, this.model, x, y, drag) && !drag) gridClick(this.view, layout, this.model, this.dpr, x, y);
    return this.view.version !== before;
  }

  /**
   * The layout of the last draw, in CSS pixels (null before the first): where each part sits.
   * The e2e tests check from it that no two parts overlap.
   *
   * Thread-safety: the renderer's thread.
   * @example
   * ```ts
   * const title = renderer.layoutRects()?.title;
   * ```
   */
  layoutRects(): CanvasLayout | null {
    return this.layout;
  }
}
