/**
 * The particle demo's shared contract: the control block every thread reads and writes with
 * `Atomics`, the particle slot layout, the physics constants, and the page's query options.
 * Only numbers cross threads: the particles, the frame data and the handshake all live in the
 * one `SharedArrayBuffer`.
 * @module
 */
import type { SharedMemoryInit } from '../../src/index.ts';

/** Most simulation workers. */
export const MAX_SIM_WORKERS = 4;
/** Seconds per simulated frame (the simulation is fixed-step, so runs are reproducible). */
export const DT = 1 / 60;
/** Gravity along y, m/s². */
export const GRAVITY = -9.81;
/** `-drag`: the linear drag coefficient, negated, 1/s. */
export const NEG_DRAG = -0.1;
/** Restitution of the floor bounce. */
export const BOUNCE = 0.55;
/** Floats per particle slot (32 bytes): px, py, pz, life, vx, vy, vz, maxLife. */
export const SLOT_FLOATS = 8;
/** Floats per drawn particle in the frame data: x, y, z, life / maxLife. */
export const OUT_FLOATS = 4;
/** Frame-arena temporaries per particle per frame in arena mode (4 vec3: gravity, acceleration, dv, dp). */
export const TEMPS_PER_PARTICLE = 4;

/** Mode word values. */
export const MODE_ARENA = 0;
/** Plain JS mode: gl-matrix `vec3.create()` temporaries and a state object per particle. */
export const MODE_PLAIN = 1;

// ---- the control block: Int32 words in a frames-0 arena of the shared memory ----
/** The frame the simulation workers must simulate; the clock stores it and notifies. */
export const C_SIM_GO = 0;
/** Simulation workers done with `C_SIM_GO` (each adds 1). */
export const C_SIM_DONE = 1;
/** The frame the render worker must draw (always `C_SIM_GO − 1`: the last complete frame). */
export const C_RENDER_GO = 2;
/** The last frame the render worker drew. */
export const C_RENDER_DONE = 3;
/** {@link MODE_ARENA} or {@link MODE_PLAIN}; read by the simulation workers every frame. */
export const C_MODE = 4;
/** Emitter rate, particles per second (all workers together). */
export const C_RATE = 5;
/** Set to 1 by the page: the render worker counts lit pixels after its next draw. */
export const C_PIXEL_REQUEST = 6;
/** Lit pixels the render worker counted (−1 before the first count). */
export const C_PIXEL_LIT = 7;
/** 1 when the render worker uploads straight from the shared buffer, 2 when it copies first. */
export const C_UPLOAD = 8;
/** Set to 1 to stop every worker. */
export const C_STOP = 9;
/** Live particles drawn in the last rendered frame. */
export const C_DRAWN = 10;
/** Time the render worker's last draw took (upload, draw call, and the pixel check when asked), µs. */
export const C_RENDER_US = 11;
/**
 * Times the render worker's `Atomics.waitAsync` timed out with a new frame waiting: a notify the
 * engine lost (seen once in WebKitGTK, where the clock then stalled for good before the wait had a
 * timeout). 0 in a healthy run.
 */
export const C_RENDER_RESCUED = 12;
/**
 * The "kill a worker" / "crash a worker" request: simulation worker w + 1 (0: none). That worker
 * acts on it inside its next frame, after integrating its particles and before it emits,
 * publishes and releases its arena lanes: mid-frame, holding lanes and cached pool slots.
 */
export const C_KILL = 13;
/** How the worker named in {@link C_KILL} goes: {@link KILL_PARK} or {@link KILL_CRASH}. */
export const C_KILL_MODE = 14;
/** Worker w + 1 once it is parked mid-frame for a {@link KILL_PARK} request (the page then terminates it). */
export const C_PARKED = 15;
/** Kill mode: the worker hangs mid-frame in `Atomics.wait` (a hung worker) until the page terminates it. */
export const KILL_PARK = 1;
/** Kill mode: the worker throws mid-frame, uncaught (a crashed worker: the page sees its `error` event). */
export const KILL_CRASH = 2;
/** Per simulation worker w: base of {@link WORKER_WORDS} words ({@link W_OUT0} …). */
export const C_WORKER = 16;
/** Words per worker entry. */
export const WORKER_WORDS = 16;
/** Worker word: byte offset of its frame data for even frames. */
export const W_OUT0 = 0;
/** Worker word: particles written for even frames. */
export const W_COUNT0 = 1;
/** Worker word: byte offset of its frame data for odd frames. */
export const W_OUT1 = 2;
/** Worker word: particles written for odd frames. */
export const W_COUNT1 = 3;
/** Worker word: simulation time of its last frame, µs. */
export const W_SIM_US = 4;
/** Worker word: GCs its sentinel saw (a lower bound: see the sim worker). */
export const W_GC = 5;
/** Worker word: live particles it owns. */
export const W_LIVE = 6;
/** Worker word: frame-arena bytes it used in its last frame. */
export const W_ARENA_BYTES = 7;
/** Worker word: the last frame this share was simulated (−1: none yet); the clock waits for it. */
export const W_DONE = 8;
/**
 * Worker word: the first frame the clock counts this share's worker in. A replacement worker
 * waits with frames before it (the page stores {@link JOIN_NEVER} while none is ready).
 */
export const W_JOIN_AT = 9;
/** {@link W_JOIN_AT} while the share has no worker the clock waits for. */
export const JOIN_NEVER = 0x7fffffff;
/** Int32 words of the control block. */
/**
 * When the clock last published {@link C_RENDER_GO}: ms since the page's `performance.timeOrigin`,
 * rounded, stored before the frame. A render wait that times out with a new frame waiting counts
 * in {@link C_RENDER_RESCUED} only when the frame was published well before the timeout was due (a
 * notify lost), not when it was published as the wait timed out (a slow frame on a loaded machine).
 */
export const C_RENDER_GO_AT = C_WORKER + MAX_SIM_WORKERS * WORKER_WORDS;
/** Words of the control block. */
export const CONTROL_WORDS = C_RENDER_GO_AT + 1;

/** Index of worker `w`'s word `k` in the control block. */
export function wordOf(w: number, k: number): number {
  return C_WORKER + w * WORKER_WORDS + k;
}

/** The slots worker `w` of `workers` owns, out of `particles`: an even split, the remainder to worker 0. */
export function partitionOf(particles: number, workers: number, w: number): number {
  const base = Math.floor(particles / workers);
  return w === 0 ? particles - base * (workers - 1) : base;
}

/** The page's settings, from the URL query and the controls. */
export interface DemoSettings {
  /** Pool capacity: most live particles. */
  readonly particles: number;
  /** Simulation workers, 1 to {@link MAX_SIM_WORKERS}. */
  readonly workers: number;
  /** Emitter rate, particles per second. */
  readonly rate: number;
  /** {@link MODE_ARENA} or {@link MODE_PLAIN}. */
  readonly mode: number;
  /** Seed of every worker's PRNG (worker w uses seed + w). */
  readonly seed: number;
  /** Stop the clock after this frame (0: never); for stable screenshots. */
  readonly stopAt: number;
}

function intParam(q: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = q.get(name);
  const n = raw === null ? fallback : Number(raw);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.round(n))) : fallback;
}

/**
 * Reads the settings from a query string: `?particles=100000&workers=2&rate=30000&mode=arena|plain&seed=1&stopAt=0`.
 * @param search - `location.search`.
 * @param defaultWorkers - workers when the query does not say.
 * @returns the settings, clamped to their ranges.
 */
export function readSettings(search: string, defaultWorkers: number): DemoSettings {
  const q = new URLSearchParams(search);
  return {
    particles: intParam(q, 'particles', 100_000, 1000, 1_000_000),
    workers: intParam(q, 'workers', defaultWorkers, 1, MAX_SIM_WORKERS),
    rate: intParam(q, 'rate', 30_000, 0, 1_000_000),
    mode: q.get('mode') === 'plain' ? MODE_PLAIN : MODE_ARENA,
    seed: intParam(q, 'seed', 1, 0, 0x7fffffff),
    stopAt: intParam(q, 'stopAt', 0, 0, 1 << 30),
  };
}

/** Page → simulation worker: attach and run as worker `index`. */
export interface SimInit {
  /** Message tag. */
  readonly type: 'init';
  /** What `memory.share()` returned. */
  readonly memory: SharedMemoryInit;
  /** Byte offset of the control block. */
  readonly control: number;
  /** This worker's index, 0-based. */
  readonly index: number;
  /** The settings of the run. */
  readonly settings: DemoSettings;
  /**
   * Thread ids whose live pool slots this worker adopts: those of the dead worker it replaces
   * (empty for a first worker, which fills its share with new particles).
   */
  readonly adopt: readonly number[];
  /** 0 for the run's first worker of this share, then 1, 2 … for each replacement (varies the PRNG seed). */
  readonly generation: number;
}

/** Page → render worker: attach, and draw into this canvas. */
export interface RenderInit {
  /** Message tag. */
  readonly type: 'init';
  /** What `memory.share()` returned. */
  readonly memory: SharedMemoryInit;
  /** Byte offset of the control block. */
  readonly control: number;
  /** The canvas, transferred. */
  readonly canvas: OffscreenCanvas;
  /** Simulation workers whose frame data the renderer draws. */
  readonly workers: number;
  /** The page's `performance.timeOrigin`, to read {@link C_RENDER_GO_AT} on the worker's clock. */
  readonly timeOrigin: number;
}

/** Worker → page. */
export type WorkerReport =
  | { readonly type: 'ready'; readonly threadId: number; readonly detail: string; readonly adopted?: number }
  | { readonly type: 'error'; readonly message: string };
