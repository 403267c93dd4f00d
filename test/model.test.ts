/**
 * Random operation sequences against simple models: blocks never overlap, stay inside their
 * allocator, are aligned, slots are conserved, and checkInvariants() holds after every step.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attachMemory, createMemory, MemoryError } from '../src/index.ts';
import { ARENA_HEADER_BYTES } from '../src/allocators/arena/frame-arena.ts';
import { BLOCK_HEADER, STACK_HEADER_BYTES } from '../src/allocators/stack/stack.ts';
import { DATA_START, alignUp } from '../src/memory/layout.ts';
import { CHECKS, inBrowser } from './helpers.ts';

/** 10,000 runs per model in the checked Node build (the CI gate), fewer elsewhere to keep the suite quick. */
const RUNS = inBrowser ? 150 : CHECKS ? 10_000 : 1000;
const alignArb = fc.constantFrom(1, 2, 4, 8, 16, 64);

type Block = readonly [offset: number, size: number];

function assertDisjoint(blocks: readonly Block[]): void {
  const sorted = [...blocks].sort((x, y) => x[0] - y[0]);
  for (let i = 1; i < sorted.length; i++) {
    expect(sorted[i][0], `block at ${sorted[i][0]} overlaps the one at ${sorted[i - 1][0]}`).toBeGreaterThanOrEqual(sorted[i - 1][0] + sorted[i - 1][1]);
  }
}

type ArenaOp =
  | { t: 'alloc'; size: number; align: number; soft: boolean }
  | { t: 'mark' }
  | { t: 'rewind'; pick: number }
  | { t: 'reset' };

const arenaOp: fc.Arbitrary<ArenaOp> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ t: fc.constant('alloc' as const), size: fc.integer({ min: 1, max: 300 }), align: alignArb, soft: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('mark' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('rewind' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('reset' as const) }) },
);

describe('model: frame arena', () => {
  it('one thread behaves exactly like a plain bump allocator', () => {
    fc.assert(fc.property(fc.array(arenaOp, { maxLength: 60 }), fc.constantFrom(64, 128, 1024), (ops, lane) => {
      const m = createMemory({ size: 1 << 16 });
      const cap = 2048;
      const a = m.createArena('a', { capacity: cap, frames: 0, laneBytes: lane });
      const data = DATA_START + ARENA_HEADER_BYTES;
      let cursor = data;
      let blocks: Block[] = [];
      let marks: { raw: number; pos: number }[] = [];
      for (const op of ops) {
        if (op.t === 'alloc') {
          const p = alignUp(cursor, op.align);
          const fits = p + op.size <= data + cap;
          if (op.soft) {
            expect(a.tryAlloc(op.size, op.align)).toBe(fits ? p : 0);
          } else if (fits) {
            expect(a.alloc(op.size, op.align)).toBe(p);
          } else {
            expect(() => a.alloc(op.size, op.align)).toThrow(MemoryError);
          }
          if (fits) {
            cursor = p + op.size;
            blocks.push([p, op.size]);
          }
        } else if (op.t === 'mark') {
          // before the first allocation of a lease the mark is 0, which means "the lease's start"
          const raw = a.mark();
          expect(raw === 0 ? data : raw).toBe(blocks.length === 0 ? data : cursor);
          marks.push({ raw, pos: cursor });
        } else if (op.t === 'rewind') {
          if (marks.length === 0) continue;
          const k = op.pick % marks.length;
          a.rewind(marks[k].raw);
          cursor = marks[k].pos;
          blocks = blocks.filter(([p]) => p < cursor);
          marks = marks.slice(0, k + 1);
        } else {
          a.reset();
          cursor = data;
          blocks = [];
          marks = [];
        }
        for (const [p, size] of blocks) {
          expect(p).toBeGreaterThanOrEqual(data);
          expect(p + size).toBeLessThanOrEqual(data + cap);
        }
        assertDisjoint(blocks);
        expect(a.used).toBe(cursor - data);
        a.checkInvariants();
      }
    }), { numRuns: RUNS });
  });

  it('two threads with interleaved frames, releases and resets never hand out overlapping bytes', () => {
    type Op = { t: 'alloc'; who: number; size: number; align: number } | { t: 'release'; who: number } | { t: 'advance' } | { t: 'reset' };
    const who = fc.integer({ min: 0, max: 1 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 10, arbitrary: fc.record({ t: fc.constant('alloc' as const), who, size: fc.integer({ min: 1, max: 200 }), align: alignArb }) },
      { weight: 2, arbitrary: fc.record({ t: fc.constant('release' as const), who }) },
      { weight: 2, arbitrary: fc.record({ t: fc.constant('advance' as const) }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant('reset' as const) }) },
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
      const m = createMemory({ size: 1 << 16 });
      const cap = 2048;
      const arenas = [m.createArena('a', { capacity: cap, frames: 2, laneBytes: 128 }), attachMemory(m.share()).arena('a')];
      const data = DATA_START + ARENA_HEADER_BYTES;
      // live blocks with the frame they belong to, each stamped with its id in every word
      let blocks: { p: number; size: number; frame: number; id: number }[] = [];
      let nextId = 1;
      for (const o of ops) {
        if (o.t === 'alloc') {
          const p = arenas[o.who].tryAlloc(o.size, o.align);
          if (p !== 0) {
            expect(p % o.align).toBe(0);
            const seg = ((p - data) / cap) | 0;
            expect(seg === 0 || seg === 1).toBe(true);
            expect(p + o.size).toBeLessThanOrEqual(data + (seg + 1) * cap);
            const id = nextId++;
            blocks.push({ p, size: o.size, frame: m.frame, id });
            m.u8.fill(id & 0xff, p, p + o.size);
          }
        } else if (o.t === 'release') {
          arenas[o.who].release();
        } else if (o.t === 'advance') {
          arenas[1].release(); // the worker finishes its frame first
          m.advance();
          blocks = blocks.filter((b) => b.frame >= m.frame - 1); // frames: 2
        } else {
          arenas[1].release();
          arenas[0].reset();
          const seg = m.frame % 2;
          blocks = blocks.filter((b) => ((b.p - data) / cap | 0) !== seg);
        }
        // every live block keeps its bytes: no other block was placed over it
        for (const b of blocks) {
          expect(m.u8[b.p], `block ${b.id} at ${b.p} was overwritten`).toBe(b.id & 0xff);
          expect(m.u8[b.p + b.size - 1]).toBe(b.id & 0xff);
        }
        assertDisjoint(blocks.map((b) => [b.p, b.size] as const));
        arenas[0].checkInvariants();
        arenas[1].checkInvariants();
      }
    }), { numRuns: RUNS });
  });
});

type PoolOp = { t: 'alloc'; who: number } | { t: 'free'; who: number; pick: number } | { t: 'stale'; pick: number } | { t: 'flush'; who: number };

describe('model: pool', () => {
  it('conserves slots and never gives one slot to two owners', () => {
    const who = fc.integer({ min: 0, max: 1 });
    const op: fc.Arbitrary<PoolOp> = fc.oneof(
      { weight: 5, arbitrary: fc.record({ t: fc.constant('alloc' as const), who }) },
      { weight: 4, arbitrary: fc.record({ t: fc.constant('free' as const), who, pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant('stale' as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant('flush' as const), who }) },
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 80 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 5 }), (ops, cap, batch) => {
      const m = createMemory({ size: 1 << 16 });
      const pools = [m.createPool('p', { slotSize: 12, capacity: cap, align: 4, batch }), attachMemory(m.share()).pool('p')];
      const live = new Map<number, number>(); // handle -> offset
      const dead: number[] = [];
      for (const o of ops) {
        if (o.t === 'alloc') {
          const h = pools[o.who].tryAlloc();
          if (h === 0) {
            const s = pools[o.who].stats();
            expect(s.free).toBe(0); // only fails when the shared list is empty
            expect(live.size + s.cached).toBe(cap);
          } else {
            expect(live.has(h)).toBe(false);
            live.set(h, pools[o.who].offsetOf(h));
          }
        } else if (o.t === 'free') {
          if (live.size === 0) continue;
          const h = [...live.keys()][o.pick % live.size];
          pools[o.who].free(h);
          live.delete(h);
          dead.push(h);
        } else if (o.t === 'stale') {
          if (dead.length === 0) continue;
          const h = dead[o.pick % dead.length];
          if (CHECKS && !live.has(h)) {
            expect(() => { pools[0].free(h); }).toThrow(MemoryError);
            expect(pools[1].isAlive(h)).toBe(false);
          }
        } else {
          pools[o.who].flush();
        }
        const offsets = [...live.values()];
        expect(new Set(offsets).size).toBe(offsets.length);
        for (const p of offsets) expect(p % 4).toBe(0);
        assertDisjoint(offsets.map((p) => [p, 12] as const));
        expect(pools[0].live).toBe(live.size);
        pools[0].checkInvariants();
        pools[1].checkInvariants();
      }
    }), { numRuns: RUNS });
  });
});

type StackOp = { t: 'push'; size: number; align: number } | { t: 'pop' } | { t: 'mark' } | { t: 'release'; pick: number };

describe('model: stack', () => {
  it('matches a model of LIFO blocks with exact offsets', () => {
    const op: fc.Arbitrary<StackOp> = fc.oneof(
      { weight: 5, arbitrary: fc.record({ t: fc.constant('push' as const), size: fc.integer({ min: 1, max: 100 }), align: alignArb }) },
      { weight: 3, arbitrary: fc.record({ t: fc.constant('pop' as const) }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant('mark' as const) }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant('release' as const), pick: fc.nat() }) },
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const m = createMemory({ size: 1 << 16 });
      const cap = 1024;
      const s = m.createStack('s', { capacity: cap });
      const data = DATA_START + STACK_HEADER_BYTES;
      const blocks: { p: number; size: number; prevTop: number }[] = [];
      let marks: number[] = [];
      const top = (): number => (blocks.length ? blocks[blocks.length - 1].p + blocks[blocks.length - 1].size : data);
      for (const o of ops) {
        if (o.t === 'push') {
          const p = alignUp(top() + BLOCK_HEADER, Math.max(4, o.align));
          if (p + o.size > data + cap) {
            expect(s.tryPush(o.size, o.align)).toBe(0);
          } else {
            expect(s.push(o.size, o.align)).toBe(p);
            blocks.push({ p, size: o.size, prevTop: top() });
          }
        } else if (o.t === 'pop') {
          if (blocks.length === 0) continue;
          if (CHECKS && blocks.length > 1) expect(() => { s.pop(blocks[0].p); }).toThrow(MemoryError);
          const b = blocks.pop();
          if (b) s.pop(b.p);
        } else if (o.t === 'mark') {
          marks.push(s.mark());
          expect(s.mark()).toBe(top());
        } else {
          // only marks still at or below the top are valid
          marks = marks.filter((mk) => mk <= top() && (mk === top() || blocks.some((b) => b.prevTop === mk)));
          if (marks.length === 0) continue;
          const mk = marks[o.pick % marks.length];
          s.release(mk);
          while (blocks.length && top() > mk) blocks.pop();
          marks = marks.filter((x) => x <= mk);
        }
        expect(s.depth).toBe(blocks.length);
        expect(s.used).toBe(top() - data);
        assertDisjoint(blocks.map((b) => [b.p - BLOCK_HEADER, b.size + BLOCK_HEADER] as const));
        s.checkInvariants();
      }
    }), { numRuns: RUNS });
  });
});
