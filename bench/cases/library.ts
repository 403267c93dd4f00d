/**
 * The library's allocators on the same op: FrameArena, Pool and Stack of one Memory. A batch
 * of 4096 ops is one frame of temporaries, so each batch ends the way a frame does for the
 * allocator's statistics: `publishStats()`, which `memory.advance()` calls once a frame. Without
 * it the per-thread counters would grow past V8's small-integer range in a long run (the arena
 * counts bytes), which no frame-driven program sees.
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
 * for `pool.take()`.
 */
export function poolAllocFreeCase(pool: Pool, f32: Float32Array, names: { readonly id: string; readonly label: string; readonly ref?: string; readonly hot?: readonly string[] }): AllocCase {
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
      pool.publishStats();
      tally.acc += acc;
      tally.batches++;
    },
    verify: () => {
      pool.checkInvariants();
      if (pool.live !== 0) throw new Error(`pool: ${pool.live} slots leaked`);
    },
  };
}

/** A case whose work depends on the frame: the worker tells it which frame starts. */
export interface FrameCase extends AllocCase {
  /** Called before the frame's first batch with the frame number. */
  readonly startFrame: (frame: number) => void;
}

/**
 * Cross-thread free on a shared pool: op `j` of frame F frees the handle that the neighbour
 * worker allocated as its op `j` in frame F - 1 (if any), then `alloc()` + `offsetOf()` + write/read,
 * and keeps the new handle in this worker's buffer for frame F's parity. `handles` holds two
 * frames of `n` handles per worker (`mine` and `theirs` are the word offsets of parity 0; parity 1
 * follows at + n); 0 = no handle. Main frees what is left after a round.
 */
export function poolCrossFreeCase(pool: Pool, f32: Float32Array, handles: Int32Array, mine: number, theirs: number, n: number): FrameCase {
  const tally = newTally();
  let out = mine;
  let inp = theirs;
  let j = 0;
  return {
    id: 'pool-xfree',
    label: 'shared Pool: free() of a handle another worker allocated last frame, then alloc() + offsetOf()',
    tally,
    startFrame: (frame: number) => {
      out = mine + (frame & 1) * n;
      inp = theirs + ((frame + 1) & 1) * n;
      j = 0;
    },
    batch: () => {
      let acc = 0;
      const o = out + j;
      const v = inp + j;
      for (let i = 0; i < BATCH; i++) {
        const old = handles[v + i];
        if (old !== 0) {
          pool.free(old);
          handles[v + i] = 0;
        }
        const h = pool.alloc();
        const q = pool.offsetOf(h) >> 2;
        f32[q] = i;
        f32[q + 1] = i * 0.5;
        f32[q + 2] = -i;
        acc += f32[q + 1];
        handles[o + i] = h;
      }
      pool.publishStats();
      j += BATCH;
      tally.acc += acc;
      tally.batches++;
    },
  };
}

/**
 * A burst on the owner thread: `BATCH` `alloc()`s (with `offsetOf()`, a write and a read), then all
 * freed in reverse, so the thread's cache refills and flushes every `batch` slots: the cache's
 * slow path (one CAS per batch, the slots' cache tags, the thread's sequence word), which the
 * `pool` case never reaches.
 */
export function poolBurstCase(pool: Pool, f32: Float32Array): AllocCase {
  const tally = newTally();
  const handles = new Int32Array(BATCH);
  return {
    id: 'pool-burst',
    label: `Pool: ${BATCH} alloc() + offsetOf() + write/read, then ${BATCH} free(): cache refills and flushes`,
    tally,
    batch: () => {
      let acc = 0;
      for (let i = 0; i < BATCH; i++) {
        const h = pool.alloc();
        const q = pool.offsetOf(h) >> 2;
        f32[q + 1] = i * 0.5;
        acc += f32[q + 1];
        handles[i] = h;
      }
      for (let i = BATCH - 1; i >= 0; i--) pool.free(handles[i]);
      pool.publishStats();
      tally.acc += acc;
      tally.batches++;
    },
    verify: () => {
      pool.checkInvariants();
      if (pool.live !== 0) throw new Error(`pool-burst: ${pool.live} slots leaked`);
    },
  };
}

/** The library cases (arena, pool, stack, pool burst, arena with reserve()), all in one 4 MiB memory created here. */
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
    ref: 'bump',
    hot: ['FrameArena.alloc'],
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
      arena.publishStats();
      arenaTally.acc += acc;
      arenaTally.batches++;
    },
    verify: () => {
      arena.checkInvariants();
    },
  };

  // its own arena and its own copy of the loop, not a helper shared with the arena case: shared
  // code would share type feedback, and the arena case's leases in its loop would slow this one
  const reserveArena = memory.createArena('bench-reserve', { capacity: 1 << 20, frames: 0 });
  const reserveTally = newTally();
  const arenaReserveCase: AllocCase = {
    id: 'arena-reserve',
    label: 'FrameArena reserve() once per batch, then alloc(16, 16) per op; reset() per batch',
    ref: 'bump',
    hot: ['FrameArena.alloc'],
    tally: reserveTally,
    batch: () => {
      let acc = 0;
      reserveArena.reserve(BATCH * 16);
      for (let i = 0; i < BATCH; i++) {
        const q = reserveArena.alloc(16, 16) >> 2;
        f32[q] = i;
        f32[q + 1] = i * 0.5;
        f32[q + 2] = -i;
        acc += f32[q + 1];
      }
      reserveArena.reset();
      reserveArena.publishStats();
      reserveTally.acc += acc;
      reserveTally.batches++;
    },
    verify: () => {
      reserveArena.checkInvariants();
    },
  };

  const poolCase = poolAllocFreeCase(pool, f32, {
    id: 'pool', label: 'Pool alloc() + offsetOf() + free() per op (owner thread)', ref: 'free-list',
    hot: ['Pool.alloc', 'Pool.offsetOf', 'Pool.free'],
  });
  const burstCase = poolBurstCase(memory.createPool('burst', { slotSize: 16, align: 16, capacity: 8192 }), f32);

  const stackTally = newTally();
  const stackCase: AllocCase = {
    id: 'stack',
    label: 'Stack push(16, 16) + pop() per op',
    ref: 'hand-stack',
    hot: ['Stack.push', 'Stack.pop'],
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
      stack.publishStats();
      stackTally.acc += acc;
      stackTally.batches++;
    },
    verify: () => {
      stack.checkInvariants();
      if (stack.depth !== 0) throw new Error(`stack: depth ${stack.depth} after the run`);
    },
  };

  return [arenaCase, poolCase, stackCase, burstCase, arenaReserveCase];
}
