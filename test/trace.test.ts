/** Trace export: allocator events and per-frame counters in Chrome's trace event format (Perfetto). */
import { describe, expect, it } from 'vitest';
import { attachMemory, createMemory } from '../src/index.ts';
import type { ChromeTraceEvent } from '../src/stats/chrome-trace.ts';
import { mergeChromeTraces } from '../src/trace.ts';
import { CHECKS, expectCode } from './helpers.ts';

function named(events: readonly ChromeTraceEvent[], prefix: string): ChromeTraceEvent[] {
  return events.filter((e) => e.name.startsWith(prefix));
}

describe('trace export', () => {
  it('records leases, the bulk recycle of each frame, advance durations and counters', () => {
    const m = createMemory({ size: 1 << 18 });
    const arena = m.createArena('frame', { capacity: 4096, frames: 2, laneBytes: 256 });
    const trace = m.startTrace();
    for (let f = 0; f < 4; f++) {
      arena.alloc(100 * (f + 1));
      m.advance();
    }
    trace.stop();
    const t = trace.toChromeTrace();
    expect(JSON.parse(JSON.stringify(t))).toEqual(t);
    const ev = t.traceEvents;
    expect(ev[0]).toEqual({ name: 'thread_name', ph: 'M', pid: 1, tid: 0, args: { name: 'main (thread 0)' } });
    // one lane a frame: 256 bytes, or the 64-aligned request when it is larger
    expect(named(ev, 'lease').map((e) => e.args?.bytes)).toEqual([256, 256, 320, 448]);
    // advance to frame f recycles the segment of frame f - 2: in bytes, what was left reserved there
    const recycles = named(ev, 'recycle');
    expect(recycles.map((e) => [e.args?.frame, e.args?.bytesFreed])).toEqual([[1, 0], [2, 104], [3, 200], [4, 304]]);
    expect(recycles.every((e) => e.ph === 'i' && e.cat === 'arena "frame"')).toBe(true);
    const advances = named(ev, 'advance to frame');
    expect(advances.map((e) => e.args?.frame)).toEqual([1, 2, 3, 4]);
    expect(advances.every((e) => e.ph === 'X' && (e.dur ?? -1) >= 0)).toBe(true);
    const counters = ev.filter((e) => e.ph === 'C');
    expect(counters.map((e) => e.args?.allocations)).toEqual(CHECKS ? [1, 2, 3, 4] : [0, 0, 0, 0]); // arena calls: checked build
    expect(counters.every((e) => e.name === 'arena "frame"')).toBe(true);
    for (let k = 1; k < ev.length; k++) if (ev[k].ph !== 'X') expect(ev[k].ts).toBeGreaterThan(0);
    m.checkInvariants();
  });

  it('records pool batch moves, stack releases and resets, arena resets and errors', () => {
    const m = createMemory({ size: 1 << 18 });
    const arena = m.createArena('scratch', { capacity: 1024, frames: 0, laneBytes: 256 });
    const pool = m.createPool('p', { slotSize: 8, capacity: 8, batch: 4 });
    const stack = m.createStack('s', { capacity: 256 });
    const trace = m.startTrace({ counters: false });
    const hs = [pool.alloc(), pool.alloc(), pool.alloc(), pool.alloc(), pool.alloc()];
    for (const h of hs) pool.free(h);
    pool.flush();
    const mark = stack.mark();
    stack.push(16);
    stack.push(24);
    stack.release(mark);
    stack.push(8);
    stack.reset();
    arena.alloc(300);
    arena.reset();
    expectCode(() => stack.push(1000), 'STACK_OVERFLOW');
    trace.stop();
    const ev = trace.toChromeTrace().traceEvents;
    expect(named(ev, 'refill').map((e) => e.args)).toEqual([{ slots: 4, sharedFree: 4 }, { slots: 4, sharedFree: 0 }]);
    expect(named(ev, 'flush').map((e) => e.args)).toEqual([{ slots: 8, sharedFree: 8 }]); // the whole cache at once
    expect(named(ev, 'release').map((e) => e.args)).toEqual([{ bytesFreed: 56, blocks: 2 }]);
    expect(named(ev, 'reset stack').map((e) => e.args)).toEqual([{ bytesFreed: 16, blocks: 1 }]);
    expect(named(ev, 'reset arena').map((e) => e.args)).toEqual([{ bytesFreed: 304, frame: 0 }]); // reset() gave the lane's tail back first
    expect(named(ev, 'error').map((e) => [e.name, e.cat])).toEqual([['error STACK_OVERFLOW', 'stack "s"']]);
    // the checked build also records every alloc, free, push and pop
    expect(named(ev, 'alloc').length).toBe(CHECKS ? 5 : 0);
    expect(named(ev, 'free').length).toBe(CHECKS ? 5 : 0);
    expect(named(ev, 'push').length).toBe(CHECKS ? 3 : 0);
    m.checkInvariants();
  });

  it('keeps the newest events when the ring is full, and says how many were lost', () => {
    const m = createMemory({ size: 1 << 16 });
    m.createArena('a', { capacity: 1024, frames: 1, laneBytes: 64 });
    const trace = m.startTrace({ capacity: 16, counters: false });
    for (let f = 0; f < 20; f++) m.advance();
    const t = trace.toChromeTrace();
    expect(trace.count).toBe(40); // a recycle and an advance per frame
    expect(t.otherData.lostEvents).toBe(24);
    expect(named(t.traceEvents, 'advance to frame').map((e) => e.args?.frame)).toEqual([13, 14, 15, 16, 17, 18, 19, 20]);
    trace.stop();
    m.advance();
    expect(trace.count).toBe(40); // stopped: nothing more
  });

  it('merges the traces of several threads, sorted by time', () => {
    const m = createMemory({ size: 1 << 18 });
    m.createArena('frame', { capacity: 4096, frames: 2, laneBytes: 256 });
    const w = attachMemory(m.share());
    const mainTrace = m.startTrace();
    const workerTrace = w.startTrace();
    w.arena('frame').alloc(10);
    w.arena('frame').release();
    m.advance();
    const merged = mergeChromeTraces([mainTrace.toChromeTrace(), workerTrace.toChromeTrace()]);
    const meta = merged.traceEvents.filter((e) => e.ph === 'M');
    expect(meta.map((e) => e.tid)).toEqual([0, 1]);
    const timed = merged.traceEvents.filter((e) => e.ph === 'i');
    // both threads' events, the worker's lease no later than the recycle that followed it (Firefox's
    // coarse performance.now() can give both the same time, so the order of equal times is not asserted)
    expect(timed.map((e) => [e.name, e.tid]).sort()).toEqual([['lease arena "frame"', 1], ['recycle arena "frame"', 0]]);
    const at = (name: string): number => timed.find((e) => e.name === name)?.ts ?? NaN;
    expect(at('lease arena "frame"')).toBeLessThanOrEqual(at('recycle arena "frame"'));
    for (let k = 1; k < timed.length; k++) expect(timed[k].ts ?? 0).toBeGreaterThanOrEqual(timed[k - 1].ts ?? 0);
    w.detach();
  });

  it('rejects a bad capacity with INVALID_OPTION and keeps the memory intact', () => {
    const m = createMemory({ size: 1 << 16 });
    m.createPool('p', { slotSize: 8, capacity: 8 });
    const err = expectCode(() => m.startTrace({ capacity: 3 }), 'INVALID_OPTION');
    expect(err.request).toEqual({ capacity: 3 });
    m.checkInvariants();
  });
});
