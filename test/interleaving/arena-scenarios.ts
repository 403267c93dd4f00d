/**
 * Crash scenarios of the frame arena's lane lease for the explorer: a worker dies at any step of
 * leasing a lane (acquireSegment + leaseChunk, src/allocators/lockfree.ts) and releasing it,
 * while the frame clock tries to advance (lockSegment + recycleSegment) and another worker leases
 * and releases; then reclaimThread's arena part releases the dead worker's lease.
 *
 * The shared memory is a real arena header written by the production `initArena` at offset 0
 * (one frame, 256 bytes, 64-byte lanes), followed by its data and a few words of the test, so the
 * recovery runs the production `reclaimArenaThread(i32, offset, tid)` itself on the raw
 * Int32Array, and the final check runs the production `lockForAdvance` / `commitAdvance` pair:
 * after the reclaim, the advance that the dead lessee blocked must go through.
 *
 * Thread ids are the explorer's thread indexes: 0 the clock, 1 the worker that may die, 2 the
 * surviving worker.
 */
import { commitAdvance, lockForAdvance, reclaimArenaThread } from '../../src/allocators/arena/clock.ts';
import { A_LANE_BYTES, ARENA_HEADER_BYTES, initArena, segmentWords } from '../../src/allocators/arena/layout.ts';
import {
  acquireSegment, leaseChunk, lockSegment, maskWordOf, popCount, recycleSegment, releaseSegment, setBit,
} from '../../src/allocators/lockfree.ts';
import type { SharedOps } from '../../src/memory/shared-ops.ts';
import type { Crash, LogicalThread, Scenario } from './explorer.ts';

/** Bytes per segment. */
const CAP = 256;
/** Lane size. */
const LANE = 64;
/** Bytes a worker allocates in its lane: one block. */
const NEED = 16;
/** The only segment's words (frames: 1, so every advance recycles it). */
const SEG = segmentWords(0, 0);
/** The global frame word (G_FRAME in production), after the arena's header and data. */
const FRAME = (ARENA_HEADER_BYTES + CAP) >> 2;
/** INSIDE + tid: 1 while worker tid is between a successful acquire and its release. */
const INSIDE = FRAME + 1;
/** LANE_AT + tid: (frame + 1) << 16 | start of the block worker tid allocated; 0 = none yet. */
const LANE_AT = INSIDE + 3;
/** Words of the scenario (even: commitAdvance poisons through a Float64Array view). */
const WORDS = (LANE_AT + 4) & ~1;
/** The worker that may die, and the surviving one. */
const DYING = 1;
const SURVIVOR = 2;

/** How the clock locks the segment: production lockSegment, or a broken one. */
export type Lock = (ops: SharedOps) => number;

/** The production lock (what lockForAdvance runs). */
const lockOk: Lock = (ops) => lockSegment(ops, SEG);

/** BROKEN: takes the recycle lock without looking at the lessee masks. */
export const lockIgnoringLessees: Lock = (ops) => ops.cas(SEG.lock, 0, 1);

/** How a dead thread's arena leases are given back after the run: production, or broken. */
export type Recover = (mem: Int32Array, crashed: number) => void;

/** The production reclaim of the arena part: `reclaimArenaThread` on the raw memory. */
const recoverOk: Recover = (mem, crashed) => { reclaimArenaThread(mem, 0, crashed); };

/** BROKEN: zeroes the dead thread's lane bytes but forgets to clear its lessee bit. */
export const recoverKeepingBit: Recover = (mem, crashed) => { mem[A_LANE_BYTES + crashed] = 0; };

/** The clock's observation: whether it advanced, and the workers it found inside a lease it recycled (bit t = worker t). */
interface Clock {
  readonly advanced: boolean;
  readonly inside: number;
}

function isClock(r: unknown): r is Clock {
  return typeof r === 'object' && r !== null && 'advanced' in r && 'inside' in r;
}

/**
 * The frame clock advancing to frame 1 (memory.advance(), one arena): locks the segment, and if
 * no lane is leased there, notes any worker inside a lease (must be none), recycles the segment,
 * and publishes the frame. One attempt, as advance() (it throws LANE_LEASED otherwise); the
 * final check retries it after the reclaim.
 */
function clock(lock: Lock): LogicalThread {
  return (ops): Clock => {
    if (lock(ops) !== 0) return { advanced: false, inside: 0 };
    let inside = 0;
    for (const t of [DYING, SURVIVOR]) if (ops.words[INSIDE + t] !== 0) inside |= 1 << t;
    recycleSegment(ops, SEG, 1);
    ops.store(FRAME, 1);
    return { advanced: true, inside };
  };
}

/**
 * A worker as FrameArena.alloc() and release() run it: leases a lane in the current frame's
 * segment (retrying while the frame moves), allocates one block at its start (recorded at
 * LANE_AT + tid), and releases the lane, giving the unused tail back.
 */
function worker(tid: number): LogicalThread {
  return (ops) => {
    let frame = ops.load(FRAME);
    while (!acquireSegment(ops, SEG, frame, true, tid)) frame = ops.load(FRAME);
    ops.words[INSIDE + tid] = 1;
    const out = new Int32Array(1);
    const c = leaseChunk(ops, SEG, CAP, LANE, () => NEED, out);
    if (c >= 0) ops.words[LANE_AT + tid] = ((frame + 1) << 16) | c;
    ops.words[INSIDE + tid] = 0;
    releaseSegment(ops, SEG, c < 0 ? -1 : c + out[0], c < 0 ? -1 : c + NEED, tid);
    return c;
  };
}

/**
 * The surviving worker, which leased the lane [0, LANE) in frame 0 and allocated its block
 * before the scenario starts (see {@link initState}): leaves its lease and releases the lane.
 */
function survivor(ops: SharedOps): number {
  ops.words[INSIDE + SURVIVOR] = 0;
  releaseSegment(ops, SEG, LANE, NEED, SURVIVOR);
  return 0;
}

/** The arena of frame 0 as initArena writes it; with `leased`, the surviving worker holds the lane [0, LANE). */
function initState(leased: boolean): (m: Int32Array) => void {
  return (m) => {
    initArena(m, 0, { capacity: CAP, frames: 1, laneBytes: LANE }, 0);
    if (!leased) return;
    m[SEG.maskLo] = 1 << SURVIVOR;
    m[SEG.cursor] = LANE;
    m[INSIDE + SURVIVOR] = 1;
    m[LANE_AT + SURVIVOR] = 1 << 16;
  };
}

/**
 * The final state is sound: the clock never recycled the segment while a worker was inside a
 * lease (except a dead worker whose lease a concurrent reclaim gave back: `deadReclaimed`); blocks allocated in the same frame do not overlap and fit; no lessee bit is left and the
 * lock is free; and the advance to frame 1 has happened or, run now with the production
 * lockForAdvance + commitAdvance, goes through.
 */
function check(mem: Int32Array, results: readonly unknown[], deadReclaimed: boolean): string | null {
  const clk = results[0];
  const inside = isClock(clk) ? clk.inside & ~(deadReclaimed ? 1 << DYING : 0) : 0;
  if (inside !== 0) return `the segment was recycled while worker ${31 - Math.clz32(inside)} was inside its lease`;
  const blocks: { frame: number; at: number; tid: number }[] = [];
  for (const t of [DYING, SURVIVOR]) {
    const w = mem[LANE_AT + t];
    if (w !== 0) blocks.push({ frame: (w >> 16) - 1, at: w & 0xffff, tid: t });
  }
  for (const b of blocks) if (b.at + NEED > CAP) return `worker ${b.tid}'s block passes the capacity`;
  if (blocks.length === 2 && blocks[0].frame === blocks[1].frame && Math.abs(blocks[0].at - blocks[1].at) < NEED) {
    return `bytes at ${blocks[1].at} handed to workers ${blocks[0].tid} and ${blocks[1].tid} in frame ${blocks[0].frame}`;
  }
  const lessees = popCount(mem[SEG.maskLo]) + popCount(mem[SEG.maskHi]);
  if (lessees !== 0) return `lessee masks ${mem[SEG.maskLo]}/${mem[SEG.maskHi]} at the end`;
  if (mem[SEG.lock] !== 0) return `segment lock ${mem[SEG.lock]} at the end`;
  if (!(isClock(clk) && clk.advanced)) {
    if (!lockForAdvance(mem, 0, 1)) return 'the advance to frame 1 is still blocked after the reclaim';
    const u8 = new Uint8Array(mem.buffer, mem.byteOffset, mem.byteLength);
    const f64 = new Float64Array(mem.buffer, mem.byteOffset, mem.length >> 1);
    commitAdvance(mem, u8, f64, 0, 1);
    mem[FRAME] = 1;
  }
  if (mem[SEG.epoch] !== 1 || mem[FRAME] !== 1) return `epoch ${mem[SEG.epoch]}, frame ${mem[FRAME]} after the advance`;
  if (mem[SEG.lock] !== 0) return 'segment lock held after the advance';
  return null;
}

/** Options of {@link laneLeaseCrash}; the defaults are production. */
export interface LaneLeaseOptions {
  /** The clock's lock. */
  readonly lock?: Lock;
  /** The reclaim after the run (ignored with `concurrent`). */
  readonly recover?: Recover;
  /** The reclaim runs as a thread that starts at the crash. */
  readonly concurrent?: boolean;
  /** Without the surviving worker. */
  readonly alone?: boolean;
  /** Appended to the name (what is broken). */
  readonly broken?: string;
}

/**
 * reclaimArenaThread's shared steps for one segment, as a logical thread (the production
 * function runs on `Atomics` over an Int32Array, not step by step): clear the dead thread's
 * lessee bit with one atomic AND, zero its lane bytes.
 */
function reclaimer(dead: number): LogicalThread {
  return (ops) => {
    const bit = 1 << (dead & 31);
    const held = (setBit(ops, maskWordOf(SEG, dead), bit, false) & bit) !== 0;
    ops.store(A_LANE_BYTES + dead, 0);
    return held;
  };
}

/**
 * Worker 1 dies at any step of leasing a lane, allocating and releasing it, while the clock
 * advances to frame 1 and (unless `alone`) worker 2, which holds a lane from the start (a
 * lease with the fewest steps: the 3-thread scenario stays small), releases it; then worker 1's
 * arena leases are reclaimed.
 */
export function laneLeaseCrash(o: LaneLeaseOptions = {}): Scenario {
  const concurrent = o.concurrent ?? false;
  const alone = o.alone ?? false;
  const threads = [clock(o.lock ?? lockOk), worker(DYING)];
  if (!alone) threads.push(survivor);
  const recover = o.recover ?? recoverOk;
  return {
    name: `arena: lane lease + release dies at any step, vs the clock's advance${alone ? '' : ' and a leased worker\'s release'}; ` +
      (concurrent ? 'its reclaim runs concurrently' : 'reclaimArenaThread after') + (o.broken === undefined ? '' : `, BROKEN: ${o.broken}`),
    words: WORDS,
    init: initState(!alone),
    threads,
    crashThread: DYING,
    ...(concurrent ? { reclaimer: reclaimer(DYING) } : { recover }),
    check: (mem: Int32Array, results: readonly unknown[], crash: Crash | null) => check(mem, results, concurrent && crash !== null),
    reduce: true,
  };
}
