/**
 * Reclaiming a thread that is gone, and the global header's invariants. Cold paths: a reclaim
 * runs once per dead worker, a check in tests and tools.
 * @module
 * @internal
 */
import type { ReclaimReport } from '../api-reports.ts';
import { CORRUPTION_FIX, memoryError } from '../errors.ts';
import { kindOfCode } from './kinds.ts';
import {
  DATA_START, E_KIND, E_STATE, ENTRY_ABANDONED, ENTRY_INIT, ENTRY_READY, G_BRK, G_ENTRIES, G_FRAME, G_MAGIC, G_RECLAIMS, G_REGION_COUNT, G_SIZE,
  G_TABLE_LOCK, G_VERSION, LAYOUT_VERSION, MAGIC, MAX_REGIONS, MAX_THREADS, REGION_ALIGN, T_STATE, E_OFFSET,
  T_RECLAIMED_AT, T_RELEASED_LEASES, T_RELEASED_SLOTS, T_RELEASED_STACKS,
  THREAD_ATTACHED, THREAD_FREE, THREAD_RECLAIMING, entryWordOf, threadWordOf,
} from './layout.ts';
import { reclaimTable } from './region-table.ts';
import { beginReclaim, endReclaim, noteReclaim, threadName } from './threads.ts';
import type { MemoryHost } from './host.ts';

/**
 * Reclaims thread `id` for `memory.reclaimThread(id)` (arguments already checked): marks it
 * reclaimed (its generation moves on), releases its arena leases, returns its cached and
 * in-flight pool slots, empties its stacks, breaks its table lock, abandons regions it was
 * creating, and frees its id last, so no new thread gets the id while its old holdings are
 * still being released.
 */
export function reclaimThreadIn(memory: MemoryHost, id: number): ReclaimReport | null {
  const i32 = memory.i32;
  const u8 = memory.u8;
  const name = threadName(u8, id);
  const generation = beginReclaim(i32, id);
  if (generation < 0) return null;
  const byKind: Record<string, number> = {};
  let failure: Error | null = null;
  let lock: boolean;
  let abandoned: number;
  try {
    const n = Atomics.load(i32, G_ENTRIES);
    for (let i = 0; i < n; i++) {
      const w = entryWordOf(i);
      if (Atomics.load(i32, w + E_STATE) !== ENTRY_READY) continue;
      const kind = kindOfCode(i32[w + E_KIND]);
      // a kind this thread has not registered keeps what the dead thread held in it
      let released = 0;
      try {
        released = kind?.reclaimThread?.(i32, i32[w + E_OFFSET], id, memory.threadId) ?? 0;
      } catch (err) {
        failure ??= err instanceof Error ? err : new Error(String(err)); // one kind's failure must not strand the rest: go on, rethrow at the end
      }
      if (kind !== undefined && released > 0) byKind[kind.name] = (byKind[kind.name] ?? 0) + released;
    }
  } finally {
    // whatever happened above, the lock and the id are given back: a reclaim never leaves a thread half-reclaimed
    [lock, abandoned] = reclaimTable(i32, id);
    Atomics.add(i32, G_RECLAIMS, 1);
    noteReclaim(i32, id, released(byKind, 'arena'), released(byKind, 'pool'), released(byKind, 'stack'));
    endReclaim(i32, id);
  }
  if (failure !== null) throw failure;
  const { arena: leases = 0, pool: slots = 0, stack: stacks = 0, ...custom } = byKind;
  const report = { id, name, generation, leases, slots, stacks, lock, abandoned };
  return Object.freeze(Object.keys(custom).length === 0 ? report : { ...report, custom: Object.freeze(custom) });
}

/** What a reclaim's kinds named `kind` released (0 when none did). */
function released(byKind: Record<string, number>, kind: string): number {
  return Object.hasOwn(byKind, kind) ? byKind[kind] : 0;
}

/**
 * Checks the global header, the region table's counts and the thread table against each other,
 * and throws `INVARIANT_VIOLATED` with the actual values.
 */
export function checkHeader(i32: Int32Array, byteLength: number): void {
  const fail = (what: string, state: Record<string, number>): never => {
    throw memoryError('INVARIANT_VIOLATED', what, { allocator: 'memory', request: {}, state, suggestion: CORRUPTION_FIX });
  };
  const brk = Atomics.load(i32, G_BRK);
  if (i32[G_MAGIC] !== MAGIC || i32[G_VERSION] !== LAYOUT_VERSION || i32[G_SIZE] !== byteLength || brk < DATA_START || brk > i32[G_SIZE] || brk % REGION_ALIGN !== 0) {
    fail('global header is inconsistent', { magic: i32[G_MAGIC], version: i32[G_VERSION], size: i32[G_SIZE], byteLength, brk });
  }
  const frame = Atomics.load(i32, G_FRAME);
  if (frame < 0) fail(`frame ${frame} is negative`, { frame });
  const entries = Atomics.load(i32, G_ENTRIES);
  const ready = Atomics.load(i32, G_REGION_COUNT);
  if (entries < 0 || entries > MAX_REGIONS) fail(`the region table says ${entries} entries, at most ${MAX_REGIONS} fit`, { entries });
  if (ready < 0 || ready > entries) fail(`${ready} ready regions of ${entries} entries`, { ready, entries });
  let counted = 0;
  for (let i = 0; i < entries; i++) {
    const st = Atomics.load(i32, entryWordOf(i) + E_STATE);
    if (st === ENTRY_READY) counted++;
    else if (st !== ENTRY_INIT && st !== ENTRY_ABANDONED) fail(`region entry ${i} has state ${st}`, { entry: i, state: st });
  }
  if (counted !== ready) fail(`${counted} entries are ready, the header counts ${ready}`, { counted, ready });
  const lock = Atomics.load(i32, G_TABLE_LOCK);
  if (lock < 0 || lock > MAX_THREADS) fail(`region-table lock word ${lock} is not a thread id + 1`, { lock });
  for (let t = 0; t < MAX_THREADS; t++) {
    const st = Atomics.load(i32, threadWordOf(t) + T_STATE);
    if (st < THREAD_FREE || st > THREAD_RECLAIMING) fail(`thread ${t}: slot state ${st} is not a thread state`, { thread: t, state: st });
    const w = threadWordOf(t);
    const at = Atomics.load(i32, w + T_RECLAIMED_AT);
    const counts = [Atomics.load(i32, w + T_RELEASED_LEASES), Atomics.load(i32, w + T_RELEASED_SLOTS), Atomics.load(i32, w + T_RELEASED_STACKS)];
    if (at < -1 || at > frame || Math.min(...counts) < 0) {
      fail(`thread ${t}: reclaim record (frame ${at}, released ${counts.join('/')}) is out of range`, { thread: t, reclaimedAt: at, frame });
    }
  }
  if (lock !== 0 && Atomics.load(i32, threadWordOf(lock - 1) + T_STATE) !== THREAD_ATTACHED) {
    fail(`the region table is locked by thread ${lock - 1}, which is not attached`, { holder: lock - 1 });
  }
}
