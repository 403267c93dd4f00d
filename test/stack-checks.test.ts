/** The stack's checks (checked build): every one fires with its code and leaves the stack intact. */
import { describe, expect, it } from 'vitest';
import { attachMemory, createMemory } from '../src/index.ts';
import { POISON_I32 } from '../src/allocators/poison.ts';
import { CHECKS, expectCode } from './helpers.ts';

function setup() {
  const m = createMemory({ size: 1 << 16 });
  return { m, s: m.createStack('s', { capacity: 256 }) };
}

// Skipped in the fast build (node-fast) only: these checks are compiled out there (see itChecked).
describe.runIf(CHECKS)('Stack checks', () => {
  it('LIFO_VIOLATION names both offsets; INVALID_OFFSET for non-blocks', () => {
    const { s } = setup();
    const a = s.push(8);
    const b = s.push(8);
    const e = expectCode(() => { s.pop(a); }, 'LIFO_VIOLATION');
    expect(e.message).toContain(`pop(0x${a.toString(16)}) but the newest block is 0x${b.toString(16)}`);
    expectCode(() => { s.pop(b + 8); }, 'INVALID_OFFSET');
    s.checkInvariants();
    expect(s.depth).toBe(2);
  });

  it('INVALID_SIZE, INVALID_ALIGN and STACK_OVERFLOW change nothing', () => {
    const { s } = setup();
    s.push(8);
    expectCode(() => s.push(0), 'INVALID_SIZE');
    expectCode(() => s.push(8, 12), 'INVALID_ALIGN');
    expectCode(() => s.push(1000), 'STACK_OVERFLOW');
    expect(s.depth).toBe(1);
    s.checkInvariants();
  });

  it('INVALID_MARK for marks above the top or inside a block', () => {
    const { s } = setup();
    const a = s.push(32);
    expectCode(() => { s.release(a + 64); }, 'INVALID_MARK');
    expectCode(() => { s.release(a + 4); }, 'INVALID_MARK');
    s.checkInvariants();
  });

  it('WRONG_THREAD for every mutation from a thread that does not own it', () => {
    const { m, s } = setup();
    const other = attachMemory(m.share()).stack('s');
    const a = s.push(8);
    expectCode(() => other.push(8), 'WRONG_THREAD');
    expectCode(() => { other.pop(a); }, 'WRONG_THREAD');
    expectCode(() => { other.release(a - 8); }, 'WRONG_THREAD');
    expectCode(() => { other.reset(); }, 'WRONG_THREAD');
    expectCode(() => { other.adopt(); }, 'WRONG_THREAD'); // not empty yet
    s.checkInvariants();
    expect(s.depth).toBe(1);
  });

  it('poisons popped and released bytes', () => {
    const { m, s } = setup();
    const mk = s.mark();
    const a = s.push(16, 16);
    m.i32.fill(7, a >> 2, (a + 16) >> 2);
    const b = s.push(16, 16);
    s.pop(b);
    expect(m.i32[b >> 2]).toBe(POISON_I32);
    expect(m.i32[a >> 2]).toBe(7);
    s.release(mk);
    expect(m.i32[a >> 2]).toBe(POISON_I32);
  });

  it('reports the blocks still held, with their call sites', () => {
    const { m, s } = setup();
    m.captureCallSites(true);
    s.push(16);
    s.push(40, 8);
    const r = s.leaks();
    expect(r.count).toBe(2);
    expect(r.entries[0].size).toBe(40);
    expect(r.bySite.every((g) => g.site.includes('stack-checks.test.ts'))).toBe(true);
    s.reset();
    expect(s.leaks().count).toBe(0);
    expect(m.leaks().text).toBe('memory: nothing held');
    m.captureCallSites(false);
  });

  it('RED_ZONE_OVERWRITTEN on pop, release and reset, and the stack stays consistent', () => {
    const m = createMemory({ size: 1 << 16 });
    const s = m.createStack('r', { capacity: 512, redZone: 4 });
    const a = s.push(8);
    const b = s.push(8);
    expect(b).toBe((a + 8 + 4 + 8 + 7) & -8); // block, guard, record, then 8-alignment
    m.u8[b + 8] = 0;
    const e = expectCode(() => { s.pop(b); }, 'RED_ZONE_OVERWRITTEN');
    expect(e.message).toContain(`block at 0x${b.toString(16)} (8 bytes)`);
    expect(s.depth).toBe(1);
    s.checkInvariants();
    const mk = s.mark();
    const c = s.push(16);
    s.push(4);
    m.u8[c + 17] = 9;
    expectCode(() => { s.release(mk); }, 'RED_ZONE_OVERWRITTEN');
    expect(s.depth).toBe(1);
    s.checkInvariants();
    m.u8[a + 8] = 0;
    expectCode(() => { s.reset(); }, 'RED_ZONE_OVERWRITTEN');
    expect(s.depth).toBe(0);
    s.checkInvariants();
    expectCode(() => m.createStack('bad', { capacity: 64, redZone: 3 }), 'INVALID_OPTION');
  });
});
