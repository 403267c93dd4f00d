// An allocator object kept from before its thread detached the memory: every path that could
// change shared state says DETACHED instead (the slow paths in both builds; the pool's free and
// offsetOf and the stack's push and pop in the checked build), and the memory stays intact.
import { describe, expect, it } from 'vitest';
import { attachMemory, createMemory } from '../src/index.ts';
import { expectCode, itChecked } from './helpers.ts';

function setup() {
  const m = createMemory({ size: 1 << 20 });
  m.createArena('frame', { capacity: 64 << 10, frames: 2, laneBytes: 4096 });
  m.createPool('bullets', { slotSize: 16, capacity: 64, batch: 8 });
  m.createStack('scratch', { capacity: 4096 });
  const w = attachMemory(m.share(), { name: 'worker' });
  return { m, w };
}

describe('allocators kept from before detach()', () => {
  it('an arena: the next alloc() leases, and the lease says DETACHED (both builds)', () => {
    const { m, w } = setup();
    const a = w.arena('frame');
    expect(a.alloc(16)).toBeGreaterThan(0);
    w.detach();
    const e = expectCode(() => a.alloc(16), 'DETACHED');
    expect(e.allocator).toBe('arena "frame"');
    expect(e.request).toEqual({ op: 'alloc', thread: w.threadId });
    expect(e.suggestion).toMatch(/attachMemory/);
    expectCode(() => { a.reserve(64); }, 'DETACHED');
    m.checkInvariants();
    expect(m.threads().find((t) => t.id === w.threadId)?.state).toBe('detached');
  });

  it('a pool: alloc() refills, and the refill says DETACHED (both builds)', () => {
    const { m, w } = setup();
    const p = w.pool('bullets');
    p.free(p.alloc());
    w.detach();
    expectCode(() => p.alloc(), 'DETACHED');
    expect(p.tryAlloc.bind(p)).toThrow(/detached/);
    m.checkInvariants();
    expect(m.pool('bullets').live).toBe(0);
  });

  itChecked('a pool: free() and offsetOf() of a handle taken before say DETACHED and change nothing (checked build)', () => {
    const { m, w } = setup();
    const p = w.pool('bullets');
    const h = p.alloc();
    w.detach(); // flushes the cache; h stays live: it was never freed
    const live = m.pool('bullets').live;
    expectCode(() => p.offsetOf(h), 'DETACHED');
    expectCode(() => { p.free(h); }, 'DETACHED');
    expect(m.pool('bullets').live).toBe(live);
    m.checkInvariants();
    m.pool('bullets').free(h); // the slot is still good for a live thread
    m.checkInvariants();
  });

  itChecked('a stack: push() and pop() say DETACHED and leave the stack as it was (checked build)', () => {
    const { m, w } = setup();
    const s = w.stack('scratch');
    s.adopt(); // the worker owns it now
    const p = s.push(32, 16);
    w.detach();
    const used = s.used;
    expectCode(() => s.push(16), 'DETACHED');
    expectCode(() => { s.pop(p); }, 'DETACHED');
    expect(s.used).toBe(used);
    expect(m.stack('scratch').depth).toBe(1);
    m.checkInvariants();
  });
});
