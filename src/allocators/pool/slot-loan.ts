/// <reference lib="esnext.disposable" preserve="true" />
/**
 * A pool slot that frees itself at the end of a `using` block: what {@link Pool.take} returns.
 * @module
 */
import type { Handle, Offset } from '../../api.ts';
import { DISPOSE, Shelf } from '../disposal.ts';

/**
 * What a {@link SlotLoan} needs of its pool: a {@link nebula-memory!Pool} provides it.
 *
 * Thread-safety: the pool instance of the loan's thread.
 * @example
 * ```ts
 * const loan = particles.take();
 * const owner: LoanPool = loan.pool; // particles
 * ```
 */
export interface LoanPool {
  /** The pool's name. */
  readonly name: string;
  /** Takes a slot. */
  alloc(): Handle;
  /** Frees a slot. */
  free(h: Handle): void;
  /** A live slot's byte offset. */
  offsetOf(h: Handle): Offset;
}

const slotShelves = new WeakMap<LoanPool, Shelf<SlotLoan>>();

/**
 * A pool slot on loan: `using s = pool.take()` frees it at the end of the block.
 * `handle` and `offset` are 0 once it is returned.
 *
 * **Safety:** the object is recycled: after disposal, a later `take()` of the same pool may hand
 * out this very object for another slot. Wrong: keeping `s` past its block and reading
 * `s.offset` later. Keep the slot beyond the block with {@link SlotLoan.keep}, which returns the
 * handle and disarms the loan.
 *
 * Thread-safety: owner thread (the one that took it; the pool instance is per thread).
 * @example
 * ```ts
 * {
 *   using s = particles.take();
 *   memory.f32[s.offset >> 2] = 1;
 * } // freed here
 * ```
 */
export class SlotLoan implements Disposable {
  /** The slot's handle, or 0 once returned. */
  handle: Handle = 0;
  /** The slot's byte offset, or 0 once returned. */
  offset: Offset = 0;
  /** The pool the slot belongs to. */
  declare readonly pool: LoanPool;
  private declare readonly shelf: { put(loan: SlotLoan): void };
  /** The same as {@link SlotLoan.dispose}, under `Symbol.dispose` (or its fallback key), for `using`. */
  declare [Symbol.dispose]: () => void;

  /** @internal Use {@link Pool.take}. */
  constructor(pool: LoanPool, shelf: { put(loan: SlotLoan): void }) {
    this.pool = pool;
    this.shelf = shelf;
  }

  /**
   * Frees the slot (what `using` calls, under `Symbol.dispose`). A second call does nothing.
   *
   * **Safety:** the slot's offset becomes invalid and the wrapper is recycled.
   *
   * Thread-safety: owner thread.
   * @throws {@link nebula-memory!MemoryError} from `pool.free` (`DOUBLE_FREE`, `STALE_HANDLE`) when the slot
   * was freed behind the loan's back; the wrapper is recycled anyway.
   * @example
   * ```ts
   * const s = pool.take();
   * try { use(s.offset); } finally { s.dispose(); }
   * ```
   */
  dispose(): void {
    const h = this.handle;
    if (h === 0) return;
    this.handle = 0;
    this.offset = 0;
    this.shelf.put(this);
    this.pool.free(h);
  }

  /**
   * Ends the loan without freeing: returns the handle, which you now own (free it with
   * `pool.free`), and recycles the wrapper.
   *
   * Thread-safety: owner thread.
   * @returns the slot's handle.
   * @example
   * ```ts
   * using s = bullets.take();
   * if (hit) return s.keep(); // the bullet lives on
   * ```
   */
  keep(): Handle {
    const h = this.handle;
    this.handle = 0;
    this.offset = 0;
    if (h !== 0) this.shelf.put(this);
    return h;
  }
}
Object.defineProperty(SlotLoan.prototype, DISPOSE, { value(this: SlotLoan): void { this.dispose(); }, writable: true, configurable: true });

/**
 * Takes a free slot as a {@link SlotLoan} that frees itself when disposed: the logic behind
 * `pool.take()`. No garbage in steady state: wrappers come from a per-pool free list.
 *
 * Thread-safety: owner thread of this pool instance (any worker, through its own instance).
 * @throws {@link nebula-memory!MemoryError} `POOL_EXHAUSTED` (nothing is taken then).
 * @internal
 * @example
 * ```ts
 * using s = particles.take();
 * cursor.at(s.offset).life = 1;
 * ```
 */
export function takeSlot(pool: LoanPool): SlotLoan {
  let shelf = slotShelves.get(pool);
  if (shelf === undefined) slotShelves.set(pool, (shelf = new Shelf<SlotLoan>()));
  const h = pool.alloc();
  const loan = shelf.count > 0 ? shelf.items[--shelf.count] : new SlotLoan(pool, shelf);
  loan.handle = h;
  loan.offset = pool.offsetOf(h);
  return loan;
}
