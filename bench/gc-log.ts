/**
 * Counts minor GCs (scavenges) in time windows, from `PerformanceObserver` 'gc' entries.
 * @module
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';

/** Records the start time of every scavenge while observing. */
export class GcLog {
  private readonly scavenges: number[] = [];
  private readonly observer: PerformanceObserver;

  constructor() {
    this.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const detail: unknown = 'detail' in e ? e.detail : undefined; // Node adds it to 'gc' entries
        if (typeof detail === 'object' && detail !== null && 'kind' in detail && detail.kind === constants.NODE_PERFORMANCE_GC_MINOR) {
          this.scavenges.push(e.startTime);
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
    for (const t of this.scavenges) if (t >= from && t < to) n++;
    return n;
  }

  /** Stops observing. */
  stop(): void {
    this.observer.disconnect();
  }
}
