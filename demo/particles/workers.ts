/**
 * The fountain's workers: starting them, and the simulation crew that survives losing one.
 *
 * Each simulation worker simulates one share of the particles. When one dies (the "kill a
 * worker" button hangs it mid-frame; "crash a worker", or a real bug, makes it throw and fire
 * its `error` event), the crew:
 * 1. stops counting that share in the clock (`ready()`), so frames go on with the other shares,
 *    and zeroes the share's frame-data counts, so the renderer draws nothing stale of it;
 * 2. `terminateAndReclaim(memory, worker, threadId)`: terminates it, waits until it has really
 *    stopped (its liveness lock comes free), and reclaims its thread: its arena lanes (until then `advance()` throws `LANE_LEASED` and the clock retries
 *    at the next animation frame) and the pool slots it had cached;
 * 3. starts a replacement for the same share, which adopts the particles the dead worker left
 *    live in the pool (they stay live under its thread id: `pool.leaks()` finds them) and joins
 *    the clock at the next frame the page starts (`W_JOIN_AT`).
 * Kills and restarts run one at a time.
 * @module
 */
import { type Memory, type ReclaimReport, terminateAndReclaim } from '../../src/index.ts';
import { freshCanvas } from './dom.ts';
import {
  C_KILL, C_KILL_MODE, C_PARKED, type DemoSettings, JOIN_NEVER, KILL_CRASH, KILL_PARK, type RenderInit, type SimInit, W_COUNT0, W_COUNT1,
  W_DONE, W_JOIN_AT, W_LIVE, W_SIM_US, type WorkerReport, wordOf,
} from './protocol.ts';
import { NO_WEBGL2, type Renderer, createRenderer } from './renderer.ts';
import simWorkerUrl from './sim.worker.ts?worker&url';

/** A worker that reported ready. */
export interface Started {
  readonly worker: Worker;
  readonly detail: string;
  /** Its `memory.threadId`. */
  readonly threadId: number;
  /** Particles it adopted (a replacement simulation worker), else 0. */
  readonly adopted: number;
}

/**
 * Posts the init message to `worker` and resolves when it reports ready. An error before that
 * rejects (and terminates the worker); an error after it (its `error` event, or an error it
 * reports) goes to `late`.
 */
export function startWorker(worker: Worker, name: string, message: SimInit | RenderInit, transfer: Transferable[], late: (err: Error) => void): Promise<Started> {
  return new Promise((resolve, reject) => {
    let ready = false;
    const fail = (e: Error): void => {
      if (ready) {
        late(e);
        return;
      }
      worker.terminate();
      reject(e);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      fail(new Error(`${name}: ${event.message || 'the worker script failed to load'}`));
    };
    worker.onmessage = (event: MessageEvent<WorkerReport>) => {
      const m = event.data;
      if (m.type === 'error') fail(new Error(`${name}: ${m.message}`));
      else {
        ready = true;
        resolve({ worker, detail: m.detail, threadId: m.threadId, adopted: m.adopted ?? 0 });
      }
    };
    worker.postMessage(message, transfer);
  });
}

/** Where frames are drawn: the render worker, or this thread when the browser has no WebGL2 in workers. */
export interface RenderSide {
  readonly worker: Worker | null;
  readonly onMain: Renderer | null;
  readonly detail: string;
}

/**
 * Starts the render worker on a transferred OffscreenCanvas. A browser without WebGL2 on an
 * OffscreenCanvas in a worker (WebKitGTK 2.50) gets the same renderer on this thread instead,
 * still drawing frame N − 1 from shared memory, and the page says so.
 */
export async function startRenderer(s: DemoSettings, memory: Memory, control: number, late: (err: Error) => void): Promise<RenderSide> {
  const canvas = freshCanvas().transferControlToOffscreen();
  try {
    const render = await startWorker(new Worker(new URL('./render.worker.ts', import.meta.url), { type: 'module', name: 'nebula-render' }), 'nebula-render',
      { type: 'init', memory: memory.share(), control, canvas, workers: s.workers, timeOrigin: performance.timeOrigin }, [canvas], late);
    return { worker: render.worker, onMain: null, detail: render.detail };
  } catch (err) {
    if (!(err instanceof Error) || !err.message.includes(NO_WEBGL2)) throw err;
    const onMain = createRenderer(freshCanvas(), memory, control, s.workers, s.particles);
    return { worker: null, onMain, detail: 'WebGL2 on the main thread (this browser has no WebGL2 on an OffscreenCanvas in a worker)' };
  }
}

/** How a simulation worker was lost. */
export type Cause = 'kill' | 'crash';

/** One loss and its recovery, for the page's status line and `stats()`. */
export interface Recovery {
  /** The share (simulation worker index). */
  readonly share: number;
  /** `kill`: hung mid-frame and terminated; `crash`: its `error` event. */
  readonly cause: Cause;
  /** The crash's message, or ''. */
  readonly message: string;
  /** The frame it died in. */
  readonly frame: number;
  /** What `terminateAndReclaim` gave back (null: the thread had detached). */
  readonly reclaimed: ReclaimReport | null;
  /** Particles the replacement adopted; −1 while it starts. */
  readonly adopted: number;
  /** The replacement's thread id; −1 while it starts. */
  readonly thread: number;
  /** Milliseconds from the loss to the replacement joining the clock; −1 while it starts. */
  readonly ms: number;
  /** Why the share has no replacement ('' when it has one, or one is starting). */
  readonly failure: string;
}

/** What the crew tells the page. */
export interface CrewHooks {
  /** Something changed: a loss, a reclaim, a replacement joined. */
  readonly changed: () => void;
  /** A failure the crew cannot recover from (the page shows it). */
  readonly failed: (err: Error) => void;
}

/** One share of the simulation and the worker simulating it. */
interface Share {
  worker: Worker | null;
  thread: number;
  /** True while the clock waits for this share (from its `W_JOIN_AT` frame on). */
  running: boolean;
  /** Thread ids whose live pool slots are this share's particles (its worker's, and adopted ones). */
  tags: number[];
  /** Workers started for this share before the current one. */
  generation: number;
  /** The message of a crash the "crash a worker" job waits for. */
  crashed: string | null;
}

/** Unplanned crashes (not from the buttons) the crew recovers from before it gives up: a bug would crash every replacement. */
const MAX_UNPLANNED = 3;
/** Tells this page load's replacement-worker URLs from an earlier load's. */
const PAGE_TOKEN = Date.now().toString(36);
/** How long a kill waits for the worker to reach the middle of a frame (a stopped clock never gets there). */
const KILL_WAIT_MS = 3000;

function until(ok: () => boolean, ms: number): Promise<void> {
  const end = performance.now() + ms;
  return new Promise((resolve) => {
    const poll = (): void => {
      if (ok() || performance.now() > end) resolve();
      else setTimeout(poll, 4);
    };
    poll();
  });
}

/** The simulation workers of a run, and their replacement when one dies. */
export class SimCrew {
  /** Losses (by the buttons and otherwise), reclaimed threads and replacements started. */
  readonly counts = { kills: 0, crashes: 0, reclaims: 0, restarts: 0 };
  /** The last loss and its recovery. */
  last: Recovery | null = null;
  private readonly shares: Share[];
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private stopped = false;
  private unplanned = 0;
  private victim = -1;

  private constructor(private readonly memory: Memory, private readonly ctl: number, private readonly settings: DemoSettings, private readonly hooks: CrewHooks) {
    this.shares = Array.from({ length: settings.workers }, () => ({ worker: null, thread: -1, running: false, tags: [], generation: 0, crashed: null }));
  }

  /** Starts one simulation worker per share and resolves when all are ready. */
  static async start(memory: Memory, ctl: number, settings: DemoSettings, hooks: CrewHooks): Promise<SimCrew> {
    const crew = new SimCrew(memory, ctl, settings, hooks);
    for (let w = 0; w < settings.workers; w++) {
      Atomics.store(memory.i32, crew.word(w, W_DONE), -1);
      Atomics.store(memory.i32, crew.word(w, W_JOIN_AT), 0);
    }
    try {
      await Promise.all(crew.shares.map(async (share, w) => {
        const started = await crew.spawn(w, []);
        share.worker = started.worker;
        share.thread = started.threadId;
        share.tags = [started.threadId];
        share.running = true;
      }));
    } catch (err) {
      crew.stop();
      throw err;
    }
    return crew;
  }

  private word(w: number, k: number): number {
    return this.ctl + wordOf(w, k);
  }

  /** True when every share the clock counts in `frame` has simulated it. Allocates nothing. */
  ready(frame: number): boolean {
    const i32 = this.memory.i32;
    for (let w = 0; w < this.shares.length; w++) {
      if (!this.shares[w].running || frame < Atomics.load(i32, this.word(w, W_JOIN_AT))) continue;
      if (Atomics.load(i32, this.word(w, W_DONE)) < frame) return false;
    }
    return true;
  }

  /** Simulation workers the clock counts now. */
  get alive(): number {
    return this.shares.filter((s) => s.running).length;
  }

  /** True while a loss is being handled. */
  get busy(): boolean {
    return this.pending > 0;
  }

  /** Each share's worker thread id (−1 while it has none). */
  get threadIds(): number[] {
    return this.shares.map((s) => (s.worker === null ? -1 : s.thread));
  }

  /**
   * The "kill a worker" and "crash a worker" buttons: the next share's worker dies in the middle
   * of its next frame (`kill`: it hangs there; `crash`: it throws), then it is terminated and
   * reclaimed, and a replacement takes over. Ignored while another loss is being handled.
   */
  kill(how: Cause): Promise<void> {
    if (this.stopped || this.pending > 0) return Promise.resolve();
    const n = this.shares.length;
    let w = -1;
    for (let k = 1; k <= n && w < 0; k++) if (this.shares[(this.victim + k) % n].running) w = (this.victim + k) % n;
    if (w < 0) return Promise.resolve();
    this.victim = w;
    if (how === 'kill') this.counts.kills++;
    else this.counts.crashes++;
    const share = this.shares[w];
    const i32 = this.memory.i32;
    const t0 = performance.now();
    share.crashed = null;
    Atomics.store(i32, this.ctl + C_KILL_MODE, how === 'crash' ? KILL_CRASH : KILL_PARK);
    Atomics.store(i32, this.ctl + C_KILL, w + 1);
    return this.serial(async () => {
      // the worker acts on the request in its next frame; a stopped clock never gets there: it goes where it waits
      await until(() => Atomics.load(i32, this.ctl + C_PARKED) === w + 1 || share.crashed !== null || this.stopped, KILL_WAIT_MS);
      await this.replace(w, how, share.crashed ?? '', t0);
    });
  }

  /** A worker's `error` event, or an error it reported, after it started: it crashed. */
  private lost(w: number, worker: Worker, err: Error): void {
    const share = this.shares[w];
    if (share.worker !== worker || this.stopped) return; // already being replaced
    if (this.pending > 0 && Atomics.load(this.memory.i32, this.ctl + C_KILL) === w + 1) {
      share.crashed = err.message; // the "crash a worker" button: its job goes on
      return;
    }
    this.counts.crashes++;
    // the worker is terminated and reclaimed either way (its lanes would stop the clock), but a bug would crash every replacement
    const restart = ++this.unplanned <= MAX_UNPLANNED;
    void this.serial(() => this.replace(w, 'crash', err.message, performance.now(), restart));
  }

  /** Runs the loss handlers one at a time. */
  private serial(job: () => Promise<void>): Promise<void> {
    this.pending++;
    this.hooks.changed();
    this.chain = this.chain.then(job).catch((err: unknown) => {
      this.hooks.failed(err instanceof Error ? err : new Error(String(err)));
    }).finally(() => {
      this.pending--;
      this.hooks.changed();
    });
    return this.chain;
  }

  /** Terminates and reclaims share `w`'s worker, and (when `restart`) starts a replacement that adopts its particles. */
  private async replace(w: number, cause: Cause, message: string, t0: number, restart = true): Promise<void> {
    const { memory } = this;
    const i32 = memory.i32;
    const share = this.shares[w];
    const worker = share.worker;
    const frame = memory.frame;
    // the clock stops waiting for this share, and nothing stale of it is drawn
    share.running = false;
    share.worker = null;
    Atomics.store(i32, this.word(w, W_JOIN_AT), JOIN_NEVER);
    for (const k of [W_COUNT0, W_COUNT1, W_LIVE, W_SIM_US]) Atomics.store(i32, this.word(w, k), 0);
    this.last = { share: w, cause, message, frame, reclaimed: null, adopted: -1, thread: -1, ms: -1, failure: '' };
    this.hooks.changed();
    let reclaimed: ReclaimReport | null = null;
    if (worker !== null) {
      const reports = await terminateAndReclaim(memory, worker, share.thread);
      this.counts.reclaims += reports.length;
      reclaimed = reports[0] ?? null;
    }
    Atomics.store(i32, this.ctl + C_KILL, 0);
    Atomics.store(i32, this.ctl + C_PARKED, 0);
    this.last = { ...this.last, reclaimed };
    this.hooks.changed();
    if (this.stopped) return;
    if (!restart) {
      this.giveUp(w, `it crashed ${this.unplanned} times (${message}): no more replacements`);
      return;
    }
    // the share's particles are live in the pool under the ids of its dead workers; an id that
    // another thread holds by now would be ambiguous, and its slots are left where they are
    const attached = new Set(memory.threads().filter((t) => t.state === 'attached').map((t) => t.id));
    const adopt = share.tags.filter((id) => !attached.has(id));
    share.generation++;
    let started: Started;
    try {
      started = await this.spawn(w, adopt);
    } catch (err) {
      this.giveUp(w, `its replacement failed to start: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (this.over()) { // stopped while the replacement started
      started.worker.terminate();
      return;
    }
    share.worker = started.worker;
    share.thread = started.threadId;
    share.tags = [...new Set([...adopt, started.threadId])];
    // counted from the next frame the clock starts: the frame in progress goes on without it
    Atomics.store(i32, this.word(w, W_JOIN_AT), memory.frame + 1);
    share.running = true;
    this.counts.restarts++;
    this.last = { ...this.last, adopted: started.adopted, thread: started.threadId, ms: Math.round(performance.now() - t0) };
  }

  /**
   * Share `w` stays without a worker: the clock goes on with the others, its particles stay in
   * the pool. Said in the status line and on the console (an error the e2e suites see).
   */
  private giveUp(w: number, why: string): void {
    if (this.last !== null) this.last = { ...this.last, failure: why };
    console.error(`nebula-sim-${w}: ${why}`);
    this.hooks.changed();
  }

  /** Starts a worker for share `w` that adopts the live slots of threads `adopt`. */
  private spawn(w: number, adopt: readonly number[]): Promise<Started> {
    const generation = this.shares[w].generation;
    // A replacement loads the script from its own URL. Loaded again from the same URL, the
    // script is revalidated, and `vite preview` answers 304 without COOP/COEP headers: WebKitGTK
    // 2.50 then refuses the worker ("error" event, no message) under COEP; Chromium and Firefox
    // take the cached headers. A fresh URL is a fresh 200 with both headers.
    // Unique per page load too (a reload would revalidate it), and appended as text: the dev
    // server's `?worker_file&type=module` must stay as it is, and a value ending in `.1` would
    // make it transform the TypeScript as JavaScript.
    const url = generation === 0 ? simWorkerUrl : `${simWorkerUrl}${simWorkerUrl.includes('?') ? '&' : '?'}replacement=${w}-${generation}-${PAGE_TOKEN}`;
    const worker = new Worker(url, { type: 'module', name: `nebula-sim-${w}` });
    const message: SimInit = { type: 'init', memory: this.memory.share(), control: this.ctl << 2, index: w, settings: this.settings, adopt, generation };
    return startWorker(worker, `nebula-sim-${w}`, message, [], (err) => {
      this.lost(w, worker, err);
    });
  }

  /** True once {@link SimCrew.stop} ran (a read through a call: it may change across an await). */
  private over(): boolean {
    return this.stopped;
  }

  /** Terminates every worker (the run is over). */
  stop(): void {
    this.stopped = true;
    for (const s of this.shares) s.worker?.terminate();
  }
}
