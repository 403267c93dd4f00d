/**
 * The trace recorder: a fixed ring of numeric events (no object per event), filled by the
 * allocators of one thread while it records, and exported in Chrome's trace event format.
 * @module
 */
import type { RegionInfo } from '../api-reports.ts';
import { STAT, STAT_COUNT } from './fields.ts';
import { type ChromeTrace, type ChromeTraceEvent, EVENT_NAMES, EV, toChromeEvent } from './chrome-trace.ts';

/** Numbers per event: time (µs since the epoch), kind, region offset, two values, thread. */
const FIELDS = 6;

/**
 * What a recorder reads of the memory it traces ({@link Memory} provides it): its thread, its
 * regions and their counters, and the call that detaches the recorder when it stops.
 * @internal
 */
export interface TraceSource {
  /** The thread the trace belongs to. */
  readonly threadId: number;
  /** The regions, for the names in the trace. */
  regions(): readonly RegionInfo[];
  /** Writes the counters of the region at `offset` into `out`; false when there is none. */
  statsOfRegionAt(offset: number, out: Float64Array): boolean;
  /** Detaches `rec` from the memory. */
  stopTrace(rec: TraceRecorder): void;
}

/**
 * Options of {@link nebula-memory!Memory.startTrace}.
 *
 * Thread-safety: a plain data shape; any worker.
 * @example
 * ```ts
 * const trace = memory.startTrace({ capacity: 1 << 16, counters: true });
 * ```
 */
export interface TraceOptions {
  /**
   * Events kept; when full, the oldest are overwritten (the count of lost ones is in the export).
   * @defaultValue 65536
   */
  readonly capacity?: number;
  /**
   * Record every region's counters (used, allocations) at each `advance()` of this thread, as
   * counter tracks.
   * @defaultValue true
   */
  readonly counters?: boolean;
}

/**
 * Records this thread's allocator events in a preallocated ring and exports them in Chrome's
 * trace event format, which loads in Perfetto (ui.perfetto.dev) and `chrome://tracing`:
 * - arenas: lane leases, resets and the bulk recycle of a frame's segment by `advance()`
 *   (with the bytes freed at once);
 * - pools: batch refills and flushes between a thread's cache and the shared list, and, in the
 *   checked build, every alloc and free;
 * - stacks: releases to a mark and resets, and, in the checked build, every push and pop;
 * - errors, `advance()` itself as a duration, and per-frame counter tracks of every region.
 *
 * Recording writes six numbers per event into a preallocated ring. Its only garbage is the clock:
 * engines return `performance.now()` as a heap number (16 bytes; Node 20 does so even in
 * optimized code), read once per allocator event and twice per `advance()`, whose recycle, duration
 * and counter events share the readings. Not recording, there is none. Workers record their own
 * events: post `trace.toChromeTrace()` to the main thread and merge with {@link mergeChromeTraces}.
 *
 * Thread-safety: the thread whose `Memory` made it.
 * @example
 * ```ts
 * const trace = memory.startTrace();
 * for (let f = 0; f < 120; f++) { update(); memory.advance(); }
 * trace.stop();
 * download(JSON.stringify(trace.toChromeTrace()), 'frames.json'); // open in ui.perfetto.dev
 * ```
 */
export class TraceRecorder {
  /** Events the ring holds. */
  readonly capacity: number;
  private readonly memory: TraceSource;
  private readonly ring: Float64Array;
  private readonly scratch = new Float64Array(STAT_COUNT);
  private readonly withCounters: boolean;
  private readonly origin: number;
  private written = 0;
  private active = true;

  /** @internal Use {@link nebula-memory!Memory.startTrace}. */
  constructor(memory: TraceSource, options: TraceOptions) {
    this.memory = memory;
    this.capacity = options.capacity ?? 1 << 16;
    this.withCounters = options.counters ?? true;
    this.ring = new Float64Array(this.capacity * FIELDS);
    this.origin = typeof performance.timeOrigin === 'number' ? performance.timeOrigin : 0;
  }

  /** True until {@link TraceRecorder.stop}. */
  get recording(): boolean {
    return this.active;
  }

  /** Events recorded, including ones the ring overwrote. */
  get count(): number {
    return this.written;
  }

  /**
   * Records one event. Allocators call it; so may the game, for its own markers (`kind`
   * from `EV`: `EV.MARKER` with a region offset of 0).
   *
   * Thread-safety: the recording thread.
   * @example
   * ```ts
   * trace.record(EV.MARKER, 0, levelNumber, 0);
   * ```
   */
  record(kind: number, region: number, a: number, b: number): void {
    if (!this.active) return;
    this.put(performance.now(), kind, region, a, b);
  }

  /** Records one event at `ms` (a `performance.now()` reading taken earlier). @internal */
  recordAt(ms: number, kind: number, region: number, a: number, b: number): void {
    if (this.active) this.put(ms, kind, region, a, b);
  }

  /** Records `advance()` as a duration and, with counters on, every region's counters, all at one clock reading. @internal */
  frameEnded(frame: number, startMs: number, offsets: Int32Array, count: number): void {
    if (!this.active) return;
    const endMs = performance.now();
    this.put(endMs, EV.ADVANCE, 0, frame, (endMs - startMs) * 1000);
    if (!this.withCounters) return;
    const s = this.scratch;
    for (let k = 0; k < count; k++) {
      if (!this.memory.statsOfRegionAt(offsets[k], s)) continue;
      this.put(endMs, EV.COUNTERS, offsets[k], s[STAT.USED], s[STAT.ALLOCATIONS]);
    }
  }

  /** Writes one event's six numbers at `ms` into the ring. */
  private put(ms: number, kind: number, region: number, a: number, b: number): void {
    const at = (this.written % this.capacity) * FIELDS;
    const r = this.ring;
    r[at] = (this.origin + ms) * 1000;
    r[at + 1] = kind;
    r[at + 2] = region;
    r[at + 3] = a;
    r[at + 4] = b;
    r[at + 5] = this.memory.threadId;
    this.written++;
  }

  /**
   * Stops recording; the events stay for export.
   *
   * Thread-safety: the recording thread.
   * @example
   * ```ts
   * trace.stop();
   * ```
   */
  stop(): void {
    this.active = false;
    this.memory.stopTrace(this);
  }

  /**
   * The recorded events in Chrome's trace event format (a new object, JSON-ready): instant
   * events for allocator events, complete events for `advance()`, counter events per region,
   * and thread-name metadata. Load the JSON in ui.perfetto.dev or `chrome://tracing`.
   *
   * Thread-safety: the recording thread; the result is plain data for any thread.
   * @example
   * ```ts
   * const json = JSON.stringify(trace.toChromeTrace());
   * ```
   */
  toChromeTrace(): ChromeTrace {
    const names = new Map<number, string>();
    for (const r of this.memory.regions()) names.set(r.offset, `${r.kind} "${r.name}"`);
    const n = Math.min(this.written, this.capacity);
    const first = this.written - n;
    const events: ChromeTraceEvent[] = [];
    for (let k = 0; k < n; k++) {
      const at = ((first + k) % this.capacity) * FIELDS;
      const r = this.ring;
      events.push(toChromeEvent(r[at], r[at + 1], names.get(r[at + 2]) ?? 'memory', r[at + 3], r[at + 4], r[at + 5]));
    }
    const tid = this.memory.threadId;
    events.unshift({ name: 'thread_name', ph: 'M', pid: 1, tid, args: { name: tid === 0 ? 'main (thread 0)' : `worker (thread ${tid})` } });
    return { traceEvents: events, displayTimeUnit: 'ms', otherData: { lostEvents: first, eventKinds: EVENT_NAMES.join(',') } };
  }
}
