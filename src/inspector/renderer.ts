/**
 * The renderer shared by both modes: it reads an {@link InspectorModel} each frame and paints
 * it on a 2D context (a page canvas's or a worker's OffscreenCanvas's). Per frame it allocates
 * nothing: numbers are read into typed arrays made once, pool grids are written into an
 * ImageData made once per layout, labels are string constants or strings made at layout time,
 * and numbers are drawn digit by digit (text.ts).
 * @module
 */
import type { Memory } from '../runtime/memory.ts';
import { MAX_THREADS } from '../memory/layout.ts';
import { STAT } from '../stats/fields.ts';
import { MEMORY_ERROR_CODES } from '../errors.ts';
import { BACKGROUND, BACKGROUND_RGB, CACHED, DIM, FREE_RGB, LIVE, PEAK, TEXT, THREAD_CSS, THREAD_RGB, TRACK, USED, WARN } from './colors.ts';
import type { InspectorContext } from './context.ts';
import { type CanvasLayout, LINE_H, MAX_CELL, WARN_LINES, layoutCanvas, type Rect } from './layout.ts';
import { InspectorModel, NEAR_FULL, type RegionModel, WARN_ERRORS, WARN_FAILURES } from './model.ts';
import { PoolGridCells, type SlotOwnerSource, poolGridShape } from './pool-grid.ts';
import { type InspectorReadout, buildReadout } from './readout.ts';
import { HOVER_REFRESH, type InspectorHit, hitTest } from './tooltip.ts';
import { TextPainter } from './text.ts';

/** The font of every text: monospace, so widths are known without measuring each string. */
export const FONT = '11px ui-monospace, Menlo, Consolas, monospace';

/** Kind names as drawn after a region's name. */
const KIND_LABEL = Object.freeze({ arena: ' arena ', pool: ' pool ', stack: ' stack ' } as const);
/** Warning texts by WARN_* kind. */
const WARN_TEXT: readonly string[] = Object.freeze(['', ': above 90% of capacity, at ', ': failed requests ', ': errors ']);

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
 * {@link mountInspector} on the page and by {@link startInspectorWorker} in a worker; it can
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
  private layoutDirty = true;
  /** Per region: the pool grid's pixels (null for arenas and stacks). */
  private images: (ImageData | null)[] = [];
  /** Per region: where the pool grid's pixels go, in device pixels (integers, computed at layout). */
  private gridX = new Int32Array(0);
  private gridY = new Int32Array(0);
  private drawn = 0;
  /** Draw the tooltip on the canvas (worker mode) instead of leaving it to the DOM. */
  private tooltipOnCanvas = false;
  private hoverX = 0;
  private hoverY = 0;
  private hovering = false;
  private hoverDirty = false;
  private hoverAt = 0;
  private hoverHit: InspectorHit | null = null;
  private hoverVersion = 0;

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
    if (x === null) {
      this.hovering = false;
      if (this.hoverHit !== null) { this.hoverHit = null; this.hoverVersion++; }
      return;
    }
    this.hovering = true;
    this.hoverDirty = true;
    this.hoverX = x;
    this.hoverY = y;
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
    return this.hoverHit;
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
    return { x: this.hoverX, y: this.hoverY };
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
    return this.hoverVersion;
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
    return buildReadout(this.model, this.drawn);
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
    const rebuilt = model.read();
    const layout = rebuilt || this.layoutDirty || this.layout === null ? this.relayout() : this.layout;
    const ctx = this.ctx;
    const dpr = this.dpr;
    // the transform, font and baseline were set at layout time (a canvas resize resets them, and
    // every resize lays out again): a fractional dpr passed every frame would box a number
    ctx.fillStyle = BACKGROUND;
    ctx.fillRect(0, 0, this.width, this.height);
    this.drawTitle(layout.title);
    const regions = model.regions;
    for (let k = 0; k < regions.length; k++) {
      const r = regions[k];
      const rects = layout.regions[k];
      this.drawLabel(r, rects.label);
      if (r.kind === 'arena') this.drawArena(r, rects.bar, rects.lanes, rects.graph);
      else if (r.kind === 'stack') this.drawStack(r, rects.bar);
      else this.drawPool(r, k, rects.bar);
    }
    this.drawWarnings(layout.warnings);
    this.drawn++;
    if (this.hovering && (this.hoverDirty || this.drawn - this.hoverAt >= HOVER_REFRESH)) {
      this.hoverHit = hitTest(layout, model, dpr, this.hoverX, this.hoverY);
      this.hoverDirty = false;
      this.hoverAt = this.drawn;
      this.hoverVersion++;
    }
    if (this.tooltipOnCanvas && this.hoverHit !== null) this.drawTooltip(this.hoverHit.lines, this.hoverX, this.hoverY);
  }

  /** Lays the canvas out again and makes each pool's grid arrays and pixels. Allocates. */
  private relayout(): CanvasLayout {
    const model = this.model;
    const layout = layoutCanvas(this.width, this.height, model.regions.map((r) => r.kind));
    const dpr = this.dpr;
    this.images = model.regions.map((r, k) => {
      if (r.kind !== 'pool') return null;
      const g = layout.regions[k].grid;
      const shape = poolGridShape(r.stats[STAT.CAPACITY] || (r.source as { capacity: number }).capacity,
        Math.floor(g.w * dpr), Math.floor(g.h * dpr), Math.max(1, Math.floor(MAX_CELL * dpr)));
      let cells = r.grid;
      const old = cells?.shape;
      if (cells === null || old?.cellPx !== shape.cellPx || old.cols !== shape.cols || old.cells !== shape.cells || old.slotsPerCell !== shape.slotsPerCell) {
        cells = new PoolGridCells(shape);
        r.grid = cells;
      }
      cells.aggregate(r.source as SlotOwnerSource);
      const img = this.ctx.createImageData(Math.max(1, shape.cols * shape.cellPx), Math.max(1, shape.rows * shape.cellPx));
      fillImage(img, BACKGROUND_RGB);
      return img;
    });
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

  private drawTitle(rect: Rect): void {
    const ctx = this.ctx;
    const p = this.painter;
    const m = this.model;
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
    ctx.fillStyle = DIM;
    p.text(ctx, this.memory.shared ? '  shared' : '  single-thread', x, y);
  }

  /** Draws `label` in dim, then `v` in `color`; returns the x after. */
  private field(label: string, v: number, x: number, y: number, color: string): number {
    const ctx = this.ctx;
    ctx.fillStyle = DIM;
    x = this.painter.text(ctx, label, x, y);
    ctx.fillStyle = color;
    return this.painter.int(ctx, v, x, y);
  }

  private drawLabel(r: RegionModel, rect: Rect): void {
    const ctx = this.ctx;
    const p = this.painter;
    const s = r.stats;
    const y = rect.y + (rect.h >> 1);
    ctx.fillStyle = TEXT;
    let x = p.text(ctx, r.name, rect.x, y);
    ctx.fillStyle = DIM;
    x = p.text(ctx, KIND_LABEL[r.kind], x, y);
    const cap = s[STAT.CAPACITY];
    const used = s[STAT.USED];
    const full = r.kind === 'pool' ? used > NEAR_FULL * cap : s[STAT.PEAK] > NEAR_FULL * cap;
    x = this.field(r.kind === 'pool' ? 'live ' : 'used ', used, x, y, TEXT);
    x = this.field('/', cap, x, y, TEXT);
    if (r.kind === 'pool') x = this.field(' cached ', s[STAT.DEPTH], x, y, TEXT);
    if (r.kind === 'stack') {
      x = this.field(' depth ', s[STAT.DEPTH], x, y, TEXT);
      x = this.field(' marks ', r.markCount, x, y, TEXT);
    }
    x = this.field(' peak ', s[STAT.PEAK], x, y, full ? WARN : TEXT);
    x = this.field(' allocs ', s[STAT.ALLOCATIONS], x, y, TEXT);
    if (r.kind !== 'arena') x = this.field(' frees ', s[STAT.FREES], x, y, TEXT);
    x = this.field(' fails ', s[STAT.FAILURES], x, y, s[STAT.FAILURES] > 0 ? WARN : TEXT);
    x = this.field(' err ', s[STAT.ERRORS], x, y, s[STAT.ERRORS] > 0 ? WARN : TEXT);
    const last = s[STAT.LAST_ERROR];
    if (last > 0 && last <= MEMORY_ERROR_CODES.length) {
      ctx.fillStyle = WARN;
      x = p.text(ctx, ' ', x, y);
      p.text(ctx, MEMORY_ERROR_CODES[last - 1], x, y);
    }
  }

  /**
   * A track filled `usedPx` pixels, with a peak tick at `peakPx` (warning colour when `warn`).
   * Only whole numbers cross this call: a fraction would be boxed into a new heap number.
   */
  private bar(rect: Rect, usedPx: number, peakPx: number, warn: boolean): void {
    const ctx = this.ctx;
    ctx.fillStyle = TRACK;
    ctx.fillRect(rect.x, rect.y, rect.w, rect.h);
    ctx.fillStyle = USED;
    ctx.fillRect(rect.x, rect.y, usedPx, rect.h);
    ctx.fillStyle = warn ? WARN : PEAK;
    ctx.fillRect(rect.x + peakPx - 1, rect.y, 2, rect.h);
  }

  private drawArena(r: RegionModel, bar: Rect, lanes: Rect, graph: Rect): void {
    const ctx = this.ctx;
    const s = r.stats;
    const cap = s[STAT.CAPACITY] || 1;
    this.bar(bar, px(s[STAT.USED], cap, bar.w), px(s[STAT.PEAK], cap, bar.w), s[STAT.PEAK] > NEAR_FULL * cap);
    ctx.fillStyle = TRACK;
    ctx.fillRect(lanes.x, lanes.y, lanes.w, lanes.h);
    let x = lanes.x;
    for (let t = 0; t < MAX_THREADS; t++) {
      const b = r.lanes[t];
      if (b <= 0) continue;
      const w = (b / cap) * lanes.w;
      ctx.fillStyle = THREAD_CSS[t];
      ctx.fillRect(x | 0, lanes.y, Math.max(w, 1) | 0, lanes.h);
      x += w;
    }
    ctx.fillStyle = TRACK;
    ctx.fillRect(graph.x, graph.y, graph.w, graph.h);
    // the graph's top is the arena's peak (no frame's high water exceeds it), so small arenas'
    // shapes show; the 90%-of-capacity line is drawn when it falls inside
    const top = Math.max(s[STAT.PEAK], 1);
    if (NEAR_FULL * cap <= top) {
      ctx.fillStyle = PEAK;
      ctx.fillRect(graph.x, graph.y + graph.h - px(NEAR_FULL * cap, top, graph.h), graph.w, 1);
    }
    const slots = r.history.length;
    const bw = graph.w / slots;
    const n = r.historyLength;
    for (let k = 0; k < n; k++) {
      const v = r.history[k];
      const h = px(v, top, graph.h);
      ctx.fillStyle = v > NEAR_FULL * cap ? WARN : USED;
      ctx.fillRect((graph.x + (slots - n + k) * bw) | 0, graph.y + graph.h - h, Math.max(bw - 1, 1) | 0, h);
    }
  }

  private drawStack(r: RegionModel, bar: Rect): void {
    const ctx = this.ctx;
    const s = r.stats;
    const cap = s[STAT.CAPACITY] || 1;
    this.bar(bar, px(s[STAT.USED], cap, bar.w), px(s[STAT.PEAK], cap, bar.w), s[STAT.PEAK] > NEAR_FULL * cap);
    ctx.fillStyle = TEXT;
    for (let k = 0; k < r.markCount; k++) {
      ctx.fillRect(bar.x + px(r.marks[k] - r.dataStart, cap, bar.w), bar.y - 2, 1, bar.h + 4);
    }
  }

  private drawPool(r: RegionModel, k: number, bar: Rect): void {
    const ctx = this.ctx;
    const s = r.stats;
    const cap = s[STAT.CAPACITY] || 1;
    const live = px(s[STAT.USED], cap, bar.w);
    const cached = px(s[STAT.DEPTH], cap, bar.w);
    ctx.fillStyle = TRACK;
    ctx.fillRect(bar.x, bar.y, bar.w, bar.h);
    ctx.fillStyle = s[STAT.USED] > NEAR_FULL * cap ? WARN : LIVE;
    ctx.fillRect(bar.x, bar.y, live, bar.h);
    ctx.fillStyle = CACHED;
    ctx.fillRect(bar.x + live, bar.y, cached, bar.h);
    const img = this.images[k];
    const g = r.grid;
    if (img === null || g === null) return;
    paintGrid(g, img);
    ctx.putImageData(img, this.gridX[k], this.gridY[k]);
  }

  private drawWarnings(rect: Rect): void {
    const ctx = this.ctx;
    const p = this.painter;
    const m = this.model;
    let y = rect.y + (LINE_H >> 1);
    ctx.fillStyle = m.warnCount > 0 ? WARN : DIM;
    let x = p.text(ctx, 'warnings ', rect.x, y);
    p.int(ctx, m.warnCount, x, y);
    const n = Math.min(m.warnCount, WARN_LINES);
    for (let k = 0; k < n; k++) {
      y += LINE_H;
      const r = m.regions[m.warnRegion[k]];
      const kind = m.warnKind[k];
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

  /**
   * Draws tooltip lines in a box near CSS point (x, y), kept inside the canvas (worker mode).
   *
   * Thread-safety: the renderer's thread.
   * @example
   * ```ts
   * renderer.drawTooltip(['pool "particles"', 'live 12'], 40, 40);
   * ```
   */
  drawTooltip(lines: readonly string[], x: number, y: number): void {
    const ctx = this.ctx;
    let chars = 0;
    for (const l of lines) chars = Math.max(chars, l.length);
    const w = this.painter.width(chars) + 12;
    const h = lines.length * LINE_H + 8;
    const bx = Math.max(0, Math.min(x + 12, this.width - w));
    const by = Math.max(0, Math.min(y + 12, this.height - h));
    ctx.fillStyle = 'rgba(10,12,16,0.92)';
    ctx.fillRect(bx, by, w, h);
    ctx.fillStyle = PEAK;
    ctx.fillRect(bx, by, 2, h);
    ctx.fillStyle = TEXT;
    for (let k = 0; k < lines.length; k++) ctx.fillText(lines[k], bx + 7, by + 4 + LINE_H * k + LINE_H / 2);
  }
}

/** Fills every pixel of `img` with an opaque colour (gaps and unused cells keep it). */
function fillImage(img: ImageData, rgb: readonly [number, number, number]): void {
  const d = img.data;
  for (let k = 0; k < d.length; k += 4) {
    d[k] = rgb[0];
    d[k + 1] = rgb[1];
    d[k + 2] = rgb[2];
    d[k + 3] = 255;
  }
}

/** `v / cap` of `w` pixels, clamped to 0..w, as a whole number (returned as a small integer, never boxed). */
function px(v: number, cap: number, w: number): number {
  return (Math.min(Math.max(v / cap, 0), 1) * w) | 0;
}

/**
 * Writes a pool grid's cells into `img`: free cells in the free colour, cells with live slots in
 * their dominant owner's hue, mixed from the free colour by the cell's weight (35% for one live
 * slot up to 100% for a full cell); cells of 4 pixels and more keep a one-pixel gap. Integer
 * arithmetic only, and allocates nothing.
 */
export function paintGrid(g: PoolGridCells, img: ImageData): void {
  const shape = g.shape;
  const cellPx = shape.cellPx;
  const cols = shape.cols;
  const cells = shape.cells;
  const data = img.data;
  const stride = img.width * 4;
  const gap = cellPx >= 4 ? 1 : 0;
  const inner = cellPx - gap;
  const fr = FREE_RGB[0];
  const fg = FREE_RGB[1];
  const fb = FREE_RGB[2];
  const rgb = THREAD_RGB;
  const live = g.live;
  const owner = g.owner;
  const weight = g.weight;
  let col = 0;
  let y0 = 0;
  for (let c = 0; c < cells; c++) {
    const n = live[c];
    let r = fr;
    let gg = fg;
    let b = fb;
    if (n > 0) {
      const w = c === cells - 1 ? g.weightLast[n] : weight[n];
      const t = 3 * (owner[c] - 1);
      r = fr + (((rgb[t] - fr) * w) >> 8);
      gg = fg + (((rgb[t + 1] - fg) * w) >> 8);
      b = fb + (((rgb[t + 2] - fb) * w) >> 8);
    }
    const x0 = col * cellPx;
    if (cellPx === 1) {
      const at = y0 * stride + x0 * 4;
      data[at] = r;
      data[at + 1] = gg;
      data[at + 2] = b;
      data[at + 3] = 255;
    } else for (let dy = 0; dy < inner; dy++) {
      let at = (y0 + dy) * stride + x0 * 4;
      for (let dx = 0; dx < inner; dx++) {
        data[at] = r;
        data[at + 1] = gg;
        data[at + 2] = b;
        data[at + 3] = 255;
        at += 4;
      }
    }
    if (++col === cols) {
      col = 0;
      y0 += cellPx;
    }
  }
}
