/**
 * The frame-time ring (global header, after the thread table): `advance()` records each frame's
 * duration, any thread reads the last 64 with `frameTimesInto()`, and `snapshot().frameTimes`
 * holds the same numbers. Times come from a settable `performance.now()` (fixtures/fake-clock.ts),
 * so every duration is exact.
 */
import { describe, expect, it } from 'vitest';
import { attachMemory, createMemory } from '../src/index.ts';
import { frameScope } from '../src/typed/index.ts';
import { DATA_START, FRAME_TIMES, FRAME_TIMES_START, G_FRAME, LAYOUT_VERSION, THREAD_SLOT_BYTES, THREADS_START } from '../src/memory/layout.ts';
import { fakeClock } from './fixtures/fake-clock.ts';
import { expectCode } from './helpers.ts';

describe('frame-time layout', () => {
  it('sits after the thread table, 64 Int32 entries, and regions start after it (layout version 5)', () => {
    expect(LAYOUT_VERSION).toBe(5);
    expect(THREAD_SLOT_BYTES).toBe(64);
    expect(THREADS_START).toBe(4160);
    expect(FRAME_TIMES_START).toBe(8256);
    expect(FRAME_TIMES).toBe(64);
    expect(DATA_START).toBe(8512);
    const m = createMemory({ size: 1 << 16 });
    expect(m.createArena('a', { capacity: 64 }).stats().capacity).toBe(64);
    expect(m.regions()[0].offset).toBe(8512);
  });
});

describe('memory.frameTimesInto()', () => {
  it('records the time from one advance() to the next, the first from createMemory(), oldest first', () => {
    const clock = fakeClock(1000);
    try {
      const m = createMemory({ size: 1 << 16 });
      const out = new Float64Array(64);
      expect(m.frameTimesInto(out)).toBe(0);
      expect(m.snapshot().frameTimes).toEqual([]);
      clock.t = 1016.5;
      m.advance();
      clock.t = 1049.75;
      m.advance();
      clock.t = 1049.875;
      m.advance();
      expect(m.frameTimesInto(out)).toBe(3);
      expect(Array.from(out.subarray(0, 3))).toEqual([16.5, 33.25, 0.125]);
      expect(m.snapshot().frameTimes).toEqual([16.5, 33.25, 0.125]);
      expect(Object.isFrozen(m.snapshot().frameTimes)).toBe(true);
      // the ring in the buffer: whole microseconds, entry f % 64 is frame f
      expect(Array.from(m.i32.subarray(FRAME_TIMES_START >> 2, (FRAME_TIMES_START >> 2) + 4))).toEqual([16500, 33250, 125, 0]);
    } finally {
      clock.restore();
    }
  });

  it('keeps the last 64 of 70 frames; a shorter array gets the newest', () => {
    const clock = fakeClock(0);
    try {
      const m = createMemory({ size: 1 << 16 });
      for (let f = 0; f < 70; f++) {
        clock.t += f + 0.5; // frame f lasts f + 0.5 ms
        m.advance();
      }
      const out = new Float64Array(80).fill(-7);
      expect(m.frameTimesInto(out)).toBe(64);
      expect(out[0]).toBe(6.5);
      expect(out[63]).toBe(69.5);
      expect(out[64]).toBe(-7); // past the count: untouched
      expect(Array.from(out.subarray(0, 64))).toEqual(Array.from({ length: 64 }, (_, k) => k + 6.5));
      const three = new Float64Array(3);
      expect(m.frameTimesInto(three)).toBe(3);
      expect(Array.from(three)).toEqual([67.5, 68.5, 69.5]);
      expect(m.frameTimesInto(new Float64Array(0))).toBe(0);
      expect(m.snapshot().frameTimes).toHaveLength(64);
    } finally {
      clock.restore();
    }
  });

  it('rounds to whole microseconds and caps a frame at 2^31 - 1 us', () => {
    const clock = fakeClock(100);
    try {
      const m = createMemory({ size: 1 << 16 });
      clock.t = 101.23456; // 1.23456 ms
      m.advance();
      clock.t += 3_000_000; // 50 minutes
      m.advance();
      const out = new Float64Array(64);
      expect(m.frameTimesInto(out)).toBe(2);
      expect(out[0]).toBe(1.235);
      expect(out[1]).toBe(2147483.647);
    } finally {
      clock.restore();
    }
  });

  it('a refused advance() records nothing: the next frame counts from the last advance() that moved the clock', () => {
    const clock = fakeClock(0);
    try {
      const m = createMemory({ size: 1 << 18 });
      m.createArena('frame', { capacity: 4096, frames: 1, laneBytes: 256 });
      const w = attachMemory(m.share());
      clock.t = 10;
      m.advance();
      w.arena('frame').alloc(16);
      clock.t = 20;
      expectCode(() => m.advance(), 'LANE_LEASED');
      w.arena('frame').release();
      clock.t = 35;
      m.advance();
      const out = new Float64Array(64);
      expect(m.frameTimesInto(out)).toBe(2);
      expect(Array.from(out.subarray(0, 2))).toEqual([10, 25]);
    } finally {
      clock.restore();
    }
  });

  it('every thread reads the same ring; a thread that takes over the clock counts its first frame from its attach', () => {
    const clock = fakeClock(0);
    try {
      const m = createMemory({ size: 1 << 16 });
      clock.t = 4;
      m.advance();
      clock.t = 50;
      const w = attachMemory(m.share()); // attached at 50
      clock.t = 58;
      m.advance(); // 54 ms after the main thread's last advance()
      clock.t = 60.5;
      w.advance(); // the worker's first advance(): 10.5 ms after its attach
      const mine = new Float64Array(64);
      const theirs = new Float64Array(64);
      expect(m.frameTimesInto(mine)).toBe(3);
      expect(w.frameTimesInto(theirs)).toBe(3);
      expect(Array.from(mine.subarray(0, 3))).toEqual([4, 54, 10.5]);
      expect(theirs).toEqual(mine);
      expect(w.snapshot().frameTimes).toEqual([4, 54, 10.5]);
    } finally {
      clock.restore();
    }
  });

  it('reads the ring as the frame number says, so a reader never sees a frame that has not ended', () => {
    const clock = fakeClock(0);
    try {
      const m = createMemory({ size: 1 << 16 });
      clock.t = 8;
      m.advance();
      // an advance() in flight has written frame 1's entry but not yet moved the frame number
      m.i32[(FRAME_TIMES_START >> 2) + 1] = 999_000;
      const out = new Float64Array(64);
      expect(m.frameTimesInto(out)).toBe(1);
      expect(out[0]).toBe(8);
      expect(Atomics.load(m.i32, G_FRAME)).toBe(1);
    } finally {
      clock.restore();
    }
  });

  it('bad input gets INVALID_OPTION, never a TypeError', () => {
    const m = createMemory({ size: 1 << 16 });
    m.advance();
    for (const bad of [null, undefined, 64, 'out', [], {}, new Float32Array(64), new Int32Array(64), new DataView(new ArrayBuffer(8))]) {
      const e = expectCode(() => m.frameTimesInto(bad as Float64Array), 'INVALID_OPTION');
      expect(e.suggestion).toContain('new Float64Array(64)');
    }
    expect(expectCode(() => m.frameTimesInto(new Float32Array(64) as unknown as Float64Array), 'INVALID_OPTION').message).toContain('frameTimesInto(Float32Array)');
  });
});

describe('advance(now): the frame ends at the time given', () => {
  it('records exactly the times given and reads no clock; an earlier time records 0; without now the clock again', () => {
    const clock = fakeClock(1000);
    try {
      const m = createMemory({ size: 1 << 18 });
      m.createArena('frame', { capacity: 4096, frames: 2 });
      const before = clock.reads;
      expect(m.advance(1016.5)).toBe(1);
      expect(m.advance(1050)).toBe(2);
      expect(m.advance(1050)).toBe(3);
      expect(m.advance(1049.25)).toBe(4); // earlier than the last: 0, and the next counts from it
      expect(m.advance(1100.125)).toBe(5);
      expect(clock.reads).toBe(before);
      clock.t = 1110.125;
      m.advance();
      expect(clock.reads).toBe(before + 1); // without now: one read
      const out = new Float64Array(64);
      expect(m.frameTimesInto(out)).toBe(6);
      expect(Array.from(out.subarray(0, 6))).toEqual([16.5, 33.5, 0, 0, 50.875, 10]);
      expect(m.snapshot().frameTimes).toEqual([16.5, 33.5, 0, 0, 50.875, 10]);
      expect(m.advance(0)).toBe(7); // 0 is a time; before the last one: 0
      expect(m.advance(undefined)).toBe(8); // as if left out: the clock (1110.125 - 0 ms)
      expect(m.frameTimesInto(out)).toBe(8);
      expect(Array.from(out.subarray(6, 8))).toEqual([0, 1110.125]);
      m.checkInvariants();
    } finally {
      clock.restore();
    }
  });

  it('refuses a time that is not a finite number >= 0 with INVALID_OPTION, before anything changes', () => {
    const clock = fakeClock(0);
    try {
      const m = createMemory({ size: 1 << 18 });
      const arena = m.createArena('frame', { capacity: 4096, frames: 1, laneBytes: 256 });
      m.advance(10);
      arena.alloc(16); // this thread's lane, which advance() would release first
      const ring = Array.from(m.i32.subarray(FRAME_TIMES_START >> 2, (FRAME_TIMES_START >> 2) + FRAME_TIMES));
      for (const bad of [Number.NaN, -1, -0.001, Infinity, -Infinity, '20', null, {}, [], 1n, true]) {
        const e = expectCode(() => m.advance(bad as number), 'INVALID_OPTION');
        expect(e.message).toContain('advance(');
        expect(e.suggestion).toContain('requestAnimationFrame');
        expect(e.state).toEqual({ frame: 1 });
        expect(m.frame).toBe(1);
        expect(Array.from(m.i32.subarray(FRAME_TIMES_START >> 2, (FRAME_TIMES_START >> 2) + FRAME_TIMES))).toEqual(ring);
        expect(arena.stats().used).toBeGreaterThanOrEqual(16);
        m.checkInvariants();
      }
      expect(m.advance(25)).toBe(2);
      const out = new Float64Array(64);
      expect(m.frameTimesInto(out)).toBe(2);
      expect(Array.from(out.subarray(0, 2))).toEqual([10, 15]); // NaN never reached the ring
      m.checkInvariants();
    } finally {
      clock.restore();
    }
  });

  it('frameScope passes now on, and refuses a bad one before running the frame', () => {
    const clock = fakeClock(0);
    try {
      const m = createMemory({ size: 1 << 18 });
      let ran = 0;
      expect(frameScope(m, (f) => { ran++; return f; }, undefined, 12.5)).toBe(0);
      expect(frameScope(m, (f) => { ran++; return f; }, undefined, 40)).toBe(1);
      for (const bad of [Number.NaN, -5, '40']) {
        const e = expectCode(() => { frameScope(m, () => { ran++; }, undefined, bad as number); }, 'INVALID_OPTION');
        expect(e.message).toContain('frameScope(');
      }
      expect(ran).toBe(2);
      expect(m.frame).toBe(2);
      const out = new Float64Array(64);
      expect(m.frameTimesInto(out)).toBe(2);
      expect(Array.from(out.subarray(0, 2))).toEqual([12.5, 27.5]);
      m.checkInvariants();
    } finally {
      clock.restore();
    }
  });

  it('profileFrames measures the frames between the times given', () => {
    const clock = fakeClock(500);
    try {
      const m = createMemory({ size: 1 << 18 });
      m.profileFrames(true);
      m.advance(600);
      m.advance(616.75);
      m.profileFrames(false);
      const frames = (performance.getEntriesByName('nebula-memory frame') as PerformanceMeasure[]).slice(-2);
      expect(frames.map((e) => [e.startTime, e.duration])).toEqual([[500, 100], [600, 16.75]]);
      performance.clearMeasures('nebula-memory frame');
    } finally {
      clock.restore();
    }
  });
});
