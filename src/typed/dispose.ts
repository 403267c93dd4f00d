/// <reference lib="esnext.disposable" preserve="true" />
/**
 * Self-freeing handles for `using`: a pool slot that frees itself ({@link takeSlot}) and a stack
 * mark that releases itself ({@link stackScope}). The wrapper objects are recycled through a
 * small free list per allocator, so taking and disposing creates no garbage once as many
 * wrappers exist as were ever live at once.
 *
 * `Symbol.dispose`: Node 20 defines it (as `Symbol.for('nodejs.dispose')`), Chromium 156 and
 * Firefox 153 natively; WebKitGTK 2.50 has neither the symbol nor `using`. Where it is missing, the
 * wrappers use `Symbol.for('Symbol.dispose')`, the key core-js and the Babel/oxc `using` helpers
 * fall back to; code compiled by TypeScript needs a global `Symbol.dispose` there, which
 * {@link installSymbolDispose} defines on request (never on import). Every wrapper also has a
 * plain `dispose()`.
 * @module
 */
import type { Pool } from '../allocators/pool.ts';
import type { Stack } from '../allocators/stack.ts';
import type { Handle, Mark, Offset } from '../api.ts';

/** The key the wrappers' dispose method is installed under at runtime. */
const DISPOSE: symbol = typeof Symbol.dispose === 'symbol' ? Symbol.dispose : Symbol.for('Symbol.dispose');

/**
 * Makes `Symbol.dispose` exist, for TypeScript-compiled `using` in engines without it (WebKitGTK
 * 2.50): defines it as `Symbol.for('Symbol.dispose')`, the key nebula-memory's wrappers and
 * core-js use. Does nothing where it exists. This is the only global change nebula-memory makes,
 * and only when called; call it before `using` runs (an import side effect of your own entry).
 *
 * Thread-safety: any worker; each realm (page, worker) has its own `Symbol`.
 * @returns the `Symbol.dispose` in effect.
 * @example
 * ```ts
 * installSymbolDispose();
 * { using slot = takeSlot(particles); }
 * ```
 */
export function installSymbolDispose(): symbol {
  if (typeof Symbol.dispose !== 'symbol') Object.defineProperty(Symbol, 'dispose', { value: DISPOSE, configurable: true });
  return Symbol.dispose;
}

/** A LIFO free list of wrappers of one allocator; it grows only while more wrappers are live than ever before. */
class Shelf<T> {
  readonly items: T[] = [];
  count = 0;
  put(x: T): void {
    this.items[this.count++] = x;
  }
}

const slotShelves = new WeakMap<Pool, Shelf<SlotLoan>>();
const scopeShelves = new WeakMap<Stack, Shelf<StackScope>>();

/**
 * A pool slot on loan: `using s = takeSlot(pool)` frees it at the end of the block.
 * `handle` and `offset` are 0 once it is returned.
 *
 * **Safety:** the object is recycled: after disposal, a later `takeSlot` of the same pool may hand
 * out this very object for another slot. Wrong: keeping `s` past its block and reading
 * `s.offset` later. Keep the slot beyond the block with {@link SlotLoan.keep}, which returns the
 * handle and disarms the loan.
 *
 * Thread-safety: owner thread (the one that took it; the pool instance is per thread).
 * @example
 * ```ts
 * {
 *   using s = takeSlot(particles);
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
  declare readonly pool: Pool;
  private declare readonly shelf: { put(loan: SlotLoan): void };
  /** The same as {@link SlotLoan.dispose}, under `Symbol.dispose` (or its fallback key), for `using`. */
  declare [Symbol.dispose]: () => void;

  /** @internal Use {@link takeSlot}. */
  constructor(pool: Pool, shelf: { put(loan: SlotLoan): void }) {
    this.pool = pool;
    this.shelf = shelf;
  }

  /**
   * Frees the slot (what `using` calls, under `Symbol.dispose`). A second call does nothing.
   *
   * **Safety:** the slot's offset becomes invalid and the wrapper is recycled.
   *
   * Thread-safety: owner thread.
   * @throws {@link MemoryError} from `pool.free` (`DOUBLE_FREE`, `STALE_HANDLE`) when the slot
   * was freed behind the loan's back; the wrapper is recycled anyway.
   * @example
   * ```ts
   * const s = takeSlot(pool);
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
   * using s = takeSlot(bullets);
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
 * @throws {@link MemoryError} `POOL_EXHAUSTED` (nothing is taken then).
 * @example
 * ```ts
 * using s = takeSlot(particles);
 * cursor.at(s.offset).life = 1;
 * ```
 */
export function takeSlot(pool: Pool): SlotLoan {
  let shelf = slotShelves.get(pool);
  if (shelf === undefined) slotShelves.set(pool, (shelf = new Shelf<SlotLoan>()));
  const h = pool.alloc();
  const loan = shelf.count > 0 ? shelf.items[--shelf.count] : new SlotLoan(pool, shelf);
  loan.handle = h;
  loan.offset = pool.offsetOf(h);
  return loan;
}

/**
 * A stack mark that releases itself: `using s = stackScope(stack)` frees every block pushed in
 * the block, at its end.
 *
 * **Safety:** recycled like {@link SlotLoan}: do not keep it past its block. Disposing an outer
 * scope before an inner one releases the inner blocks too; the inner scope's own dispose then
 * throws `INVALID_MARK`.
 *
 * Thread-safety: owner thread of the stack.
 * @example
 * ```ts
 * {
 *   using _ = stackScope(scratch);
 *   const verts = scratch.push(4096, 16);
 * } // released here
 * ```
 */
export class StackScope implements Disposable {
  /** The mark taken when the scope began. */
  mark: Mark = 0;
  /** The stack. */
  declare readonly stack: Stack;
  /** True until disposed. */
  open = false;
  private declare readonly shelf: { put(scope: StackScope): void };
  /** The same as {@link StackScope.dispose}, under `Symbol.dispose` (or its fallback key), for `using`. */
  declare [Symbol.dispose]: () => void;

  /** @internal Use {@link stackScope}. */
  constructor(stack: Stack, shelf: { put(scope: StackScope): void }) {
    this.stack = stack;
    this.shelf = shelf;
  }

  /**
   * Releases the mark (what `using` calls). A second call does nothing.
   *
   * **Safety:** every block pushed since the scope began becomes invalid.
   *
   * Thread-safety: owner thread.
   * @throws {@link MemoryError} `INVALID_MARK` when the mark is gone (an outer scope or a
   * `reset()` released it already), `WRONG_THREAD`; the wrapper is recycled anyway.
   * @example
   * ```ts
   * const s = stackScope(scratch);
   * try { build(scratch); } finally { s.dispose(); }
   * ```
   */
  dispose(): void {
    if (!this.open) return;
    this.open = false;
    this.shelf.put(this);
    this.stack.release(this.mark);
  }
}
Object.defineProperty(StackScope.prototype, DISPOSE, { value(this: StackScope): void { this.dispose(); }, writable: true, configurable: true });

/**
 * Takes a mark of `stack` as a {@link StackScope} that releases it when disposed: the logic
 * behind `stack.scope()`. No garbage in steady state (wrappers come from a per-stack free list).
 *
 * Thread-safety: owner thread of the stack.
 * @example
 * ```ts
 * function buildMesh(scratch: Stack): void {
 *   using _ = stackScope(scratch);
 *   const tris = scratch.push(1 << 12, 16);
 * }
 * ```
 */
export function stackScope(stack: Stack): StackScope {
  let shelf = scopeShelves.get(stack);
  if (shelf === undefined) scopeShelves.set(stack, (shelf = new Shelf<StackScope>()));
  const s = shelf.count > 0 ? shelf.items[--shelf.count] : new StackScope(stack, shelf);
  s.mark = stack.mark();
  s.open = true;
  return s;
}
