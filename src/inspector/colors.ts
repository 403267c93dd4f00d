/**
 * The inspector's colours, built once at module load: a hue per thread id (lanes and pool slots
 * use the same one), the state colours, and the same colours as RGB bytes for the pool grid's
 * pixel writes. Nothing here is built per frame.
 * @module
 * @internal
 */
import { MAX_THREADS } from '../memory/layout.ts';

/** Background of the canvas. */
export const BACKGROUND = '#0f1218';
/** The background as RGB bytes, for the pool grid's pixels. */
export const BACKGROUND_RGB: readonly [number, number, number] = [15, 18, 24];
/** Ordinary text. */
export const TEXT = '#d8dee9';
/** Secondary text (units, kinds). */
export const DIM = '#7b8494';
/** Track of a bar: capacity not in use. */
export const TRACK = '#232a36';
/** A bar's fill in use. */
export const USED = '#5e9ee8';
/** The peak tick on bars and the 90% line on graphs. */
export const PEAK = '#e8c35e';
/** Warnings and failures. */
export const WARN = '#ff6b5e';
/** Free slots of a pool (state colour). */
export const FREE_RGB: readonly [number, number, number] = [38, 45, 58];
/** Slots cached in threads (state colour, in the pool's summary bar). */
export const CACHED = '#8f7ad8';
/** Live slots, as a state colour (the grid colours live slots by owner). */
export const LIVE = '#5ee89b';

/** Hue in degrees of thread `t`: golden-angle steps, so neighbouring ids differ clearly. */
export function threadHue(t: number): number {
  return (t * 137.508 + 200) % 360;
}

/** HSL (s, l in 0..1) to RGB bytes. */
function hslToRgb(h: number, s: number, l: number, out: Uint8Array, at: number): void {
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const hp = h / 60;
  const x = c * (1 - Math.abs((hp % 2) - 1));
  const [r, g, b] = hp < 1 ? [c, x, 0] : hp < 2 ? [x, c, 0] : hp < 3 ? [0, c, x] : hp < 4 ? [0, x, c] : hp < 5 ? [x, 0, c] : [c, 0, x];
  const m = l - c / 2;
  out[at] = Math.round((r + m) * 255);
  out[at + 1] = Math.round((g + m) * 255);
  out[at + 2] = Math.round((b + m) * 255);
}

/** RGB bytes of every thread's colour: thread t at `3 * t`. */
export const THREAD_RGB: Uint8Array = (() => {
  const out = new Uint8Array(MAX_THREADS * 3);
  for (let t = 0; t < MAX_THREADS; t++) hslToRgb(threadHue(t), 0.7, 0.58, out, 3 * t);
  return out;
})();

/** CSS colour of every thread, the same as {@link THREAD_RGB}: strings made once. */
export const THREAD_CSS: readonly string[] = Object.freeze(Array.from({ length: MAX_THREADS }, (_, t) =>
  `rgb(${THREAD_RGB[3 * t]},${THREAD_RGB[3 * t + 1]},${THREAD_RGB[3 * t + 2]})`));

/** Colours of the regions in the timeline's stacked graph and on their label rows, by region index (cycled). */
export const REGION_CSS: readonly string[] = Object.freeze([
  '#5e9ee8', '#5ee89b', '#e8a05e', '#c77ee8', '#e8e15e', '#5ed8e8', '#e85e9b', '#9be85e',
]);

/** The colour of region `k` (creation order). */
export function regionColor(k: number): string {
  return REGION_CSS[k % REGION_CSS.length];
}
