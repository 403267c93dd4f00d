/**
 * Trace details the main trace tests leave out: a game's own markers (recorded with
 * `trace.record`, their two values exported as `a` and `b`), stack pops (checked build), the
 * `recording` flag, and the per-frame counters of regions this thread never opened itself: one
 * another thread created (opened on first use) and one of a kind this thread has not
 * registered (left out: it cannot read that kind's statistics).
 */
import { describe, expect, it } from 'vitest';
import { attachMemory, createMemory } from '../src/index.ts';
import { EV } from '../src/stats/chrome-trace.ts';
import { createRegion } from '../src/memory/region-table.ts';
import { CHECKS, itChecked } from './helpers.ts';

describe('trace events of the game and of stacks', () => {
  it('a marker keeps its two values; nothing is recorded once stopped', () => {
    const m = createMemory({ size: 1 << 18 });
    const trace = m.startTrace({ counters: false });
    expect(trace.recording).toBe(true);
    trace.record(EV.MARKER, 0, 3, 42);
    trace.stop();
    expect(trace.recording).toBe(false);
    trace.record(EV.MARKER, 0, 7, 7);
    expect(trace.count).toBe(1);
    const ev = trace.toChromeTrace().traceEvents;
    expect(ev).toHaveLength(2); // the thread's name, then the marker
    expect(ev[1]).toEqual({ name: 'marker memory', cat: 'memory', ph: 'i', s: 't', ts: ev[1]?.ts, pid: 1, tid: 0, args: { a: 3, b: 42 } });
    expect(ev[1]?.ts).toBeGreaterThan(0);
    m.checkInvariants();
  });

  itChecked('a stack pop names the block and the depth after it (checked build: pops are traced there only)', () => {
    const m = createMemory({ size: 1 << 18 });
    const s = m.createStack('s', { capacity: 1024 });
    const a = s.push(16);
    const b = s.push(32);
    const trace = m.startTrace({ counters: false });
    s.pop(b);
    s.pop(a);
    trace.stop();
    const pops = trace.toChromeTrace().traceEvents.filter((e) => e.name.startsWith('pop'));
    expect(pops.map((e) => [e.name, e.cat, e.args])).toEqual([
      ['pop stack "s"', 'stack "s"', { offset: b, depth: 1 }],
      ['pop stack "s"', 'stack "s"', { offset: a, depth: 0 }],
    ]);
    m.checkInvariants();
  });
});

describe('per-frame counters of regions this thread did not open', () => {
  it('a pool another thread created is counted, and opened for this thread on first use', () => {
    const m = createMemory({ size: 1 << 20 });
    const w = attachMemory(m.share());
    const far = w.createPool('far', { slotSize: 8, capacity: 16, batch: 4 });
    for (let k = 0; k < 3; k++) far.alloc();
    w.publishStats();
    const trace = m.startTrace();
    m.advance();
    trace.stop();
    const counters = trace.toChromeTrace().traceEvents.filter((e) => e.ph === 'C');
    expect(counters.map((e) => [e.name, e.args])).toEqual([['pool "far"', { used: 3, allocations: 3 }]]);
    expect(m.pool('far').live).toBe(3);
    m.checkInvariants();
  });

  it('a region of a kind this thread has not registered is left out of the counters', () => {
    const m = createMemory({ size: 1 << 20 });
    m.createArena('frame', { capacity: 4096, frames: 2, laneBytes: 256 }).alloc(100);
    // kind code 60: registered nowhere in this realm, as a kind only a worker's bundle knows
    const alien = createRegion(m.i32, m.u8, m.threadId, 'alien', 60, 256, () => undefined);
    expect(alien).toBe(1);
    expect(m.regions().map((r) => r.name)).toEqual(['frame', 'alien']);
    const trace = m.startTrace();
    m.advance();
    trace.stop();
    const counters = trace.toChromeTrace().traceEvents.filter((e) => e.ph === 'C');
    expect(counters.map((e) => e.name)).toEqual(['arena "frame"']);
    // read after the advance: the new frame's segment is empty; arena calls are counted by the checked build
    expect(counters[0]?.args).toEqual({ used: 0, allocations: CHECKS ? 1 : 0 });
    m.checkInvariants();
  });
});
