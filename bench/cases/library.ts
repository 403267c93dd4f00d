/**
 * The library's allocators on the same op: FrameArena, Pool and Stack of one Memory.
 * @module
 */
import { createMemory } from '../../src/index.ts';
import { BATCH, newTally, type AllocCase } from './case.ts';

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

  const poolTally = newTally();
  const poolCase: AllocCase = {
    id: 'pool',
    label: 'Pool alloc() + offsetOf() + free() per op (owner thread)',
    ref: 'free-list',
    tally: poolTally,
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
      poolTally.acc += acc;
      poolTally.batches++;
    },
    verify: () => {
      pool.checkInvariants();
      if (pool.live !== 0) throw new Error(`pool: ${pool.live} slots leaked`);
    },
  };

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
