/**
 * Bad input to the typed layer: bulk helpers, GpuStaging, typed allocation counts, option objects.
 * Every check here is in both builds (`node` and `node-fast`): none of these calls is per-element
 * hot. Each bad call throws a MemoryError with an exact code, never hangs, never throws an
 * internal TypeError, and leaves the memory intact (`checkInvariants()` passes, the header that
 * workers attach through is untouched).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHECKS, MemoryError, attachMemory, createMemory, type Memory } from '../src/index.ts';
import { GpuStaging, copyBytes, createBudgets, createTemps, cursor, fillBytes, fillF32, soa, soaCursor, struct, typed, zeroBytes } from '../src/typed/index.ts';
import { DATA_START, G_BRK } from '../src/memory/layout.ts';
import { expectCode } from './helpers.ts';

/** A memory with one frames-0 arena; `p` is a 1 KiB block of it, `brk` the end of the regions. */
function setup(): { memory: Memory; p: number; brk: number } {
  const memory = createMemory({ size: 1 << 16 });
  const arena = memory.createArena('data', { capacity: 4096, frames: 0 });
  const p = arena.alloc(1024, 16);
  return { memory, p, brk: Atomics.load(memory.i32, G_BRK) };
}

/** Every bulk helper over `[offset, offset + n)` (n bytes, or n floats for the f32 ones). */
function bulkCalls(memory: Memory, staging: GpuStaging, ok: number): [string, (offset: number, n: number) => unknown][] {
  return [
    ['fillBytes', (o, n) => { fillBytes(memory, o, n, 0xff); }],
    ['zeroBytes', (o, n) => { zeroBytes(memory, o, n); }],
    ['copyBytes to', (o, n) => { copyBytes(memory, o, ok, n); }],
    ['copyBytes from', (o, n) => { copyBytes(memory, ok, o, n); }],
    ['fillF32', (o, n) => { fillF32(memory, o, n, 1.5); }],
    ['stage', (o, n) => staging.stage(o, n)],
    ['stageF32', (o, n) => staging.stageF32(o, n)],
  ];
}

describe('bulk helpers refuse ranges outside the regions, in both builds', () => {
  it('offset 0 (a failed tryAlloc) is INVALID_OFFSET: the header survives and a worker still attaches', () => {
    const { memory, p } = setup();
    const header = memory.u8.slice(0, DATA_START);
    const staging = new GpuStaging(memory);
    for (const [op, call] of bulkCalls(memory, staging, p)) {
      for (const n of [0, 4, 64, 4096]) {
        const e = expectCode(() => call(0, n), 'INVALID_OFFSET');
        expect(e.message, op).toContain('offset 0');
        expect(e.state.dataStart).toBe(DATA_START);
      }
    }
    expect(memory.u8.slice(0, DATA_START)).toEqual(header);
    memory.checkInvariants();
    if (memory.shared) attachMemory(memory.share()).checkInvariants(); // was BAD_MAGIC after fillBytes(memory, 0, ...)
  });

  it('the header and region table, and bytes past the last region, are INVALID_OFFSET', () => {
    const { memory, p, brk } = setup();
    const staging = new GpuStaging(memory);
    const header = memory.u8.slice(0, DATA_START);
    const bad: [number, number][] = [[4, 4], [DATA_START - 4, 4], [DATA_START - 16, 32], [brk - 4, 8], [brk, 4], [memory.byteLength - 4, 4], [memory.byteLength, 0], [-4, 4]];
    for (const [op, call] of bulkCalls(memory, staging, p)) {
      for (const [o, n] of bad) expectCode(() => call(o, op.endsWith('F32') ? n / 4 : n), 'INVALID_OFFSET');
    }
    expect(memory.u8.slice(0, DATA_START)).toEqual(header);
    // the edges of the regions are fine: from DATA_START, and an empty range at brk
    zeroBytes(memory, brk, 0);
    fillF32(memory, brk - 16, 4, 2);
    expect(memory.f32[(brk >> 2) - 1]).toBe(2);
    expect(staging.stage(DATA_START, 8).length).toBeGreaterThanOrEqual(8);
    memory.checkInvariants();
  });

  it('counts that are not whole numbers 0 or more are INVALID_SIZE (fillF32 with 1.5 floats was accepted)', () => {
    const { memory, p } = setup();
    const staging = new GpuStaging(memory);
    memory.u8.fill(0x5a, p, p + 1024);
    for (const [op, call] of bulkCalls(memory, staging, p + 512)) {
      for (const n of [1.5, 0.25, -1, -4, Number.NaN, Infinity, -Infinity, '8' as unknown as number, null as unknown as number]) {
        const e = expectCode(() => call(p, n), 'INVALID_SIZE');
        expect(e.message, `${op}(${String(n)})`).toContain(String(n));
      }
    }
    expect(memory.u8.subarray(p, p + 1024).every((b) => b === 0x5a)).toBe(true); // nothing written
    memory.checkInvariants();
  });

  it('offsets that are not whole numbers are INVALID_OFFSET; a fill value of the wrong kind is INVALID_OPTION', () => {
    const { memory, p } = setup();
    const staging = new GpuStaging(memory);
    for (const [, call] of bulkCalls(memory, staging, p + 512)) {
      for (const o of [p + 0.5, Number.NaN, Infinity, -Infinity, String(p) as unknown as number, undefined as unknown as number]) {
        expectCode(() => call(o, 4), 'INVALID_OFFSET');
      }
    }
    expectCode(() => { fillBytes(memory, p, 4, 1.5); }, 'INVALID_OPTION');
    expectCode(() => { fillBytes(memory, p, 4, Number.NaN); }, 'INVALID_OPTION');
    expectCode(() => { fillF32(memory, p, 4, '1' as unknown as number); }, 'INVALID_OPTION');
    expectCode(() => { fillF32(memory, p, 4, 1n as unknown as number); }, 'INVALID_OPTION');
    memory.checkInvariants();
  });

  it('any numbers at all: each helper returns or throws INVALID_OFFSET / INVALID_SIZE, never touching the header', () => {
    const { memory, p, brk } = setup();
    const staging = new GpuStaging(memory);
    const header = memory.u8.slice(0, DATA_START);
    const num = fc.oneof(fc.integer({ min: -8, max: brk + 8 }), fc.integer({ min: p - 8, max: p + 1100 }), fc.double(),
      fc.constantFrom(0, Number.NaN, Infinity, -Infinity, 2 ** 31, 2 ** 53));
    const calls = bulkCalls(memory, staging, p);
    fc.assert(fc.property(fc.integer({ min: 0, max: calls.length - 1 }), num, num, (k, o, n) => {
      // A valid range is any range of [DATA_START, brk) (the helpers' documented contract), which
      // holds the allocators' own headers too: a valid call may write over them, as a store
      // through a stray offset would. Those calls are not bad input; skip them, so that the
      // invariants checked below hold for every seed (this test was seen failing in 1 run of many).
      const op = calls[k][0];
      const bytes = op.endsWith('F32') ? n * 4 : n;
      const [lo, hi] = op === 'copyBytes from' ? [p, p + bytes] : [o, o + bytes];
      const inside = (a: number, b: number): boolean => a >= DATA_START && b <= brk;
      fc.pre(!(!op.startsWith('stage') && Number.isInteger(o) && Number.isInteger(bytes) && bytes > 0 &&
        inside(o, o + bytes) && inside(lo, hi) && (lo < p || hi > p + 1024)));
      try {
        calls[k][1](o, n);
      } catch (e) {
        expect(e).toBeInstanceOf(MemoryError);
        expect(['INVALID_OFFSET', 'INVALID_SIZE']).toContain((e as MemoryError).code);
      }
    }), { numRuns: 300 });
    expect(memory.u8.slice(0, DATA_START)).toEqual(header);
    memory.checkInvariants();
  });
});

describe('GpuStaging checks its size and its ranges', () => {
  it('new GpuStaging(memory, NaN).stage(p, 16) throws INVALID_OPTION instead of looping forever', () => {
    const { memory, p } = setup();
    for (const bytes of [Number.NaN, Infinity, -Infinity, -1, 1.5, 2 ** 31, '64' as unknown as number, null as unknown as number]) {
      expectCode(() => new GpuStaging(memory, bytes), 'INVALID_OPTION');
    }
    memory.u8.fill(7, p, p + 16);
    const tiny = new GpuStaging(memory, 0); // below 64 means 64
    expect(tiny.buffer.byteLength).toBe(64);
    expect(Array.from(tiny.stage(p, 16).subarray(0, 16))).toEqual(new Array<number>(16).fill(7));
    expect(tiny.stage(p, 1024).length).toBe(1024); // grows by doubling
    memory.checkInvariants();
  });
});

describe('typed allocation counts and option objects', () => {
  const Hit = struct({ t: 'f32', normal: 'vec3' }, { name: 'Hit' });
  const BAD_COUNTS = [1.5, 0, -1, Number.NaN, Infinity, -Infinity, 2 ** 53, '2' as unknown as number, undefined as unknown as number];

  it('allocArray(1.5), NaN, Infinity, 0 and negatives are INVALID_SIZE for arena and stack; nothing is allocated', () => {
    const memory = createMemory({ size: 1 << 16 });
    const arena = memory.createArena('frame', { capacity: 4096 });
    const stack = memory.createStack('scratch', { capacity: 4096 });
    const hits = typed(memory, arena, Hit);
    const frames = typed(memory, stack, Hit);
    for (const n of BAD_COUNTS) {
      expect(expectCode(() => hits.allocArray(n), 'INVALID_SIZE').message).toContain(`allocArray(${String(n)})`);
      expectCode(() => frames.allocArray(n), 'INVALID_SIZE');
    }
    expect([arena.used, stack.used]).toEqual([0, 0]);
    expect(hits.allocArray(3) % Hit.align).toBe(0);
    expect(frames.allocArray(2)).toBeGreaterThan(0);
    memory.checkInvariants();
  });

  it('TypedPool.allocArray: a bad n is INVALID_SIZE, an out that is not an array INVALID_OPTION; no slot is taken', () => {
    const memory = createMemory({ size: 1 << 16 });
    const pool = memory.createPool('hits', { slotSize: 16, align: 16, capacity: 8 });
    const hits = typed(memory, pool, Hit);
    const out = new Int32Array(4);
    for (const n of [1.5, -1, 5, Number.NaN, Infinity]) expectCode(() => { hits.allocArray(out, n); }, 'INVALID_SIZE');
    for (const o of [null, undefined, 4, {}]) expectCode(() => { hits.allocArray(o as never); }, 'INVALID_OPTION');
    expect(pool.live).toBe(0);
    hits.allocArray(out);
    expect(pool.live).toBe(4);
    memory.checkInvariants();
  });

  it('allocInit with a value of the wrong kind is STRUCT_INVALID, not a TypeError; a pool slot goes back', () => {
    const memory = createMemory({ size: 1 << 16 });
    const pool = memory.createPool('hits', { slotSize: 16, align: 16, capacity: 8 });
    const hits = typed(memory, pool, Hit);
    for (const init of [{ normal: null }, { normal: 5 }, { normal: 'xyz' }, { t: [1] }, { t: null }, { t: '1' }]) {
      expect(expectCode(() => hits.allocInit(init as never), 'STRUCT_INVALID').message).toContain('allocInit');
    }
    expect(pool.live).toBe(0);
    for (const init of [null, undefined]) hits.free(hits.allocInit(init as never)); // nothing to write: zeroed
    const h = hits.allocInit({ t: 2, normal: [0, 1, 0] });
    expect([hits.at(h).t, hits.at(h).normal.y]).toEqual([2, 1]);
    memory.checkInvariants();
  });

  it('null as an options object is INVALID_OPTION: createTemps, struct, createBudgets, Budgets.track', () => {
    const memory = createMemory({ size: 1 << 16 });
    expectCode(() => createTemps(memory, null as never), 'INVALID_OPTION');
    expectCode(() => createTemps(memory, 5 as never), 'INVALID_OPTION');
    expectCode(() => struct({ x: 'f32' }, null as never), 'INVALID_OPTION');
    expectCode(() => createBudgets(memory, null as never), 'INVALID_OPTION');
    const budgets = createBudgets(memory, { fx: 1 << 14 });
    expectCode(() => { budgets.track('fx', null as never); }, 'INVALID_OPTION');
    expectCode(() => budgets.createArena('fx', 'a', null as never), 'INVALID_OPTION');
    expect(memory.regions()).toEqual([]);
    memory.checkInvariants();
  });

  it('cursors refuse fractional offsets (STRUCT_INVALID)', () => {
    const memory = createMemory({ size: 1 << 16 });
    const Bytes = struct({ a: 'u8', b: 'u8' }, { name: 'Bytes' }); // align 1: any whole offset is aligned
    const p = memory.createArena('a', { capacity: 4096 }).alloc(64, 16);
    const c = cursor(memory, Bytes);
    if (CHECKS) for (const o of [p + 0.5, Number.NaN, Infinity]) expectCode(() => c.at(o), 'STRUCT_INVALID'); // at() checks per call: checked build
    expect(c.at(p + 1).offset).toBe(p + 1);
    const Cols = soa(Bytes, 4, 1);
    expectCode(() => soaCursor(memory, Cols, p + 0.5), 'STRUCT_INVALID');
    memory.checkInvariants();
  });
});
