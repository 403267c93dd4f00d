/**
 * The frame-time ring in the global header (after the thread table): the duration of each of the
 * last {@link FRAME_TIMES} frames, in microseconds, written by `advance()` and read by any thread.
 * One atomic store a frame; the reads allocate nothing.
 * @module
 * @internal
 */
import { badOutArray, memoryError, typeName } from '../errors.ts';
import { FRAME_TIMES, FRAME_TIMES_START, G_FRAME } from './layout.ts';

/** Whether this context has `performance.now()` (every browser context and Node do). */
const HAS_PERFORMANCE = typeof performance === 'object' && typeof performance.now === 'function';

/**
 * This thread's monotonic clock in milliseconds: `performance.now()`, or `Date.now()` where there is none.
 * @example
 * ```ts
 * const t0 = clockNow();
 * ```
 */
export function clockNow(): number {
  return HAS_PERFORMANCE ? performance.now() : Date.now();
}

/**
 * Throws `INVALID_OPTION` for a frame time `now` that is not a finite number >= 0 (`op`: the
 * call that got it, `advance` or `frameScope`; `frame`: the current frame). A frame time that got into the ring as NaN
 * would read as 0 and poison the next frame's duration too, so it is refused before anything
 * changes.
 * @example
 * ```ts
 * if (!(now >= 0 && now <= Number.MAX_VALUE)) badFrameTime('advance', now, memory.frame);
 * ```
 */
export function badFrameTime(op: string, now: unknown, frame: number): never {
  const shown = typeof now === 'number' ? String(now) : typeName(now);
  throw memoryError('INVALID_OPTION', `${op}(${op === 'advance' ? '' : '…, '}${shown}): the frame time must be a finite number of milliseconds >= 0`, {
    allocator: 'memory', request: { now: typeof now === 'number' ? now : typeName(now) }, state: { frame },
    suggestion: 'pass the requestAnimationFrame timestamp (or another performance.now() reading), or leave it out and the memory reads performance.now().',
  });
}

/** Word index of the ring's first entry. */
const RING = FRAME_TIMES_START >> 2;
/** Largest duration a ring entry holds, in microseconds (about 35 minutes). */
const MAX_MICROS = 0x7fffffff;

/**
 * Records `ms` (milliseconds, ≥ 0) as the duration of frame `frame`, rounded to whole
 * microseconds and capped at 2^31 − 1 µs. The frame clock's thread, in `advance()`, before the
 * frame number moves past `frame`.
 * @example
 * ```ts
 * recordFrameTime(i32, next - 1, now - start); // then Atomics.store(i32, G_FRAME, next)
 * ```
 */
export function recordFrameTime(i32: Int32Array, frame: number, ms: number): void {
  const us = Math.round(ms * 1000);
  Atomics.store(i32, RING + (frame % FRAME_TIMES), us > MAX_MICROS ? MAX_MICROS : us < 0 ? 0 : us);
}

/**
 * Writes the durations (ms) of the last `min(FRAME_TIMES, frames ended, out.length)` frames into
 * `out`, oldest first, and returns how many. Allocates nothing. A frame's entry is overwritten 64
 * frames later: a read racing an `advance()` may see the newest duration in place of the oldest.
 * @example
 * ```ts
 * const n = readFrameTimes(memory.i32, times);
 * ```
 */
export function readFrameTimes(i32: Int32Array, out: Float64Array): number {
  if (!(out instanceof Float64Array)) throw badOutArray('memory', 'frameTimesInto', out, 'Float64Array', FRAME_TIMES);
  const frame = Atomics.load(i32, G_FRAME);
  const n = Math.min(frame, FRAME_TIMES, out.length);
  for (let k = 0; k < n; k++) out[k] = Atomics.load(i32, RING + ((frame - n + k) % FRAME_TIMES)) / 1000;
  return n;
}

/**
 * Told by advance() of each frame it ends: its number, and its start and end on this thread's clock (ms). @internal
 * @example
 * ```ts
 * const log: FrameObserver = { frameEnded: (f, start, end) => { console.log(f, end - start); } };
 * ```
 */
export interface FrameObserver {
  frameEnded(frame: number, start: number, end: number): void;
}
