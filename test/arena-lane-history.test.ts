/**
 * An arena lease that spans many lanes, and many marks: a thread keeps the bounds of its last
 * 16 lanes (LANE_HISTORY) for rewind(), and, in the checked build, its last 64 marks
 * (MARKS_KEPT). Past those limits rewinding into a forgotten lane is INVALID_MARK (the arena
 * unchanged), while a mark older than the kept ones but still inside the kept lanes rewinds.
 * Lanes stop being contiguous when another thread leases between two of this thread's leases:
 * here a second attachment of the same memory, interleaved deterministically on this thread.
 */
import { describe, expect, it } from 'vitest';
import { attachMemory, createMemory } from '../src/index.ts';
import { LANE_HISTORY, MARKS_KEPT } from '../src/allocators/arena/view.ts';
import { expectCode } from './helpers.ts';

function twoThreads() {
  const m = createMemory({ size: 1 << 20 });
  const a = m.createArena('a', { capacity: 1 << 16, frames: 1, laneBytes: 256 });
  const w = attachMemory(m.share());
  return { m, a, w, b: w.arena('a') };
}

/** Twenty rounds in which `a` fills a lane and `b` leases the next chunk: `a`'s 20 lanes are not contiguous. */
function interleavedLanes() {
  const t = twoThreads();
  const firsts: number[] = [];
  const marks: number[] = [];
  // each round: a fills its lane (200 of 256 bytes), then b leases the next chunk, so a's next lane is elsewhere
  for (let k = 0; k < LANE_HISTORY + 4; k++) {
    firsts.push(t.a.alloc(200));
    marks.push(t.a.mark());
    t.b.alloc(200);
  }
  for (let k = 1; k < firsts.length; k++) expect(firsts[k] - firsts[k - 1]).toBe(512); // a's lanes alternate with b's
  return { ...t, marks };
}

describe('an arena lease over more lanes than it remembers', () => {
  it('rewinds to a mark in one of its last 16 lanes', () => {
    const { m, a, w, b, marks } = interleavedLanes();
    expect(LANE_HISTORY).toBe(16);
    const kept = marks[marks.length - LANE_HISTORY];
    a.rewind(kept);
    expect(a.mark()).toBe(kept);
    expect(a.alloc(8)).toBe(kept); // the next block goes right there
    a.checkInvariants();
    b.release();
    a.release();
    m.checkInvariants();
    w.detach();
  });

  it('a refused rewind forgets no mark: a later rewind to a kept mark still works', () => {
    const { m, a, w, b, marks } = interleavedLanes();
    expectCode(() => { a.rewind(marks[0]); }, 'INVALID_MARK'); // its lane is forgotten
    const kept = marks[marks.length - LANE_HISTORY];
    a.rewind(kept); // its lane and its mark are still known
    expect(a.mark()).toBe(kept);
    a.checkInvariants();
    b.release();
    a.release();
    m.checkInvariants();
    w.detach();
  });

  it('refuses a mark in an older lane with INVALID_MARK, and goes on allocating where it was', () => {
    const { m, a, w, b, marks } = interleavedLanes();
    // the lane of round 0 is forgotten (20 lanes, 16 kept before the current one)
    const e = expectCode(() => { a.rewind(marks[0]); }, 'INVALID_MARK');
    expect(e.message).toContain('is not a position of this thread\'s current lane');
    const at = marks[marks.length - 1];
    expect(a.mark()).toBe(at); // unchanged
    a.checkInvariants();
    expect(a.alloc(8)).toBe(at);
    b.release();
    a.release();
    m.checkInvariants();
    w.detach();
  });
});

describe('more marks than the checked build keeps', () => {
  it('a mark older than the last 64 still rewinds inside the lease', () => {
    const m = createMemory({ size: 1 << 20 });
    const a = m.createArena('a', { capacity: 1 << 16, frames: 1 });
    const first = a.alloc(8);
    const m0 = a.mark();
    for (let k = 0; k < MARKS_KEPT + 6; k++) {
      a.alloc(8);
      a.mark();
    }
    expect(a.mark()).toBe(m0 + 8 * (MARKS_KEPT + 6));
    a.rewind(m0);
    expect(a.mark()).toBe(m0);
    expect(a.alloc(8)).toBe(first + 8);
    a.checkInvariants();
    m.checkInvariants();
  });
});
