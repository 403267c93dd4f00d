/**
 * The pool grid: how a pool's slots map onto cells of a pixel area, and the per-frame
 * aggregation of slot owners into those cells. When the pool has fewer slots than the area has
 * cells of the smallest size, each slot gets a square cell as large as fits; otherwise each
 * one-pixel cell stands for `slotsPerCell` consecutive slots and shows the fraction live and
 * the dominant owner. Everything per frame writes into arrays made once per shape.
 * @module
 */
import { memoryError } from '../errors.ts';
import { MAX_THREADS } from '../memory/layout.ts';

/**
 * How a pool's slots are laid out in a grid area of device pixels.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * const s: PoolGridShape = poolGridShape(200_000, 300, 100, 16);
 * console.log(s.slotsPerCell, s.cells); // 7 28572
 * ```
 */
export interface PoolGridShape {
  /** Slots in the pool. */
  readonly capacity: number;
  /** Side of one cell in device pixels, 1 when slots are aggregated. */
  readonly cellPx: number;
  /** Cells per row. */
  readonly cols: number;
  /** Rows that hold cells (`ceil(cells / cols)`), at most the area's rows. */
  readonly rows: number;
  /** Consecutive slots one cell stands for: 1 when every slot has a cell of its own. */
  readonly slotsPerCell: number;
  /** Cells drawn: `ceil(capacity / slotsPerCell)`. */
  readonly cells: number;
}

/**
 * The grid shape of a pool of `capacity` slots in an area of `widthPx` x `heightPx` device
 * pixels: the largest cell side up to `maxCellPx` such that every slot has a cell; if even
 * one-pixel cells are too few, one-pixel cells of `ceil(capacity / (cols * rows))` slots each.
 * Slot `i` is in cell `floor(i / slotsPerCell)`, at column `cell % cols`, row `floor(cell / cols)`.
 * An area of 0 pixels counts as 1 x 1, a capacity of 0 as one slot. Takes O(log maxCellPx)
 * steps whatever the arguments.
 *
 * Thread-safety: a pure function; any worker.
 * @param capacity - slots, a whole number from 0 to 2^31 - 1.
 * @param widthPx - device pixels, a whole number from 0 to 2^31 - 1.
 * @param heightPx - device pixels, a whole number from 0 to 2^31 - 1.
 * @param maxCellPx - the largest cell side, a whole number from 1 to 2^31 - 1.
 * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` for any other argument (NaN, Infinity, fractional, negative).
 * @example
 * ```ts
 * poolGridShape(100, 300, 100, 16);     // 16-pixel cells, 18 per row, 6 rows
 * poolGridShape(200_000, 300, 100, 16); // 1-pixel cells of 7 slots, 28,572 cells in 96 rows
 * ```
 */
export function poolGridShape(capacity: number, widthPx: number, heightPx: number, maxCellPx: number): PoolGridShape {
  checkArg('capacity', capacity, 0);
  checkArg('widthPx', widthPx, 0);
  checkArg('heightPx', heightPx, 0);
  checkArg('maxCellPx', maxCellPx, 1);
  const w = Math.max(1, widthPx);
  const h = Math.max(1, heightPx);
  const c = Math.max(1, capacity);
  // cells of side s: floor(w / s) x floor(h / s), which never grows with s; so the largest side
  // that still gives every slot a cell is found by bisection over [1, min(maxCellPx, w, h)]
  if (w * h >= c) {
    let lo = 1;
    let hi = Math.min(maxCellPx, w, h);
    while (lo < hi) {
      const mid = lo + Math.ceil((hi - lo) / 2);
      if (Math.floor(w / mid) * Math.floor(h / mid) >= c) lo = mid;
      else hi = mid - 1;
    }
    const cols = Math.floor(w / lo);
    return Object.freeze({ capacity: c, cellPx: lo, cols, rows: Math.ceil(c / cols), slotsPerCell: 1, cells: c });
  }
  const slotsPerCell = Math.ceil(c / (w * h));
  const cells = Math.ceil(c / slotsPerCell);
  return Object.freeze({ capacity: c, cellPx: 1, cols: w, rows: Math.ceil(cells / w), slotsPerCell, cells });
}

/** Largest value {@link poolGridShape} takes: an int32, like every canvas size and pool capacity. */
const MAX_ARG = 0x7fffffff;

/** Throws INVALID_OPTION unless `value` is a whole number from `min` to {@link MAX_ARG}. */
function checkArg(what: string, value: number, min: number): void {
  if (Number.isInteger(value) && value >= min && value <= MAX_ARG) return;
  throw memoryError('INVALID_OPTION', `poolGridShape: ${what} ${String(value)} is not a whole number from ${min} to ${MAX_ARG}`, {
    allocator: 'inspector', request: { [what]: typeof value === 'number' ? value : String(value) }, state: {},
    suggestion: `pass ${what === 'capacity' ? 'the pool\'s slot count' : 'whole device pixels (Math.floor(cssPx * devicePixelRatio))'}, ${min} or more.`,
  });
}

/**
 * What the aggregation reads: a pool's owner array (`Pool.slotOwnersInto`). A test can pass
 * a plain object.
 *
 * Thread-safety: as the pool's `slotOwnersInto`.
 * @example
 * ```ts
 * const source: SlotOwnerSource = memory.pool('particles');
 * ```
 */
export interface SlotOwnerSource {
  /** Slots in the pool. */
  readonly capacity: number;
  /** Writes the owner (0 free, thread id + 1 live) of slots `from ..` into `out`; returns how many. */
  slotOwnersInto(out: Uint8Array, from: number): number;
}

/** Slots read per `slotOwnersInto` call: the scratch chunk's size. */
export const OWNER_CHUNK = 16384;

/**
 * The per-frame numbers of one pool grid, in arrays made once per shape.
 * @internal
 */
export class PoolGridCells {
  /** The shape these arrays were made for. */
  readonly shape: PoolGridShape;
  /** Live slots in each cell. */
  readonly live: Int32Array;
  /** Dominant owner of each cell: the thread id + 1 owning most of its live slots, 0 if none is live. */
  readonly owner: Uint8Array;
  /** Live slots per owner at the last completed sweep: index thread id + 1 (index 0 unused). */
  readonly liveByOwner: Int32Array;
  /** Live slots at the last completed sweep (the sum of `live` then). */
  totalLive = 0;
  /**
   * Colour weight (0..256) of a cell with `k` live slots: `round(256 * (0.35 + 0.65 * k / slotsPerCell))`,
   * 0 for none; `weightLast` the same for the last cell, which may hold fewer slots. Tables made
   * once, so painting needs integer arithmetic only (no fraction, so no boxed number even in
   * code V8 has not optimized).
   */
  readonly weight: Int32Array;
  readonly weightLast: Int32Array;
  /** Scratch: owners of one chunk of slots. */
  private readonly chunk: Uint8Array;
  /** Scratch: counts per owner inside the current cell. */
  private readonly counts = new Int32Array(MAX_THREADS + 1);
  /** Where the next aggregate() call starts reading (a multiple of the read size). */
  private cursor = 0;
  /** The sweep under way: live slots per owner and in all, so far. */
  private readonly sweepByOwner = new Int32Array(MAX_THREADS + 1);
  private sweepTotal = 0;
  /** Sweeps of the whole pool completed. */
  sweeps = 0;

  constructor(shape: PoolGridShape) {
    this.shape = shape;
    this.live = new Int32Array(shape.cells);
    this.owner = new Uint8Array(shape.cells);
    this.liveByOwner = new Int32Array(MAX_THREADS + 1);
    // whole cells per read: a multiple of slotsPerCell (at least one cell)
    const perRead = Math.max(1, Math.floor(OWNER_CHUNK / shape.slotsPerCell)) * shape.slotsPerCell;
    this.chunk = new Uint8Array(Math.min(perRead, shape.capacity));
    this.weight = weights(shape.slotsPerCell);
    this.weightLast = weights(shape.capacity - (shape.cells - 1) * shape.slotsPerCell);
  }

  /**
   * Reads slot owners from `source`, from where the last call stopped, `budget` slots at most
   * (rounded up to whole reads) and never past the pool's end, and fills `live` and `owner` for those
   * cells. `liveByOwner` and `totalLive` are set each time a sweep of the whole pool completes:
   * with a budget of at least the capacity, every call is one whole sweep. Ties between owners go
   * to the one that reached the count first. Reads in chunks of whole cells, so no cell straddles
   * two reads. Allocates nothing.
   */
  aggregate(source: SlotOwnerSource, budget = Infinity): void {
    const { slotsPerCell, capacity } = this.shape;
    const live = this.live;
    const owner = this.owner;
    const byOwner = this.sweepByOwner;
    const counts = this.counts;
    const chunk = this.chunk;
    const limit = Math.min(budget, capacity);
    let total = this.sweepTotal;
    let from = this.cursor;
    let scanned = 0;
    while (scanned < limit) {
      const n = source.slotOwnersInto(chunk, from);
      let cell = (from / slotsPerCell) | 0;
      if (slotsPerCell === 1) {
        for (let k = 0; k < n; k++) {
          const o = chunk[k];
          owner[cell] = o;
          const l = o === 0 ? 0 : 1;
          live[cell++] = l;
          byOwner[o] += l;
          total += l;
        }
      } else {
        for (let k = 0; k < n; k += slotsPerCell) {
          const end = Math.min(n, k + slotsPerCell);
          let best = 0;
          let bestCount = 0;
          for (let j = k; j < end; j++) {
            // branch-free on the owner: free slots (0) count into counts[0], which never wins
            const o = chunk[j];
            const c = ++counts[o];
            if (c > bestCount && o !== 0) { bestCount = c; best = o; }
          }
          const cellLive = end - k - counts[0];
          // move the cell's counts to the per-owner totals and clear them (later repeats add 0)
          for (let j = k; j < end; j++) {
            const o = chunk[j];
            byOwner[o] += counts[o];
            counts[o] = 0;
          }
          counts[0] = 0;
          live[cell] = cellLive;
          owner[cell++] = best;
          total += cellLive;
        }
      }
      scanned += n;
      from += n;
      if (from >= capacity || n === 0) {
        // a sweep is complete: publish its totals, start the next one
        byOwner[0] = 0;
        this.liveByOwner.set(byOwner);
        this.totalLive = total;
        byOwner.fill(0);
        total = 0;
        from = 0;
        this.sweeps++;
        break; // a call never reads past the end of a sweep
      }
    }
    this.cursor = from;
    this.sweepTotal = total;
  }

  /**
   * Finishes the sweep under way, then sweeps the whole pool once more, so every number is from
   * one read of the pool now (for a readout, not for every frame).
   */
  sweepNow(source: SlotOwnerSource): void {
    if (this.cursor !== 0) this.aggregate(source);
    this.aggregate(source);
  }

  /** True while a sweep is under way (the last call stopped inside the pool). */
  get midSweep(): boolean {
    return this.cursor !== 0;
  }
}

/** Colour weights of a cell of `n` slots with 0..n live: 0, then from 35% to 100% of 256. */
function weights(n: number): Int32Array {
  const w = new Int32Array(n + 1);
  for (let k = 1; k <= n; k++) w[k] = Math.round(256 * (0.35 + (0.65 * k) / n));
  return w;
}
