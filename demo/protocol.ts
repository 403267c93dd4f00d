/**
 * The messages between the demo page and its worker, and the demo's fixed sizes. Only numbers
 * cross the channel: offsets, handles and counts. The data itself stays in shared memory.
 * @module
 */
import type { SharedMemoryInit } from '../src/index.ts';

/** Particles the worker spawns per frame. */
export const SPAWN_PER_FRAME = 50;
/** Frames the demo runs before it reports `ok`. */
export const FRAME_COUNT = 120;
/** Frames a particle lives before the worker frees its pool slot. */
export const LIFETIME = 60;
/** Floats per particle slot (32 bytes): id, 2·id, frame, index in frame, vx, vy, life, spare. */
export const FLOATS_PER_PARTICLE = 8;

/**
 * The checksum the page must read after `spawned` particles: the sum of their ids
 * 0 + 1 + … + (spawned − 1).
 * @param spawned - particles spawned and verified.
 * @returns the expected sum.
 */
export function expectedChecksum(spawned: number): number {
  return (spawned * (spawned - 1)) / 2;
}

/** Page → worker: attach to this memory. */
export interface InitMessage {
  /** Message tag. */
  readonly type: 'init';
  /** What `memory.share()` returned. */
  readonly memory: SharedMemoryInit;
}

/** Page → worker: run frame `frame`, and write the new particles' handles at byte offset `table`. */
export interface FrameMessage {
  /** Message tag. */
  readonly type: 'frame';
  /** The frame number the page is on (`memory.frame`). */
  readonly frame: number;
  /** Byte offset of an Int32 table of {@link SPAWN_PER_FRAME} entries, pushed on the page's stack. */
  readonly table: number;
}

/** Everything the page sends. */
export type ToWorker = InitMessage | FrameMessage;

/** Worker → page: attached; here is the worker's thread id. */
export interface ReadyMessage {
  /** Message tag. */
  readonly type: 'ready';
  /** The id `attachMemory` gave the worker. */
  readonly threadId: number;
}

/** Counts of one simulated frame. */
export interface FrameReport {
  /** The frame that was simulated. */
  readonly frame: number;
  /** Particles spawned in this frame (handles written into the table). */
  readonly spawned: number;
  /** Particles freed in this frame (their lifetime ended). */
  readonly freed: number;
  /** Particles spawned since the start. */
  readonly totalSpawned: number;
  /** Particles freed since the start. */
  readonly totalFreed: number;
  /** Arena allocations made in this frame. */
  readonly arenaAllocs: number;
  /** Bytes of arena temporaries used in this frame. */
  readonly arenaBytes: number;
  /** True once `arena.release()` ran: the page may `advance()`. */
  readonly released: boolean;
}

/** Worker → page: frame done, lane released. */
export interface DoneMessage extends FrameReport {
  /** Message tag. */
  readonly type: 'done';
}

/** Worker → page: something threw. */
export interface ErrorMessage {
  /** Message tag. */
  readonly type: 'error';
  /** The error's message (a MemoryError's message names code, state and fix). */
  readonly message: string;
}

/** Everything the worker sends. */
export type FromWorker = ReadyMessage | DoneMessage | ErrorMessage;
