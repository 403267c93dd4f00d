/**
 * The region table in the global header: create a region by name under a short lock, and find
 * one by name from any thread. Cold paths only.
 * @module
 * @internal
 */
import { memoryError } from '../errors.ts';
import {
  DATA_START, E_BYTES, E_CREATOR, E_KIND, E_NAME, E_OFFSET, E_STATE, E_STATS, ENTRY_ABANDONED, ENTRY_BYTES, ENTRY_INIT, ENTRY_READY,
  G_BRK, G_ENTRIES, G_REGION_COUNT, G_SIZE, G_TABLE_LOCK, E_CLOCKED, MAX_NAME, MAX_REGIONS, MAX_THREADS,
  REGION_ALIGN, TABLE_START, alignUp, entryWordOf,
} from './layout.ts';
import { isAttached, threadLabel } from './threads.ts';
import { type SharedOps, opsFor } from './shared-ops.ts';
import type { RegionInfo, RegionKind } from '../api-reports.ts';
import { STATS_BYTES } from '../stats/block.ts';
import { kindNameOf, openCall } from './kinds.ts';


/** Kind code to name: the registered kind's name, or `unknown:<code>` for a kind this thread has not registered. */
export function kindName(k: number): RegionKind {
  return kindNameOf(k) as RegionKind;
}

/** Throws INVALID_NAME unless `name` is 1..31 characters of [A-Za-z0-9_.-]. */
export function validateName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME || !/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw memoryError('INVALID_NAME', `region name ${JSON.stringify(name)} is not allowed`, {
      allocator: 'memory', request: { name }, state: {},
      suggestion: `use 1 to ${MAX_NAME} characters from A-Z a-z 0-9 _ . -`,
    });
  }
}

/** Reads entry `i`'s name. */
export function readName(u8: Uint8Array, i: number): string {
  const at = TABLE_START + i * ENTRY_BYTES + E_NAME * 4;
  let s = '';
  for (let k = 0; k < MAX_NAME + 1; k++) {
    const c = u8[at + k];
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

function nameEquals(u8: Uint8Array, i: number, name: string): boolean {
  const at = TABLE_START + i * ENTRY_BYTES + E_NAME * 4;
  for (let k = 0; k < name.length; k++) if (u8[at + k] !== name.charCodeAt(k)) return false;
  return u8[at + name.length] === 0;
}

/** Index of the ready entry named `name`, or -1. Any thread. */
export function findRegion(i32: Int32Array, u8: Uint8Array, name: string): number {
  const n = Atomics.load(i32, G_ENTRIES);
  for (let i = 0; i < n; i++) {
    if (Atomics.load(i32, entryWordOf(i) + E_STATE) === ENTRY_READY && nameEquals(u8, i, name)) return i;
  }
  return -1;
}

/** Index of the entry named `name` that is ready or being initialised, or -1. Under the table lock. */
function findLiveEntry(i32: Int32Array, u8: Uint8Array, name: string): number {
  const n = Atomics.load(i32, G_ENTRIES);
  for (let i = 0; i < n; i++) {
    const st = Atomics.load(i32, entryWordOf(i) + E_STATE);
    if ((st === ENTRY_READY || st === ENTRY_INIT) && nameEquals(u8, i, name)) return i;
  }
  return -1;
}

/** Every ready region. */
export function listRegions(i32: Int32Array, u8: Uint8Array): RegionInfo[] {
  const n = Atomics.load(i32, G_ENTRIES);
  const out: RegionInfo[] = [];
  for (let i = 0; i < n; i++) {
    const w = entryWordOf(i);
    if (Atomics.load(i32, w + E_STATE) !== ENTRY_READY) continue;
    out.push(Object.freeze({
      name: readName(u8, i), kind: kindName(i32[w + E_KIND]), offset: i32[w + E_OFFSET], byteLength: i32[w + E_BYTES],
    }));
  }
  return out;
}

/** Longest wait for the region-table lock before `LOCK_TIMEOUT`, in milliseconds. */
export const TABLE_LOCK_TIMEOUT_MS = 2000;

/** Whether this thread may block in Atomics.wait (workers and Node: yes; a browser's main thread: no). */
let waitAllowed: boolean | null = null;
function canWait(i32: Int32Array): boolean {
  if (waitAllowed === null) {
    try {
      Atomics.wait(i32, G_TABLE_LOCK, 0x7fffffff, 0); // returns "not-equal" at once where allowed
      waitAllowed = true;
    } catch {
      waitAllowed = false;
    }
  }
  return waitAllowed;
}

/**
 * The table lock's protocol, on {@link SharedOps} so the interleaving explorer runs it with
 * crash points: takes the lock word `word` for `me` (a thread id + 1). A word holding `me`
 * already is ours (left by a failed call of ours that could not unlock). A holder that is not
 * attached (it died and was reclaimed, or detached) has its lock broken with one CAS. While a
 * live holder keeps it, `wait(holder, v)` is called between tries; it returns false to give up,
 * and then this returns the holder's id (else -1: the lock is ours).
 * @internal
 */
export function acquireLock(ops: SharedOps, word: number, me: number, attached: (t: number) => boolean, wait: (holder: number, v: number) => boolean): number {
  let v = ops.cas(word, 0, me);
  while (v !== 0 && v !== me) {
    const holder = v - 1;
    if (holder < 0 || holder >= MAX_THREADS || !attached(holder)) {
      if (ops.cas(word, v, me) === v) return -1; // the holder is gone: its lock is broken
    } else if (!wait(holder, v)) {
      return holder;
    }
    v = ops.cas(word, 0, me);
  }
  return -1;
}

/**
 * Takes the region-table lock for thread `threadId`. The lock word holds its holder's id + 1, so
 * a holder that is no longer attached (it died and was reclaimed, or detached) is seen and its
 * lock broken. A live holder keeps it only while it reserves an entry (microseconds): the wait
 * blocks in `Atomics.wait` where the thread may block, spins elsewhere, and gives up with
 * `LOCK_TIMEOUT` after {@link TABLE_LOCK_TIMEOUT_MS}.
 */
export function lockTable(i32: Int32Array, u8: Uint8Array, threadId: number): void {
  const shared = typeof SharedArrayBuffer === 'function' && i32.buffer instanceof SharedArrayBuffer;
  const t0 = Date.now();
  const holder = acquireLock(opsFor(i32), G_TABLE_LOCK, threadId + 1, (t) => isAttached(i32, t), (_h, v) => {
    if (Date.now() - t0 > TABLE_LOCK_TIMEOUT_MS) return false;
    if (shared && canWait(i32)) Atomics.wait(i32, G_TABLE_LOCK, v, 1);
    return true;
  });
  if (holder < 0) return;
  throw memoryError('LOCK_TIMEOUT', `the region table has been locked by ${threadLabel(u8, holder)} for over ${TABLE_LOCK_TIMEOUT_MS} ms`, {
    allocator: 'memory', request: { op: 'createRegion', thread: threadId }, state: { holder, waitedMs: Date.now() - t0 },
    suggestion: `if ${threadLabel(u8, holder)} was terminated or crashed, call memory.reclaimThread(${holder}) from a live thread; then create the region again.`,
  });
}

/** Releases the region-table lock held by `threadId` and wakes one waiter. */
export function unlockTable(i32: Int32Array, threadId: number): void {
  Atomics.compareExchange(i32, G_TABLE_LOCK, threadId + 1, 0);
  Atomics.notify(i32, G_TABLE_LOCK, 1);
}

/**
 * Creates a region of `bytes` named `name` (plus its statistics block at the end). The entry and
 * its bytes are reserved under the table lock; `init(offset)` then writes the allocator's header
 * outside the lock (a pool of millions of slots takes milliseconds), and only then the entry is
 * published, so no thread ever attaches a half-written region. A creator that dies during
 * `init` leaves its entry "being initialised" until `reclaimThread` abandons it. `clocked`
 * marks a region that `advance()` moves (E_CLOCKED). Returns the entry's index.
 */
export function createRegion(
  i32: Int32Array, u8: Uint8Array, threadId: number, name: string, kind: number, bytes: number,
  init: (offset: number) => void, clocked = false,
): number {
  validateName(name);
  lockTable(i32, u8, threadId);
  let index: number;
  let brk: number;
  let body: number;
  let need: number;
  try {
    const found = findLiveEntry(i32, u8, name);
    if (found >= 0) {
      const st = Atomics.load(i32, entryWordOf(found) + E_STATE);
      const creator = i32[entryWordOf(found) + E_CREATOR] - 1;
      throw memoryError('REGION_EXISTS', `a region named "${name}" ${st === ENTRY_READY ? 'already exists' : `is being created by ${threadLabel(u8, creator)}`}`, {
        allocator: 'memory', request: { name, kind: kindName(kind) }, state: { regions: Atomics.load(i32, G_REGION_COUNT), creator },
        suggestion: `attach to it with ${openCall(kind, name)}, or pick another name.`,
      });
    }
    index = Atomics.load(i32, G_ENTRIES);
    if (index >= MAX_REGIONS) {
      throw memoryError('REGION_TABLE_FULL', `the region table holds at most ${MAX_REGIONS} regions`, {
        allocator: 'memory', request: { name }, state: { regions: Atomics.load(i32, G_REGION_COUNT), entries: index },
        suggestion: 'share one allocator between subsystems, or use fewer, larger regions.',
      });
    }
    brk = Atomics.load(i32, G_BRK);
    const size = i32[G_SIZE];
    body = alignUp(bytes, REGION_ALIGN);
    need = body + STATS_BYTES;
    if (need > size - brk) {
      throw memoryError('OUT_OF_MEMORY', `a ${kindName(kind)} of ${need} bytes does not fit in the memory`, {
        allocator: 'memory', request: { name, bytes: need }, state: { size, used: brk, free: size - brk, regionsStart: DATA_START },
        suggestion: `create the memory with size >= ${brk + need}, or make the ${kindName(kind)} smaller.`,
      });
    }
    const w = entryWordOf(index);
    const at = TABLE_START + index * ENTRY_BYTES;
    u8.fill(0, at, at + ENTRY_BYTES);
    for (let k = 0; k < name.length; k++) u8[at + k] = name.charCodeAt(k);
    i32[w + E_KIND] = kind;
    i32[w + E_OFFSET] = brk;
    i32[w + E_BYTES] = need;
    i32[w + E_STATS] = brk + body;
    i32[w + E_CREATOR] = threadId + 1;
    i32[w + E_CLOCKED] = clocked ? 1 : 0;
    Atomics.store(i32, w + E_STATE, ENTRY_INIT);
    Atomics.store(i32, G_BRK, brk + need);
    Atomics.store(i32, G_ENTRIES, index + 1);
  } finally {
    unlockTable(i32, threadId);
  }
  i32.fill(0, (brk + body) >> 2, (brk + need) >> 2);
  try {
    init(brk);
  } catch (err) {
    // an init that throws leaves nothing half-made behind: the entry is abandoned, so its name is
    // free again (its bytes stay unused), as when its creator dies
    Atomics.compareExchange(i32, entryWordOf(index) + E_STATE, ENTRY_INIT, ENTRY_ABANDONED);
    throw err;
  }
  // publish only an entry that is still ours: a reclaim of this thread may have abandoned it
  if (Atomics.compareExchange(i32, entryWordOf(index) + E_STATE, ENTRY_INIT, ENTRY_READY) !== ENTRY_INIT) {
    throw memoryError('THREAD_RECLAIMED', `thread ${threadId} was reclaimed while it created the ${kindName(kind)} "${name}"; the region was abandoned`, {
      allocator: 'memory', request: { op: 'createRegion', name, kind: kindName(kind) }, state: { entry: index, state: Atomics.load(i32, entryWordOf(index) + E_STATE) },
      suggestion: 'reclaimThread() is for threads that are gone; this one is alive. Attach again (attachMemory) and create the region under another name.',
    });
  }
  Atomics.add(i32, G_REGION_COUNT, 1);
  return index;
}

/**
 * For `reclaimThread`: releases the table lock if thread `t` holds it, and marks every entry
 * that `t` was still initialising as abandoned. Returns [lock released, entries abandoned].
 */
export function reclaimTable(i32: Int32Array, t: number): [boolean, number] {
  const lock = Atomics.compareExchange(i32, G_TABLE_LOCK, t + 1, 0) === t + 1;
  if (lock) Atomics.notify(i32, G_TABLE_LOCK, 1);
  let abandoned = 0;
  const n = Atomics.load(i32, G_ENTRIES);
  for (let i = 0; i < n; i++) {
    const w = entryWordOf(i);
    if (i32[w + E_CREATOR] === t + 1 && Atomics.compareExchange(i32, w + E_STATE, ENTRY_INIT, ENTRY_ABANDONED) === ENTRY_INIT) abandoned++;
  }
  return [lock, abandoned];
}

