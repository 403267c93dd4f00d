/**
 * A seeded PRNG, so every run of the demo (and every screenshot of it) is the same.
 * @module
 */

/**
 * mulberry32: a small, fast 32-bit generator. Its state lives in an Int32Array, not a number
 * field: with pointer compression (Chromium) a 32-bit integer outside ±2^30 is not a small integer,
 * and a field holding one would be a boxed number.
 */
export class Mulberry32 {
  private readonly state = new Int32Array(1);

  /** @param seed - any 32-bit integer. */
  constructor(seed: number) {
    this.state[0] = seed | 0;
  }

  /** The next number in [0, 1). */
  next(): number {
    const s = (this.state[0] + 0x6d2b79f5) | 0;
    this.state[0] = s;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
