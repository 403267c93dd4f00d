/**
 * Frames as User Timing entries, for `memory.profileFrames(true)`: each `advance()` adds one
 * `performance.measure()` for the frame that ended and one per arena, pool and stack with that
 * region's high water in the frame. Their `detail.devtools` follows Chrome DevTools' performance
 * extensibility format, so Chrome's Performance panel draws them on custom tracks (a `nebula-memory`
 * group: a `frames` track and one track per region); Firefox's profiler and Node list them as
 * plain measures. The options and detail objects are made once per region and updated in place
 * (`performance.measure` copies the detail); the entries themselves are the browser's.
 * @module
 * @internal
 */
import type { RegionInfo } from '../api-reports.ts';
import type { FrameArena } from '../allocators/arena/frame-arena.ts';
import type { Pool } from '../allocators/pool/pool.ts';
import type { Stack } from '../allocators/stack/stack.ts';
import type { FrameObserver } from '../memory/frame-times.ts';

/**
 * The name of each frame's measure.
 * @example
 * ```ts
 * const frames = performance.getEntriesByName(FRAME_MEASURE);
 * ```
 */
export const FRAME_MEASURE = 'nebula-memory frame';
/**
 * The prefix of every measure the profiler adds: a region's is `nebula-memory <kind> <name>`.
 * @example
 * ```ts
 * const ours = performance.getEntriesByType('measure').filter((e) => e.name.startsWith(MEASURE_PREFIX));
 * ```
 */
export const MEASURE_PREFIX = 'nebula-memory ';
/**
 * The DevTools track group every entry goes into.
 * @example
 * ```ts
 * const inGroup = (detail as { devtools: { trackGroup: string } }).devtools.trackGroup === TRACK_GROUP;
 * ```
 */
export const TRACK_GROUP = 'nebula-memory';
/**
 * The track of the frames' entries.
 * @example
 * ```ts
 * const isFrame = (detail as { devtools: { track: string } }).devtools.track === FRAMES_TRACK;
 * ```
 */
export const FRAMES_TRACK = 'frames';

/** The colours of Chrome's extensibility palette the profiler uses. */
type TrackColor = 'primary' | 'secondary' | 'tertiary' | 'warning' | 'error';

/** The `detail.devtools` of a track entry (Chrome DevTools' performance extensibility format). */
interface TrackEntry {
  readonly dataType: 'track-entry';
  readonly trackGroup: string;
  readonly track: string;
  color: TrackColor;
  tooltipText: string;
  /** Key-value rows DevTools shows in the entry's summary. */
  readonly properties: [string, string][];
}

/**
 * What the profiler reads of the memory: the public `Memory` provides it.
 * @example
 * ```ts
 * const source: ProfiledMemory = memory; // a Memory is one
 * ```
 */
export interface ProfiledMemory {
  /** How many regions the table holds. */
  readonly regionCount: number;
  /** Every region in the table. */
  regions(): readonly RegionInfo[];
  /** This thread's instance of an arena. */
  arena(name: string): FrameArena;
  /** This thread's instance of a pool. */
  pool(name: string): Pool;
  /** This thread's instance of a stack. */
  stack(name: string): Stack;
}

/** The detail of a frame's measure. */
interface FrameDetail {
  /** The frame that ended. */
  frame: number;
  /** Its duration in ms. */
  ms: number;
  readonly devtools: TrackEntry;
}

/** The detail of a region's measure: its high water in the frame, in bytes and (pools) slots. */
interface RegionDetail {
  readonly region: string;
  readonly kind: 'arena' | 'pool' | 'stack';
  frame: number;
  peakBytes: number;
  readonly capacityBytes: number;
  /** Pools only: the peak and capacity in slots. */
  peakSlots?: number;
  capacitySlots?: number;
  readonly devtools: TrackEntry;
}

/** One region the profiler reports each frame. */
interface Tracked {
  readonly measure: string;
  readonly options: { start: number; end: number; readonly detail: RegionDetail };
  /** Reads the region's high water of the frame that just ended (bytes, or slots for pools). */
  readonly history: { frameHistoryInto(out: Float64Array): number };
  /** Bytes per unit of the high water: 1, or the pool's stride. */
  readonly unit: number;
  /** The kind's colour below 75 % full. */
  readonly color: TrackColor;
}

const KIND_COLORS = { arena: 'primary', pool: 'secondary', stack: 'tertiary' } as const;

/**
 * Whether this context has `performance.measure` (with the options form: start, end, detail).
 * @example
 * ```ts
 * if (userTimingAvailable()) profiler = new FrameProfiler(memory);
 * ```
 */
export function userTimingAvailable(): boolean {
  return typeof performance === 'object' && typeof performance.measure === 'function';
}

/**
 * The User Timing side of one thread's `advance()`, while `profileFrames(true)` is on.
 * @example
 * ```ts
 * const profiler = new FrameProfiler(memory);
 * profiler.frameEnded(frame, start, end);
 * ```
 */
export class FrameProfiler implements FrameObserver {
  private readonly tracked: Tracked[] = [];
  private seen = -1;
  /** The high water read of one region, reused. */
  private readonly one = new Float64Array(1);
  private readonly frameOptions: { start: number; end: number; readonly detail: FrameDetail } = {
    start: 0, end: 0,
    detail: {
      frame: 0, ms: 0,
      devtools: { dataType: 'track-entry', trackGroup: TRACK_GROUP, track: FRAMES_TRACK, color: 'primary', tooltipText: '', properties: [['frame', ''], ['duration', '']] },
    },
  };

  constructor(private readonly memory: ProfiledMemory) {}

  /**
   * Adds the measures of frame `frame`, which ran from `start` to `end` (ms, this thread's clock).
   * @example
   * ```ts
   * profiler.frameEnded(12, 1000, 1016.7); // frame 12 ran 16.7 ms
   * ```
   */
  frameEnded(frame: number, start: number, end: number): void {
    const fo = this.frameOptions;
    const ms = end - start;
    fo.start = start;
    fo.end = end;
    fo.detail.frame = frame;
    fo.detail.ms = ms;
    const f = fo.detail.devtools;
    f.tooltipText = `frame ${frame}: ${ms.toFixed(2)} ms`;
    f.properties[0][1] = String(frame);
    f.properties[1][1] = `${ms.toFixed(3)} ms`;
    performance.measure(FRAME_MEASURE, fo);
    if (this.memory.regionCount !== this.seen) this.refresh();
    for (const r of this.tracked) this.regionEnded(r, frame, start, end);
  }

  /** Adds the measure of one region for frame `frame`. */
  private regionEnded(r: Tracked, frame: number, start: number, end: number): void {
    const n = r.history.frameHistoryInto(this.one);
    const high = n > 0 ? this.one[0] : 0;
    const d = r.options.detail;
    d.frame = frame;
    d.peakBytes = high * r.unit;
    if (d.peakSlots !== undefined) d.peakSlots = high;
    const full = d.capacityBytes > 0 ? d.peakBytes / d.capacityBytes : 0;
    const t = d.devtools;
    t.color = full >= 1 ? 'error' : full >= 0.75 ? 'warning' : r.color;
    const peak = d.peakSlots === undefined ? `${d.peakBytes} B` : `${high} slots (${d.peakBytes} B)`;
    const pct = `${(100 * full).toFixed(1)} %`;
    t.tooltipText = `${d.kind} "${d.region}" frame ${frame}: peak ${peak}, ${pct} of ${d.capacityBytes} B`;
    t.properties[2][1] = String(frame);
    t.properties[3][1] = peak;
    t.properties[5][1] = pct;
    r.options.start = start;
    r.options.end = end;
    performance.measure(r.measure, r.options);
  }

  /** Re-reads the region list: every arena, pool and stack, in table order. */
  private refresh(): void {
    const m = this.memory;
    this.seen = m.regionCount;
    this.tracked.length = 0;
    for (const info of m.regions()) {
      const kind = info.kind;
      if (kind !== 'arena' && kind !== 'pool' && kind !== 'stack') continue;
      const a = kind === 'arena' ? m.arena(info.name) : kind === 'pool' ? m.pool(info.name) : m.stack(info.name);
      const unit = kind === 'pool' ? (a as Pool).stride : 1;
      const capacityBytes = a.capacity * unit;
      const capacity = kind === 'pool' ? `${a.capacity} slots (${capacityBytes} B)` : `${capacityBytes} B`;
      const detail: RegionDetail = {
        region: info.name, kind, frame: 0, peakBytes: 0, capacityBytes,
        ...(kind === 'pool' ? { peakSlots: 0, capacitySlots: a.capacity } : {}),
        devtools: {
          dataType: 'track-entry', trackGroup: TRACK_GROUP, track: `${kind} ${info.name}`, color: KIND_COLORS[kind], tooltipText: '',
          properties: [['region', info.name], ['kind', kind], ['frame', ''], ['peak', ''], ['capacity', capacity], ['full', '']],
        },
      };
      this.tracked.push({ measure: `${MEASURE_PREFIX}${kind} ${info.name}`, options: { start: 0, end: 0, detail }, history: a, unit, color: KIND_COLORS[kind] });
    }
  }
}
