/**
 * Text without new strings per frame: one monospace font, so a text's width is its length times
 * one measured character width; labels are string constants; numbers are drawn digit by digit
 * from a table of ten one-character strings. `measureText` runs only when the font is set.
 * @module
 * @internal
 */
import type { InspectorContext } from './context.ts';

/** The ten digits, made once. */
const DIGITS: readonly string[] = Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

/** Draws labels and integers in a monospace font with known advance. */
export class TextPainter {
  /** The CSS font, a constant string. */
  readonly font: string;
  /** Advance of one character in whole CSS pixels (measured once per context, rounded up). */
  charW = 7;

  constructor(font: string) {
    this.font = font;
  }

  /** Sets the font on `ctx` and measures the character width. Not per frame. */
  measure(ctx: InspectorContext): void {
    ctx.font = this.font;
    // a whole number of pixels: every x stays a small integer, which V8 passes without boxing
    const w = Math.ceil(ctx.measureText('0000000000').width / 10);
    if (w > 0 && Number.isFinite(w)) this.charW = w | 0;
  }

  /** Width of `chars` characters. */
  width(chars: number): number {
    return chars * this.charW;
  }

  /** Draws `s` at (x, y); returns the x after it. `s` must be a string made before the frame. */
  text(ctx: InspectorContext, s: string, x: number, y: number): number {
    ctx.fillText(s, x, y);
    return x + s.length * this.charW;
  }

  /** Draws the integer part of `v` digit by digit at (x, y); returns the x after it. Allocates nothing. */
  int(ctx: InspectorContext, v: number, x: number, y: number): number {
    let n = Math.floor(Math.abs(v));
    if (v < 0) x = this.text(ctx, '-', x, y);
    let digits = 1;
    for (let p = 10; p <= n; p *= 10) digits++;
    const cw = this.charW;
    for (let k = digits - 1; k >= 0; k--) {
      const d = n % 10;
      ctx.fillText(DIGITS[d], x + k * cw, y);
      n = (n - d) / 10;
    }
    return x + digits * cw;
  }
}

