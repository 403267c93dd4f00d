/**
 * Mount mode: the inspector on the page. A canvas (and a DOM tooltip) inside the given element,
 * redrawn every animation frame from the shared buffer, with no messages.
 * @module
 */
import type { Memory } from '../runtime/memory.ts';
import type { InspectorReadout } from './readout.ts';
import { InspectorRenderer } from './renderer.ts';
import type { InspectorHit } from './tooltip.ts';

/**
 * Options of {@link mountInspector} and {@link mountInspectorInWorker}.
 *
 * Thread-safety: a plain data shape; any worker.
 * @example
 * ```ts
 * const options: InspectorOptions = { height: 420, autoStart: false };
 * ```
 */
export interface InspectorOptions {
  /** Width in CSS pixels. MUST be positive. @defaultValue the element's width, following its resizes (640 if it has none) */
  readonly width?: number;
  /** Height in CSS pixels. MUST be positive. @defaultValue the element's height, following its resizes (480 if it has none) */
  readonly height?: number;
  /** Device pixels per CSS pixel. @defaultValue `devicePixelRatio` */
  readonly dpr?: number;
  /** Start drawing every animation frame at once; with false, call `draw()` or `start()`. @defaultValue true */
  readonly autoStart?: boolean;
  /** Show a tooltip with the numbers under the pointer. @defaultValue true */
  readonly tooltip?: boolean;
  /**
   * Pool slots each pool's grid reads per frame; a larger pool's grid is swept over several
   * frames, bounding the cost per frame (see {@link InspectorRenderer.slotsPerFrame}).
   * @defaultValue 262144
   */
  readonly slotsPerFrame?: number;
}

/** The CSS size to use: the options', else the element's, else 640 x 480. */
export function sizeOf(element: HTMLElement, options: InspectorOptions): { width: number; height: number } {
  return {
    width: options.width ?? (element.clientWidth > 0 ? element.clientWidth : 640),
    height: options.height ?? (element.clientHeight > 0 ? element.clientHeight : 480),
  };
}

/** The device pixel ratio to draw at: the options', else the window's, else 1. */
export function dprOf(options: InspectorOptions): number {
  return options.dpr ?? (typeof devicePixelRatio === 'number' ? devicePixelRatio : 1);
}

/**
 * Follows `element`'s size when the options leave width or height open: on each change, sets the
 * canvas's CSS size and calls `resized` with the new CSS size and pixel ratio. Null when the size
 * is fixed or there is no ResizeObserver.
 */
export function followSize(
  element: HTMLElement, canvas: HTMLCanvasElement, options: InspectorOptions,
  resized: (width: number, height: number, dpr: number) => void,
): ResizeObserver | null {
  if ((options.width !== undefined && options.height !== undefined) || typeof ResizeObserver !== 'function') return null;
  const observer = new ResizeObserver(() => {
    const size = sizeOf(element, options);
    canvas.style.width = `${size.width}px`;
    canvas.style.height = `${size.height}px`;
    resized(size.width, size.height, dprOf(options));
  });
  observer.observe(element);
  return observer;
}

/** Creates the wrapper (position: relative) and the canvas inside `element`. */
export function makeCanvas(element: HTMLElement, width: number, height: number, dpr: number): { wrapper: HTMLDivElement; canvas: HTMLCanvasElement } {
  const doc = element.ownerDocument;
  const wrapper = doc.createElement('div');
  wrapper.className = 'nebula-inspector';
  wrapper.style.position = 'relative';
  wrapper.style.lineHeight = '0';
  const canvas = doc.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', 'nebula-memory inspector: arenas, pools and stacks of the shared memory');
  canvas.width = Math.max(1, Math.round(width * dpr));
  canvas.height = Math.max(1, Math.round(height * dpr));
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  canvas.style.display = 'block';
  wrapper.append(canvas);
  element.append(wrapper);
  return { wrapper, canvas };
}

/** The tooltip element, hidden until the pointer is over something. */
export function makeTooltip(wrapper: HTMLElement): HTMLDivElement {
  const tip = wrapper.ownerDocument.createElement('div');
  tip.className = 'nebula-inspector-tooltip';
  tip.setAttribute('role', 'tooltip');
  Object.assign(tip.style, {
    position: 'absolute', pointerEvents: 'none', display: 'none', whiteSpace: 'pre', lineHeight: '1.35',
    font: '11px ui-monospace, Menlo, Consolas, monospace', color: '#d8dee9', background: 'rgba(10,12,16,0.92)',
    border: '1px solid #3a4352', borderLeft: '2px solid #e8c35e', padding: '4px 7px', zIndex: '1',
  });
  wrapper.append(tip);
  return tip;
}

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

  /** @internal Use {@link mountInspector}. */
  constructor(memory: Memory, element: HTMLElement, options: InspectorOptions = {}) {
    const dpr = dprOf(options);
    const { width, height } = sizeOf(element, options);
    const { wrapper, canvas } = makeCanvas(element, width, height, dpr);
    this.wrapper = wrapper;
    this.canvas = canvas;
    const ctx = canvas.getContext('2d', { alpha: false });
    if (ctx === null) throw new Error('mountInspector: this canvas has no 2D context');
    this.renderer = new InspectorRenderer(memory, ctx, { width, height, dpr });
    if (options.slotsPerFrame !== undefined) this.renderer.slotsPerFrame = options.slotsPerFrame;
    this.tip = options.tooltip === false ? null : makeTooltip(wrapper);
    canvas.addEventListener('pointermove', this.onMove);
    canvas.addEventListener('pointerleave', this.onLeave);
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
 * Mounts a live inspector in `element`: a canvas that draws every arena (used, peak, per-thread
 * lanes, high-water graph), pool (a slot grid coloured by owner thread), stack (depth, marks),
 * the counters and the warnings, every animation frame, straight from the shared buffer.
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
 * ```
 */
export function mountInspector(memory: Memory, element: HTMLElement, options: InspectorOptions = {}): Inspector {
  return new Inspector(memory, element, options);
}
