/**
 * The library's allocators on the same op: FrameArena, Pool and Stack of one Memory.
 * @module
 */
import { createMemory, type FrameArena, type Pool } from '../../src/index.ts';
import { BATCH, newTally, type AllocCase } from './case.ts';

/**
 * `arena.alloc(16)` per op from this thread's lane, nothing freed per batch: the caller ends the
 * frame (the workers bench: `arena.release()` in the worker, `memory.advance()` on main).
 */
export function arenaLaneCase(arena: FrameArena, f32: Float32Array): AllocCase {
  const tally = newTally();
  return {
    id: 'lanes',
    label: 'FrameArena alloc(16) from this thread\'s lane; the frame end frees it',
    tally,
    batch: () => {
      let acc = 0;
      for (let i = 0; i < BATCH; i++) {
        const q = arena.alloc(16) >> 2;
        f32[q] = i;
        f32[q + 1] = i * 0.5;
        f32[q + 2] = -i;
        acc += f32[q + 1];
      }
      tally.acc += acc;
      tally.batches++;
    },
  };
}

/**
 * `pool.alloc()`, `offsetOf()`, write/read through `f32`, `pool.free()` per op, on the owner
 * thread; checks the pool's invariants and that no slot leaked. Also typed.bench.ts's reference
 * for `takeSlot`.
 */
export function poolAllocFreeCase(pool: Pool, f32: Float32Array, names: { readonly id: string; readonly label: string; readonly ref?: string }): AllocCase {
  const tally = newTally();
  return {
    ...names,
    tally,
    batch: () => {
      let acc = 0;
      for (let i = 0; i < BATCH; i++) {
        const h = pool.alloc();
        const q = pool.offsetOf(h) >> 2;
        f32[q] = i;
        f32[q + 1] = i * 0.5;
        f32[q + 2] = -i;
        acc += f32[q + 1];
        pool.free(h);
      }
      tally.acc += acc;
      tally.batches++;
    },
    verify: () => {
      pool.checkInvariants();
      if (pool.live !== 0) throw new Error(`pool: ${pool.live} slots leaked`);
    },
  };
}

/** The three library cases, all in one 4 MiB memory created here. */
export function libraryCases(): AllocCase[] {
  const memory = createMemory({ size: 4 << 20 });
  const f32 = memory.f32;
  const arena = memory.createArena('bench', { capacity: 1 << 20, frames: 0 });
  const pool = memory.createPool('p', { slotSize: 16, align: 16, capacity: 8192 });
  const stack = memory.createStack('s', { capacity: 64 << 10 });

  const arenaTally = newTally();
  const arenaCase: AllocCase = {
    id: 'arena',
    label: 'FrameArena alloc(16, 16), reset() per batch',
    tally: arenaTally,
    batch: () => {
      let acc = 0;
      for (let i = 0; i < BATCH; i++) {
        const q = arena.alloc(16, 16) >> 2;
        f32[q] = i;
        f32[q + 1] = i * 0.5;
        f32[q + 2] = -i;
        acc += f32[q + 1];
      }
      arena.reset();
      arenaTally.acc += acc;
      arenaTally.batches++;
    },
    verify: () => {
      arena.checkInvariants();
    },
  };

  const poolCase = poolAllocFreeCase(pool, f32, {
    id: 'pool', label: 'Pool alloc() + offsetOf() + free() per op (owner thread)', ref: 'free-list',
  });

  const stackTally = newTally();
  const stackCase: AllocCase = {
    id: 'stack',
    label: 'Stack push(16, 16) + pop() per op',
    tally: stackTally,
    batch: () => {
      let acc = 0;
      for (let i = 0; i < BATCH; i++) {
        const p = stack.push(16, 16);
        const q = p >> 2;
        f32[q] = i;
        f32[q + 1] = i * 0.5;
        f32[q + 2] = -i;
        acc += f32[q + 1];
        stack.pop(p);
      }
      stackTally.acc += acc;
      stackTally.batches++;
    },
    verify: () => {
      stack.checkInvariants();
      if (stack.depth !== 0) throw new Error(`stack: depth ${stack.depth} after the run`);
    },
  };

  return [arenaCase, poolCase, stackCase];
}
