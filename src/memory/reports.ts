/**
 * The memory's reports over regions of every kind: the snapshot, the leak report and the
 * region invariants. Each region is read through its kind; a region whose kind this thread has
 * not registered still shows its shared statistics block in the snapshot. Cold paths.
 * @module
 * @internal
 */
import type { CustomRegionSnapshot, CustomRegionStats, MemorySnapshot, RegionInfo, RegionSnapshot } from '../api-reports.ts';
import { CORRUPTION_FIX, memoryError } from '../errors.ts';
import type { AllocatorKind, RegionAllocator } from './kinds.ts';
import { checkSites } from './call-sites.ts';
import { type LeakEntry, type LeakReport, leakReport } from './leak-report.ts';
import { DATA_START, E_STATS, FRAME_TIMES, G_BRK, MAX_THREADS, entryWordOf } from './layout.ts';
import { checkHeader } from './reclaim.ts';
import { findRegion } from './region-table.ts';
import { isAttached } from './threads.ts';
import { HISTORY_FRAMES, SB_ALLOCATIONS, SB_BYTES, SB_ERRORS, SB_FAILURES, SB_HISTORY, lastErrorCode, readCounter, readFrameRing } from '../stats/block.ts';

/** What the reports read of a memory: {@link MemoryCore} provides it. */
export interface ReportSource {
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
  readonly byteLength: number;
  readonly frame: number;
  readonly shared: boolean;
  readonly unusedBytes: number;
  regions(): readonly RegionInfo[];
  /** The durations of the last frames (ms), oldest first; returns how many. */
  frameTimesInto(out: Float64Array): number;
  /** This thread's instance of region `name` and its kind, or null when this thread has not registered the kind. */
  openAny(name: string): { readonly kind: AllocatorKind; readonly allocator: RegionAllocator } | null;
}

/** The built-in kinds, whose regions the snapshot lists in `regions`; every other kind goes to `customRegions`. */
const BUILT_IN = new Set(['arena', 'pool', 'stack']);

/** memory.snapshot(): every region with its stats, frame history and lane usage. */
export function memorySnapshot(m: ReportSource): MemorySnapshot {
  const history = new Float64Array(HISTORY_FRAMES);
  const regions: RegionSnapshot[] = [];
  const customRegions: CustomRegionSnapshot[] = [];
  for (const r of m.regions()) {
    const o = m.openAny(r.name);
    if (o === null) {
      customRegions.push(unknownRegion(m, r, history));
      continue;
    }
    const frameHistory = Object.freeze(Array.from(history.subarray(0, o.allocator.frameHistoryInto(history))));
    const lanes = Object.freeze(o.kind.lanes?.(o.allocator) ?? []);
    const stats = o.allocator.stats();
    if (BUILT_IN.has(r.kind)) regions.push(Object.freeze({ ...r, stats: stats as RegionSnapshot['stats'], frameHistory, lanes }));
    else customRegions.push(Object.freeze({ ...r, stats: stats as CustomRegionStats, frameHistory, lanes }));
  }
  const threads: number[] = [];
  for (let t = 0; t < MAX_THREADS; t++) if (isAttached(m.i32, t)) threads.push(t);
  const times = new Float64Array(FRAME_TIMES);
  const frameTimes = Object.freeze(Array.from(times.subarray(0, m.frameTimesInto(times))));
  const snapshot = {
    frame: m.frame, shared: m.shared, byteLength: m.byteLength, unusedBytes: m.unusedBytes,
    threads: Object.freeze(threads), frameTimes, regions: Object.freeze(regions),
  };
  return Object.freeze(customRegions.length === 0 ? snapshot : { ...snapshot, customRegions: Object.freeze(customRegions) });
}

/** A region of a kind this thread has not registered: what its shared statistics block says. */
function unknownRegion(m: ReportSource, r: RegionInfo, history: Float64Array): CustomRegionSnapshot {
  const w = m.i32[entryWordOf(findRegion(m.i32, m.u8, r.name)) + E_STATS] >> 2;
  const stats: CustomRegionStats = Object.freeze({
    kind: r.kind as CustomRegionStats['kind'], name: r.name,
    allocations: readCounter(m.i32, w + SB_ALLOCATIONS), bytes: readCounter(m.i32, w + SB_BYTES),
    failures: readCounter(m.i32, w + SB_FAILURES), errors: Atomics.load(m.i32, w + SB_ERRORS), lastError: lastErrorCode(m.i32, w),
  });
  const n = readFrameRing(m.i32, w + SB_HISTORY, m.frame, history);
  return Object.freeze({ ...r, stats, frameHistory: Object.freeze(Array.from(history.subarray(0, n))), lanes: Object.freeze([]) });
}

/** memory.leaks(): one report over every region whose kind reports leaks. */
export function memoryLeaks(m: ReportSource, options: { readonly bornBefore?: number; readonly limit?: number }): LeakReport {
  const entries: LeakEntry[] = [];
  const parts: string[] = [];
  for (const r of m.regions()) {
    const o = m.openAny(r.name);
    if (o?.kind.leaks === undefined) continue;
    const rep = o.kind.leaks(o.allocator, { ...options, limit: Infinity });
    if (rep.count > 0) parts.push(rep.text);
    entries.push(...rep.entries);
  }
  const all = leakReport('memory', entries, options.limit ?? 100);
  return Object.freeze({ ...all, text: parts.length ? parts.join('\n') : 'memory: nothing held' });
}

/**
 * memory.checkInvariants(): the global header, the call-site table, the regions' bounds (in
 * order, without overlap, below brk), and each region's own invariants through this thread's
 * instance (regions of a kind this thread has not registered: their bounds only).
 */
export function checkRegions(m: ReportSource): void {
  const i32 = m.i32;
  const brk = Atomics.load(i32, G_BRK);
  checkHeader(i32, m.byteLength);
  checkSites(i32);
  let end = DATA_START;
  for (const r of m.regions()) {
    if (r.offset < end || r.offset + r.byteLength > brk) {
      throw memoryError('INVARIANT_VIOLATED', `region "${r.name}" [${r.offset}, ${r.offset + r.byteLength}) overlaps or passes brk ${brk}`, {
        allocator: 'memory', request: {}, state: { offset: r.offset, byteLength: r.byteLength, previousEnd: end, brk }, suggestion: CORRUPTION_FIX,
      });
    }
    end = r.offset + r.byteLength;
    m.openAny(r.name)?.allocator.checkInvariants();
  }
}
