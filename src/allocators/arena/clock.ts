/**
 * The frame arena's side of the frame clock and of the thread lifecycle: the two phases of
 * `memory.advance()` (lock every expiring segment, then recycle), who blocks a recycle, and the
 * release of a dead thread's leases. Cold paths: once a frame, or once per reclaim.
 * @module
 * @internal
 */
import '../../build.ts';
import { opsFor } from '../../memory/shared-ops.ts'; // defines __NEBULA_CHECKS__ where no bundler replaced it: before any check runs
import { MAX_THREADS } from '../../memory/layout.ts';
import { threadLabel } from '../../memory/threads.ts';
import { HISTORY_FRAMES } from '../../stats/block.ts';
import { poison } from '../poison.ts';
import {
  A_CAPACITY, A_DATA, A_FRAMES, A_HISTORY, A_LANE_BYTES, A_RESETS, SEG_GEN, SEG_MASK_HI, SEG_MASK_LO, segWord, segmentWords,
} from './layout.ts';
import { lockSegment, recycleSegment, setBit, unlockSegment } from '../lockfree.ts';


/**
 * First phase of {@link Memory.advance}: locks the segment that frame `next` maps to. Returns
 * false, changing nothing, when a lane is still leased there; `commitAdvance` or
 * `abortAdvance` follows.
 * @internal
 */
export function lockForAdvance(i32: Int32Array, offset: number, next: number): boolean {
  const b = offset >> 2;
  const frames = i32[b + A_FRAMES];
  if (frames === 0) return true;
  return lockSegment(opsFor(i32), segmentWords(b, next % frames)) === 0;
}

/**
 * Second phase of advance: empties the locked segment (poisoning it in the checked build) and
 * publishes its new epoch.
 * @internal
 */
export function commitAdvance(i32: Int32Array, u8: Uint8Array, f64: Float64Array, offset: number, next: number): void {
  const b = offset >> 2;
  const frames = i32[b + A_FRAMES];
  // the frame that ends: its high water goes into the history ring (manual arenas: the cursor now)
  const ended = next - 1;
  const endedSeg = frames === 0 ? 0 : ended % frames;
  Atomics.store(i32, b + A_HISTORY + (ended % HISTORY_FRAMES), Atomics.load(i32, segmentWords(b, endedSeg).cursor));
  if (frames === 0) return;
  const seg = next % frames;
  if (__NEBULA_CHECKS__) {
    const start = i32[b + A_DATA] + seg * i32[b + A_CAPACITY];
    poison(u8, i32, f64, start, start + Atomics.load(i32, segmentWords(b, seg).cursor));
  }
  Atomics.add(i32, b + A_RESETS, 1);
  Atomics.add(i32, segWord(b, seg) + SEG_GEN, 1);
  i32.fill(0, b + A_LANE_BYTES, b + A_LANE_BYTES + MAX_THREADS);
  recycleSegment(opsFor(i32), segmentWords(b, seg), next);
}

/** Undoes `lockForAdvance` when another arena refused. @internal */
export function abortAdvance(i32: Int32Array, offset: number, next: number): void {
  const b = offset >> 2;
  const frames = i32[b + A_FRAMES];
  if (frames === 0) return;
  unlockSegment(opsFor(i32), segmentWords(b, next % frames));
}

/** Bytes reserved in the segment frame `next` recycles: what advance() frees at once. @internal */
export function bytesToRecycle(i32: Int32Array, offset: number, next: number): number {
  const b = offset >> 2;
  const frames = i32[b + A_FRAMES];
  return frames === 0 ? 0 : Atomics.load(i32, segmentWords(b, next % frames).cursor);
}

/** Thread ids whose bit is set in segment `seg`'s lessee masks, in id order. */
export function lesseesOf(i32: Int32Array, base: number, seg: number): number[] {
  const s = segWord(base, seg);
  const lo = Atomics.load(i32, s + SEG_MASK_LO);
  const hi = Atomics.load(i32, s + SEG_MASK_HI);
  const out: number[] = [];
  for (let t = 0; t < MAX_THREADS; t++) if ((((t < 32 ? lo : hi) >>> (t & 31)) & 1) !== 0) out.push(t);
  return out;
}

/**
 * Who holds a lease in the segment that frame `next` would recycle, as text for `LANE_LEASED`:
 * each thread with its name, the frame of its lease, and how many frames it lags the clock.
 * @internal
 */
export function describeBlockers(i32: Int32Array, u8: Uint8Array, offset: number, next: number, frame: number): string {
  const b = offset >> 2;
  const frames = i32[b + A_FRAMES];
  const seg = frames === 0 ? 0 : next % frames;
  const epoch = Atomics.load(i32, segmentWords(b, seg).epoch);
  const parts = lesseesOf(i32, b, seg).map((t) => `${threadLabel(u8, t)} (lease in frame ${epoch}, ${frame - epoch} frame(s) behind)`);
  return parts.length === 0 ? 'a recycle in progress' : parts.join(', ');
}

/**
 * Releases every lease thread `tid` holds in the arena at `offset` (its bit in each segment's
 * lessee masks), for `reclaimThread`. The blocks it allocated stay valid until their segment
 * is recycled. Returns the number of segments it held.
 * @internal
 */
export function reclaimArenaThread(i32: Int32Array, offset: number, tid: number): number {
  const b = offset >> 2;
  const n = Math.max(1, i32[b + A_FRAMES]);
  const ops = opsFor(i32);
  const bit = 1 << (tid & 31);
  let held = 0;
  for (let seg = 0; seg < n; seg++) {
    const w = segmentWords(b, seg);
    if ((setBit(ops, tid < 32 ? w.maskLo : w.maskHi, bit, false) & bit) !== 0) held++;
  }
  Atomics.store(i32, b + A_LANE_BYTES + tid, 0);
  return held;
}
