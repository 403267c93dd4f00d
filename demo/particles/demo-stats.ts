/**
 * What the fountain page exposes as `window.nebulaDemo`: `stats()`, read by the e2e suites
 * (e2e/checks.ts, e2e/gc.spec.ts) and the console, `resetStats()`, and the run's inspector and
 * `memory.threads()` (e2e/inspector-views.spec.ts).
 * @module
 */
import type { ThreadInfo } from '../../src/index.ts';
import type { Inspector } from '../../src/inspector/index.ts';
import type { DemoSettings } from './protocol.ts';
import type { RecoveryStats } from './recovery-view.ts';

/** What the page shows in `window.nebulaDemo.stats()`, for tests and the console. */
export interface DemoStats {
  /** `memory.frame`. */
  readonly frame: number;
  /** Run status: starting, running, stopped, error. */
  readonly status: string;
  /** True when the memory is a SharedArrayBuffer shared with workers. */
  readonly shared: boolean;
  /** The settings of the run. */
  readonly settings: DemoSettings;
  /** Frame time p50 / p99 over the window, ms. */
  readonly frameP50: number;
  /** Frame time p99, ms. */
  readonly frameP99: number;
  /** Simulation time (slowest worker) p50, ms. */
  readonly simP50: number;
  /** Simulation time p99, ms. */
  readonly simP99: number;
  /** Frames in which a simulation worker saw a GC, since the start of the run. */
  readonly gcFrames: number;
  /** Live particles the simulation workers simulate (a share whose worker is being replaced counts 0 until the replacement adopts them). */
  readonly live: number;
  /** Particles in the last drawn frame. */
  readonly drawn: number;
  /** Lit pixels of the last pixel check (−1: none yet). */
  readonly lit: number;
  /** 1: WebGL uploads straight from the shared buffer; 2: through a copy; 0: not yet. */
  readonly upload: number;
  /** Frames recorded by the graph. */
  readonly frames: number;
  /** Animation frames the clock waited for the simulation workers, and for the render worker. */
  readonly waits: { readonly sim: number; readonly render: number };
  /** The render worker's last draw, ms. */
  readonly renderMs: number;
  /** The clock's handshake words and animation-frame count: what a stalled run is waiting for. */
  readonly clock: { readonly simGo: number; readonly simDone: number; readonly renderGo: number; readonly renderDone: number; readonly renderRescued: number; readonly ticks: number };
  /** Simulation workers killed, crashed, reclaimed and replaced (the "kill a worker" control), and the clock's retries meanwhile. */
  readonly recovery: RecoveryStats;
  /** Live slots of the pool (`pool.live`): also the particles of a share whose worker is being replaced. */
  readonly poolLive: number;
  /** The pool's allocations as the inspector reads them: what every thread has published (`publishStats()`). */
  readonly poolAllocs: number;
}

declare global {
  interface Window {
    /** The demo's state, for tests and the console. */
    nebulaDemo?: {
      /** A snapshot of the run's numbers. */
      stats: () => DemoStats;
      /** Starts the graph's window and the wait counts over (a measurement window). */
      resetStats: () => void;
      /** The run's inspector (`mountInspector` in `#inspector-view`), or null between runs. */
      inspector: () => Inspector | null;
      /** `memory.threads()` of the run: every thread slot ever used, with its reclaim record. */
      threads: () => readonly ThreadInfo[];
      /** `memory.profileFrames(on)` of the clock thread (also `?profile=1`): User Timing measures per frame and region. */
      profileFrames: (on: boolean) => boolean;
    };
  }
}
