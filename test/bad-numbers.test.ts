// Every numeric argument of the allocators, given a value that is not a usable number: a BigInt,
// a string, a boolean, a Symbol, an object, null, undefined, NaN, an infinity, a negative, a
// fraction, 2^53. The checked build answers each with a MemoryError (never a TypeError from the
// arithmetic or from a message that prints the value), and the allocator stays intact: its
// invariants hold and it still allocates.
import { describe, expect, it } from 'vitest';
import { CHECKS, MemoryError, createMemory } from '../src/index.ts';

const BAD: readonly unknown[] = [10n, -1n, '8', '', true, Symbol('n'), {}, [8], null, undefined, Number.NaN, Infinity, -Infinity, -8, 1.5, 2 ** 53];
const show = (v: unknown): string => (typeof v === 'bigint' ? `${String(v)}n` : typeof v === 'symbol' ? 'Symbol' : v === undefined ? 'undefined' : JSON.stringify(v));

function setup() {
  const m = createMemory({ size: 1 << 20 });
  const arena = m.createArena('frame', { capacity: 64 << 10, frames: 2 });
  const pool = m.createPool('bullets', { slotSize: 16, capacity: 64 });
  const stack = m.createStack('scratch', { capacity: 4096 });
  return { m, arena, pool, stack };
}
type Setup = ReturnType<typeof setup>;

/** Each operation with one numeric argument replaced by `v`; the valid arguments are valid. */
const OPS: readonly (readonly [string, (s: Setup, v: never) => unknown])[] = [
  ['arena.alloc(v)', (s, v) => s.arena.alloc(v)],
  ['arena.alloc(16, v)', (s, v) => s.arena.alloc(16, v)],
  ['arena.tryAlloc(v)', (s, v) => s.arena.tryAlloc(v)],
  ['arena.tryAlloc(16, v)', (s, v) => s.arena.tryAlloc(16, v)],
  ['arena.reserve(v)', (s, v) => { s.arena.reserve(v); }],
  ['arena.rewind(v)', (s, v) => { s.arena.rewind(v); }],
  ['arena.verify(v, epoch)', (s, v) => { s.arena.verify(v, s.arena.epoch); }],
  ['pool.free(v)', (s, v) => { s.pool.free(v); }],
  ['pool.offsetOf(v)', (s, v) => s.pool.offsetOf(v)],
  ['stack.push(v)', (s, v) => s.stack.push(v)],
  ['stack.push(16, v)', (s, v) => s.stack.push(16, v)],
  ['stack.tryPush(v)', (s, v) => s.stack.tryPush(v)],
  ['stack.tryPush(16, v)', (s, v) => s.stack.tryPush(16, v)],
  ['stack.pop(v)', (s, v) => { s.stack.pop(v); }],
  ['stack.release(v)', (s, v) => { s.stack.release(v); }],
];

describe.skipIf(!CHECKS)('numeric arguments that are not usable numbers (checked build)', () => {
  for (const [name, op] of OPS) {
    it(`${name}: a MemoryError for each, and the allocators intact`, () => {
      const s = setup();
      s.stack.push(8); // something to pop and release past
      // an alignment left out (undefined, or null) is the default 8, as documented
      for (const v of name.includes('(16, v)') ? BAD.filter((x) => x !== null && x !== undefined) : BAD) {
        let caught: unknown = null;
        let result: unknown;
        try {
          result = op(s, v as never);
        } catch (e) {
          caught = e;
        }
        expect(caught, `${name} with ${show(v)} returned ${String(result)}`).not.toBeNull();
        expect(caught, `${name} with ${show(v)}: ${String(caught)}`).toBeInstanceOf(MemoryError);
        s.m.checkInvariants();
      }
      expect(s.arena.alloc(16)).toBeGreaterThan(0);
      s.pool.free(s.pool.alloc());
      s.stack.pop(s.stack.push(16));
      s.m.checkInvariants();
    });
  }
});
