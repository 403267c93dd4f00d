/**
 * Worker mode: the same renderer drawing on an OffscreenCanvas inside a worker, which attaches
 * to the shared memory itself, so the page's main thread does nothing per frame. The page side
 * ({@link mountInspectorInWorker}) transfers the canvas and forwards pointer moves and resizes;
 * the worker draws the tooltip on the canvas.
 * @module
 */
import type { SharedMemoryInit } from '../api.ts';
import { memoryError } from '../errors.ts';
import { attachMemory, type Memory } from '../runtime/memory.ts';
import { type InspectorOptions, dprOf, followSize, makeCanvas, sizeOf } from './mount.ts';
import type { InspectorReadout } from './readout.ts';
import { InspectorRenderer } from './renderer.ts';

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
  }
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
  private readonly tick = (): void => {
    if (!this.running) return;
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
    this.memory = attachMemory(init);
    try {
      this.renderer = new InspectorRenderer(this.memory, ctx, { width: options.width, height: options.height, dpr });
    } catch (e) {
      this.memory.detach();
      throw e;
    }
    this.renderer.setCanvasTooltip(true);
    if (options.slotsPerFrame !== undefined) this.renderer.slotsPerFrame = options.slotsPerFrame;
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
          width: m.width, height: m.height, dpr: m.dpr, ...(m.slotsPerFrame === undefined ? {} : { slotsPerFrame: m.slotsPerFrame }),
        });
        scope.postMessage({ type: 'nebula-inspector:ready', threadId: inspector.memory.threadId } satisfies InspectorWorkerMessage);
      } else if (inspector === null) {
        return;
      } else if (m.type === 'nebula-inspector:hover') {
        inspector.renderer.hover(m.x, m.y);
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

/**
 * The page side of an inspector drawing in a worker, made by {@link mountInspectorInWorker}.
 *
 * Thread-safety: the main thread.
 * @example
 * ```ts
 * const worker = new Worker(new URL('./inspector.worker.ts', import.meta.url), { type: 'module' });
 * const remote = mountInspectorInWorker(memory, el, worker);
 * await remote.ready;
 * console.log((await remote.readout()).frame);
 * ```
 */
export class RemoteInspector {
  /** The canvas whose control went to the worker. */
  readonly canvas: HTMLCanvasElement;
  /** The worker drawing it. */
  readonly worker: Worker;
  /** Resolves with the worker's thread id once it attached and started drawing; rejects on its error. */
  readonly ready: Promise<number>;
  private readonly wrapper: HTMLDivElement;
  private readonly observer: ResizeObserver | null = null;
  private readonly pending = new Map<number, (r: InspectorReadout) => void>();
  private readonly ownsWorker: boolean;
  private nextId = 1;
  private readonly onMove = (e: PointerEvent): void => {
    this.post({ type: 'nebula-inspector:hover', x: e.offsetX, y: e.offsetY });
  };
  private readonly onLeave = (): void => {
    this.post({ type: 'nebula-inspector:hover', x: null, y: 0 });
  };

  /** @internal Use {@link mountInspectorInWorker}. */
  constructor(memory: Memory, element: HTMLElement, worker: Worker | URL | string, options: InspectorOptions = {}) {
    const dpr = dprOf(options);
    const { width, height } = sizeOf(element, options);
    const { wrapper, canvas } = makeCanvas(element, width, height, dpr);
    this.wrapper = wrapper;
    this.canvas = canvas;
    this.ownsWorker = !(worker instanceof Worker);
    this.worker = worker instanceof Worker ? worker : new Worker(worker, { type: 'module' });
    this.ready = new Promise<number>((resolve, reject) => {
      this.worker.addEventListener('message', (e: MessageEvent<InspectorWorkerMessage>) => {
        const m = e.data;
        if (m.type === 'nebula-inspector:ready') resolve(m.threadId);
        else if (m.type === 'nebula-inspector:error') reject(new Error(`inspector worker: ${m.message}`));
        else if (m.type === 'nebula-inspector:readout-reply') {
          this.pending.get(m.id)?.(m.readout);
          this.pending.delete(m.id);
        }
      });
      this.worker.addEventListener('error', (e) => { reject(new Error(`inspector worker failed: ${e.message}`)); });
    });
    const offscreen = canvas.transferControlToOffscreen();
    this.worker.postMessage({
      type: 'nebula-inspector:init', canvas: offscreen, memory: memory.share(), width, height, dpr,
      ...(options.slotsPerFrame === undefined ? {} : { slotsPerFrame: options.slotsPerFrame }),
    } satisfies InspectorWorkerMessage, [offscreen]);
    if (options.tooltip !== false) {
      canvas.addEventListener('pointermove', this.onMove);
      canvas.addEventListener('pointerleave', this.onLeave);
    }
    this.observer = followSize(element, canvas, options, (w, h, d) => {
      this.post({ type: 'nebula-inspector:resize', width: w, height: h, dpr: d });
    });
  }

  private post(m: InspectorWorkerMessage): void {
    this.worker.postMessage(m);
  }

  /**
   * Forwards a pointer position in CSS pixels (or `null` to clear it): the worker hit-tests it
   * and draws the tooltip on the canvas. Pointer moves over the canvas are forwarded already.
   *
   * Thread-safety: the main thread.
   * @example
   * ```ts
   * remote.hover(120, 40);
   * ```
   */
  hover(x: number | null, y = 0): void {
    this.post({ type: 'nebula-inspector:hover', x, y });
  }

  /**
   * Asks the worker for the numbers it last drew.
   *
   * Thread-safety: the main thread.
   * @example
   * ```ts
   * const r = await remote.readout();
   * ```
   */
  async readout(): Promise<InspectorReadout> {
    await this.ready;
    const id = this.nextId++;
    return new Promise<InspectorReadout>((resolve) => {
      this.pending.set(id, resolve);
      this.post({ type: 'nebula-inspector:readout', id });
    });
  }

  /**
   * Stops the worker's drawing, detaches it from the memory, and removes the canvas; terminates
   * the worker if this call made it.
   *
   * Thread-safety: the main thread.
   * @example
   * ```ts
   * remote.destroy();
   * ```
   */
  destroy(): void {
    this.observer?.disconnect();
    this.post({ type: 'nebula-inspector:stop' });
    if (this.ownsWorker) setTimeout(() => { this.worker.terminate(); }, 100);
    this.wrapper.remove();
  }
}

/**
 * Mounts an inspector whose drawing runs in a worker: a canvas in `element` whose control is
 * transferred (`transferControlToOffscreen`) to `worker` (a Worker running
 * {@link serveInspectorWorker}, or its module URL). The worker attaches to the memory and draws
 * from the shared buffer at its own frame rate; the page forwards pointer moves and resizes.
 * With a bundler (Vite, webpack), pass a Worker made with the literal
 * `new Worker(new URL('./x.worker.ts', import.meta.url), { type: 'module' })`: only that pattern
 * makes the bundler build the worker; a URL passed on is copied as a raw file.
 *
 * Thread-safety: the main thread; `memory` must be shared (`memory.share()` works).
 * @throws {@link nebula-memory!MemoryError} `NOT_SHARED` when the memory is an ArrayBuffer.
 * @see {@link serveInspectorWorker}, the one call the worker's file makes.
 * @see {@link mountInspector}, the same inspector drawn on the page, without a worker.
 * @example
 * ```ts
 * import { mountInspectorInWorker } from 'nebula-memory/inspector';
 * const worker = new Worker(new URL('./inspector.worker.ts', import.meta.url), { type: 'module' });
 * const remote = mountInspectorInWorker(memory, document.querySelector('#inspector')!, worker);
 * ```
 */
export function mountInspectorInWorker(memory: Memory, element: HTMLElement, worker: Worker | URL | string, options: InspectorOptions = {}): RemoteInspector {
  return new RemoteInspector(memory, element, worker, options);
}
