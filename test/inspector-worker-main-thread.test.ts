/**
 * The worker side of the inspector's worker mode (`startInspectorWorker`, `WorkerInspector`,
 * `serveInspectorWorker`), run on the test's own thread: inside a real Worker (as in
 * inspector-dom.test.ts) coverage does not see it. The draw loop runs on a hand-driven
 * `requestAnimationFrame` or on fake timers, so every frame is stepped by the test. The canvas is
 * a real OffscreenCanvas where one exists (browsers) and a stand-in with the stub context
 * otherwise; serveInspectorWorker's protocol is driven by calling the message listener it
 * installs, with `addEventListener` and `postMessage` swapped on the global scope only for
 * that synchronous call. Runs in every project: nothing here needs the DOM.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SharedMemoryInit } from '../src/index.ts';
import type { InspectorPoolReadout, InspectorReadout } from '../src/inspector/readout.ts';
import { InspectorRenderer } from '../src/inspector/renderer.ts';
import {
  type InspectorWorkerMessage, WorkerInspector, serveInspectorWorker, startInspectorWorker,
} from '../src/inspector/worker.ts';
import { BACKGROUND_RGB, FREE_RGB, THREAD_RGB } from '../src/inspector/colors.ts';
import { StubContext } from './fixtures/inspector-stub-context.ts';
import { compareReadout } from './fixtures/inspector-compare.ts';
import { expectCode } from './helpers.ts';
import { FrameQueue, StubCanvas, filled, hasOffscreen, offscreen } from './fixtures/inspector-worker-stubs.ts';

let frames: FrameQueue;

beforeEach(() => {
  frames = new FrameQueue();
  vi.stubGlobal('requestAnimationFrame', frames.request);
  vi.stubGlobal('cancelAnimationFrame', frames.cancel);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('startInspectorWorker on this thread', () => {
  it('attaches its own thread, sizes the canvas by the pixel ratio and reads what the page wrote', () => {
    const { memory, init } = filled();
    const canvas = offscreen();
    const wi = startInspectorWorker(canvas, init, { width: 320.4, height: 240, dpr: 1.5, autoStart: false, slotsPerFrame: 1000.7 });
    expect(wi).toBeInstanceOf(WorkerInspector);
    expect([canvas.width, canvas.height]).toEqual([481, 360]); // round(320.4 * 1.5), 240 * 1.5
    const tid = wi.memory.threadId;
    expect(tid).not.toBe(memory.threadId);
    expect(memory.snapshot().threads).toEqual([memory.threadId, tid]);
    expect(wi.renderer.slotsPerFrame).toBe(1000); // floored by the renderer
    expect(wi.renderer.frames).toBe(0); // autoStart: false draws nothing
    expect(frames.pending).toBe(0);
    wi.renderer.draw();
    const readout = wi.renderer.readout();
    expect(readout.drawn).toBe(1);
    expect(compareReadout(readout, memory.snapshot())).toEqual([]);
    expect((readout.regions[1] as InspectorPoolReadout).liveByThread[memory.threadId]).toBe(300);
    wi.destroy();
    expect(memory.snapshot().threads).toEqual([memory.threadId]);
    memory.checkInvariants();
  });

  it('draws with the default pixel ratio 1 and clamps a zero size to one pixel', () => {
    const { memory, init } = filled();
    const canvas = offscreen();
    const wi = startInspectorWorker(canvas, init, { width: 200, height: 100, autoStart: false });
    expect([canvas.width, canvas.height]).toEqual([200, 100]);
    expect(wi.renderer.slotsPerFrame).toBe(262_144); // the default: no option given
    wi.resize(0, 0.2, 3);
    expect([canvas.width, canvas.height]).toEqual([1, 1]);
    wi.destroy();
    memory.checkInvariants();
  });

  it('draws every animation frame until stopped, and start() does not start a second loop', () => {
    const { memory, init } = filled();
    const wi = startInspectorWorker(offscreen(), init, { width: 640, height: 480, dpr: 1 });
    expect(frames.pending).toBe(1); // autoStart: the first frame is requested
    expect(wi.renderer.frames).toBe(0);
    frames.run();
    expect(wi.renderer.frames).toBe(1);
    frames.run();
    expect(wi.renderer.frames).toBe(2);
    wi.start();
    expect(frames.pending).toBe(1);
    frames.run();
    expect(wi.renderer.frames).toBe(3);
    const last = frames.last;
    wi.stop();
    expect(frames.cancelled).toEqual([last]);
    expect(frames.pending).toBe(0);
    frames.run();
    expect(wi.renderer.frames).toBe(3);
    wi.destroy();
    memory.checkInvariants();
  });

  it('a callback that runs after stop() draws nothing and schedules nothing', () => {
    const { memory, init } = filled();
    // a requestAnimationFrame whose callbacks cannot be cancelled (the browser already queued them)
    const queued: ((t: number) => void)[] = [];
    vi.stubGlobal('requestAnimationFrame', (cb: (t: number) => void) => queued.push(cb));
    vi.stubGlobal('cancelAnimationFrame', () => undefined);
    const wi = startInspectorWorker(offscreen(), init, { width: 640, height: 480, dpr: 1 });
    expect(queued).toHaveLength(1);
    wi.stop();
    queued[0]?.(0);
    expect(wi.renderer.frames).toBe(0);
    expect(queued).toHaveLength(1);
    wi.destroy();
    memory.checkInvariants();
  });

  it('without requestAnimationFrame (a worker that lacks it) draws on a 16 ms timer', () => {
    const { memory, init } = filled();
    vi.stubGlobal('requestAnimationFrame', undefined);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const wi = startInspectorWorker(offscreen(), init, { width: 640, height: 480, dpr: 1 });
    vi.advanceTimersByTime(15);
    expect(wi.renderer.frames).toBe(0);
    vi.advanceTimersByTime(1);
    expect(wi.renderer.frames).toBe(1);
    vi.advanceTimersByTime(32);
    expect(wi.renderer.frames).toBe(3);
    wi.stop();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(100);
    expect(wi.renderer.frames).toBe(3);
    expect(frames.cancelled).toEqual([]); // the timer was cleared, no animation frame cancelled
    wi.destroy();
    memory.checkInvariants();
  });

  it('resize() lays out again: redraws at once when stopped, on the next frame when running', () => {
    const { memory, init } = filled();
    const canvas = offscreen();
    const wi = startInspectorWorker(canvas, init, { width: 640, height: 480, dpr: 1, autoStart: false, timeline: false, threads: false, leaks: false });
    wi.renderer.draw();
    // x = 700 is past a 640-pixel canvas; on an 800-pixel one it is inside the arena's bar
    expect(wi.renderer.hitTest(700, 45)).toBeNull();
    wi.resize(800, 600, 2);
    expect([canvas.width, canvas.height]).toEqual([1600, 1200]);
    expect(wi.renderer.frames).toBe(2);
    expect(wi.renderer.hitTest(700, 45)).toMatchObject({ region: 'frame', part: 'bar' });
    wi.start();
    wi.resize(640, 480, 1);
    expect([canvas.width, canvas.height]).toEqual([640, 480]);
    expect(wi.renderer.frames).toBe(2);
    frames.run();
    expect(wi.renderer.frames).toBe(3);
    expect(wi.renderer.hitTest(700, 45)).toBeNull();
    wi.destroy();
    expect(frames.pending).toBe(0);
    memory.checkInvariants();
  });

  it('draws the tooltip on the canvas itself (a worker has no DOM)', () => {
    const { memory, init } = filled();
    const canvas = new StubCanvas();
    const wi = startInspectorWorker(canvas.asOffscreen(), init, { width: 640, height: 480, dpr: 1, autoStart: false, timeline: false, threads: false, leaks: false });
    expect(canvas.asked).toEqual([['2d', { alpha: false }]]);
    wi.renderer.hover(13, 135); // slot 0 of the pool's grid
    wi.renderer.draw();
    expect(canvas.ctx.texts).toContain('pool "slots", slot 0');
    expect(canvas.ctx.texts).toContain(`live, owned by thread ${memory.threadId}`);
    wi.destroy();
    memory.checkInvariants();
  });

  it.skipIf(!hasOffscreen)('paints a real OffscreenCanvas: background and the live slot 0 (browsers only: Node has no OffscreenCanvas)', () => {
    const { memory, init } = filled();
    const canvas = new OffscreenCanvas(1, 1);
    const wi = startInspectorWorker(canvas, init, { width: 640, height: 480, dpr: 1, autoStart: false, timeline: false, threads: false, leaks: false });
    wi.renderer.draw();
    const ctx = canvas.getContext('2d');
    if (ctx === null) throw new Error('no 2D context');
    expect(Array.from(ctx.getImageData(1, 1, 1, 1).data)).toEqual([...BACKGROUND_RGB, 255]);
    // slot 0 is live, owned by the page's thread 0; slot 300 is free (cell (20, 5) of 56 a row)
    expect(Array.from(ctx.getImageData(13, 135, 1, 1).data)).toEqual([THREAD_RGB[0], THREAD_RGB[1], THREAD_RGB[2], 255]);
    expect(Array.from(ctx.getImageData(8 + 11 * 20 + 5, 130 + 11 * 5 + 5, 1, 1).data)).toEqual([...FREE_RGB, 255]);
    wi.destroy();
    memory.checkInvariants();
  });

  it('refuses a canvas without a 2D context', () => {
    const { memory, init } = filled();
    let canvas: OffscreenCanvas;
    if (hasOffscreen) {
      canvas = new OffscreenCanvas(4, 4);
      expect(canvas.getContext('bitmaprenderer')).not.toBeNull(); // now it can have no 2D context
    } else {
      canvas = new StubCanvas(false).asOffscreen();
    }
    const threads = memory.threads().filter((t) => t.state === 'attached').length;
    const e = expectCode(() => startInspectorWorker(canvas, init, { width: 64, height: 64 }), 'INVALID_OPTION');
    expect(e.message).toContain('startInspectorWorker: this OffscreenCanvas has no 2D context');
    expect(frames.pending).toBe(0);
    expect(memory.threads().filter((t) => t.state === 'attached').length).toBe(threads); // it did not stay attached
    memory.checkInvariants();
  });
});

/** serveInspectorWorker() installed on the global scope, its listener held by the test. */
interface Served {
  /** Delivers `data` to the listener, as a message event would; returns the replies it posted. */
  deliver(data: unknown): InspectorWorkerMessage[];
  /** Every reply so far. */
  readonly sent: InspectorWorkerMessage[];
}

/** Defines `values` as own properties of the global scope while `fn` runs, then puts back what was there. */
function withGlobals<T>(values: Record<string, unknown>, fn: () => T): T {
  const g = globalThis as Record<string, unknown>;
  const saved = Object.keys(values).map((k) => [k, Object.getOwnPropertyDescriptor(g, k)] as const);
  for (const [k, v] of Object.entries(values)) Object.defineProperty(g, k, { value: v, configurable: true, writable: true });
  try {
    return fn();
  } finally {
    for (const [k, d] of saved) {
      if (d === undefined) Reflect.deleteProperty(g, k);
      else Object.defineProperty(g, k, d);
    }
  }
}

function serve(): Served {
  const listeners: { type: string; fn: (e: MessageEvent) => void }[] = [];
  withGlobals({ addEventListener: (type: string, fn: (e: MessageEvent) => void) => { listeners.push({ type, fn }); } }, () => {
    serveInspectorWorker();
  });
  expect(listeners.map((l) => l.type)).toEqual(['message']);
  const listener = listeners.at(0)?.fn;
  if (listener === undefined) throw new Error('no listener');
  const sent: InspectorWorkerMessage[] = [];
  return {
    sent,
    deliver(data: unknown): InspectorWorkerMessage[] {
      const before = sent.length;
      withGlobals({ postMessage: (m: InspectorWorkerMessage) => { sent.push(m); } }, () => {
        listener({ data } as MessageEvent);
      });
      return sent.slice(before);
    },
  };
}

function initMessage(canvas: StubCanvas, memory: SharedMemoryInit, width = 640, height = 480, dpr = 1): InspectorWorkerMessage {
  return { type: 'nebula-inspector:init', canvas: canvas.asOffscreen(), memory, width, height, dpr, timeline: false, threads: false, leaks: false };
}

function readoutOf(replies: InspectorWorkerMessage[], id: number): InspectorReadout {
  expect(replies.map((m) => m.type)).toEqual(['nebula-inspector:readout-reply']);
  const reply = replies.at(0);
  if (reply?.type !== 'nebula-inspector:readout-reply') throw new Error('no readout reply');
  expect(reply.id).toBe(id);
  return reply.readout;
}

describe('serveInspectorWorker protocol, driven on this thread', () => {
  it('ignores every message but init until it has a canvas', () => {
    const s = serve();
    expect(s.deliver({ type: 'nebula-inspector:hover', x: 1, y: 2 })).toEqual([]);
    expect(s.deliver({ type: 'nebula-inspector:readout', id: 1 })).toEqual([]);
    expect(s.deliver({ type: 'nebula-inspector:resize', width: 10, height: 10, dpr: 1 })).toEqual([]);
    expect(s.deliver({ type: 'nebula-inspector:stop' })).toEqual([]);
    expect(frames.pending).toBe(0);
  });

  it('init attaches and starts drawing; hover, resize and readout follow; stop detaches', () => {
    const { memory, init } = filled();
    const s = serve();
    const canvas = new StubCanvas();
    const ready = s.deliver(initMessage(canvas, init, 640, 480, 2));
    expect(ready).toHaveLength(1);
    const first = ready.at(0);
    if (first?.type !== 'nebula-inspector:ready') throw new Error(`expected ready, got ${JSON.stringify(first)}`);
    const tid = first.threadId;
    expect(tid).not.toBe(memory.threadId);
    expect(memory.snapshot().threads).toEqual([memory.threadId, tid]);
    expect([canvas.width, canvas.height]).toEqual([1280, 960]);
    expect(frames.pending).toBe(1); // drawing every frame from now on

    frames.run();
    const r1 = readoutOf(s.deliver({ type: 'nebula-inspector:readout', id: 7 }), 7);
    expect(r1.drawn).toBe(1);
    expect(compareReadout(r1, memory.snapshot())).toEqual([]);

    // the pointer over slot 0: the tooltip is drawn on the canvas from the next frame on
    canvas.ctx.clear();
    expect(s.deliver({ type: 'nebula-inspector:hover', x: 13, y: 135 })).toEqual([]);
    frames.run();
    expect(canvas.ctx.texts).toContain('pool "slots", slot 0');
    canvas.ctx.clear();
    s.deliver({ type: 'nebula-inspector:hover', x: null, y: 0 });
    frames.run();
    expect(canvas.ctx.texts).not.toContain('pool "slots", slot 0');

    // resize: the canvas and the pool grid's layout are those of an 800 x 600 renderer
    expect(s.deliver({ type: 'nebula-inspector:resize', width: 800, height: 600, dpr: 1 })).toEqual([]);
    expect([canvas.width, canvas.height]).toEqual([800, 600]);
    frames.run();
    const r2 = readoutOf(s.deliver({ type: 'nebula-inspector:readout', id: 8 }), 8);
    expect(r2.drawn).toBe(4);
    const referenceRenderer = new InspectorRenderer(memory, new StubContext().asContext(), { width: 800, height: 600, dpr: 1 });
    referenceRenderer.setViews(false, false, false); // as the init message asks
    const reference = referenceRenderer.readout();
    expect((r2.regions[1] as InspectorPoolReadout).grid).toEqual((reference.regions[1] as InspectorPoolReadout).grid);
    expect((r2.regions[1] as InspectorPoolReadout).grid).not.toEqual((r1.regions[1] as InspectorPoolReadout).grid);

    // stop: no more frames, the thread id is given back, later messages are ignored
    expect(s.deliver({ type: 'nebula-inspector:stop' })).toEqual([]);
    expect(frames.pending).toBe(0);
    expect(memory.snapshot().threads).toEqual([memory.threadId]);
    expect(s.deliver({ type: 'nebula-inspector:readout', id: 9 })).toEqual([]);
    expect(s.sent.map((m) => m.type)).toEqual(['nebula-inspector:ready', 'nebula-inspector:readout-reply', 'nebula-inspector:readout-reply']);
    memory.checkInvariants();
  });

  it('a second init after stop attaches again', () => {
    const { memory, init } = filled();
    const s = serve();
    s.deliver(initMessage(new StubCanvas(), init));
    s.deliver({ type: 'nebula-inspector:stop' });
    const again = s.deliver(initMessage(new StubCanvas(), init));
    expect(again.map((m) => m.type)).toEqual(['nebula-inspector:ready']);
    expect(memory.snapshot().threads).toHaveLength(2);
    s.deliver({ type: 'nebula-inspector:stop' });
    expect(memory.snapshot().threads).toEqual([memory.threadId]);
    memory.checkInvariants();
  });

  it('answers a failed init with an error message and stays idle', () => {
    const { memory, init } = filled();
    const s = serve();
    const failed = s.deliver(initMessage(new StubCanvas(false), init));
    expect(failed).toHaveLength(1);
    expect(failed[0]?.type === 'nebula-inspector:error' && failed[0].message).toMatch(/^\[INVALID_OPTION\].*startInspectorWorker: this OffscreenCanvas has no 2D context/);
    // an ArrayBuffer instead of the shared one: attachMemory's MemoryError, by its message
    const copy: SharedMemoryInit = { ...init, buffer: new ArrayBuffer(64) as unknown as SharedArrayBuffer };
    const err = s.deliver(initMessage(new StubCanvas(), copy)).at(0);
    expect(err?.type).toBe('nebula-inspector:error');
    expect(err?.type === 'nebula-inspector:error' && err.message).toContain('[NOT_SHARED]');
    expect(s.deliver({ type: 'nebula-inspector:readout', id: 1 })).toEqual([]);
    expect(frames.pending).toBe(0);
    memory.checkInvariants();
  });

  it('reports a thrown non-Error by its string', () => {
    const { memory, init } = filled();
    const s = serve();
    const canvas = new StubCanvas();
    Object.defineProperty(canvas, 'width', { set: () => { throw 'canvas is detached'; } }); // eslint-disable-line @typescript-eslint/only-throw-error
    expect(s.deliver(initMessage(canvas, init))).toEqual([{ type: 'nebula-inspector:error', message: 'canvas is detached' }]);
    memory.checkInvariants();
  });
});
