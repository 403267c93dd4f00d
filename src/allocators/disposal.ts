/// <reference lib="esnext.disposable" preserve="true" />
/**
 * What the self-freeing wrappers of the allocators share ({@link Pool.take}'s loan,
 * {@link Stack.scope}'s scope): the key their dispose method is installed under, and a LIFO
 * shelf that recycles them, so taking and disposing creates no garbage once as many wrappers
 * exist as were ever live at once.
 *
 * `Symbol.dispose`: Node 20 defines it (as `Symbol.for('nodejs.dispose')`), Chromium 156 and
 * Firefox 153 natively; WebKitGTK 2.50 has neither the symbol nor `using`. Where it is missing, the
 * wrappers use `Symbol.for('Symbol.dispose')`, the key core-js and the Babel/oxc `using` helpers
 * fall back to; code compiled by TypeScript needs a global `Symbol.dispose` there, which
 * {@link installSymbolDispose} defines on request (never on import). Every wrapper also has a
 * plain `dispose()`.
 * @module
 */

/** The key the wrappers' dispose method is installed under at runtime. @internal */
export const DISPOSE: symbol = typeof Symbol.dispose === 'symbol' ? Symbol.dispose : Symbol.for('Symbol.dispose');

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
 * { using slot = particles.take(); }
 * ```
 */
export function installSymbolDispose(): symbol {
  if (typeof Symbol.dispose !== 'symbol') Object.defineProperty(Symbol, 'dispose', { value: DISPOSE, configurable: true });
  return Symbol.dispose;
}

/** A LIFO free list of wrappers of one allocator; it grows only while more wrappers are live than ever before. @internal */
export class Shelf<T> {
  readonly items: T[] = [];
  count = 0;
  put(x: T): void {
    this.items[this.count++] = x;
  }
}
