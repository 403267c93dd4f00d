/**
 * Chrome's trace event format (the JSON that Perfetto and `chrome://tracing` load): the event
 * kinds the recorder writes, how each becomes a trace event, and merging threads' traces.
 * @module
 */
import { MEMORY_ERROR_CODES } from '../errors.ts';

/**
 * Event kinds of a {@link TraceRecorder}, with what their two values mean.
 *
 * Thread-safety: constants; any worker.
 * @example
 * ```ts
 * trace.record(EV.MARKER, 0, 42, 0); // a marker of your own, value 42
 * ```
 */
export const EV = Object.freeze({
  /** Arena lane leased: bytes, segment cursor after. */
  LEASE: 1,
  /** `arena.reset()`: bytes freed at once, frame. */
  ARENA_RESET: 2,
  /** `advance()` recycled a frame's segment in bulk: bytes freed at once, new frame. */
  RECYCLE: 3,
  /** Pool cache refilled from the shared list: slots, slots left in the list. */
  REFILL: 4,
  /** Pool cache flushed to the shared list: slots, slots in the list after. */
  FLUSH: 5,
  /** Pool alloc (checked build): slot index, slot offset. */
  ALLOC: 6,
  /** Pool free (checked build): slot index, slot offset. */
  FREE: 7,
  /** Stack push (checked build): offset, bytes. */
  PUSH: 8,
  /** Stack pop (checked build): offset, depth after. */
  POP: 9,
  /** Stack release to a mark: bytes freed, blocks freed. */
  RELEASE: 10,
  /** Stack reset: bytes freed, blocks freed. */
  STACK_RESET: 11,
  /** A MemoryError: index + 1 of its code in MEMORY_ERROR_CODES, frame. */
  ERROR: 12,
  /** `advance()`: the new frame, its duration in µs. */
  ADVANCE: 13,
  /** A region's counters at a frame's end: used (bytes or live slots), allocations. */
  COUNTERS: 14,
  /** A marker of the game's own: two values of its choosing. */
  MARKER: 15,
} as const);

/**
 * Names of the event kinds, by kind number (index 0 unused).
 *
 * Thread-safety: a frozen array; any worker.
 * @example
 * ```ts
 * console.log(EVENT_NAMES[EV.RECYCLE]); // 'recycle'
 * ```
 */
export const EVENT_NAMES: readonly string[] = Object.freeze([
  '', 'lease', 'reset', 'recycle', 'refill', 'flush', 'alloc', 'free', 'push', 'pop', 'release', 'reset', 'error',
  'advance', 'counters', 'marker',
]);

/**
 * One event in Chrome's trace event format.
 *
 * Thread-safety: plain data; any worker.
 * @example
 * ```ts
 * const e: ChromeTraceEvent = { name: 'recycle', ph: 'i', ts: 1, pid: 1, tid: 0, s: 't' };
 * ```
 */
export interface ChromeTraceEvent {
  /** Event name. */
  readonly name: string;
  /** Phase: 'i' instant, 'X' complete, 'C' counter, 'M' metadata. */
  readonly ph: 'i' | 'X' | 'C' | 'M';
  /** Start time in µs. Absent on metadata. */
  readonly ts?: number;
  /** Duration in µs ('X' only). */
  readonly dur?: number;
  /** Process id: always 1 (one memory). */
  readonly pid: number;
  /** Thread id: the nebula-memory thread id. */
  readonly tid: number;
  /** Category. */
  readonly cat?: string;
  /** Instant scope: 't' thread. */
  readonly s?: 't';
  /** Values shown with the event. */
  readonly args?: Readonly<Record<string, number | string>>;
}

/**
 * A whole trace file: `JSON.stringify` it and load it in Perfetto.
 *
 * Thread-safety: plain data; any worker (post it between threads).
 * @example
 * ```ts
 * const file: ChromeTrace = mergeChromeTraces([mainTrace, ...workerTraces]);
 * ```
 */
export interface ChromeTrace {
  /** The events. */
  readonly traceEvents: readonly ChromeTraceEvent[];
  /** Unit the viewer shows. */
  readonly displayTimeUnit: 'ms';
  /** Events the ring overwrote, and the kinds' names. */
  readonly otherData: Readonly<Record<string, number | string>>;
}

/** One recorded event as a trace event. @internal */
export function toChromeEvent(ts: number, kind: number, region: string, a: number, b: number, tid: number): ChromeTraceEvent {
  const name = EVENT_NAMES[kind] ?? `event ${kind}`;
  switch (kind) {
    case EV.ADVANCE:
      return { name: `advance to frame ${a}`, cat: 'frame', ph: 'X', ts: ts - b, dur: b, pid: 1, tid, args: { frame: a } };
    case EV.COUNTERS:
      return { name: region, cat: 'counters', ph: 'C', ts, pid: 1, tid, args: { used: a, allocations: b } };
    case EV.ERROR:
      return { name: `error ${MEMORY_ERROR_CODES[a - 1] ?? '?'}`, cat: region, ph: 'i', s: 't', ts, pid: 1, tid, args: { frame: b } };
    default:
      return { name: `${name} ${region}`, cat: region, ph: 'i', s: 't', ts, pid: 1, tid, args: argsOf(kind, a, b) };
  }
}

function argsOf(kind: number, a: number, b: number): Record<string, number> {
  switch (kind) {
    case EV.LEASE: return { bytes: a, cursor: b };
    case EV.ARENA_RESET: return { bytesFreed: a, frame: b };
    case EV.RECYCLE: return { bytesFreed: a, frame: b };
    case EV.REFILL: return { slots: a, sharedFree: b };
    case EV.FLUSH: return { slots: a, sharedFree: b };
    case EV.ALLOC: case EV.FREE: return { slot: a, offset: b };
    case EV.PUSH: return { offset: a, bytes: b };
    case EV.POP: return { offset: a, depth: b };
    case EV.RELEASE: case EV.STACK_RESET: return { bytesFreed: a, blocks: b };
    default: return { a, b };
  }
}

/**
 * Merges the traces of several threads (the main thread's and those its workers posted) into
 * one file, events sorted by time.
 *
 * Thread-safety: any worker; pure.
 * @example
 * ```ts
 * const file = mergeChromeTraces([trace.toChromeTrace(), ...fromWorkers]);
 * ```
 */
export function mergeChromeTraces(traces: readonly ChromeTrace[]): ChromeTrace {
  const meta = traces.flatMap((t) => t.traceEvents.filter((e) => e.ph === 'M'));
  const timed = traces.flatMap((t) => t.traceEvents.filter((e) => e.ph !== 'M')).sort((x, y) => (x.ts ?? 0) - (y.ts ?? 0));
  const lost = traces.reduce((n, t) => n + (Number(t.otherData.lostEvents) || 0), 0);
  return { traceEvents: [...meta, ...timed], displayTimeUnit: 'ms', otherData: { lostEvents: lost, eventKinds: EVENT_NAMES.join(',') } };
}
