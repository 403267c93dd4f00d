/**
 * The numbers the inspector reads every frame, in typed arrays made once: each region's
 * `statsInto` block, frame history, lanes (arenas), marks (stacks) and slot-owner cells (pools),
 * plus the frame, the attached threads and the warning list. The region list is rebuilt only
 * when `memory.regionCount` (one atomic load) changes; `memory.regions()`, which allocates,
 * runs only then.
 * @module
 */
import type { BuiltInRegionKind } from '../api-reports.ts';
import type { FrameArena } from '../allocators/arena/frame-arena.ts';
import type { Pool } from '../allocators/pool/pool.ts';
import type { Stack } from '../allocators/stack/stack.ts';
import { MAX_MARKS, STACK_HEADER_BYTES } from '../allocators/stack/layout.ts';
import { MAX_REGIONS, MAX_THREADS } from '../memory/layout.ts';
import { attachedMask } from '../memory/threads.ts';
import { HISTORY_FRAMES } from '../stats/block.ts';
import type { Memory } from '../runtime/memory.ts';
import { STAT, STAT_COUNT } from '../stats/fields.ts';
import type { PoolGridCells } from './pool-grid.ts';
import { LAG_WARN_FRAMES, ThreadsModel } from './threads-model.ts';
import { LeaksModel } from './leaks-model.ts';

/** Pool slots a grid reads per frame unless told otherwise: 200,000-slot pools in one frame, 4,194,304 in 16. */
export const DEFAULT_SLOTS_PER_FRAME = 1 << 18;
/** A region fills past this fraction of its capacity: a warning (arena and stack peak, pool live). */
export const NEAR_FULL = 0.9;

/** Warning kinds, as stored in {@link InspectorModel.warnKind}. */
export const WARN_NEAR_FULL = 1;
/** The region counted failed requests. */
export const WARN_FAILURES = 2;
/** The region raised MemoryErrors. */
export const WARN_ERRORS = 3;
/** A thread lags the clock by LAG_WARN_FRAMES or more (warnRegion holds the thread id). */
export const WARN_LAG = 4;

/**
 * One region's numbers, read each frame into arrays made when the region list was built.
 * @internal
 */
export class RegionModel {
  /** The region's name (a string made once, at rebuild). */
  readonly name: string;
  readonly kind: BuiltInRegionKind;
  /** Byte offset of the region. */
  readonly offset: number;
  /** This thread's instance of the allocator. */
  readonly source: FrameArena | Pool | Stack;
  /** The `statsInto` numbers, at the STAT indexes. */
  readonly stats = new Float64Array(STAT_COUNT);
  /** High water of the last frames, oldest first; `historyLength` entries are valid. */
  readonly history = new Float64Array(HISTORY_FRAMES);
  historyLength = 0;
  /** Arenas: bytes each thread leased this frame, by thread id. */
  readonly lanes = new Int32Array(MAX_THREADS);
  /** Stacks: open marks (absolute offsets), oldest first; `markCount` entries are valid. */
  readonly marks = new Int32Array(MAX_MARKS);
  markCount = 0;
  /** Stacks: the absolute offset of the first data byte (marks and the top are measured from it). */
  readonly dataStart: number;
  /** Pools: the slot grid's cells, set by the renderer once it knows the grid's size. */
  grid: PoolGridCells | null = null;
  /** Arenas: per thread id, the oldest frame of a segment it holds a lease in, or -1. */
  readonly leaseSince = new Int32Array(MAX_THREADS);
  /** Pools: per thread id, the free slots in its private cache. */
  readonly cached = new Int32Array(MAX_THREADS);
  /** Bytes one unit of the history stands for: a pool's slot size (its history counts slots), else 1. */
  readonly unitBytes: number;

  constructor(name: string, kind: BuiltInRegionKind, offset: number, source: FrameArena | Pool | Stack) {
    this.name = name;
    this.kind = kind;
    this.offset = offset;
    this.source = source;
    this.dataStart = kind === 'stack' ? offset + STACK_HEADER_BYTES : 0;
    this.unitBytes = kind === 'pool' ? (source as Pool).slotSize : 1;
  }

  /** Reads this region's numbers from the shared buffer, at most `slots` pool slots. Allocates nothing. */
  read(slots: number): void {
    const s = this.source;
    s.statsInto(this.stats);
    this.historyLength = s.frameHistoryInto(this.history);
    if (this.kind === 'arena') {
      (s as FrameArena).laneUsageInto(this.lanes);
      (s as FrameArena).leaseFramesInto(this.leaseSince);
    } else if (this.kind === 'stack') this.markCount = (s as Stack).marksInto(this.marks);
    else {
      (s as Pool).cachedSlotsInto(this.cached);
      if (this.grid !== null) this.grid.aggregate(s as Pool, slots);
    }
  }
}

/**
 * Every number the inspector draws, for one memory, read from the shared buffer without a
 * message. One per inspector; `read()` once per frame.
 *
 * Thread-safety: the thread of `memory` (each thread's inspector has its own model).
 * @internal
 */
export class InspectorModel {
  readonly memory: Memory;
  /** The regions, in creation order; rebuilt when the table's count changes. */
  regions: readonly RegionModel[] = [];
  /** The frame number at the last read. */
  frame = 0;
  /** Attached threads at the last read (bits of thread ids 0..31 and 32..63). */
  threadsLo = 0;
  threadsHi = 0;
  /** Warnings at the last read: region index (a thread id for WARN_LAG) and kind (WARN_*), `warnCount` valid. */
  readonly warnRegion = new Int32Array(MAX_REGIONS * 3 + MAX_THREADS);
  readonly warnKind = new Int32Array(MAX_REGIONS * 3 + MAX_THREADS);
  warnCount = 0;
  /** Reads done. */
  reads = 0;
  /** The thread table. */
  readonly threads = new ThreadsModel();
  /** Leak hunting: per pool, live and old slots by call site, and the selected slot. */
  readonly leaks = new LeaksModel();
  /** Count the leak table's numbers (the renderer draws it). */
  leakView = false;
  /** The last frames' durations in ms, oldest first (`memory.frameTimesInto`); `frameTimeCount` valid. */
  readonly frameTimes = new Float64Array(HISTORY_FRAMES);
  frameTimeCount = 0;
  /** Pool slots each pool's grid reads per frame; larger pools are swept over several frames. */
  slotsPerFrame = DEFAULT_SLOTS_PER_FRAME;
  private regionCount = -1;
  /** A loaded snapshot's viewer thread (left out of the threads), or -1. */
  private viewer = -1;
  /** The title's note on what is drawn: '' for a live memory, else the snapshot's time. */
  note = '';

  constructor(memory: Memory) {
    this.memory = memory;
  }

  /** Threads attached at the last read. */
  get threadCount(): number {
    return popcount(this.threadsLo) + popcount(this.threadsHi);
  }

  /**
   * Reads every number for this frame. Returns true when the region list was rebuilt (the
   * caller must lay the canvas out again). Allocates only on a rebuild.
   */
  read(): boolean {
    const i32 = this.memory.i32;
    const count = this.memory.regionCount;
    let rebuilt = false;
    if (count !== this.regionCount) {
      this.rebuild();
      this.regionCount = count;
      rebuilt = true;
    }
    this.frame = this.memory.frame;
    this.threadsLo = attachedMask(i32, 0);
    this.threadsHi = attachedMask(i32, 32);
    if (this.viewer >= 0) {
      if (this.viewer < 32) this.threadsLo &= ~(1 << this.viewer);
      else this.threadsHi &= ~(1 << (this.viewer - 32));
    }
    const regions = this.regions;
    let w = 0;
    for (let k = 0; k < regions.length; k++) {
      const r = regions[k];
      r.read(this.slotsPerFrame);
      const s = r.stats;
      const cap = s[STAT.CAPACITY];
      const fill = r.kind === 'pool' ? s[STAT.USED] : s[STAT.PEAK];
      if (cap > 0 && fill > NEAR_FULL * cap) { this.warnRegion[w] = k; this.warnKind[w++] = WARN_NEAR_FULL; }
      if (s[STAT.FAILURES] > 0) { this.warnRegion[w] = k; this.warnKind[w++] = WARN_FAILURES; }
      if (s[STAT.ERRORS] > 0) { this.warnRegion[w] = k; this.warnKind[w++] = WARN_ERRORS; }
    }
    w = this.readThreads(w);
    if (this.leakView) this.leaks.read(this.memory, regions);
    this.frameTimeCount = this.memory.frameTimesInto(this.frameTimes);
    this.warnCount = w;
    this.reads++;
    return rebuilt;
  }

  /** Draws a snapshot: leaves the viewer's own thread `viewer` out, and notes when it was taken. */
  showSnapshot(viewer: number, takenAt: string): void {
    this.viewer = viewer;
    this.threads.hidden = viewer;
    this.note = `  snapshot of ${takenAt}`;
  }

  /** Reads the thread table and adds each region's leases and cached slots; appends lag warnings from `w`; returns the new count. */
  private readThreads(w: number): number {
    const th = this.threads;
    th.read(this.memory.i32, this.memory.u8);
    th.clearSums();
    // eslint-disable-next-line @typescript-eslint/prefer-for-of -- once a frame, often unoptimized: for-of allocates an iterator
    for (let k = 0; k < this.regions.length; k++) {
      const r = this.regions[k];
      if (r.kind === 'arena') th.addLeases(r.leaseSince);
      else if (r.kind === 'pool') th.addCached(r.cached);
    }
    if (th.lagging === 0) return w;
    for (let i = 0; i < th.rowCount; i++) {
      const t = th.rows[i];
      if (th.lag[t] >= LAG_WARN_FRAMES) { this.warnRegion[w] = t; this.warnKind[w++] = WARN_LAG; }
    }
    return w;
  }

  private rebuild(): void {
    const m = this.memory;
    // the arenas, pools and stacks; regions of registered kinds are not drawn
    const models: RegionModel[] = [];
    for (const r of m.regions()) {
      const kind = r.kind;
      if (kind !== 'arena' && kind !== 'pool' && kind !== 'stack') continue;
      const source = kind === 'arena' ? m.arena(r.name) : kind === 'pool' ? m.pool(r.name) : m.stack(r.name);
      models.push(new RegionModel(r.name, kind, r.offset, source));
    }
    this.regions = Object.freeze(models);
    this.leaks.rebuild(models);
  }
}

function popcount(v: number): number {
  let n = 0;
  for (let x = v >>> 0; x !== 0; x >>>= 1) n += x & 1;
  return n;
}
