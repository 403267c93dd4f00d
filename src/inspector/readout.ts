/**
 * The inspector's readout: the numbers it last drew, as frozen plain objects, so a test (or a
 * HUD) can compare them with `memory.snapshot()`. Built on request, not per frame.
 * @module
 */
import type { MemoryErrorCode } from '../errors.ts';
import { MEMORY_ERROR_CODES } from '../errors.ts';
import { STAT } from '../stats/fields.ts';
import { MAX_THREADS } from '../memory/layout.ts';
import { type InspectorModel, type RegionModel, WARN_ERRORS, WARN_FAILURES, WARN_LAG } from './model.ts';
import { type InspectorLeaksReadout, type InspectorThreadReadout, type InspectorTimelineReadout, leaksReadout, threadTableReadout, timelineReadout } from './readout-views.ts';
import type { ViewState } from './view-state.ts';
import type { PoolGridShape } from './pool-grid.ts';

/**
 * What every region's readout holds, whatever its kind.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * const r: InspectorRegionCommon = inspector.readout().regions[0];
 * console.log(r.name, r.used, r.capacity);
 * ```
 */
export interface InspectorRegionCommon {
  /** The region's name. */
  readonly name: string;
  /** Byte offset of the region in the buffer. */
  readonly offset: number;
  /** Arenas and stacks: bytes in use; pools: live slots (as `STAT.USED`). */
  readonly used: number;
  /** Arenas and stacks: most bytes in use; pools: most live slots. */
  readonly peak: number;
  /** Arenas: bytes per frame; pools: slots; stacks: bytes. */
  readonly capacity: number;
  /** Allocations (pushes for stacks), every thread's published counts plus this thread's. */
  readonly allocations: number;
  /** Frees (pools) or popped blocks (stacks); 0 for arenas. */
  readonly frees: number;
  /** Bytes handed out. */
  readonly bytes: number;
  /** Failed requests. */
  readonly failures: number;
  /** MemoryErrors the region raised. */
  readonly errors: number;
  /** The last error's code, or null. */
  readonly lastError: MemoryErrorCode | null;
  /** Frame of the last error (0 when none). */
  readonly lastErrorFrame: number;
  /** High water of the last ended frames (up to 64), oldest first, as drawn in the graph. */
  readonly frameHistory: readonly number[];
}

/**
 * An arena as the inspector drew it.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * const a = inspector.readout().regions.find((r): r is InspectorArenaReadout => r.kind === 'arena');
 * ```
 */
export interface InspectorArenaReadout extends InspectorRegionCommon {
  /** Always `'arena'`. */
  readonly kind: 'arena';
  /** Lanes leased in the current segment. */
  readonly leases: number;
  /** Resets and frame recycles. */
  readonly resets: number;
  /** Bytes each thread leased this frame, by thread id (64 entries), as drawn in the lane strip. */
  readonly lanes: readonly number[];
}

/**
 * A pool as the inspector drew it.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * const p = inspector.readout().regions.find((r): r is InspectorPoolReadout => r.kind === 'pool');
 * console.log(p?.live, p?.grid?.slotsPerCell);
 * ```
 */
export interface InspectorPoolReadout extends InspectorRegionCommon {
  /** Always `'pool'`. */
  readonly kind: 'pool';
  /** Live slots (from the pool's counts: capacity - free - cached). */
  readonly live: number;
  /** Slots in the shared free list. */
  readonly free: number;
  /** Free slots held in threads' caches. */
  readonly cached: number;
  /** The grid's shape, or null before the first draw. */
  readonly grid: PoolGridShape | null;
  /** Live slots counted in the grid's owner scan (equals `live` while no thread is mid-operation). */
  readonly gridLive: number;
  /** Live slots per owning thread id, from the grid's owner scan (64 entries). */
  readonly liveByThread: readonly number[];
}

/**
 * A stack as the inspector drew it.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * const s = inspector.readout().regions.find((r): r is InspectorStackReadout => r.kind === 'stack');
 * console.log(s?.depth, s?.marks);
 * ```
 */
export interface InspectorStackReadout extends InspectorRegionCommon {
  /** Always `'stack'`. */
  readonly kind: 'stack';
  /** Blocks pushed and not popped. */
  readonly depth: number;
  /** Open marks (absolute offsets), oldest first, as drawn on the bar. */
  readonly marks: readonly number[];
}

/**
 * One region in an {@link InspectorReadout}.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * for (const r of inspector.readout().regions) console.log(r.kind, r.name, r.used);
 * ```
 */
export type InspectorRegionReadout = InspectorArenaReadout | InspectorPoolReadout | InspectorStackReadout;

/**
 * What a warning is about: `near-full` (arena or stack peak, or pool live, above 90% of
 * capacity), `failures` (failed requests counted), `errors` (MemoryErrors raised) or `lag` (an
 * attached thread 3 or more frames behind the clock).
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * const k: InspectorWarningKind = 'errors';
 * ```
 */
export type InspectorWarningKind = 'near-full' | 'failures' | 'errors' | 'lag';

/**
 * One line of the inspector's warning list.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * for (const w of inspector.readout().warnings) console.warn(w.region, w.kind, w.lastError);
 * ```
 */
export interface InspectorWarning {
  /** The region's name ('' for a thread's warning). */
  readonly region: string;
  /** The thread id of a `lag` warning, else -1. */
  readonly thread: number;
  /** What the warning is about. */
  readonly kind: InspectorWarningKind;
  /** The number behind it: the fill (near-full), the failures, the errors or the frames of lag. */
  readonly value: number;
  /** The region's last error code, or null. */
  readonly lastError: MemoryErrorCode | null;
}

/**
 * The numbers an inspector last drew: what {@link Inspector.readout} returns.
 *
 * Thread-safety: a frozen, structured-cloneable value; any worker.
 * @example
 * ```ts
 * const r = inspector.readout();
 * console.log(r.frame, r.regions.length, r.warnings.length);
 * ```
 */
export interface InspectorReadout {
  /** The frame number the last draw read. */
  readonly frame: number;
  /** Thread ids attached at the last draw. */
  readonly threads: readonly number[];
  /** Frames drawn so far. */
  readonly drawn: number;
  /** Every region, in creation order. */
  readonly regions: readonly InspectorRegionReadout[];
  /** The warning list, in drawing order. */
  readonly warnings: readonly InspectorWarning[];
  /** The thread table: every thread slot in use, by id. */
  readonly threadTable: readonly InspectorThreadReadout[];
  /** The timeline: the last frames' times and bytes per region, with the pause and the cursor. */
  readonly timeline: InspectorTimelineReadout;
  /** The leak table: per pool, live and old slots by call site; the selected slot. */
  readonly leaks: InspectorLeaksReadout;
}

/** Code of a `STAT.LAST_ERROR` value (index + 1), or null. */
export function errorCodeOf(v: number): MemoryErrorCode | null {
  return v > 0 && v <= MEMORY_ERROR_CODES.length ? MEMORY_ERROR_CODES[v - 1] : null;
}

function regionReadout(r: RegionModel): InspectorRegionReadout {
  const s = r.stats;
  const common: InspectorRegionCommon = {
    name: r.name, offset: r.offset, used: s[STAT.USED], peak: s[STAT.PEAK], capacity: s[STAT.CAPACITY],
    allocations: s[STAT.ALLOCATIONS], frees: s[STAT.FREES], bytes: s[STAT.BYTES], failures: s[STAT.FAILURES],
    errors: s[STAT.ERRORS], lastError: errorCodeOf(s[STAT.LAST_ERROR]), lastErrorFrame: s[STAT.LAST_ERROR_FRAME],
    frameHistory: Object.freeze(Array.from(r.history.subarray(0, r.historyLength))),
  };
  if (r.kind === 'arena') {
    return Object.freeze({ ...common, kind: 'arena', leases: s[STAT.DEPTH], resets: s[STAT.RESETS], lanes: Object.freeze(Array.from(r.lanes)) });
  }
  if (r.kind === 'stack') {
    return Object.freeze({ ...common, kind: 'stack', depth: s[STAT.DEPTH], marks: Object.freeze(Array.from(r.marks.subarray(0, r.markCount))) });
  }
  const g = r.grid;
  return Object.freeze({
    ...common, kind: 'pool', live: s[STAT.USED], free: s[STAT.FREE], cached: s[STAT.DEPTH],
    grid: g === null ? null : g.shape, gridLive: g === null ? 0 : g.totalLive,
    liveByThread: Object.freeze(g === null ? new Array<number>(MAX_THREADS).fill(0) : Array.from(g.liveByOwner.subarray(1))),
  });
}

/** The readout of `model` as last read. */
export function buildReadout(model: InspectorModel, drawn: number, view: ViewState): InspectorReadout {
  const threads: number[] = [];
  for (let t = 0; t < MAX_THREADS; t++) if (((t < 32 ? model.threadsLo : model.threadsHi) & (1 << (t & 31))) !== 0) threads.push(t);
  const warnings: InspectorWarning[] = [];
  for (let k = 0; k < model.warnCount; k++) {
    const kind = model.warnKind[k];
    if (kind === WARN_LAG) {
      const t = model.warnRegion[k];
      warnings.push(Object.freeze({ region: '', thread: t, kind: 'lag', value: model.threads.lag[t], lastError: null }));
      continue;
    }
    const r = model.regions[model.warnRegion[k]];
    const s = r.stats;
    warnings.push(Object.freeze({
      region: r.name, thread: -1,
      kind: kind === WARN_FAILURES ? 'failures' : kind === WARN_ERRORS ? 'errors' : 'near-full',
      value: kind === WARN_FAILURES ? s[STAT.FAILURES] : kind === WARN_ERRORS ? s[STAT.ERRORS] : r.kind === 'pool' ? s[STAT.USED] : s[STAT.PEAK],
      lastError: errorCodeOf(s[STAT.LAST_ERROR]),
    }));
  }
  return Object.freeze({
    frame: model.frame, threads: Object.freeze(threads), drawn,
    regions: Object.freeze(model.regions.map(regionReadout)), warnings: Object.freeze(warnings),
    threadTable: threadTableReadout(model), timeline: timelineReadout(model, view), leaks: leaksReadout(model),
  });
}
