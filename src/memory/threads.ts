/**
 * The thread table in the global header: one slot per thread id with its state, generation,
 * name and last reported frame. An id is claimed with one CAS on its slot's state word; the slot
 * says who holds the id, and the generation tells a reclaimed thread that its id moved on.
 * Cold paths only.
 * @module
 * @internal
 */
import type { ThreadInfo, ThreadState } from '../api-reports.ts';
import { memoryError } from '../errors.ts';
import {
  G_FRAME, MAX_NAME, MAX_THREADS, THREAD_ATTACHED, THREAD_DETACHED, THREAD_FREE,
  THREAD_RECLAIMED, THREAD_RECLAIMING, THREAD_SLOT_BYTES, THREADS_START, T_ATTACHED_AT, T_FRAME, T_GEN, T_NAME, T_STATE, threadWordOf,
} from './layout.ts';

const STATE_NAMES: readonly ThreadState[] = ['free', 'attached', 'detached', 'reclaimed', 'reclaiming'];

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

/** Whether a slot in state `st` may be claimed: never used, detached, or reclaimed. */
function claimable(st: number): boolean {
  return st === THREAD_FREE || st === THREAD_DETACHED || st === THREAD_RECLAIMED;
}

/**
 * Claims the lowest free thread id and marks it attached in one CAS on its slot's state word,
 * so a thread killed at any point of attaching either holds no id or holds one that
 * `reclaimThread` gives back. The slot's name, frame and generation are filled next
 * ({@link fillThreadSlot}). Returns -1 when all 64 are taken.
 */
export function claimThreadId(i32: Int32Array): number {
  for (let t = 0; t < MAX_THREADS; t++) {
    const w = threadWordOf(t) + T_STATE;
    for (let st = Atomics.load(i32, w); claimable(st); st = Atomics.load(i32, w)) {
      if (Atomics.compareExchange(i32, w, st, THREAD_ATTACHED) === st) return t;
    }
  }
  return -1;
}

/**
 * Fills the slot of the id `t` this thread just claimed: the name, the current frame and a new
 * generation, which the thread keeps. Until the generation moves, the slot still carries the
 * previous holder's (already retired) generation, so that holder stays reclaimed.
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

/** Whether thread id `t` is attached now. */
export function isAttached(i32: Int32Array, t: number): boolean {
  return Atomics.load(i32, threadWordOf(t) + T_STATE) === THREAD_ATTACHED;
}

/** Bits of the attached ids among `first..first+31` (first 0 or 32), for the inspector. */
export function attachedMask(i32: Int32Array, first: number): number {
  let bits = 0;
  for (let k = 0; k < 32; k++) if (Atomics.load(i32, threadWordOf(first + k) + T_STATE) === THREAD_ATTACHED) bits |= 1 << k;
  return bits;
}

/** Marks thread `t` detached (by itself), which frees its id; a no-op unless it is attached. */
export function detachThread(i32: Int32Array, t: number): void {
  Atomics.compareExchange(i32, threadWordOf(t) + T_STATE, THREAD_ATTACHED, THREAD_DETACHED);
}

/**
 * First step of a reclaim: moves thread `t` from attached to being reclaimed (its id is not
 * free yet) and bumps its generation, so a thread that is still alive fails its next slow path
 * with THREAD_RECLAIMED. Returns the generation it had, or -1 when `t` was not attached
 * (nothing changed).
 */
export function beginReclaim(i32: Int32Array, t: number): number {
  const w = threadWordOf(t);
  if (Atomics.compareExchange(i32, w + T_STATE, THREAD_ATTACHED, THREAD_RECLAIMING) !== THREAD_ATTACHED) return -1;
  const gen = Atomics.load(i32, w + T_GEN);
  Atomics.store(i32, w + T_GEN, (gen + 1) & 0x3fffffff);
  return gen;
}

/** Last step of a reclaim: thread `t`'s holdings are released; its id is free for a new thread. */
export function endReclaim(i32: Int32Array, t: number): void {
  Atomics.store(i32, threadWordOf(t) + T_STATE, THREAD_RECLAIMED);
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
    if (Atomics.load(i32, threadWordOf(t) + T_STATE) !== THREAD_FREE) out.push(threadInfo(i32, u8, t));
  }
  return out;
}
