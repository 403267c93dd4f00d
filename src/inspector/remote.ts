/**
 * Worker mode, the page's side: a canvas whose control goes to an inspector worker
 * ({@link nebula-memory/inspector!serveInspectorWorker}), with pointer moves, clicks, resizes, pause and scrub forwarded
 * as messages (worker.ts has the protocol).
 * @module
 */
import type { Memory } from '../runtime/memory.ts';
import { type InspectorOptions, dprOf, followSize, makeCanvas, sizeOf } from './dom.ts';
import type { InspectorReadout } from './readout.ts';
import { type InspectorSnapshot, saveSnapshotFile, takeSnapshot } from './snapshot.ts';
import type { InspectorWorkerMessage } from './worker.ts';

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
  private readonly memory: Memory;
  private readonly onMove = (e: PointerEvent): void => {
    this.post({ type: 'nebula-inspector:hover', x: e.offsetX, y: e.offsetY });
  };
  private readonly onLeave = (): void => {
    this.post({ type: 'nebula-inspector:hover', x: null, y: 0 });
  };
  private readonly onDown = (e: PointerEvent): void => {
    this.post({ type: 'nebula-inspector:click', x: e.offsetX, y: e.offsetY, drag: false });
  };
  private readonly onDrag = (e: PointerEvent): void => {
    if ((e.buttons & 1) !== 0) this.post({ type: 'nebula-inspector:click', x: e.offsetX, y: e.offsetY, drag: true });
  };

  /** @internal Use {@link mountInspectorInWorker}. */
  constructor(memory: Memory, element: HTMLElement, worker: Worker | URL | string, options: InspectorOptions = {}) {
    const dpr = dprOf(options);
    const { width, height } = sizeOf(element, options);
    const { wrapper, canvas } = makeCanvas(element, width, height, dpr);
    this.memory = memory;
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
      timeline: options.timeline !== false, threads: options.threads !== false, leaks: options.leaks !== false,
      ...(options.oldFrames === undefined ? {} : { oldFrames: options.oldFrames }),
      ...(options.slotsPerFrame === undefined ? {} : { slotsPerFrame: options.slotsPerFrame }),
    } satisfies InspectorWorkerMessage, [offscreen]);
    if (options.tooltip !== false) {
      canvas.addEventListener('pointermove', this.onMove);
      canvas.addEventListener('pointerleave', this.onLeave);
    }
    canvas.addEventListener('pointerdown', this.onDown);
    canvas.addEventListener('pointermove', this.onDrag);
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
   * Freezes the worker's picture (the game runs on); see {@link nebula-memory/inspector!Inspector.pause | Inspector.pause}.
   *
   * Thread-safety: the main thread.
   * @example
   * ```ts
   * remote.pause();
   * ```
   */
  pause(): void {
    this.post({ type: 'nebula-inspector:view', paused: true, scrub: -1 });
  }

  /**
   * Draws live numbers again and clears the timeline's cursor.
   *
   * Thread-safety: the main thread.
   * @example
   * ```ts
   * remote.resume();
   * ```
   */
  resume(): void {
    this.post({ type: 'nebula-inspector:view', paused: false, scrub: -1 });
  }

  /**
   * Pauses and puts the timeline's cursor on `frame` (one of the last 64 frames; others clear it).
   *
   * Thread-safety: the main thread.
   * @example
   * ```ts
   * remote.scrub(memory.frame - 10);
   * ```
   */
  scrub(frame: number): void {
    this.post({ type: 'nebula-inspector:view', paused: true, scrub: frame });
  }

  /**
   * The memory's state now as one JSON value (see {@link nebula-memory/inspector!Inspector.snapshot | Inspector.snapshot}); taken on the page, from the same shared buffer.
   *
   * Thread-safety: the main thread.
   * @example
   * ```ts
   * const json = JSON.stringify(remote.snapshot());
   * ```
   */
  snapshot(): InspectorSnapshot {
    return takeSnapshot(this.memory);
  }

  /**
   * Saves {@link RemoteInspector.snapshot} as a JSON file through the browser's download.
   *
   * Thread-safety: the main thread.
   * @example
   * ```ts
   * remote.downloadSnapshot('bug-1234.json');
   * ```
   */
  downloadSnapshot(fileName?: string): InspectorSnapshot {
    return saveSnapshotFile(this.canvas.ownerDocument, this.snapshot(), fileName);
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
 * {@link nebula-memory/inspector!serveInspectorWorker}, or its module URL). The worker attaches to the memory and draws
 * from the shared buffer at its own frame rate; the page forwards pointer moves and resizes.
 * With a bundler (Vite, webpack), pass a Worker made with the literal
 * `new Worker(new URL('./x.worker.ts', import.meta.url), { type: 'module' })`: only that pattern
 * makes the bundler build the worker; a URL passed on is copied as a raw file.
 *
 * Thread-safety: the main thread; `memory` must be shared (`memory.share()` works).
 * @throws {@link nebula-memory!MemoryError} `NOT_SHARED` when the memory is an ArrayBuffer.
 * @see {@link nebula-memory/inspector!serveInspectorWorker}, the one call the worker's file makes.
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
