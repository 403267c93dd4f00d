/**
 * `memory.profileFrames(on)`: User Timing entries for each frame `advance()` ends (one measure for
 * the frame, one per arena, pool and stack with its high water), in Chrome DevTools' extensibility
 * format; none while off, none where `performance.measure` does not exist. Times come from a
 * settable `performance.now()` (fixtures/fake-clock.ts), so every start and duration is exact.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { attachMemory, createMemory } from '../src/index.ts';
import { fakeClock } from './fixtures/fake-clock.ts';
import { expectCode } from './helpers.ts';

/** The measures this library added, in the order they were made. */
/** Where advance() adds each measure of a frame: the frame's, then the regions' in creation order (this test's). */
const RANK = ['nebula-memory frame', 'nebula-memory arena frame', 'nebula-memory pool bullets', 'nebula-memory stack scratch'];

/**
 * This library's measures, in the order advance() added them. The timeline sorts by start time;
 * WebKit orders entries with the same start time differently from V8 and SpiderMonkey, so ties
 * are put back in the order advance() adds them.
 */
function ours(): PerformanceMeasure[] {
  const rank = (e: PerformanceMeasure): number => (RANK.includes(e.name) ? RANK.indexOf(e.name) : RANK.length);
  return (performance.getEntriesByType('measure') as PerformanceMeasure[])
    .filter((e) => e.name.startsWith('nebula-memory '))
    .sort((a, b) => a.startTime - b.startTime || rank(a) - rank(b));
}

afterEach(() => {
  for (const name of new Set(ours().map((e) => e.name))) performance.clearMeasures(name);
});

/** The devtools part of a region's detail. */
function track(track: string, color: string, tooltipText: string, properties: [string, string][]): object {
  return { dataType: 'track-entry', trackGroup: 'nebula-memory', track, color, tooltipText, properties };
}

describe('memory.profileFrames()', () => {
  it('adds a measure per frame and one per arena, pool and stack with its high water, for DevTools tracks', () => {
    const clock = fakeClock(1000);
    try {
      const m = createMemory({ size: 1 << 18 });
      const arena = m.createArena('frame', { capacity: 1024, frames: 2, laneBytes: 64 });
      const pool = m.createPool('bullets', { slotSize: 16, capacity: 8, batch: 1 });
      const stack = m.createStack('scratch', { capacity: 256 });
      expect(m.profileFrames(true)).toBe(true);
      // frame 0: 96 of 1024 arena bytes, 6 of 8 slots (75 %: warning), one 16-byte push
      arena.alloc(96);
      const held = [pool.alloc(), pool.alloc(), pool.alloc(), pool.alloc(), pool.alloc(), pool.alloc()];
      stack.push(16);
      const stackUsed = stack.stats().used;
      expect(stackUsed).toBe(24);
      clock.t = 1016.5;
      expect(m.advance()).toBe(1);
      // frame 1: the whole arena (100 %: error), no slots
      for (const h of held) pool.free(h);
      arena.alloc(1024);
      clock.t = 1033;
      m.advance();
      const entries = ours();
      expect(entries.map((e) => e.name)).toEqual([
        'nebula-memory frame', 'nebula-memory arena frame', 'nebula-memory pool bullets', 'nebula-memory stack scratch',
        'nebula-memory frame', 'nebula-memory arena frame', 'nebula-memory pool bullets', 'nebula-memory stack scratch',
      ]);
      expect(entries.map((e) => [e.startTime, e.duration])).toEqual([...Array<number[]>(4).fill([1000, 16.5]), ...Array<number[]>(4).fill([1016.5, 16.5])]);
      const [f0, a0, p0, s0, f1, a1, p1] = entries.map((e) => e.detail as unknown);
      expect(f0).toEqual({ frame: 0, ms: 16.5, devtools: track('frames', 'primary', 'frame 0: 16.50 ms', [['frame', '0'], ['duration', '16.500 ms']]) });
      expect(f1).toEqual({ frame: 1, ms: 16.5, devtools: track('frames', 'primary', 'frame 1: 16.50 ms', [['frame', '1'], ['duration', '16.500 ms']]) });
      expect(a0).toEqual({
        region: 'frame', kind: 'arena', frame: 0, peakBytes: 96, capacityBytes: 1024,
        devtools: track('arena frame', 'primary', 'arena "frame" frame 0: peak 96 B, 9.4 % of 1024 B',
          [['region', 'frame'], ['kind', 'arena'], ['frame', '0'], ['peak', '96 B'], ['capacity', '1024 B'], ['full', '9.4 %']]),
      });
      expect(p0).toEqual({
        region: 'bullets', kind: 'pool', frame: 0, peakBytes: 96, capacityBytes: 128, peakSlots: 6, capacitySlots: 8,
        devtools: track('pool bullets', 'warning', 'pool "bullets" frame 0: peak 6 slots (96 B), 75.0 % of 128 B',
          [['region', 'bullets'], ['kind', 'pool'], ['frame', '0'], ['peak', '6 slots (96 B)'], ['capacity', '8 slots (128 B)'], ['full', '75.0 %']]),
      });
      expect(s0).toEqual({
        region: 'scratch', kind: 'stack', frame: 0, peakBytes: 24, capacityBytes: 256,
        devtools: track('stack scratch', 'tertiary', 'stack "scratch" frame 0: peak 24 B, 9.4 % of 256 B',
          [['region', 'scratch'], ['kind', 'stack'], ['frame', '0'], ['peak', '24 B'], ['capacity', '256 B'], ['full', '9.4 %']]),
      });
      expect(a1).toMatchObject({ frame: 1, peakBytes: 1024, devtools: { color: 'error', properties: [['region', 'frame'], ['kind', 'arena'], ['frame', '1'], ['peak', '1024 B'], ['capacity', '1024 B'], ['full', '100.0 %']] } });
      expect(p1).toMatchObject({ frame: 1, peakBytes: 0, peakSlots: 0, devtools: { color: 'secondary' } });
      // the same numbers the memory reports itself
      expect(arena.frameHistory()).toEqual([96, 1024]);
      expect(m.snapshot().frameTimes).toEqual([16.5, 16.5]);
    } finally {
      clock.restore();
    }
  });

  it('is off by default and after profileFrames(false): advance() adds no entry', () => {
    const m = createMemory({ size: 1 << 16 });
    m.createArena('frame', { capacity: 1024 });
    m.advance();
    expect(ours()).toEqual([]);
    expect(m.profileFrames(true)).toBe(true);
    expect(m.profileFrames(true)).toBe(true); // again: still one entry per frame, not two
    m.advance();
    expect(ours().map((e) => e.name)).toEqual(['nebula-memory frame', 'nebula-memory arena frame']);
    expect(m.profileFrames(false)).toBe(false);
    m.advance();
    m.advance();
    expect(ours()).toHaveLength(2);
  });

  it('picks up regions created while it runs, and only the thread that advances adds entries', () => {
    const m = createMemory({ size: 1 << 18 });
    const w = attachMemory(m.share());
    expect(w.profileFrames(true)).toBe(true);
    m.advance(); // the worker profiles, but the main thread advances: nothing
    expect(ours()).toEqual([]);
    m.profileFrames(true);
    m.advance();
    expect(ours().map((e) => e.name)).toEqual(['nebula-memory frame']);
    w.createPool('late', { slotSize: 8, capacity: 4 }); // created by another thread
    m.advance();
    expect(ours().map((e) => e.name)).toEqual(['nebula-memory frame', 'nebula-memory frame', 'nebula-memory pool late']);
    expect(ours()[2].detail).toMatchObject({ region: 'late', frame: 2, peakSlots: 0, capacitySlots: 4, capacityBytes: 32 });
  });

  it('does nothing where performance.measure does not exist', () => {
    const m = createMemory({ size: 1 << 16 });
    Object.defineProperty(performance, 'measure', { value: undefined, configurable: true, writable: true });
    try {
      expect(m.profileFrames(true)).toBe(false);
      expect(m.advance()).toBe(1);
    } finally {
      Reflect.deleteProperty(performance, 'measure');
    }
    expect(typeof performance.measure).toBe('function');
    m.advance();
    expect(ours()).toEqual([]);
  });

  it('bad input gets INVALID_OPTION, a detached memory DETACHED', () => {
    const m = createMemory({ size: 1 << 16 });
    for (const bad of [1, 0, 'yes', null, undefined, {}]) {
      const e = expectCode(() => m.profileFrames(bad as boolean), 'INVALID_OPTION');
      expect(e.state).toEqual({ profiling: false });
    }
    const w = attachMemory(m.share());
    w.detach();
    expectCode(() => w.profileFrames(true), 'DETACHED');
    m.advance();
    expect(ours()).toEqual([]);
  });
});
