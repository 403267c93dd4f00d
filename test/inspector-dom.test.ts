/**
 * The inspector on a real page (browser projects only: Node has no DOM, canvas or
 * OffscreenCanvas, so these skip there; the renderer itself is tested in Node with a stub
 * context). Mounting, pixels actually drawn, the DOM tooltip, the draw loop, destroy, and the
 * worker mode drawing on a transferred OffscreenCanvas.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { InspectorPoolReadout } from '../src/inspector/readout.ts';
import { mountInspector, mountInspectorInWorker } from '../src/inspector/index.ts';
import { THREAD_RGB } from '../src/inspector/colors.ts';
import { inBrowser } from './helpers.ts';
import { compareReadout } from './fixtures/inspector-compare.ts';
import { filledMemory, host } from './fixtures/inspector-setup.ts';

const frames = (n: number): Promise<void> => new Promise((resolve) => {
  const step = (): void => { if (--n <= 0) resolve(); else requestAnimationFrame(step); };
  requestAnimationFrame(step);
});

afterEach(() => { document.body.replaceChildren(); });

/** The regions alone, at the coordinates these tests point at (the views are in inspector-views.test.ts). */
const REGIONS_ONLY = { timeline: false, threads: false, leaks: false } as const;

describe.skipIf(!inBrowser)('inspector on a page (browsers only: Node has no DOM or canvas)', () => {
  it('mounts a canvas sized to the options and draws the memory into it', () => {
    const { memory } = filledMemory();
    const el = host();
    const inspector = mountInspector(memory, el, { width: 640, height: 480, dpr: 1, autoStart: false, ...REGIONS_ONLY });
    expect(el.querySelector('canvas')).toBe(inspector.canvas);
    expect([inspector.canvas.width, inspector.canvas.height]).toEqual([640, 480]);
    inspector.draw();
    expect(compareReadout(inspector.readout(), memory.snapshot())).toEqual([]);
    const ctx = inspector.canvas.getContext('2d');
    if (ctx === null) throw new Error('no 2D context');
    // background in a corner; slot 0 (live, thread 0) in the grid's first cell (8, 130) + 5
    expect(Array.from(ctx.getImageData(1, 1, 1, 1).data)).toEqual([15, 18, 24, 255]);
    expect(Array.from(ctx.getImageData(13, 135, 1, 1).data)).toEqual([THREAD_RGB[0], THREAD_RGB[1], THREAD_RGB[2], 255]);
    // slot 300 is free: cell (20, 5) of 11-pixel cells, 56 per row -> 5 * 56 + 20 = 300
    expect(Array.from(ctx.getImageData(8 + 11 * 20 + 5, 130 + 11 * 5 + 5, 1, 1).data)).toEqual([38, 45, 58, 255]);
    // the arena bar holds some used pixels (blue fill) at its left end
    const bar = ctx.getImageData(9, 46, 1, 1).data;
    expect(bar[2]).toBeGreaterThan(bar[0]);
    inspector.destroy();
    expect(el.childElementCount).toBe(0);
  });

  it('follows the pointer with a DOM tooltip showing the numbers', () => {
    const { memory } = filledMemory();
    const el = host();
    const inspector = mountInspector(memory, el, { width: 640, height: 480, dpr: 1, autoStart: false, ...REGIONS_ONLY });
    inspector.draw();
    const rect = inspector.canvas.getBoundingClientRect();
    inspector.canvas.dispatchEvent(new PointerEvent('pointermove', { clientX: rect.left + 13, clientY: rect.top + 135, bubbles: true }));
    const tip = el.querySelector<HTMLElement>('.nebula-inspector-tooltip');
    expect(tip?.style.display).toBe('block');
    expect(tip?.textContent).toBe('pool "slots", slot 0\nlive, owned by thread 0');
    expect(inspector.hitTest(13, 135)?.index).toBe(0);
    inspector.canvas.dispatchEvent(new PointerEvent('pointerleave'));
    expect(tip?.style.display).toBe('none');
    inspector.destroy();
  });

  it('draws every animation frame until stopped, and follows the device pixel ratio', async () => {
    const { memory } = filledMemory();
    const inspector = mountInspector(memory, host(), { width: 320, height: 240, dpr: 2 });
    expect(inspector.isRunning).toBe(true);
    expect([inspector.canvas.width, inspector.canvas.height, inspector.canvas.style.width]).toEqual([640, 480, '320px']);
    await frames(4);
    const drawn = inspector.readout().drawn;
    expect(drawn).toBeGreaterThanOrEqual(2);
    inspector.stop();
    await frames(3);
    expect(inspector.readout().drawn).toBe(drawn);
    inspector.destroy();
  });

  it('takes the element\'s size when none is given', () => {
    const { memory } = filledMemory();
    const inspector = mountInspector(memory, host(), { autoStart: false, dpr: 1, ...REGIONS_ONLY });
    expect([inspector.canvas.width, inspector.canvas.height]).toEqual([640, 480]);
    inspector.destroy();
  });

  it('draws in a worker on a transferred OffscreenCanvas, with the same numbers', async () => {
    const { memory, pool } = filledMemory();
    // the worker sees published counts only: this thread's since the last advance() are still its own
    memory.publishStats();
    const el = host();
    const remote = mountInspectorInWorker(memory, el, new URL('./fixtures/inspector-view.worker.ts', import.meta.url), { width: 640, height: 480, dpr: 1 });
    const tid = await remote.ready;
    expect(tid).toBeGreaterThan(0);
    await frames(3);
    const readout = await remote.readout();
    expect(readout.drawn).toBeGreaterThan(0);
    expect(compareReadout(readout, memory.snapshot())).toEqual([]);
    expect((readout.regions[1] as InspectorPoolReadout).liveByThread[0]).toBe(pool.live);
    remote.hover(13, 135);
    await frames(3);
    expect((await remote.readout()).threads).toContain(tid);
    remote.destroy();
    expect(el.childElementCount).toBe(0);
  });

  it('a paused inspector\'s snapshot is the moment of the pause; a resumed one is the present', () => {
    const { memory, arena } = filledMemory();
    const el = host();
    const inspector = mountInspector(memory, el, { width: 1024, height: 720, dpr: 1, autoStart: false });
    inspector.draw();
    inspector.pause();
    expect(inspector.isPaused).toBe(true);
    const atPause = memory.frame;
    for (let f = 0; f < 3; f++) { arena.alloc(64); memory.advance(); }
    inspector.draw();
    expect(inspector.snapshot().frame).toBe(atPause);
    expect(inspector.readout().frame).toBe(atPause);
    inspector.resume();
    expect(inspector.snapshot().frame).toBe(memory.frame);
    expect(inspector.readout().frame).toBe(memory.frame);
    inspector.destroy();
    memory.checkInvariants();
  });
});
