/**
 * The pool grid's math with exact numbers: the shape chosen for a pool in a pixel area (one
 * cell per slot as large as fits, else one-pixel cells of several slots), and the aggregation of
 * slot owners into cells (live count and dominant owner).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryError } from '../src/index.ts';
import { poolGridShape } from '../src/inspector/pool-grid.ts';
import { expectCode } from './helpers.ts';
import { OWNER_CHUNK, PoolGridCells, type SlotOwnerSource } from '../src/inspector/pool-grid.ts';
import { paintGrid } from '../src/inspector/grid-image.ts';
import { FREE_RGB, THREAD_RGB } from '../src/inspector/colors.ts';

/** A pool stand-in whose owners are a plain array (0 free, thread id + 1 live). */
function source(owners: readonly number[]): SlotOwnerSource & { readonly reads: number[] } {
  const reads: number[] = [];
  return {
    capacity: owners.length, reads,
    slotOwnersInto(out: Uint8Array, from: number): number {
      reads.push(from);
      const n = Math.max(0, Math.min(out.length, owners.length - from));
      for (let k = 0; k < n; k++) out[k] = owners[from + k];
      return n;
    },
  };
}

describe('poolGridShape', () => {
  it('gives every slot its own cell, as large as fits up to the largest cell', () => {
    expect(poolGridShape(100, 300, 100, 16)).toEqual({ capacity: 100, cellPx: 16, cols: 18, rows: 6, slotsPerCell: 1, cells: 100 });
    // 1000 slots in 624 x 221: 12 px cells give 52 x 18 = 936 < 1000, 11 px give 56 x 20 = 1120
    expect(poolGridShape(1000, 624, 221, 12)).toEqual({ capacity: 1000, cellPx: 11, cols: 56, rows: 18, slotsPerCell: 1, cells: 1000 });
    // exactly as many pixels as slots: one pixel each, no aggregation
    expect(poolGridShape(30_000, 300, 100, 16)).toEqual({ capacity: 30_000, cellPx: 1, cols: 300, rows: 100, slotsPerCell: 1, cells: 30_000 });
  });

  it('aggregates when slots outnumber pixels: ceil(capacity / pixels) slots per one-pixel cell', () => {
    // 200,000 slots in 300 x 100 = 30,000 pixels: 7 slots a cell, 28,572 cells in 96 rows
    expect(poolGridShape(200_000, 300, 100, 16)).toEqual({ capacity: 200_000, cellPx: 1, cols: 300, rows: 96, slotsPerCell: 7, cells: 28_572 });
    expect(poolGridShape(30_001, 300, 100, 16)).toEqual({ capacity: 30_001, cellPx: 1, cols: 300, rows: 51, slotsPerCell: 2, cells: 15_001 });
    // the largest pool, 4,194,304 slots, in a small area
    const big = poolGridShape(4_194_304, 200, 50, 12);
    expect(big).toEqual({ capacity: 4_194_304, cellPx: 1, cols: 200, rows: 50, slotsPerCell: 420, cells: 9987 });
    expect(big.cells * big.slotsPerCell).toBeGreaterThanOrEqual(big.capacity);
    expect((big.cells - 1) * big.slotsPerCell).toBeLessThan(big.capacity);
  });

  it('never returns an empty grid for degenerate areas', () => {
    expect(poolGridShape(5, 0, 0, 12)).toEqual({ capacity: 5, cellPx: 1, cols: 1, rows: 1, slotsPerCell: 5, cells: 1 });
  });
});

/** The shape search before it was a bisection: every side from maxCellPx down (small inputs only). */
function linearShape(capacity: number, widthPx: number, heightPx: number, maxCellPx: number): { cellPx: number; cols: number } | null {
  const [w, h, c] = [Math.max(1, widthPx), Math.max(1, heightPx), Math.max(1, capacity)];
  for (let s = maxCellPx; s >= 1; s--) if (Math.floor(w / s) >= 1 && Math.floor(w / s) * Math.floor(h / s) >= c) return { cellPx: s, cols: Math.floor(w / s) };
  return null;
}

describe('poolGridShape: bad and extreme arguments', () => {
  it('poolGridShape(1000, 100, 100, Infinity) throws INVALID_OPTION instead of never returning', () => {
    const e = expectCode(() => poolGridShape(1000, 100, 100, Infinity), 'INVALID_OPTION');
    expect(e.message).toContain('maxCellPx');
  });

  it('each argument: NaN, ±Infinity, fractional, negative or above 2^31 - 1 is INVALID_OPTION naming it', () => {
    const good = [1000, 100, 100, 12];
    const names = ['capacity', 'widthPx', 'heightPx', 'maxCellPx'];
    for (let k = 0; k < 4; k++) {
      for (const v of [Number.NaN, Infinity, -Infinity, -1, 1.5, 2 ** 31, 1e300, '12' as unknown as number]) {
        const args = good.slice() as [number, number, number, number];
        args[k] = v;
        const e = expectCode(() => poolGridShape(...args), 'INVALID_OPTION');
        expect(e.message).toContain(names[k]);
      }
    }
    expectCode(() => poolGridShape(10, 10, 10, 0), 'INVALID_OPTION'); // a cell has at least one pixel
    expect(poolGridShape(0, 10, 10, 4)).toMatchObject({ capacity: 1, cellPx: 4, slotsPerCell: 1, cells: 1 });
  });

  it('any numbers at all (NaN, ±Infinity, huge): returns a sane shape or throws INVALID_OPTION, quickly', () => {
    const num = fc.oneof(fc.double(), fc.integer({ min: -2, max: 5000 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      fc.constantFrom(0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 53, Number.MAX_VALUE, Number.NaN, Infinity, -Infinity));
    const start = performance.now();
    fc.assert(fc.property(num, num, num, num, (c, w, h, m) => {
      let s;
      try {
        s = poolGridShape(c, w, h, m);
      } catch (e) {
        expect(e).toBeInstanceOf(MemoryError);
        expect((e as MemoryError).code).toBe('INVALID_OPTION');
        return;
      }
      expect(s.cells * s.slotsPerCell).toBeGreaterThanOrEqual(s.capacity);
      expect((s.cells - 1) * s.slotsPerCell).toBeLessThan(s.capacity);
      expect(s.cols * s.cellPx).toBeLessThanOrEqual(Math.max(1, w));
      expect(s.rows * s.cellPx).toBeLessThanOrEqual(Math.max(1, h));
      expect(s.cellPx).toBeLessThanOrEqual(m);
    }), { numRuns: 2000 });
    expect(performance.now() - start).toBeLessThan(5000); // 2000 calls; one unbounded loop would never end
  });

  it('the bisection picks the same cell size as trying every size from the largest down', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 40 }), (c, w, h, m) => {
      const s = poolGridShape(c, w, h, m);
      const ref = linearShape(c, w, h, m);
      if (ref === null) expect(s.cellPx === 1 && s.slotsPerCell > 1).toBe(true);
      else expect([s.cellPx, s.cols, s.slotsPerCell]).toEqual([ref.cellPx, ref.cols, 1]);
    }), { numRuns: 500 });
  });
});

describe('pool grid aggregation', () => {
  it('counts live slots per cell and picks the owner with most of them', () => {
    // 10 slots, 3 per cell -> 4 cells; owners are thread id + 1
    const owners = [0, 1, 1, 2, 2, 0, 0, 0, 0, 3];
    const cells = new PoolGridCells({ capacity: 10, cellPx: 1, cols: 4, rows: 1, slotsPerCell: 3, cells: 4 });
    cells.aggregate(source(owners));
    expect(Array.from(cells.live)).toEqual([2, 2, 0, 1]);
    expect(Array.from(cells.owner)).toEqual([1, 2, 0, 3]);
    expect(cells.totalLive).toBe(5);
    expect(Array.from(cells.liveByOwner.subarray(0, 5))).toEqual([0, 2, 2, 1, 0]);
  });

  it('breaks ties in favour of the owner that got there first', () => {
    const cells = new PoolGridCells({ capacity: 8, cellPx: 1, cols: 2, rows: 1, slotsPerCell: 4, cells: 2 });
    cells.aggregate(source([1, 2, 2, 1, 5, 0, 4, 4]));
    expect(Array.from(cells.owner)).toEqual([2, 4]);
    expect(Array.from(cells.live)).toEqual([4, 3]);
  });

  it('reads in chunks and carries cells across chunk borders, matching a naive count', () => {
    const capacity = 2 * OWNER_CHUNK + 1234;
    const owners = Array.from({ length: capacity }, (_, i) => ((i * 2654435761) >>> 0) % 5 === 0 ? 0 : 1 + (((i >> 6) * 7) % 3));
    const spc = 7;
    const shape = { capacity, cellPx: 1, cols: 100, rows: Math.ceil(Math.ceil(capacity / spc) / 100), slotsPerCell: spc, cells: Math.ceil(capacity / spc) };
    const cells = new PoolGridCells(shape);
    const src = source(owners);
    cells.aggregate(src);
    // reads of whole cells: floor(16384 / 7) * 7 = 16380 slots each
    const perRead = Math.floor(OWNER_CHUNK / spc) * spc;
    expect(perRead).toBe(16_380);
    expect(src.reads).toEqual([0, perRead, 2 * perRead, 3 * perRead].filter((f) => f < capacity));
    for (let c = 0; c < shape.cells; c++) {
      const part = owners.slice(c * spc, (c + 1) * spc);
      const counts = new Map<number, number>();
      let best = 0;
      let bestCount = 0;
      for (const o of part) {
        if (o === 0) continue;
        const n = (counts.get(o) ?? 0) + 1;
        counts.set(o, n);
        if (n > bestCount) { bestCount = n; best = o; }
      }
      if (cells.live[c] !== part.filter((o) => o !== 0).length || cells.owner[c] !== best) {
        expect({ cell: c, live: cells.live[c], owner: cells.owner[c] }).toEqual({ cell: c, live: part.filter((o) => o !== 0).length, owner: best });
      }
    }
    expect(cells.totalLive).toBe(owners.filter((o) => o !== 0).length);
  });

  it('sweeps a large pool over several calls within a slot budget, publishing totals at each full sweep', () => {
    const capacity = 3 * OWNER_CHUNK + 100;
    const owners = Array.from({ length: capacity }, (_, i) => (i % 4 === 0 ? 0 : 1 + (i % 3)));
    const shape = { capacity, cellPx: 1, cols: 256, rows: Math.ceil(capacity / 256), slotsPerCell: 1, cells: capacity };
    const cells = new PoolGridCells(shape);
    const src = source(owners);
    const liveTotal = owners.filter((o) => o !== 0).length;
    cells.aggregate(src, OWNER_CHUNK);
    expect(src.reads).toEqual([0]);
    expect(cells.midSweep).toBe(true);
    expect(cells.totalLive).toBe(0); // no sweep finished yet
    expect(cells.live[OWNER_CHUNK - 1]).toBe(1);
    expect(cells.live[OWNER_CHUNK + 1]).toBe(0); // not read yet
    cells.aggregate(src, 2 * OWNER_CHUNK);
    cells.aggregate(src, OWNER_CHUNK);
    expect(src.reads).toEqual([0, OWNER_CHUNK, 2 * OWNER_CHUNK, 3 * OWNER_CHUNK]);
    expect(cells.midSweep).toBe(false);
    expect(cells.sweeps).toBe(1);
    expect(cells.totalLive).toBe(liveTotal);
    expect(cells.live[OWNER_CHUNK + 1]).toBe(1);
    // sweepNow: finishes a sweep under way, then reads the whole pool once more
    cells.aggregate(src, OWNER_CHUNK);
    cells.sweepNow(src);
    expect(cells.sweeps).toBe(3);
    expect(cells.midSweep).toBe(false);
    expect(Array.from(cells.liveByOwner.subarray(1, 4))).toEqual([1, 2, 3].map((o) => owners.filter((x) => x === o).length));
  });

  it('paints free cells in the free colour and live cells in their owner hue, brighter when fuller', () => {
    const shape = { capacity: 4, cellPx: 1, cols: 4, rows: 1, slotsPerCell: 1, cells: 4 };
    const cells = new PoolGridCells(shape);
    cells.aggregate(source([0, 1, 3, 0]));
    const img = { width: 4, height: 1, data: new Uint8ClampedArray(16) } as unknown as ImageData;
    paintGrid(cells, img);
    const px = (i: number): number[] => Array.from(img.data.subarray(4 * i, 4 * i + 4));
    expect(px(0)).toEqual([...FREE_RGB, 255]);
    expect(px(1)).toEqual([THREAD_RGB[0], THREAD_RGB[1], THREAD_RGB[2], 255]); // thread 0, full cell
    expect(px(2)).toEqual([THREAD_RGB[6], THREAD_RGB[7], THREAD_RGB[8], 255]); // thread 2
    expect(px(3)).toEqual([...FREE_RGB, 255]);
    // an aggregated cell with 1 of 4 live: 35% + 65% / 4 of the way (in 256ths) from free to the owner hue
    const half = new PoolGridCells({ capacity: 4, cellPx: 1, cols: 1, rows: 1, slotsPerCell: 4, cells: 1 });
    half.aggregate(source([0, 2, 0, 0]));
    const img2 = { width: 1, height: 1, data: new Uint8ClampedArray(4) } as unknown as ImageData;
    paintGrid(half, img2);
    const w = Math.round(256 * (0.35 + 0.65 / 4));
    expect(w).toBe(131);
    expect(Array.from(half.weight)).toEqual([0, 131, 173, 214, 256]);
    expect(Array.from(img2.data)).toEqual([0, 1, 2].map((c) => FREE_RGB[c] + (((THREAD_RGB[3 + c] - FREE_RGB[c]) * w) >> 8)).concat(255));
    // the last cell of 10 slots in cells of 3 holds 1 slot: its own weights
    const tail = new PoolGridCells({ capacity: 10, cellPx: 1, cols: 4, rows: 1, slotsPerCell: 3, cells: 4 });
    expect(Array.from(tail.weightLast)).toEqual([0, 256]);
  });
});
