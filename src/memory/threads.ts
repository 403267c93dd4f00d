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
  G_FRAME, MAX_NAME, MAX_THREADS, THREAD_ATTACHED, THREAD_DETACHED, THREAD_FREE, THREAD_RECLAIMED, THREAD_RECLAIMING, THREAD_SLOT_BYTES,
  THREADS_START, T_ATTACHED_AT, T_FRAME, T_GEN, T_NAME, T_RECLAIMED_AT, T_RELEASED_LEASES, T_RELEASED_SLOTS, T_RELEASED_STACKS, T_STATE, threadWordOf,
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
 * Marks every slot of a new buffer's thread table "never reclaimed" (T_RECLAIMED_AT -1); createMemory, before any claim.
 * @example
 * ```ts
 * initThreadTable(i32); // in createMemory, before claimThreadId
 * ```
 */
export function initThreadTable(i32: Int32Array): void {
  for (let t = 0; t < MAX_THREADS; t++) i32[threadWordOf(t) + T_RECLAIMED_AT] = -1;
}

/**
 * Fills the slot of the id `t` this thread just claimed: the name, the current frame, no reclaim
 * record, and a new generation, which the thread keeps. Until the generation moves, the slot
 * still carries the previous holder's (already retired) generation, so that holder stays reclaimed.
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
  Atomics.store(i32, w + T_RECLAIMED_AT, -1);
  Atomics.store(i32, w + T_RELEASED_LEASES, 0);
  Atomics.store(i32, w + T_RELEASED_SLOTS, 0);
  Atomics.store(i32, w + T_RELEASED_STACKS, 0);
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

/**
 * Records in thread `t`'s slot what its reclaim released, and the frame it ran in: the step of a
 * reclaim just before {@link endReclaim}, so the record is complete when the id becomes free.
 * @example
 * ```ts
 * noteReclaim(i32, id, leases, slots, stacks);
 * endReclaim(i32, id);
 * ```
 */
export function noteReclaim(i32: Int32Array, t: number, leases: number, slots: number, stacks: number): void {
  const w = threadWordOf(t);
  Atomics.store(i32, w + T_RELEASED_LEASES, leases);
  Atomics.store(i32, w + T_RELEASED_SLOTS, slots);
  Atomics.store(i32, w + T_RELEASED_STACKS, stacks);
  Atomics.store(i32, w + T_RECLAIMED_AT, Atomics.load(i32, G_FRAME));
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
    reclaimedAt: Atomics.load(i32, w + T_RECLAIMED_AT),
    released: Object.freeze({
      leases: Atomics.load(i32, w + T_RELEASED_LEASES), slots: Atomics.load(i32, w + T_RELEASED_SLOTS),
      stacks: Atomics.load(i32, w + T_RELEASED_STACKS),
    }),
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

// ---- allocation-free per-slot reads, for code that draws the thread table every frame ----

/** Word index of thread `t`'s slot; INVALID_OPTION unless `t` is a whole number 0..MAX_THREADS-1. */
function slotOf(t: number, op: string): number {
  if (!(t >= 0 && t < MAX_THREADS && (t | 0) === t)) badThreadId(t, op);
  return threadWordOf(t);
}

function badThreadId(t: unknown, op: string): never {
  throw memoryError('INVALID_OPTION', `${op}(i32, ${typeof t === 'number' ? String(t) : typeof t}) needs a thread id`, {
    allocator: 'memory', request: { op, thread: typeof t === 'number' ? t : typeof t }, state: { threads: MAX_THREADS },
    suggestion: `pass a whole number from 0 to ${MAX_THREADS - 1}.`,
  });
}

/**
 * Thread `t`'s slot state: one of the THREAD_* codes of memory/layout.ts (free, attached,
 * detached, reclaimed, reclaiming). One atomic read; allocates nothing.
 * @example
 * ```ts
 * if (threadStateAt(memory.i32, t) === THREAD_ATTACHED) drawRow(t);
 * ```
 */
export function threadStateAt(i32: Int32Array, t: number): number {
  return Atomics.load(i32, slotOf(t, 'threadStateAt') + T_STATE);
}

/**
 * Thread `t`'s generation: grows at every attach and every reclaim of the id, so a change means
 * the slot has a new holder (or lost its holder). One atomic read; allocates nothing.
 * @example
 * ```ts
 * if (threadGenerationAt(memory.i32, t) !== seen[t]) names[t] = threadName(memory.u8, t);
 * ```
 */
export function threadGenerationAt(i32: Int32Array, t: number): number {
  return Atomics.load(i32, slotOf(t, 'threadGenerationAt') + T_GEN);
}

/**
 * The last frame thread `t` reported (at attach, `release()`, `publishStats()`). One atomic read;
 * allocates nothing.
 * @example
 * ```ts
 * const lag = memory.frame - threadFrameAt(memory.i32, t);
 * ```
 */
export function threadFrameAt(i32: Int32Array, t: number): number {
  return Atomics.load(i32, slotOf(t, 'threadFrameAt') + T_FRAME);
}

/**
 * The frame thread `t`'s holder attached in. One atomic read; allocates nothing.
 * @example
 * ```ts
 * const age = memory.frame - threadAttachedAt(memory.i32, t);
 * ```
 */
export function threadAttachedAt(i32: Int32Array, t: number): number {
  return Atomics.load(i32, slotOf(t, 'threadAttachedAt') + T_ATTACHED_AT);
}

/**
 * The frame in which another thread reclaimed thread `t`'s holder, or -1 when it was not
 * reclaimed (unused slot, attached, or detached itself; an attach resets it). One atomic read;
 * allocates nothing.
 * @example
 * ```ts
 * const at = threadReclaimedAt(memory.i32, t);
 * if (at >= 0) label = `reclaimed in frame ${at}`;
 * ```
 */
export function threadReclaimedAt(i32: Int32Array, t: number): number {
  return Atomics.load(i32, slotOf(t, 'threadReclaimedAt') + T_RECLAIMED_AT);
}

/**
 * Arena segments whose lease the reclaim of thread `t`'s holder released (0 when it was not
 * reclaimed). One atomic read; allocates nothing.
 * @example
 * ```ts
 * leases[t] = threadReleasedLeasesAt(memory.i32, t);
 * ```
 */
export function threadReleasedLeasesAt(i32: Int32Array, t: number): number {
  return Atomics.load(i32, slotOf(t, 'threadReleasedLeasesAt') + T_RELEASED_LEASES);
}

/**
 * Pool slots the reclaim of thread `t`'s holder returned to the shared free lists (0 when it was
 * not reclaimed). One atomic read; allocates nothing.
 * @example
 * ```ts
 * slots[t] = threadReleasedSlotsAt(memory.i32, t);
 * ```
 */
export function threadReleasedSlotsAt(i32: Int32Array, t: number): number {
  return Atomics.load(i32, slotOf(t, 'threadReleasedSlotsAt') + T_RELEASED_SLOTS);
}

/**
 * Stacks the reclaim of thread `t`'s holder emptied and left ownerless (0 when it was not
 * reclaimed). One atomic read; allocates nothing.
 * @example
 * ```ts
 * stacks[t] = threadReleasedStacksAt(memory.i32, t);
 * ```
 */
export function threadReleasedStacksAt(i32: Int32Array, t: number): number {
  return Atomics.load(i32, slotOf(t, 'threadReleasedStacksAt') + T_RELEASED_STACKS);
}
