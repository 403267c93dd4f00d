/**
 * A stack with red zones used correctly (checked build): pop, release and reset verify the
 * guards after each block, find them intact and free the blocks; the guard bytes sit right after
 * each block. test/stack-checks.test.ts covers the overwritten ones.
 */
import { describe, expect } from 'vitest';
import { createMemory } from '../src/index.ts';
import { RED_BYTE as RED } from '../src/allocators/poison.ts';
import { itChecked } from './helpers.ts';

describe('stack red zones left intact', () => {
  itChecked('pop, release and reset free the blocks without an error', () => {
    const m = createMemory({ size: 1 << 16 });
    const s = m.createStack('r', { capacity: 1024, redZone: 8 });
    const a = s.push(12);
    const b = s.push(20);
    expect(Array.from(m.u8.subarray(a + 12, a + 20))).toEqual(Array<number>(8).fill(RED));
    expect(Array.from(m.u8.subarray(b + 20, b + 28))).toEqual(Array<number>(8).fill(RED));
    m.u8.fill(1, b, b + 20); // writes inside the block only
    s.pop(b);
    expect(s.depth).toBe(1);
    const mk = s.mark();
    s.push(4);
    s.push(40, 16);
    s.release(mk);
    expect(s.depth).toBe(1);
    expect(s.push(12)).toBe(b); // the same place as before: nothing leaked
    s.reset();
    expect([s.depth, s.used]).toEqual([0, 0]);
    s.checkInvariants();
    m.checkInvariants();
  });
});
