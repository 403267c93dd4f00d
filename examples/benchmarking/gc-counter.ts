/**
 * Counts garbage collections while a measurement runs, where the engine reports them: Node's
 * `PerformanceObserver` has a `'gc'` entry type (minor = scavenges of the young generation,
 * major = mark-compact). Browsers do not expose GCs to pages; there, look for long frames in
 * the p99 and use the browser's performance panel.
 */

/** A running count; `stop()` resolves once the observer has delivered what it saw. */
export interface GcCount {
  stop(): Promise<{ readonly minor: number; readonly major: number }>;
}

/** Starts counting, or returns null where the engine does not report GCs. */
export function startGcCount(): GcCount | null {
  if (typeof PerformanceObserver === 'undefined' || !PerformanceObserver.supportedEntryTypes.includes('gc')) return null;
  let minor = 0;
  let major = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      // Node's detail.kind: 1 a scavenge (minor GC), 4 a mark-compact (major); 8 incremental
      // marking and 16 weak callbacks are steps of a major GC, not counted on their own
      const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      if (kind === 1) minor++;
      else if (kind === 4) major++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop: async () => {
      await new Promise((resolve) => setTimeout(resolve, 0)); // entries arrive on a later task
      observer.disconnect();
      return { minor, major };
    },
  };
}
