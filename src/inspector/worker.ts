/**
 * Worker mode, the worker's side: the same renderer drawing on an OffscreenCanvas inside a
 * worker, which attaches to the shared memory itself, so the page's main thread does nothing per
 * frame. The page side (remote.ts, {@link nebula-memory/inspector!mountInspectorInWorker}) transfers the canvas
 * and forwards pointer moves, clicks and resizes; the worker draws the tooltip on the canvas.
 * @module
 */
import type { SharedMemoryInit } from '../api.ts';
import { memoryError } from '../errors.ts';
import { attachMemory, type Memory } from '../runtime/memory.ts';
import type { InspectorReadout } from './readout.ts';
import { InspectorRenderer } from './renderer.ts';
import { applyView } from './view-state.ts';

/**
 * Messages between the page and an inspector worker (the `type` field names each). The protocol
 * of {@link mountInspectorInWorker} and {@link serveInspectorWorker}; not part of the public API.
 * @internal
 *
 * Thread-safety: structured-cloneable values; any worker.
 * @example
 * ```ts
 * worker.postMessage({ type: 'nebula-inspector:hover', x: 10, y: 20 } satisfies InspectorWorkerMessage);
 * ```
 */
export type InspectorWorkerMessage =
  | {
    readonly type: 'nebula-inspector:init'; readonly canvas: OffscreenCanvas; readonly memory: SharedMemoryInit;
    readonly width: number; readonly height: number; readonly dpr: number; readonly slotsPerFrame?: number;
    readonly timeline?: boolean; readonly threads?: boolean; readonly leaks?: boolean; readonly oldFrames?: number;
  }
  | { readonly type: 'nebula-inspector:click'; readonly x: number; readonly y: number; readonly drag: boolean }
  | { readonly type: 'nebula-inspector:view'; readonly paused: boolean; readonly scrub: number }
  | { readonly type: 'nebula-inspector:resize'; readonly width: number; readonly height: number; readonly dpr: number }
  | { readonly type: 'nebula-inspector:hover'; readonly x: number | null; readonly y: number }
  | { readonly type: 'nebula-inspector:readout'; readonly id: number }
  | { readonly type: 'nebula-inspector:stop' }
  | { readonly type: 'nebula-inspector:ready'; readonly threadId: number }
  | { readonly type: 'nebula-inspector:readout-reply'; readonly id: number; readonly readout: InspectorReadout }
  | { readonly type: 'nebula-inspector:error'; readonly message: string };

/**
 * Options of {@link startInspectorWorker}.
 *
 * Thread-safety: a plain data shape; any worker.
 * @example
 * ```ts
 * const o: InspectorWorkerOptions = { width: 640, height: 480, dpr: 2 };
 * ```
 */
export interface InspectorWorkerOptions {
  /** Width in CSS pixels. */
  readonly width: number;
  /** Height in CSS pixels. */
  readonly height: number;
  /** Device pixels per CSS pixel. @defaultValue 1 */
  readonly dpr?: number;
  /** Start the draw loop at once. @defaultValue true */
  readonly autoStart?: boolean;
  /** Pool slots each pool's grid reads per frame (see {@link InspectorRenderer.slotsPerFrame}). @defaultValue 262144 */
  readonly slotsPerFrame?: number;
  /** Draw the timeline. @defaultValue true */
  readonly timeline?: boolean;
  /** Draw the thread table. @defaultValue true */
  readonly threads?: boolean;
  /** Draw the leak table. @defaultValue true */
  readonly leaks?: boolean;
  /** Frames after which a live slot counts as old in the leak table. @defaultValue 120 */
  readonly oldFrames?: number;
}

interface FrameScope {
  requestAnimationFrame?: (cb: (t: number) => void) => number;
  cancelAnimationFrame?: (id: number) => void;
}

/**
 * An inspector drawing inside a worker, made by {@link startInspectorWorker}.
 *
 * Thread-safety: the worker that made it.
 * @example
 * ```ts
 * const wi = startInspectorWorker(canvas, init, { width: 640, height: 480 });
 * wi.renderer.hover(30, 40);
 * ```
 */
export class WorkerInspector {
  /** This worker's attachment to the shared memory. */
  readonly memory: Memory;
  /** The renderer, drawing on the OffscreenCanvas (tooltip included). */
  readonly renderer: InspectorRenderer;
  private readonly canvas: OffscreenCanvas;
  private timer = 0;
  private running = false;
  private usesRaf = false;
  /** Report a frame each draw (until the thread's id is no longer its own). */
  private reporting = true;
  private readonly tick = (): void => {
    if (!this.running) return;
    if (this.reporting) {
      try {
        // report this thread's frame, so the thread table does not show the inspector lagging
        this.memory.publishStats();
      } catch {
        this.reporting = false; // reclaimed or detached: keep drawing what the buffer holds, report no more
      }
    }
    this.renderer.draw();
    this.schedule();
  };

  /** @internal Use {@link startInspectorWorker}. */
  constructor(canvas: OffscreenCanvas, init: SharedMemoryInit, options: InspectorWorkerOptions) {
    this.canvas = canvas;
    // the canvas first: a canvas that cannot be drawn on must not leave this worker attached
    const dpr = options.dpr ?? 1;
    canvas.width = Math.max(1, Math.round(options.width * dpr));
    canvas.height = Math.max(1, Math.round(options.height * dpr));
    const ctx = canvas.getContext('2d', { alpha: false });
    if (ctx === null) {
      throw memoryError('INVALID_OPTION', 'startInspectorWorker: this OffscreenCanvas has no 2D context', {
        allocator: 'inspector', request: { width: options.width, height: options.height }, state: {},
        suggestion: 'transfer a canvas that has no other context (transferControlToOffscreen() of a fresh <canvas>).',
      });
    }
    this.memory = attachMemory(init, { name: 'inspector' });
    try {
      this.renderer = new InspectorRenderer(this.memory, ctx, { width: options.width, height: options.height, dpr });
    } catch (e) {
      this.memory.detach();
      throw e;
    }
    this.renderer.setCanvasTooltip(true);
    if (options.slotsPerFrame !== undefined) this.renderer.slotsPerFrame = options.slotsPerFrame;
    this.renderer.setViews(options.timeline !== false, options.threads !== false, options.leaks !== false, options.oldFrames);
    if (options.autoStart !== false) this.start();
  }

  private schedule(): void {
    const scope = globalThis as FrameScope;
    if (typeof scope.requestAnimationFrame === 'function') {
      this.usesRaf = true;
      this.timer = scope.requestAnimationFrame(this.tick);
    } else {
      this.usesRaf = false;
      this.timer = setTimeout(this.tick, 16) as unknown as number;
    }
  }

  /**
   * Draws every frame from now on: with the worker's `requestAnimationFrame` where it exists,
   * else a 16 ms timer.
   *
   * Thread-safety: the inspector's worker.
   * @example
   * ```ts
   * wi.start();
   * ```
   */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  /**
   * Stops drawing; the canvas keeps the last frame.
   *
   * Thread-safety: the inspector's worker.
   * @example
   * ```ts
   * wi.stop();
   * ```
   */
  stop(): void {
    this.running = false;
    if (this.usesRaf) (globalThis as FrameScope).cancelAnimationFrame?.(this.timer);
    else clearTimeout(this.timer);
  }

  /**
   * Resizes the OffscreenCanvas and the layout.
   *
   * Thread-safety: the inspector's worker.
   * @example
   * ```ts
   * wi.resize(800, 600, 1);
   * ```
   */
  resize(width: number, height: number, dpr: number): void {
    this.canvas.width = Math.max(1, Math.round(width * dpr));
    this.canvas.height = Math.max(1, Math.round(height * dpr));
    this.renderer.resize({ width, height, dpr });
    if (!this.running) this.renderer.draw();
  }

  /**
   * Stops drawing and detaches this worker from the memory (its thread id is given back).
   *
   * Thread-safety: the inspector's worker.
   * @example
   * ```ts
   * wi.destroy();
   * ```
   */
  destroy(): void {
    this.stop();
    this.memory.detach();
  }
}

/**
 * Starts an inspector inside a worker: attaches to the shared memory with `init` (what
 * `memory.share()` returned on the page) and draws on `canvas` every frame.
 *
 * Internal: not exported by `nebula-memory/inspector`; an inspector worker calls
 * {@link serveInspectorWorker}, which calls this on its `init` message.
 *
 * Thread-safety: call in the worker that received the transferred canvas.
 * @example
 * ```ts
 * // inside serveInspectorWorker(), on the page's init message
 * inspector = startInspectorWorker(m.canvas, m.memory, { width: m.width, height: m.height, dpr: m.dpr });
 * ```
 */
export function startInspectorWorker(canvas: OffscreenCanvas, init: SharedMemoryInit, options: InspectorWorkerOptions): WorkerInspector {
  return new WorkerInspector(canvas, init, options);
}

interface MessageScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<InspectorWorkerMessage>) => void): void;
}

/**
 * Makes the calling worker an inspector worker speaking the protocol of
 * {@link mountInspectorInWorker}: it waits for the canvas and the memory, then draws, follows
 * hover and resize messages, answers readout requests, and detaches on stop. A worker file needs
 * only this call.
 *
 * Thread-safety: call once, in a dedicated worker.
 * @see {@link mountInspectorInWorker}, its page side, which makes the canvas and sends it here.
 * @see {@link mountInspector}, the same inspector drawn on the page itself.
 * @example
 * ```ts
 * // inspector.worker.ts
 * import { serveInspectorWorker } from 'nebula-memory/inspector';
 * serveInspectorWorker();
 * ```
 */
export function serveInspectorWorker(): void {
  const scope = globalThis as unknown as MessageScope;
  let inspector: WorkerInspector | null = null;
  scope.addEventListener('message', (e) => {
    const m = e.data;
    try {
      if (m.type === 'nebula-inspector:init') {
        inspector = startInspectorWorker(m.canvas, m.memory, {
          width: m.width, height: m.height, dpr: m.dpr, timeline: m.timeline !== false, threads: m.threads !== false, leaks: m.leaks !== false,
          ...(m.oldFrames === undefined ? {} : { oldFrames: m.oldFrames }),
          ...(m.slotsPerFrame === undefined ? {} : { slotsPerFrame: m.slotsPerFrame }),
        });
        scope.postMessage({ type: 'nebula-inspector:ready', threadId: inspector.memory.threadId } satisfies InspectorWorkerMessage);
      } else if (inspector === null) {
        return;
      } else if (m.type === 'nebula-inspector:hover') {
        inspector.renderer.hover(m.x, m.y);
      } else if (m.type === 'nebula-inspector:click') {
        inspector.renderer.click(m.x, m.y, m.drag);
      } else if (m.type === 'nebula-inspector:view') {
        applyView(inspector.renderer.view, inspector.renderer.model, m.paused, m.scrub);
      } else if (m.type === 'nebula-inspector:resize') {
        inspector.resize(m.width, m.height, m.dpr);
      } else if (m.type === 'nebula-inspector:readout') {
        scope.postMessage({ type: 'nebula-inspector:readout-reply', id: m.id, readout: inspector.renderer.readout() } satisfies InspectorWorkerMessage);
      } else if (m.type === 'nebula-inspector:stop') {
        inspector.destroy();
        inspector = null;
      }
    } catch (err) {
      scope.postMessage({ type: 'nebula-inspector:error', message: err instanceof Error ? err.message : String(err) } satisfies InspectorWorkerMessage);
    }
  });
}
