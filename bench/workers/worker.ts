/**
 * A worker of the workers bench (run through bench/ts-worker.mjs): attaches to the memory, parks
 * on the frame word, and runs each frame's ops in the mode main asks for. The ops are the
 * allocation cases of bench/cases (4096 per batch, each case its own loop, so type feedback stays
 * monomorphic). See protocol.ts for the barrier.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { attachMemory } from '../../src/index.ts';
import { BATCH, type AllocCase } from '../cases/case.ts';
import { ChunkBump, chunkBumpCase, freeListCase } from '../cases/handwritten.ts';
import { arenaLaneCase, poolAllocFreeCase, poolCrossFreeCase } from '../cases/library.ts';
import { threadId } from '../schedstat.ts';
import {
  ARENA_NAME, C_CHUNK_CURSOR, C_DONE, C_FRAME, C_MODE, C_OPS, C_READY, C_TID, CHUNK_BYTES, MODE_STOP, MODES, POOL_NAME,
  S_ACC, S_BUSY_MS, S_OPS, STATS_STRIDE, XFREE_OPS, XFREE_POOL_NAME, xfreeSlots, type Mode, type WorkerInit,
} from './protocol.ts';

const init = workerData as WorkerInit;
const memory = attachMemory(init.memory);
const arena = memory.arena(ARENA_NAME);
const control = new Int32Array(init.control);
const stats = new Float64Array(init.stats);
const mine = init.index * STATS_STRIDE;
const chunk = new ChunkBump(control, C_CHUNK_CURSOR, init.chunkBuffer.byteLength, CHUNK_BYTES);

const xfree = poolCrossFreeCase(memory.pool(XFREE_POOL_NAME), memory.f32, new Int32Array(init.handles),
  xfreeSlots(init.index, 0, XFREE_OPS), xfreeSlots((init.index + 1) % init.workers, 0, XFREE_OPS), XFREE_OPS);

/** Each mode's case, and what the worker does at the start and the end of its frame. */
const RUN: Readonly<Record<Mode, { readonly c: AllocCase; readonly startFrame?: (frame: number) => void; readonly endFrame: () => void }>> = {
  // the frame's end, as a game worker does it: give the lane back, publish the counts once
  lanes: { c: arenaLaneCase(arena, memory.f32), endFrame: () => { arena.release(); memory.publishStats(); } },
  pool: { c: poolAllocFreeCase(memory.pool(POOL_NAME), memory.f32, { id: 'pool', label: 'shared pool' }), endFrame: () => undefined },
  'pool-xfree': { c: xfree, startFrame: xfree.startFrame, endFrame: () => undefined },
  'chunk-ref': { c: chunkBumpCase(chunk, init.chunkBuffer), endFrame: () => { chunk.drop(); } },
  'free-list-ref': { c: freeListCase(), endFrame: () => undefined },
};

let seen = Atomics.load(control, C_FRAME);
Atomics.store(control, C_TID + init.index, threadId());
Atomics.add(control, C_READY, 1);
Atomics.notify(control, C_READY);
for (;;) {
  while (Atomics.load(control, C_FRAME) === seen) Atomics.wait(control, C_FRAME, seen);
  seen = Atomics.load(control, C_FRAME);
  const mode = Atomics.load(control, C_MODE);
  if (mode === MODE_STOP) break;
  const n = Atomics.load(control, C_OPS);
  const { c, startFrame, endFrame } = RUN[MODES[mode]];
  if (startFrame !== undefined && n !== XFREE_OPS) throw new Error(`pool-xfree: ${n} ops per frame, its buffers hold ${XFREE_OPS}`);
  const acc0 = c.tally.acc;
  const t0 = performance.now();
  startFrame?.(seen);
  for (let k = 0; k < n; k += BATCH) c.batch();
  endFrame();
  stats[mine + S_BUSY_MS] += performance.now() - t0;
  stats[mine + S_OPS] += n;
  stats[mine + S_ACC] += c.tally.acc - acc0;
  Atomics.add(control, C_DONE, 1);
  Atomics.notify(control, C_DONE);
}
memory.detach(); // flushes this thread's pool cache, gives the thread id back
parentPort?.postMessage('stopped');
