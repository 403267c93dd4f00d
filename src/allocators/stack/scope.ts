/// <reference lib="esnext.disposable" preserve="true" />
/**
 * A stack mark that releases itself at the end of a `using` block: what {@link Stack.scope} returns.
 * @module
 */
import type { Mark } from '../../api.ts';
import { DISPOSE, Shelf } from '../disposal.ts';

/**
 * What a {@link StackScope} needs of its stack: a {@link nebula-memory!Stack} provides it.
 *
 * Thread-safety: the stack's owner thread.
 * @example
 * ```ts
 * const scope = scratch.scope();
 * const owner: ScopeStack = scope.stack; // scratch
 * ```
 */
export interface ScopeStack {
  /** The stack's name. */
  readonly name: string;
  /** Takes a mark. */
  mark(): Mark;
  /** Frees everything pushed since the mark. */
  release(mark: Mark): void;
}

const scopeShelves = new WeakMap<ScopeStack, Shelf<StackScope>>();

/**
 * A stack mark that releases itself: `using s = stack.scope()` frees every block pushed in
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
 *   using _ = scratch.scope();
 *   const verts = scratch.push(4096, 16);
 * } // released here
 * ```
 */
export class StackScope implements Disposable {
  /** The mark taken when the scope began. */
  mark: Mark = 0;
  /** The stack. */
  declare readonly stack: ScopeStack;
  /** True until disposed. */
  open = false;
  private declare readonly shelf: { put(scope: StackScope): void };
  /** The same as {@link StackScope.dispose}, under `Symbol.dispose` (or its fallback key), for `using`. */
  declare [Symbol.dispose]: () => void;

  /** @internal Use {@link Stack.scope}. */
  constructor(stack: ScopeStack, shelf: { put(scope: StackScope): void }) {
    this.stack = stack;
    this.shelf = shelf;
  }

  /**
   * Releases the mark (what `using` calls). A second call does nothing.
   *
   * **Safety:** every block pushed since the scope began becomes invalid.
   *
   * Thread-safety: owner thread.
   * @throws {@link nebula-memory!MemoryError} `INVALID_MARK` when the mark is gone (an outer scope or a
   * `reset()` released it already), `WRONG_THREAD`; the wrapper is recycled anyway.
   * @example
   * ```ts
   * const s = scratch.scope();
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
 * @internal
 * @example
 * ```ts
 * function buildMesh(scratch: Stack): void {
 *   using _ = scratch.scope();
 *   const tris = scratch.push(1 << 12, 16);
 * }
 * ```
 */
export function stackScope(stack: ScopeStack): StackScope {
  let shelf = scopeShelves.get(stack);
  if (shelf === undefined) scopeShelves.set(stack, (shelf = new Shelf<StackScope>()));
  const s = shelf.count > 0 ? shelf.items[--shelf.count] : new StackScope(stack, shelf);
  s.mark = stack.mark();
  s.open = true;
  return s;
}
