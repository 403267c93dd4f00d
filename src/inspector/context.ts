/**
 * The 2D context the renderer draws with: a canvas's or an OffscreenCanvas's, so one renderer
 * serves the page and a worker.
 * @module
 */

/**
 * A `CanvasRenderingContext2D` or an `OffscreenCanvasRenderingContext2D`: what the inspector's
 * renderer draws with, on the page or in a worker.
 *
 * Thread-safety: the context's own thread.
 * @example
 * ```ts
 * const ctx: InspectorContext | null = canvas.getContext('2d');
 * ```
 */
export type InspectorContext = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
