/**
 * What the workers bench's main thread and its workers share: the modes, the control words of
 * the frame barrier, and the per-worker statistics block, all in SharedArrayBuffers.
 *
 * A frame: main sets `C_MODE`/`C_OPS`, bumps `C_FRAME` and notifies; each worker runs `C_OPS`
 * ops of the mode, adds its busy and CPU time to its stats, bumps `C_DONE` and notifies; main
 * waits for `C_DONE === workers`, does the mode's end of frame (`memory.advance()` for lanes),
 * and starts the next frame. The first frame of a round is the "start flag": every worker is
 * parked on `C_FRAME` and released by the same store.
 * @module
 */
import type { SharedMemoryInit } from '../../src/index.ts';

/** The modes, by number (a control word holds it). */
export const MODES = ['lanes', 'pool', 'pool-xfree', 'chunk-ref', 'free-list-ref'] as const;
/** A mode's name. */
export type Mode = (typeof MODES)[number];
/** The mode word's value that ends the worker. */
export const MODE_STOP = -1;

/** Control words (Int32Array indexes). */
export const C_FRAME = 0;
/** Workers done with the current frame. */
export const C_DONE = 1;
/** Workers attached and parked. */
export const C_READY = 2;
/** Index into {@link MODES}, or {@link MODE_STOP}. */
export const C_MODE = 3;
/** Ops per worker in the current frame. */
export const C_OPS = 4;
/** chunk-ref: the shared cursor (bytes) of the hand-written chunked bump. */
export const C_CHUNK_CURSOR = 16; // its own 64-byte line
/** Worker k writes its Linux thread id at `C_TID + k` (-1 without procfs), so main can read its schedstat. */
export const C_TID = 32;
/** Int32 words of the control block. */
export const CONTROL_WORDS = 64;

/** Float64 stats per worker: busy ms (wall time of its frame work), ops, accumulator. */
export const S_BUSY_MS = 0;
/** Ops run. */
export const S_OPS = 1;
/** Sum of every float read back. */
export const S_ACC = 2;
/** Float64 words per worker (a 64-byte line each, so workers never write one line). */
export const STATS_STRIDE = 8;

/** Bytes one op allocates (the cases of bench/cases). */
export const OP_BYTES = 16;
/** chunk-ref: bytes a worker takes from the shared cursor at once (the library's default lane). */
export const CHUNK_BYTES = 64 << 10;

/** What a worker gets in workerData. */
export interface WorkerInit {
  /** The bootstrap's: the worker module's URL. */
  readonly entry: string;
  /** The bootstrap's: load the fast build. */
  readonly fast: boolean;
  readonly index: number;
  readonly memory: SharedMemoryInit;
  readonly control: SharedArrayBuffer;
  readonly stats: SharedArrayBuffer;
  /** chunk-ref: the hand-written chunked bump's buffer. */
  readonly chunkBuffer: SharedArrayBuffer;
  /** Workers in the crew (pool-xfree: worker k frees what worker (k + 1) % workers allocated). */
  readonly workers: number;
  /** pool-xfree: each worker's handles of the last two frames, {@link xfreeSlots} words per worker. */
  readonly handles: SharedArrayBuffer;
}

/** pool-xfree: ops per worker per frame (its handle buffers are sized for this). */
export const XFREE_OPS = 1 << 15;

/** pool-xfree: the words of worker `k`'s handle buffer for frame parity `parity`, of `n` ops per frame. */
export function xfreeSlots(k: number, parity: number, n: number): number {
  return (2 * k + parity) * n;
}

/** Region names in the memory. */
export const ARENA_NAME = 'lanes';
/** The shared pool. */
export const POOL_NAME = 'shared';
/** The pool of the cross-thread-free mode. */
export const XFREE_POOL_NAME = 'xfree';
