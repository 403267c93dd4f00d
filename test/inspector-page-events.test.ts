/**
 * What the page side of the inspector does on DOM events (browser projects only: Node has no
 * DOM, ResizeObserver or Worker, so these skip there): `mountInspector` and
 * `mountInspectorInWorker` follow their element's size when no size is given (a ResizeObserver),
 * and the worker mode forwards pointer moves and leaves to the worker as protocol messages.
 * Waits are on conditions (the observer reports after layout, the worker answers in its own
 * time), never on a duration.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Memory } from '../src/index.ts';
import type { InspectorPoolReadout, InspectorReadout } from '../src/inspector/readout.ts';
import { mountInspector, mountInspectorInWorker } from '../src/inspector/index.ts';
import { InspectorRenderer } from '../src/inspector/renderer.ts';
import type { InspectorWorkerMessage } from '../src/inspector/worker.ts';
import { inBrowser } from './helpers.ts';
import { StubContext } from './fixtures/inspector-stub-context.ts';
import { filledMemory, host } from './fixtures/inspector-setup.ts';

/** A generous bound for a condition to come true on a loaded machine (not a measured duration). */
const WAIT = { timeout: 30_000, interval: 20 };

/** The pool grid's shape a renderer of `width` x `height` CSS pixels at `dpr` lays out for `memory`. */
function gridAt(memory: Memory, width: number, height: number, dpr: number, views = false): unknown {
  const renderer = new InspectorRenderer(memory, new StubContext().asContext(), { width, height, dpr });
  renderer.setViews(views, views, views); // as the inspector compared draws
  const r = renderer.readout();
  return (r.regions[1] as InspectorPoolReadout).grid;
}

const poolGrid = (r: InspectorReadout): unknown => (r.regions[1] as InspectorPoolReadout).grid;

let workers: Worker[] = [];

function inspectorWorker(): Worker {
  const w = new Worker(new URL('./fixtures/inspector-view.worker.ts', import.meta.url), { type: 'module' });
  workers.push(w);
  return w;
}

afterEach(() => {
  document.body.replaceChildren();
  for (const w of workers) w.terminate();
  workers = [];
  vi.restoreAllMocks();
});

describe.skipIf(!inBrowser)('inspector page events (browsers only: Node has no DOM, ResizeObserver or Worker)', () => {
  it('mountInspector without a size follows the element: canvas, backing store and layout', async () => {
    const { memory } = filledMemory();
    const el = host();
    const inspector = mountInspector(memory, el, { dpr: 2, autoStart: false, timeline: false, threads: false, leaks: false });
    expect([inspector.canvas.width, inspector.canvas.height]).toEqual([1280, 960]);
    el.style.width = '800px';
    el.style.height = '500px';
    await vi.waitFor(() => { expect([inspector.canvas.width, inspector.canvas.height]).toEqual([1600, 1000]); }, WAIT);
    expect([inspector.canvas.style.width, inspector.canvas.style.height]).toEqual(['800px', '500px']);
    // stopped, so the resize drew at once, laid out for 800 x 500
    expect(inspector.renderer.frames).toBeGreaterThan(0);
    expect(poolGrid(inspector.readout())).toEqual(gridAt(memory, 800, 500, 2));
    expect(inspector.hitTest(700, 45)).toMatchObject({ region: 'frame', part: 'bar' });
    inspector.destroy();
    memory.checkInvariants();
  });

  it('mountInspector with a fixed size does not follow the element', async () => {
    const { memory } = filledMemory();
    const el = host();
    const inspector = mountInspector(memory, el, { width: 640, height: 480, dpr: 1, autoStart: false });
    const otherEl = host();
    const other = mountInspector(memory, otherEl, { dpr: 1, autoStart: false });
    el.style.width = '800px';
    otherEl.style.width = '700px';
    // the other inspector, which follows its element, shows that the observers have run
    await vi.waitFor(() => { expect(other.canvas.width).toBe(700); }, WAIT);
    expect([inspector.canvas.width, inspector.canvas.style.width]).toEqual([640, '640px']);
    inspector.destroy();
    other.destroy();
  });

  it('mountInspectorInWorker forwards pointer moves and leaves as hover messages', async () => {
    const { memory } = filledMemory();
    const worker = inspectorWorker();
    const sent = vi.spyOn(worker, 'postMessage');
    const remote = mountInspectorInWorker(memory, host(), worker, { width: 640, height: 480, dpr: 1 });
    await remote.ready;
    const rect = remote.canvas.getBoundingClientRect();
    remote.canvas.dispatchEvent(new PointerEvent('pointermove', { clientX: rect.left + 13, clientY: rect.top + 135, bubbles: true }));
    expect(sent).toHaveBeenLastCalledWith({ type: 'nebula-inspector:hover', x: 13, y: 135 } satisfies InspectorWorkerMessage);
    remote.canvas.dispatchEvent(new PointerEvent('pointerleave'));
    expect(sent).toHaveBeenLastCalledWith({ type: 'nebula-inspector:hover', x: null, y: 0 } satisfies InspectorWorkerMessage);
    // the worker is still answering after both
    expect((await remote.readout()).threads).toContain(await remote.ready);
    memory.checkInvariants();
    remote.destroy();
    expect(sent).toHaveBeenLastCalledWith({ type: 'nebula-inspector:stop' } satisfies InspectorWorkerMessage);
  });

  it('mountInspectorInWorker with tooltip: false forwards no pointer events', async () => {
    const { memory } = filledMemory();
    const worker = inspectorWorker();
    const remote = mountInspectorInWorker(memory, host(), worker, { width: 640, height: 480, dpr: 1, tooltip: false });
    await remote.ready;
    const sent = vi.spyOn(worker, 'postMessage');
    remote.canvas.dispatchEvent(new PointerEvent('pointermove', { clientX: 20, clientY: 20 }));
    remote.canvas.dispatchEvent(new PointerEvent('pointerleave'));
    expect(sent).not.toHaveBeenCalled();
    remote.destroy();
  });

  it('mountInspectorInWorker without a size sends the element\'s new size, and the worker lays out for it', async () => {
    const { memory } = filledMemory();
    const worker = inspectorWorker();
    const sent = vi.spyOn(worker, 'postMessage');
    const el = host();
    const remote = mountInspectorInWorker(memory, el, worker, { dpr: 1 });
    await remote.ready;
    el.style.width = '800px';
    el.style.height = '500px';
    const resized = { type: 'nebula-inspector:resize', width: 800, height: 500, dpr: 1 } satisfies InspectorWorkerMessage;
    await vi.waitFor(() => { expect(sent).toHaveBeenCalledWith(resized); }, WAIT);
    expect([remote.canvas.style.width, remote.canvas.style.height]).toEqual(['800px', '500px']);
    // the worker draws at its own pace: the next frame after the resize lays out for 800 x 500
    const expected = gridAt(memory, 800, 500, 1, true); // the worker draws the views too
    await vi.waitFor(async () => { expect(poolGrid(await remote.readout())).toEqual(expected); }, WAIT);
    memory.checkInvariants();
    remote.destroy();
  });
});
