import { describe, expect, it } from 'vitest';
import { attachMemory, createMemory, type Memory, type Stack } from '../src/index.ts';
import { BLOCK_HEADER, STACK_HEADER_BYTES } from '../src/allocators/stack/stack.ts';
import { DATA_START } from '../src/memory/layout.ts';
import { expectCode, itChecked } from './helpers.ts';

const DATA = DATA_START + STACK_HEADER_BYTES;

function setup(capacity = 256): { m: Memory; s: Stack } {
  const m = createMemory({ size: 1 << 16 });
  return { m, s: m.createStack('s', { capacity }) };
}

describe('Stack: push and pop', () => {
  it('pushes at exact offsets after an 8-byte block record', () => {
    const { s } = setup();
    const a = s.push(16);
    expect(a).toBe(DATA + BLOCK_HEADER);
    const b = s.push(3, 1); // alignment is at least 4
    expect(b).toBe(a + 16 + BLOCK_HEADER);
    const c = s.push(16, 16);
    expect(c % 16).toBe(0);
    expect(c).toBe(DATA + 48);
    expect(s.depth).toBe(3);
    expect(s.used).toBe(c + 16 - DATA);
    s.checkInvariants();
    s.pop(c);
    s.pop(b);
    expect(s.used).toBe(a + 16 - DATA);
    s.pop(a);
    expect(s.used).toBe(0);
    expect(s.depth).toBe(0);
    expect(s.stats().peak).toBe(64);
    s.checkInvariants();
  });

  itChecked('reports LIFO_VIOLATION with both offsets, INVALID_OFFSET, and stays intact', () => {
    const { s } = setup();
    const a = s.push(8);
    const b = s.push(8);
    const err = expectCode(() => { s.pop(a); }, 'LIFO_VIOLATION');
    expect(err.message).toContain(`0x${a.toString(16)}`);
    expect(err.message).toContain(`0x${b.toString(16)}`);
    expect(err.request).toEqual({ offset: a, top: b });
    expectCode(() => { s.pop(b + 4); }, 'INVALID_OFFSET');
    expectCode(() => { s.pop(0); }, 'INVALID_OFFSET');
    expect(s.depth).toBe(2);
    s.checkInvariants();
    s.pop(b);
    s.pop(a);
    expectCode(() => { s.pop(a); }, 'INVALID_OFFSET');
    s.checkInvariants();
  });

  it('throws STACK_OVERFLOW, tryPush returns 0, and nothing changes', () => {
    const { s } = setup(64);
    const a = s.push(40);
    const err = expectCode(() => s.push(16), 'STACK_OVERFLOW');
    expect(err.suggestion).toMatch(/capacity >= \d+/);
    expect(s.tryPush(16)).toBe(0);
    expect(s.depth).toBe(1);
    expect(s.tryPush(8)).toBe(a + 40 + BLOCK_HEADER);
    s.checkInvariants();
  });

  itChecked('validates size and alignment', () => {
    const { s } = setup();
    for (const size of [0, -4, 2.5, Number.NaN]) expectCode(() => s.push(size), 'INVALID_SIZE');
    for (const align of [0, 6, -4, 2.5, 1 << 17]) expectCode(() => s.push(8, align), 'INVALID_ALIGN');
    expectCode(() => s.tryPush(0), 'INVALID_SIZE');
    expect(s.depth).toBe(0);
    s.checkInvariants();
  });
});

describe('Stack: marks', () => {
  it('release(mark) frees everything pushed after the mark', () => {
    const { s } = setup();
    const a = s.push(8);
    const m = s.mark();
    s.push(8);
    s.push(32, 16);
    s.release(m);
    expect(s.depth).toBe(1);
    expect(s.mark()).toBe(m);
    expect(s.push(8)).toBe(a + 8 + BLOCK_HEADER);
    s.checkInvariants();
    const m0 = s.mark();
    s.release(m0); // a mark at the top frees nothing
    expect(s.depth).toBe(2);
  });

  it('nested marks release inside out', () => {
    const { s } = setup();
    const outer = s.mark();
    s.push(8);
    const inner = s.mark();
    s.push(8);
    s.release(inner);
    expect(s.depth).toBe(1);
    s.release(outer);
    expect(s.depth).toBe(0);
    expect(s.used).toBe(0);
    s.checkInvariants();
  });

  it('refuses marks above the top or off block boundaries with INVALID_MARK', () => {
    const { s } = setup();
    const a = s.push(16);
    const m = s.mark();
    expectCode(() => { s.release(m + 64); }, 'INVALID_MARK');
    expectCode(() => { s.release(a + 4); }, 'INVALID_MARK');
    s.pop(a);
    s.push(4); // the old mark now falls inside a block... or above the top
    expectCode(() => { s.release(m); }, 'INVALID_MARK');
    expect(s.depth).toBe(1);
    s.checkInvariants();
  });

  it('reset() frees everything', () => {
    const { s } = setup();
    s.push(8);
    s.push(8);
    s.reset();
    expect(s.depth).toBe(0);
    expect(s.used).toBe(0);
    s.checkInvariants();
  });
});

describe('Stack: ownership', () => {
  itChecked('refuses other threads with WRONG_THREAD until they adopt an empty stack', () => {
    const { m, s } = setup();
    const other = attachMemory(m.share()).stack('s');
    const a = s.push(8);
    const err = expectCode(() => other.push(8), 'WRONG_THREAD');
    expect(err.message).toContain('owned by thread 0');
    expectCode(() => { other.pop(a); }, 'WRONG_THREAD');
    expectCode(() => { other.release(0); }, 'WRONG_THREAD');
    expectCode(() => { other.adopt(); }, 'WRONG_THREAD');
    expect(other.depth).toBe(1); // reading is fine
    s.pop(a);
    other.adopt();
    expect(other.push(8)).toBe(a);
    expectCode(() => s.push(8), 'WRONG_THREAD');
    expect(other.stats().owner).toBe(1);
    other.checkInvariants();
  });

  it('stats() is a frozen snapshot', () => {
    const { s } = setup(128);
    s.push(8);
    expect(s.stats()).toEqual({
      kind: 'stack', name: 's', capacity: 128, used: 16, peak: 16, depth: 1, owner: 0, marks: [],
      allocations: 1, frees: 0, bytes: 8, failures: 0, errors: 0, lastError: null,
    });
    expect(Object.isFrozen(s.stats())).toBe(true);
  });
});
