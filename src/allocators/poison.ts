/**
 * Poisoning for the checked build: freed, popped, rewound and recycled memory is filled with a
 * pattern, so a stale read shows up as an absurd value instead of plausible old data.
 * @module
 */

/**
 * The byte every poisoned byte holds: 0xDD, as in the "dead" fill of native debug allocators.
 * An Int32 reads -572662307 (0xDDDDDDDD), a Float32 about -1.99e18, a Float64 about -1.2e143.
 *
 * Thread-safety: a constant; any worker.
 * @example
 * ```ts
 * if (memory.u8[p] === POISON_BYTE) console.warn('reading freed memory');
 * ```
 */
export const POISON_BYTE = 0xdd;
/** What every red-zone (guard) byte holds: 0xFD, the "fence" fill of native debug allocators. @internal */
export const RED_BYTE = 0xfd;
/** Four poison bytes as an Int32. @internal */
export const POISON_I32 = 0xdddddddd | 0;
const POISON_F64 = new Float64Array(new Uint8Array(8).fill(POISON_BYTE).buffer)[0];

/**
 * Fills Int32 words [from, to) with the poison pattern. Small and kept apart from `poison()` so
 * the engine inlines it into free() and pop(): a few plain stores beat a `fill()` call on a
 * SharedArrayBuffer.
 * @internal
 */
export function poisonWords(i32: Int32Array, from: number, to: number): void {
  for (let k = from; k < to; k++) i32[k] = POISON_I32;
}

/**
 * Fills bytes [start, end) with the poison pattern. Small ranges (a pool slot, a stack block)
 * are written word by word: a `fill()` call on a SharedArrayBuffer costs more than the few
 * stores it replaces. Large ranges use Float64 `fill`, about 8x faster than bytes on a
 * SharedArrayBuffer.
 * @internal
 */
export function poison(u8: Uint8Array, i32: Int32Array, f64: Float64Array, start: number, end: number): void {
  const n = end - start;
  if (n <= 0) return;
  if (n <= 256) {
    if (((start | end) & 3) === 0) {
      poisonWords(i32, start >> 2, end >> 2);
      return;
    }
    for (let b = start; b < end; b++) u8[b] = POISON_BYTE;
    return;
  }
  const a = (start + 7) & -8;
  const z = end & -8;
  u8.fill(POISON_BYTE, start, a);
  f64.fill(POISON_F64, a >> 3, z >> 3);
  u8.fill(POISON_BYTE, z, end);
}
