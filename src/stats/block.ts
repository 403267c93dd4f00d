/**
 * The statistics block every region carries at its end, in the shared buffer: counters that
 * every thread publishes into once per frame, the last error, and a per-frame high-water ring.
 * Threads count in plain fields of their own allocator instances and add the differences here
 * with a few atomic operations per frame (thread-local batching), so counting costs the
 * allocation path one plain increment.
 * @module
 * @internal
 */
import { MEMORY_ERROR_CODES, type MemoryError, type MemoryErrorCode } from '../errors.ts';
import { EV } from './chrome-trace.ts';
import { STAT } from './fields.ts';

// ---- Int32 word indexes relative to the block's first word ----
/** Allocations published, as a 64-bit count: low word, then high word. */
export const SB_ALLOCATIONS = 0;
/** Frees (pools) or pops (stacks) published, 64-bit (lo, hi). */
export const SB_FREES = 2;
/** Bytes handed out published, 64-bit (lo, hi). */
export const SB_BYTES = 4;
/** Failed requests published, 64-bit (lo, hi). */
export const SB_FAILURES = 6;
/** Pools: most slots live at once, as seen at publish points. Arenas and stacks keep their own peak. */
export const SB_PEAK = 8;
/** Errors raised by any thread's instance (each `MemoryError` this region threw). */
export const SB_ERRORS = 9;
/** Index + 1 of the last error's code in MEMORY_ERROR_CODES (0 = none yet). */
export const SB_LAST_CODE = 10;
/** Frame of the last error. */
export const SB_LAST_FRAME = 11;
/** Thread id of the last error. */
export const SB_LAST_THREAD = 12;
/** Number of publishes by any thread. */
export const SB_PUBLISHES = 13;
/** Words 16..79: high water of each of the last HISTORY_FRAMES frames, slot = frame % HISTORY_FRAMES. */
export const SB_HISTORY = 16;
/** Frames the high-water ring holds. */
export const HISTORY_FRAMES = 64;
/** Words of one block. */
export const STATS_WORDS = SB_HISTORY + HISTORY_FRAMES;
/** Bytes of one block, a multiple of 64. */
export const STATS_BYTES = STATS_WORDS * 4;

const TWO32 = 4294967296;

/** Adds `delta` (0 <= delta < 2^31) to the 64-bit counter at word `w`, carrying into the high word. Any thread. */
export function addCounter(i32: Int32Array, w: number, delta: number): void {
  if (delta === 0) return;
  const before = Atomics.add(i32, w, delta) >>> 0;
  if (before + delta >= TWO32) Atomics.add(i32, w + 1, 1);
}

/** Reads the 64-bit counter at word `w` (exact below 2^53). Any thread. */
export function readCounter(i32: Int32Array, w: number): number {
  for (;;) {
    const hi = Atomics.load(i32, w + 1);
    const lo = Atomics.load(i32, w) >>> 0;
    if (Atomics.load(i32, w + 1) === hi) return hi * TWO32 + lo;
  }
}

/** Raises the word at `w` to at least `value` (a CAS loop; any thread). */
export function raiseTo(i32: Int32Array, w: number, value: number): void {
  let seen = Atomics.load(i32, w);
  while (value > seen) {
    const was = Atomics.compareExchange(i32, w, seen, value);
    if (was === seen) return;
    seen = was;
  }
}

/** Records a high-water sample for `frame` in the ring. Any thread. */
export function noteFrameHighWater(i32: Int32Array, statsWord: number, frame: number, value: number): void {
  raiseTo(i32, statsWord + SB_HISTORY + (frame % HISTORY_FRAMES), value);
}

/** Clears the ring slot of a frame that starts. The frame clock's thread, in `advance()`. */
export function startFrame(i32: Int32Array, statsWord: number, frame: number): void {
  Atomics.store(i32, statsWord + SB_HISTORY + (frame % HISTORY_FRAMES), 0);
}

/**
 * Writes the last `min(frame, 64)` entries of a per-frame ring starting at word `ringWord`
 * (entry f % 64 is frame f), oldest first, into `out`; returns how many. The statistics block's
 * ring and the arena header's exact high-water ring share it.
 */
export function readFrameRing(i32: Int32Array, ringWord: number, frame: number, out: Float64Array | Int32Array): number {
  const n = Math.min(frame, HISTORY_FRAMES, out.length);
  for (let k = 0; k < n; k++) out[k] = Atomics.load(i32, ringWord + ((frame - n + k) % HISTORY_FRAMES));
  return n;
}

/** What {@link recordError} reads of the memory (a `MemoryHost` provides it). @internal */
export interface ErrorSink {
  /** The memory's Int32 view. */
  readonly i32: Int32Array;
  /** The current frame. */
  readonly frame: number;
  /** The thread raising the error. */
  readonly threadId: number;
  /** The thread's trace recorder, if one runs. */
  readonly tracer: { record(kind: number, region: number, a: number, b: number): void } | null;
}

/**
 * Notes an error the region at `regionOffset` raises in `memory`'s thread: counts it, keeps it as
 * the last one, and records it in the thread's trace when one is on. Returns the error, to be
 * thrown. Any thread; the one place every allocator's errors go through.
 */
export function recordError(memory: ErrorSink, statsWord: number, regionOffset: number, e: MemoryError): MemoryError {
  const i32 = memory.i32;
  const code = MEMORY_ERROR_CODES.indexOf(e.code) + 1;
  const frame = memory.frame;
  Atomics.add(i32, statsWord + SB_ERRORS, 1);
  Atomics.store(i32, statsWord + SB_LAST_CODE, code);
  Atomics.store(i32, statsWord + SB_LAST_FRAME, frame);
  Atomics.store(i32, statsWord + SB_LAST_THREAD, memory.threadId);
  memory.tracer?.record(EV.ERROR, regionOffset, code, frame);
  return e;
}

/** The last error's code, or null. */
export function lastErrorCode(i32: Int32Array, statsWord: number): MemoryErrorCode | null {
  const k = Atomics.load(i32, statsWord + SB_LAST_CODE);
  return k === 0 ? null : MEMORY_ERROR_CODES[k - 1];
}

/**
 * Adds one thread's unpublished counts to the block. Deltas must stay below 2^31 between two
 * publishes (publish at least once a frame).
 */
export function publishCounts(i32: Int32Array, statsWord: number, allocations: number, frees: number, bytes: number, failures: number): void {
  addCounter(i32, statsWord + SB_ALLOCATIONS, allocations);
  addCounter(i32, statsWord + SB_FREES, frees);
  // bytes can pass 2^31 in one frame on a big arena: add in pieces
  while (bytes >= 0x40000000) {
    addCounter(i32, statsWord + SB_BYTES, 0x40000000);
    bytes -= 0x40000000;
  }
  addCounter(i32, statsWord + SB_BYTES, bytes);
  addCounter(i32, statsWord + SB_FAILURES, failures);
  Atomics.add(i32, statsWord + SB_PUBLISHES, 1);
}

/**
 * Fills the counter fields of a `statsInto` array (ALLOCATIONS, FREES, BYTES, FAILURES, ERRORS,
 * LAST_ERROR, LAST_ERROR_FRAME) from the block plus a thread's unpublished counts.
 */
export function countersInto(
  i32: Int32Array, statsWord: number, out: Float64Array, allocations: number, frees: number, bytes: number, failures: number,
): void {
  out[STAT.ALLOCATIONS] = readCounter(i32, statsWord + SB_ALLOCATIONS) + allocations;
  out[STAT.FREES] = readCounter(i32, statsWord + SB_FREES) + frees;
  out[STAT.BYTES] = readCounter(i32, statsWord + SB_BYTES) + bytes;
  out[STAT.FAILURES] = readCounter(i32, statsWord + SB_FAILURES) + failures;
  out[STAT.ERRORS] = Atomics.load(i32, statsWord + SB_ERRORS);
  out[STAT.LAST_ERROR] = Atomics.load(i32, statsWord + SB_LAST_CODE);
  out[STAT.LAST_ERROR_FRAME] = Atomics.load(i32, statsWord + SB_LAST_FRAME);
}
