/**
 * Mount mode: the inspector on the page. A canvas (and a DOM tooltip) inside the given element,
 * redrawn every animation frame from the shared buffer, with no messages.
 * @module
 */
import { MemoryCore } from '../memory/core.ts';
import type { Memory } from '../runtime/memory.ts';
import { type InspectorOptions, dprOf, followSize, makeCanvas, makeTooltip, sizeOf } from './dom.ts';
import type { InspectorReadout } from './readout.ts';
import { type InspectorSnapshot, openSnapshot, saveSnapshotFile, takeSnapshot } from './snapshot.ts';
import { InspectorRenderer } from './renderer.ts';
import { applyView } from './view-state.ts';
import type { InspectorHit } from './tooltip.ts';

/**
 * A live inspector on the page: a canvas that draws the memory's arenas, pools and stacks every
 * animation frame, read straight from the shared buffer (so it shows what workers do, with no
 * messages), and a tooltip with the numbers under the pointer. Made by {@link mountInspector}.
 *
 * Thread-safety: the main thread (it owns DOM elements).
 * @example
 * ```ts
 * const inspector = mountInspector(memory, document.getElementById('inspector')!);
 * console.log(inspector.readout().regions.map((r) => r.name));
 * inspector.destroy();
 * ```
 */
export class Inspector {
  /** The canvas drawn on. */
  readonly canvas: HTMLCanvasElement;
  /** The renderer (shared with worker mode). */
  readonly renderer: InspectorRenderer;
  private readonly wrapper: HTMLDivElement;
  private readonly tip: HTMLDivElement | null;
  private readonly observer: ResizeObserver | null = null;
  private raf = 0;
  private running = false;
  private tipSeen = -1;
  private readonly tick = (): void => {
    if (!this.running) return;
    this.draw();
    this.raf = requestAnimationFrame(this.tick);
  };
  private readonly onMove = (e: PointerEvent): void => {
    this.renderer.hover(e.offsetX, e.offsetY);
    if (!this.running) this.draw();
  };
  private readonly onLeave = (): void => {
    this.renderer.hover(null);
    this.updateTip();
  };
  private readonly onDown = (e: PointerEvent): void => {
    if (this.renderer.click(e.offsetX, e.offsetY) && !this.running) this.draw();
  };
  private readonly onDrag = (e: PointerEvent): void => {
    if ((e.buttons & 1) !== 0 && this.renderer.click(e.offsetX, e.offsetY, true) && !this.running) this.draw();
  };

  /** The memory drawn: the live one, or the frozen copy a snapshot was loaded into. */
  private readonly memory: Memory;
  /** The snapshot drawn, or null for a live memory. */
  private readonly loaded: InspectorSnapshot | null;
  /** While paused: the memory as of the pause (taken at the first draw after it), which snapshot() returns. */
  private frozen: InspectorSnapshot | null = null;

  /** @internal Use {@link mountInspector}. */
  constructor(source: Memory | InspectorSnapshot, element: HTMLElement, options: InspectorOptions = {}) {
    // a snapshot first: a bad one throws before anything is added to the page
    const memory = source instanceof MemoryCore ? source : openSnapshot(source);
    this.memory = memory;
    this.loaded = source instanceof MemoryCore ? null : source;
    const dpr = dprOf(options);
    const { width, height } = sizeOf(element, options);
    const { wrapper, canvas } = makeCanvas(element, width, height, dpr);
    this.wrapper = wrapper;
    this.canvas = canvas;
    const ctx = canvas.getContext('2d', { alpha: false });
    if (ctx === null) throw new Error('mountInspector: this canvas has no 2D context');
    this.renderer = new InspectorRenderer(memory, ctx, { width, height, dpr });
    if (this.loaded !== null) this.renderer.model.showSnapshot(memory.threadId, this.loaded.takenAt);
    if (options.slotsPerFrame !== undefined) this.renderer.slotsPerFrame = options.slotsPerFrame;
    this.renderer.setViews(options.timeline !== false, options.threads !== false, options.leaks !== false, options.oldFrames);
    this.tip = options.tooltip === false ? null : makeTooltip(wrapper);
    canvas.addEventListener('pointermove', this.onMove);
    canvas.addEventListener('pointerleave', this.onLeave);
    canvas.addEventListener('pointerdown', this.onDown);
    canvas.addEventListener('pointermove', this.onDrag);
    this.observer = followSize(element, canvas, options, (w, h, d) => {
      canvas.width = Math.max(1, Math.round(w * d));
      canvas.height = Math.max(1, Math.round(h * d));
      this.renderer.resize({ width: w, height: h, dpr: d });
      if (!this.running) this.draw();
    });
    if (options.autoStart !== false) this.start();
  }

  /**
   * Reads the memory and draws one frame now (and updates the tooltip). Allocates nothing per
   * frame (see {@link InspectorRenderer.draw}).
   *
   * Thread-safety: the main thread.
   * @example
   * ```ts
   * const inspector = mountInspector(memory, el, { autoStart: false });
   * memory.advance();
   * inspector.draw();
   * ```
   */
  draw(): void {
    this.renderer.draw();
    // a pause freezes the picture; the snapshot of that moment is taken once, at the first draw of the pause
    if (!this.renderer.view.paused) this.frozen = null;
    else if (this.loaded === null) this.frozen ??= takeSnapshot(this.memory);
    this.updateTip();
  }

  /**
   * Draws every animation frame from now on (the default after mounting).
   *
   * Thread-safety: the main thread.
   * @example
   * ```ts
   * inspector.start();
   * ```
   */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.raf = requestAnimationFrame(this.tick);
  }

  /**
   * Stops drawing; the canvas keeps the last frame.
   *
   * Thread-safety: the main thread.
   * @example
   * ```ts
   * inspector.stop();
   * ```
   */
  stop(): void {
    this.running = false;
    cancelAnimationFrame(this.raf);
  }

  /**
   * True while drawing every animation frame.
   *
   * Thread-safety: the main thread.
   * @example
   * ```ts
   * if (!inspector.isRunning) inspector.start();
   * ```
   */
  get isRunning(): boolean {
    return this.running;
  }

  /**
   * Freezes the picture: draws go on (the tooltip works) but repaint the numbers of the moment
   * of the pause, while the game runs on. Clicking a frame of the timeline does the same and puts
   * the cursor on that frame; clicking the timeline's label row resumes.
   *
   * Thread-safety: the main thread.
   * @see {@link Inspector.scrub} to look at one of the last 64 frames.
   * @example
   * ```ts
   * inspector.pause();
   * console.log(inspector.readout().timeline.frames.length);
   * inspector.resume();
   * ```
   */
  pause(): void {
    applyView(this.renderer.view, this.renderer.model, true, this.renderer.view.scrub);
    if (!this.running) this.draw();
  }

  /**
   * Draws live numbers again and clears the timeline's cursor.
   *
   * Thread-safety: the main thread.
   * @example
   * ```ts
   * inspector.resume();
   * ```
   */
  resume(): void {
    applyView(this.renderer.view, this.renderer.model, false, -1);
    if (!this.running) this.draw();
  }

  /**
   * Pauses and puts the timeline's cursor on `frame`, one of the last 64 frames (the label row
   * then describes it: its time and bytes). A frame outside the timeline clears the cursor.
   *
   * Thread-safety: the main thread.
   * @example
   * ```ts
   * inspector.scrub(memory.frame - 10);
   * console.log(inspector.readout().timeline.scrub);
   * ```
   */
  scrub(frame: number): void {
    applyView(this.renderer.view, this.renderer.model, true, frame);
    if (!this.running) this.draw();
  }

  /**
   * The memory's state now as one JSON value, to attach to a bug report: the bytes of every
   * header, table, slot array and statistics block (not the allocated data), and
   * `memory.snapshot()`. {@link mountInspector} draws it on any page, without the game. While
   * paused, the snapshot of the pause (taken at the first draw after it, within a frame of the
   * picture); for a loaded snapshot, that snapshot.
   *
   * Thread-safety: the main thread. Allocates: for a button, not for a frame.
   * @see {@link Inspector.downloadSnapshot}, which saves it as a file.
   * @example
   * ```ts
   * const json = JSON.stringify(inspector.snapshot());
   * ```
   */
  snapshot(): InspectorSnapshot {
    return this.loaded ?? this.frozen ?? takeSnapshot(this.memory);
  }

  /**
   * Saves {@link Inspector.snapshot} as a JSON file through the browser's download (the name
   * defaults to `nebula-memory-frame-<frame>.json`). Returns the snapshot saved.
   *
   * Thread-safety: the main thread.
   * @example
   * ```ts
   * button.onclick = () => inspector.downloadSnapshot();
   * ```
   */
  downloadSnapshot(fileName?: string): InspectorSnapshot {
    return saveSnapshotFile(this.canvas.ownerDocument, this.snapshot(), fileName);
  }

  /**
   * True while the picture is paused.
   *
   * Thread-safety: the main thread.
   * @example
   * ```ts
   * if (inspector.isPaused) inspector.resume();
   * ```
   */
  get isPaused(): boolean {
    return this.renderer.view.paused;
  }

  /**
   * Stops drawing and removes the canvas and the tooltip from the page.
   *
   * Thread-safety: the main thread.
   * @example
   * ```ts
   * inspector.destroy();
   * ```
   */
  destroy(): void {
    this.stop();
    this.observer?.disconnect();
    this.canvas.removeEventListener('pointermove', this.onMove);
    this.canvas.removeEventListener('pointerleave', this.onLeave);
    this.canvas.removeEventListener('pointerdown', this.onDown);
    this.canvas.removeEventListener('pointermove', this.onDrag);
    this.wrapper.remove();
  }

  /**
   * What is at CSS point (x, y) of the canvas, as of the last draw, with the tooltip's numbers.
   *
   * Thread-safety: the main thread.
   * @example
   * ```ts
   * const hit = inspector.hitTest(100, 60);
   * ```
   */
  hitTest(x: number, y: number): InspectorHit | null {
    return this.renderer.hitTest(x, y);
  }

  /**
   * The numbers the last draw read and drew, to compare with `memory.snapshot()`.
   *
   * Thread-safety: the main thread.
   * @example
   * ```ts
   * inspector.stop();
   * const { regions } = inspector.readout();
   * ```
   */
  readout(): InspectorReadout {
    return this.renderer.readout();
  }

  private updateTip(): void {
    const tip = this.tip;
    if (tip === null || this.renderer.hoverChanges === this.tipSeen) return;
    this.tipSeen = this.renderer.hoverChanges;
    const hit = this.renderer.hovered();
    if (hit === null) {
      tip.style.display = 'none';
      return;
    }
    tip.textContent = hit.lines.join('\n');
    tip.style.display = 'block';
    const pos = this.renderer.hoverPoint();
    const w = this.canvas.clientWidth;
    tip.style.left = `${Math.min(pos.x + 14, Math.max(0, w - tip.offsetWidth))}px`;
    tip.style.top = `${pos.y + 14}px`;
  }
}

/**
 * Mounts a live inspector in `element`: a canvas that draws the timeline (the last 64 frames'
 * bytes per region and frame times), the thread table, every arena (used, peak, per-thread
 * lanes, high-water graph), pool (a slot grid coloured by owner thread), stack (depth, marks),
 * the counters and the warnings, every animation frame, straight from the shared buffer.
 * Given an {@link InspectorSnapshot} (the parsed JSON of {@link Inspector.downloadSnapshot})
 * instead of a memory, it draws that moment, on any page, with no game running.
 *
 * Thread-safety: the main thread (DOM); to draw in a worker, use {@link mountInspectorInWorker}.
 * @see {@link mountInspectorInWorker} and {@link serveInspectorWorker}, the same drawing in a worker on an OffscreenCanvas.
 * @see {@link Inspector.readout} for the numbers it drew, {@link nebula-memory!Memory.snapshot | Memory.snapshot} for the same without a canvas.
 * @example
 * ```ts
 * import { createMemory } from 'nebula-memory';
 * import { mountInspector } from 'nebula-memory/inspector';
 * const memory = createMemory({ size: 16 << 20 });
 * memory.createPool('particles', { slotSize: 32, capacity: 100_000 });
 * const inspector = mountInspector(memory, document.querySelector('#inspector')!, { height: 400 });
 * // a saved snapshot, on a page with no game:
 * const saved = JSON.parse(await file.text()) as InspectorSnapshot;
 * mountInspector(saved, document.querySelector('#viewer')!);
 * ```
 * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` when `source` is neither a memory nor a snapshot this version reads.
 */
export function mountInspector(source: Memory | InspectorSnapshot, element: HTMLElement, options: InspectorOptions = {}): Inspector {
  return new Inspector(source, element, options);
}
