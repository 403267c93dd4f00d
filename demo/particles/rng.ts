/**
 * A seeded PRNG, so every run of the demo (and every screenshot of it) is the same.
 * @module
 */

/** mulberry32: a small, fast 32-bit generator. Its state is one integer field: no garbage. */
export class Mulberry32 {
  private state: number;

  /** @param seed - any 32-bit integer. */
  constructor(seed: number) {
    this.state = seed | 0;
  }

  /** The next number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
