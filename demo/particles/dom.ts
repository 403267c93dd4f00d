/**
 * The fountain page's small DOM helpers: typed element lookup, text, and a fresh canvas.
 * @module
 */

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- a typed getElementById: the caller names the element type
export function el<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

/** Sets an element's text, if the page has it. */
export function setText(id: string, text: string | number): void {
  const e = document.getElementById(id);
  if (e !== null) e.textContent = String(text);
}

/** Replaces the canvas (an OffscreenCanvas transfer is once per element) and returns the new one. */
export function freshCanvas(): HTMLCanvasElement {
  const old = el<HTMLCanvasElement>('view');
  const canvas = old.cloneNode(false) as HTMLCanvasElement;
  old.replaceWith(canvas);
  return canvas;
}
