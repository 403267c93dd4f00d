/**
 * The frame clock's bookkeeping, for `memory.advance()`: which regions take part (their kinds
 * have {@link FrameClockHooks}), where every region's statistics block is, and the two phases
 * of an advance (lock every clocked region, then commit each; undo and throw when one refuses).
 * Refreshed only when the region count changes, so an advance allocates nothing.
 * @module
 * @internal
 */
import { memoryError } from '../errors.ts';
import { type ClockViews, type FrameClockHooks, kindOfCode, unregisteredKind } from './kinds.ts';
import { E_CLOCKED, E_KIND, E_OFFSET, E_STATE, E_STATS, ENTRY_READY, G_ENTRIES, G_REGION_COUNT, MAX_REGIONS, entryWordOf } from './layout.ts';
import { listRegions, readName } from './region-table.ts';
import { startFrame } from '../stats/block.ts';
import { EV } from '../stats/chrome-trace.ts';
import type { TraceRecorder } from '../stats/trace-recorder.ts';

/** One thread's view of the regions the frame clock moves. */
export class FrameClock {
  /** Offsets of the clocked regions, in table order. */
  readonly clockedOffsets = new Int32Array(MAX_REGIONS);
  /** The hooks of each clocked region, parallel to clockedOffsets. */
  private readonly hooks: FrameClockHooks[] = [];
  /** Word index of every region's statistics block. */
  readonly statsWords = new Int32Array(MAX_REGIONS);
  /** Byte offset of every region. */
  readonly regionOffsets = new Int32Array(MAX_REGIONS);
  /** Clocked regions seen at the last refresh. */
  clockedCount = 0;
  /** Ready regions seen at the last refresh. */
  regionsSeen = 0;

  constructor(private readonly views: ClockViews) {}

  /**
   * Re-reads the region table when its ready count moved. Throws `REGION_KIND_MISMATCH`
   * (changing nothing) for a clocked region whose kind this thread has not registered.
   */
  refresh(op = 'advance()'): void {
    const i32 = this.views.i32;
    const ready = Atomics.load(i32, G_REGION_COUNT);
    if (ready === this.regionsSeen) return;
    // entries being initialised or abandoned are skipped; the ready count only grows
    const n = Atomics.load(i32, G_ENTRIES);
    let c = 0;
    let r = 0;
    for (let i = 0; i < n; i++) {
      const w = entryWordOf(i);
      if (Atomics.load(i32, w + E_STATE) !== ENTRY_READY) continue;
      if (i32[w + E_CLOCKED] !== 0) {
        const clock = kindOfCode(i32[w + E_KIND])?.clock;
        if (clock === undefined) unregisteredKind(op, readName(this.views.u8, i), i32[w + E_KIND]);
        this.hooks[c] = clock;
        this.clockedOffsets[c++] = i32[w + E_OFFSET];
      }
      this.statsWords[r] = i32[w + E_STATS] >> 2;
      this.regionOffsets[r++] = i32[w + E_OFFSET];
    }
    this.clockedCount = c;
    this.regionsSeen = r;
  }

  /**
   * Moves every clocked region and every statistics block on to frame `next`: both phases, or
   * nothing and `LANE_LEASED`.
   */
  advanceTo(next: number, tracer: TraceRecorder | null, t0: number): void {
    this.refresh();
    const i32 = this.views.i32;
    const offsets = this.clockedOffsets;
    const hooks = this.hooks;
    const n = this.clockedCount;
    for (let k = 0; k < n; k++) {
      if (!hooks[k].lock(i32, offsets[k], next)) this.refuse(k, next);
    }
    for (let k = 0; k < n; k++) {
      if (tracer !== null) tracer.recordAt(t0, EV.RECYCLE, offsets[k], hooks[k].bytesToRecycle(i32, offsets[k], next), next);
      hooks[k].commit(this.views, offsets[k], next);
    }
    for (let k = 0; k < this.regionsSeen; k++) startFrame(i32, this.statsWords[k], next);
  }

  /**
   * The cold path of an advance: undoes the locks of regions `0 … k−1` and throws `LANE_LEASED`
   * for region `k`. A method of its own, so advanceTo() holds no closure (a closure capturing
   * its locals would make every call allocate a context in unoptimized code, the tier a
   * once-a-frame function often runs in).
   */
  private refuse(k: number, next: number): never {
    const { i32, u8 } = this.views;
    for (let j = 0; j < k; j++) this.hooks[j].abort(i32, this.clockedOffsets[j], next);
    const offset = this.clockedOffsets[k];
    const info = listRegions(i32, u8).find((r) => r.offset === offset);
    const who = this.hooks[k].blockers(i32, u8, offset, next);
    throw memoryError('LANE_LEASED', `advance() to frame ${next} would recycle memory that ${who} still lease(s)`, {
      allocator: `${info?.kind ?? 'region'} "${info?.name ?? '?'}"`, request: { frame: next },
      state: { frame: next - 1, holders: who },
      suggestion: this.hooks[k].advice ?? 'have every thread let go of what it holds in this region, and retry advance(); reclaim a thread that is gone with memory.reclaimThread(id).',
    });
  }
}
