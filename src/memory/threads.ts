/**
 * The thread table in the global header: one slot per thread id with its state, generation,
 * name and last reported frame. Ids are claimed from the two bitmask words (one CAS); the slot
 * says who holds the id, and the generation tells a reclaimed thread that its id moved on.
 * Cold paths only.
 * @module
 * @internal
 */
import type { ThreadInfo, ThreadState } from '../api.ts';
import { memoryError } from '../errors.ts';
import {
  G_FRAME, G_THREADS_HI, G_THREADS_LO, MAX_NAME, MAX_THREADS, THREAD_ATTACHED, THREAD_DETACHED, THREAD_FREE,
  THREAD_RECLAIMED, THREAD_SLOT_BYTES, THREADS_START, T_ATTACHED_AT, T_FRAME, T_GEN, T_NAME, T_STATE, threadWordOf,
} from './layout.ts';

const STATE_NAMES: readonly ThreadState[] = ['free', 'attached', 'detached', 'reclaimed'];

/** Throws INVALID_NAME unless `name` is undefined or 1..31 characters of [A-Za-z0-9_.:-]. */
export function validateThreadName(name: unknown): void {
  if (name === undefined) return;
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME || !/^[A-Za-z0-9_.:-]+$/.test(name)) {
    throw memoryError('INVALID_NAME', `thread name ${typeof name === 'string' ? JSON.stringify(name) : typeof name} is not allowed`, {
      allocator: 'memory', request: { name }, state: {},
      suggestion: `use 1 to ${MAX_NAME} characters from A-Z a-z 0-9 _ . : -, or leave the name out.`,
    });
  }
}

/** The bitmask word and bit of thread id `t`. */
function idBit(t: number): [number, number] {
  return [t < 32 ? G_THREADS_LO : G_THREADS_HI, 1 << (t & 31)];
}

/** Claims the lowest free thread id (one CAS on a bitmask word); -1 when all 64 are taken. */
export function claimThreadId(i32: Int32Array): number {
  for (;;) {
    let raced = false;
    for (let t = 0; t < MAX_THREADS; t++) {
      const [word, bit] = idBit(t);
      const v = Atomics.load(i32, word);
      if ((v & bit) !== 0) continue;
      if (Atomics.compareExchange(i32, word, v, v | bit) === v) return t;
      raced = true; // the word changed: rescan
      break;
    }
    if (!raced) return -1;
  }
}

/** Gives id `t` back to the bitmask. */
export function freeThreadId(i32: Int32Array, t: number): void {
  const [word, bit] = idBit(t);
  Atomics.and(i32, word, ~bit);
}

/**
 * Fills the slot of the id `t` this thread just claimed: a new generation, state attached, the
 * name, and the current frame. Returns the generation, which the thread keeps.
 */
export function fillThreadSlot(i32: Int32Array, u8: Uint8Array, t: number, name: string | undefined): number {
  const w = threadWordOf(t);
  const at = THREADS_START + t * THREAD_SLOT_BYTES + T_NAME * 4;
  u8.fill(0, at, at + MAX_NAME + 1);
  const label = name ?? '';
  for (let k = 0; k < label.length; k++) u8[at + k] = label.charCodeAt(k);
  const frame = Atomics.load(i32, G_FRAME);
  Atomics.store(i32, w + T_FRAME, frame);
  Atomics.store(i32, w + T_ATTACHED_AT, frame);
  const gen = (Atomics.add(i32, w + T_GEN, 1) + 1) & 0x3fffffff;
  Atomics.store(i32, w + T_GEN, gen);
  Atomics.store(i32, w + T_STATE, THREAD_ATTACHED);
  return gen;
}

/** Reads thread `t`'s name ('' when it has none). */
export function threadName(u8: Uint8Array, t: number): string {
  const at = THREADS_START + t * THREAD_SLOT_BYTES + T_NAME * 4;
  let s = '';
  for (let k = 0; k <= MAX_NAME; k++) {
    const c = u8[at + k];
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** `thread 3 "sim-1"` or `thread 3`, for messages. */
export function threadLabel(u8: Uint8Array, t: number): string {
  const n = threadName(u8, t);
  return n === '' ? `thread ${t}` : `thread ${t} "${n}"`;
}

/** Whether thread id `t` is attached now (its bit is set and its slot says attached). */
export function isAttached(i32: Int32Array, t: number): boolean {
  const [word, bit] = idBit(t);
  return (Atomics.load(i32, word) & bit) !== 0 && Atomics.load(i32, threadWordOf(t) + T_STATE) === THREAD_ATTACHED;
}

/** Records that thread `t` reached `frame` (release, publishStats): one atomic store. */
export function noteThreadFrame(i32: Int32Array, t: number, frame: number): void {
  Atomics.store(i32, threadWordOf(t) + T_FRAME, frame);
}

/** Marks thread `t` detached (by itself) and frees its id. */
export function detachThread(i32: Int32Array, t: number): void {
  Atomics.store(i32, threadWordOf(t) + T_STATE, THREAD_DETACHED);
  freeThreadId(i32, t);
}

/**
 * First step of a reclaim: moves thread `t` from attached to reclaimed and bumps its
 * generation, so a thread that is still alive fails its next slow path with THREAD_RECLAIMED.
 * Returns the generation it had, or -1 when `t` was not attached (nothing changed).
 */
export function beginReclaim(i32: Int32Array, t: number): number {
  const w = threadWordOf(t);
  if (Atomics.compareExchange(i32, w + T_STATE, THREAD_ATTACHED, THREAD_RECLAIMED) !== THREAD_ATTACHED) return -1;
  const gen = Atomics.load(i32, w + T_GEN);
  Atomics.store(i32, w + T_GEN, (gen + 1) & 0x3fffffff);
  return gen;
}

/** The generation stored for thread id `t`. */
export function threadGeneration(i32: Int32Array, t: number): number {
  return Atomics.load(i32, threadWordOf(t) + T_GEN);
}

/** One thread slot as a frozen record. */
export function threadInfo(i32: Int32Array, u8: Uint8Array, t: number): ThreadInfo {
  const w = threadWordOf(t);
  const frame = Atomics.load(i32, G_FRAME);
  const state = STATE_NAMES[Atomics.load(i32, w + T_STATE)] ?? 'free';
  const lastFrame = Atomics.load(i32, w + T_FRAME);
  return Object.freeze({
    id: t, generation: Atomics.load(i32, w + T_GEN), name: threadName(u8, t), state,
    lastFrame, lag: state === 'attached' ? Math.max(0, frame - lastFrame) : 0,
    attachedAt: Atomics.load(i32, w + T_ATTACHED_AT),
  });
}

/** Every slot that was ever used (state other than free), by id. */
export function listThreads(i32: Int32Array, u8: Uint8Array): ThreadInfo[] {
  const out: ThreadInfo[] = [];
  for (let t = 0; t < MAX_THREADS; t++) {
    if (Atomics.load(i32, threadWordOf(t) + T_STATE) !== THREAD_FREE || isAttached(i32, t)) out.push(threadInfo(i32, u8, t));
  }
  return out;
}
