/** pool.take() and stack.scope(): the methods behind `using`, recycled with no garbage. */
import { describe, expect, it } from 'vitest';
import { createMemory } from '../src/index.ts';

describe('Pool.take() and Stack.scope()', () => {
  it('take() lends a slot that dispose() returns, and recycles the loan object', () => {
    const m = createMemory({ size: 1 << 16 });
    const pool = m.createPool('p', { slotSize: 16, capacity: 4 });
    const loan = pool.take();
    expect(pool.live).toBe(1);
    expect(pool.offsetOf(loan.handle)).toBe(loan.offset);
    loan.dispose();
    expect(pool.live).toBe(0);
    expect(loan.handle).toBe(0);
    expect(pool.take()).toBe(loan); // the same wrapper comes back: nothing allocated per take
    pool.checkInvariants();
  });

  it('scope() releases everything pushed inside it', () => {
    const m = createMemory({ size: 1 << 16 });
    const stack = m.createStack('s', { capacity: 256 });
    stack.push(8);
    const s = stack.scope();
    stack.push(16);
    stack.push(32);
    expect(stack.depth).toBe(3);
    s.dispose();
    expect(stack.depth).toBe(1);
    stack.checkInvariants();
  });
});
