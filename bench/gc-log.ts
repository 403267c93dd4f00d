/**
 * Records GCs from `PerformanceObserver` 'gc' entries: start, duration and kind of each, to count
 * minor GCs (scavenges) in time windows or to place every GC in a frame.
 * @module
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';

/** One GC as the observer reported it. */
export interface GcEntry {
  /** `performance.now()` time the GC started, ms. */
  readonly start: number;
  /** Pause length, ms. */
  readonly duration: number;
  /** `NODE_PERFORMANCE_GC_*` kind: 1 minor (scavenge), 4 major (mark-compact), 8 incremental marking, 16 weak callbacks. */
  readonly kind: number;
}

/** The `kind` of a scavenge. */
export const GC_MINOR = constants.NODE_PERFORMANCE_GC_MINOR;
/** The `kind` of a mark-compact. */
export const GC_MAJOR = constants.NODE_PERFORMANCE_GC_MAJOR;

/** Records every GC while observing. */
export class GcLog {
  private readonly log: GcEntry[] = [];
  private readonly observer: PerformanceObserver;

  constructor() {
    this.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const detail: unknown = 'detail' in e ? e.detail : undefined; // Node adds it to 'gc' entries
        if (typeof detail === 'object' && detail !== null && 'kind' in detail && typeof detail.kind === 'number') {
          this.log.push({ start: e.startTime, duration: e.duration, kind: detail.kind });
        }
      }
    });
  }

  /** Starts observing. */
  start(): void {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** Waits for queued entries to be delivered (they arrive asynchronously). */
  async flush(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** Scavenges that started in [from, to), in `performance.now()` milliseconds. */
  countBetween(from: number, to: number): number {
    let n = 0;
    for (const e of this.log) if (e.kind === GC_MINOR && e.start >= from && e.start < to) n++;
    return n;
  }

  /** Every GC recorded so far, oldest first. */
  entries(): readonly GcEntry[] {
    return this.log;
  }

  /** Stops observing. */
  stop(): void {
    this.observer.disconnect();
  }
}
