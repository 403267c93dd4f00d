/**
 * The page's DOM around an inspector: its options, the size it takes (from the options or the
 * element, following resizes), the canvas with its wrapper, and the tooltip element. Shared by
 * {@link mountInspector} and {@link mountInspectorInWorker}.
 * @module
 */
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
   * frames, bounding the cost per frame (see `InspectorRenderer.slotsPerFrame`).
   * @defaultValue 262144
   */
  readonly slotsPerFrame?: number;
  /** Draw the timeline (the last 64 frames' bytes per region and frame times) at the top. @defaultValue true */
  readonly timeline?: boolean;
  /** Draw the thread table (every thread's state, lag, leases and cached slots). @defaultValue true */
  readonly threads?: boolean;
  /** Draw the leak table (per pool, live and old slots by call site; the slot clicked in a grid). @defaultValue true */
  readonly leaks?: boolean;
  /** Live pool slots older than this many frames count as old in the leak table (a whole number ≥ 1). @defaultValue 120 */
  readonly oldFrames?: number;
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
