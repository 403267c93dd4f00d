/**
 * The inspector allocates nothing per frame. Two tests, each proving part of it:
 *
 * 1. Every project: over 1000 frames of a changing workload, a strict stub context sees only
 *    primitive arguments (or the ImageData made at layout time), no createImageData or
 *    measureText after the first frame, the same typed arrays in the model every frame, and a
 *    bounded set of distinct strings (digits, constant labels, region names, error codes): the
 *    renderer draws numbers digit by digit and never formats one into a new string.
 * 2. Node only (inspector-no-alloc-heap.test.ts, a file of its own so the stub context here
 *    does not make the renderer's call sites polymorphic before V8 optimizes them): with the
 *    memory changing every frame, 3000 draws leave V8's heap where the same
 *    workload without drawing leaves it (heapUsed delta within 64 KiB, against 3000 frames x at
 *    least one 16-byte object had it allocated anything) and trigger no garbage collection.
 *    `gc` comes from `v8.setFlagsFromString('--expose-gc')`. Browsers skip it: they offer no
 *    precise heap figure (Chromium's performance.memory is rounded and delayed without flags).
 *
 * Not proven here: allocation inside the browser's own canvas implementation (fillText,
 * putImageData), which is native and outside the JS heap, and while hovering (the tooltip text
 * is built from strings then, by design).
 */
import { describe, expect, it } from 'vitest';

import { InspectorRenderer } from '../src/inspector/renderer.ts';
import { StubContext } from './fixtures/inspector-stub-context.ts';
import { workload } from './fixtures/inspector-workload.ts';

describe('inspector draws without allocating', () => {
  it('passes only primitives and its own ImageData to the context, and keeps its buffers', () => {
    const { memory, step } = workload();
    const ctx = new StubContext();
    const r = new InspectorRenderer(memory, ctx.asContext(), { width: 640, height: 480 });
    r.draw();
    const model = r.model;
    const regions = model.regions;
    const buffers = regions.flatMap((x) => [x.stats, x.history, x.lanes, x.marks, x.grid, x.grid?.live, x.grid?.owner, x.grid?.liveByOwner]);
    expect(ctx.calls.get('createImageData')).toBe(1);
    expect(ctx.calls.get('measureText')).toBe(1);
    ctx.strict = true;
    ctx.clear();
    const texts = new Set<string>();
    for (let f = 0; f < 1000; f++) {
      step(f);
      r.draw();
      for (const t of ctx.texts) texts.add(t);
      ctx.texts.length = 0;
    }
    expect(ctx.problems).toEqual([]);
    expect(ctx.calls.get('createImageData')).toBeUndefined();
    expect(ctx.calls.get('measureText')).toBeUndefined();
    expect(ctx.calls.get('putImageData')).toBe(1000);
    expect(model.regions).toBe(regions);
    expect(regions.flatMap((x) => [x.stats, x.history, x.lanes, x.marks, x.grid, x.grid?.live, x.grid?.owner, x.grid?.liveByOwner])).toEqual(buffers);
    regions.forEach((x, k) => { expect(x.stats).toBe(buffers[8 * k]); });
    expect(r.readout().frame).toBe(1000);
    // numbers are drawn as digits: every distinct text is one of a small fixed set
    const numeric = [...texts].filter((t) => /^\d+$/.test(t));
    expect(numeric.every((t) => t.length === 1)).toBe(true);
    // the labels of the title, timeline, thread and leak tables, regions and warnings: a fixed set, not one per frame
    expect(texts.size).toBeLessThan(90);
  });

});
