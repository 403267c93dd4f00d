/**
 * The fountain: one simulation worker's share of the particles. Particles live in slots of the
 * pool `particles`; each frame the fountain integrates its own particles, writes what the renderer
 * needs (x, y, z, age) into a block of the arena `draw` (frames: 2), so the render worker can read
 * frame N − 1 while this writes frame N, and emits new particles. A particle that dies while the
 * emitter owes births is reborn in its own slot; otherwise its slot is freed, and births beyond
 * the deaths take new slots (`pool.tryAlloc`).
 *
 * Two ways to do the same physics:
 * - arena mode: four vec3 temporaries per particle, each a `frame.alloc(12, 4)` offset into the
 *   frame arena `frame`, read and written through `memory.f32`. Nothing is allocated on the JS heap.
 * - plain JS mode: the usual gl-matrix code, `vec3.fromValues`/`vec3.create()` temporaries and a
 *   state object per particle. Every frame makes about 800 bytes of garbage per particle.
 *
 * The fountain runs in a simulation worker, or on the page itself in single-thread fallback.
 * @module
 */
import { vec3 } from 'gl-matrix';
import type { FrameArena, Memory, Pool } from '../../src/index.ts';
import {
  BOUNCE, C_MODE, C_RATE, DT, GRAVITY, MODE_PLAIN, NEG_DRAG, OUT_FLOATS, SLOT_FLOATS, TEMPS_PER_PARTICLE, W_ARENA_BYTES,
  W_COUNT0, W_LIVE, W_OUT0, W_SIM_US, partitionOf, wordOf,
} from './protocol.ts';
import { Mulberry32 } from './rng.ts';

/** One particle as plain JS code keeps it: gl-matrix vectors in an object. */
interface PlainParticle {
  readonly pos: vec3;
  readonly vel: vec3;
  readonly life: number;
}

/** Particles per call of the arena-mode update. */
const CHUNK = 4096;

/** Bytes of the arena `frame` that `particles` particles need per frame, with room for lane tails. */
export function frameArenaBytes(particles: number, workers: number): number {
  return particles * TEMPS_PER_PARTICLE * 12 + workers * 2 * FRAME_LANE_BYTES + (64 << 10);
}

/**
 * Lane size of the arena `frame`: a worker leases 1 MiB of the shared cursor at once, so 100,000
 * particles' temporaries (4.8 MB) take 5 leases a frame, not 75 of the default 64 KiB.
 */
export const FRAME_LANE_BYTES = 1 << 20;

/** Bytes of the arena `draw` per frame. */
export function drawArenaBytes(particles: number, workers: number): number {
  return particles * OUT_FLOATS * 4 + workers * (64 << 10) + (64 << 10);
}

/** Bytes of a memory for `particles` particles: pool slots and bookkeeping, both arenas (×frames), control and slack. */
export function memoryBytes(particles: number, workers: number): number {
  const bytes = particles * (SLOT_FLOATS * 4 + 16) + frameArenaBytes(particles, workers) + 2 * drawArenaBytes(particles, workers) + (4 << 20);
  return Math.ceil(bytes / 65536) * 65536;
}

/** One worker's particles: a partition of the pool's capacity. */
export class Fountain {
  private readonly memory: Memory;
  private readonly pool: Pool;
  private readonly frame: FrameArena;
  private readonly draw: FrameArena;
  private readonly ctl: number;
  private readonly index: number;
  private readonly capacity: number;
  private readonly rng: Mulberry32;
  /** Handles of this worker's live particles, and each one's f32 index (slot offset / 4). */
  private readonly handles: Int32Array;
  private readonly at: Int32Array;
  private live = 0;
  /** Where {@link Fountain.arenaChunk} goes on: the next particle and the next float of frame data. */
  private chunkK = 0;
  private chunkO = 0;
  /** Births the emitter still owes in the current frame. */
  private births = 0;
  /** Fractional particles owed by the emitter (a Float64Array: a double field would be a boxed number in unoptimized code). */
  private readonly owed = new Float64Array(1);
  private readonly workers: number;
  /** Particles taken over from a dead worker of this share (see {@link Fountain.adoptFrom}). */
  readonly adopted: number;
  /**
   * Called once per frame in the middle of {@link Fountain.step}: after the particles are
   * integrated, before births, the frame data's publication and the lanes' release. The "kill a
   * worker" control stops a worker here, holding its arena lanes and cached pool slots.
   */
  midFrame: ((frameNo: number) => void) | null = null;

  /**
   * Looks the allocators up by name. A first worker fills its partition with particles of every
   * age, so the fountain is in its steady state from the first frame; a replacement adopts the
   * live particles its dead predecessor left in the pool.
   * @param memory - this thread's memory.
   * @param control - byte offset of the control block.
   * @param index - this worker's index.
   * @param particles - the pool's capacity (all workers).
   * @param workers - simulation workers.
   * @param seed - the run's seed; this worker uses `seed + index`.
   * @param adopt - thread ids whose live slots to adopt (a dead worker of this share); empty: fill with new particles.
   */
  constructor(memory: Memory, control: number, index: number, particles: number, workers: number, seed: number, adopt: readonly number[] = []) {
    this.memory = memory;
    this.pool = memory.pool('particles');
    this.frame = memory.arena('frame');
    this.draw = memory.arena('draw');
    this.ctl = control >> 2;
    this.index = index;
    this.workers = workers;
    this.capacity = partitionOf(particles, workers, index);
    this.rng = new Mulberry32(seed + index);
    this.handles = new Int32Array(this.capacity);
    this.at = new Int32Array(this.capacity);
    if (adopt.length > 0) this.adopted = this.adoptFrom(adopt);
    else {
      this.adopted = 0;
      for (let k = 0; k < this.capacity; k++) this.emit(this.rng.next());
    }
  }

  /**
   * Takes over the live slots that threads `ids` allocated: the particles of a dead worker of
   * this share. The pool tags every slot with the thread that allocated it (`pool.leaks()` lists
   * it), and a reclaimed thread's slots stay live under its id, so they are found where they
   * are and simulated on from their last state. Beyond this share's capacity (never, in this
   * demo), a slot is freed. Cold: once, when a replacement starts.
   * @returns particles adopted.
   */
  private adoptFrom(ids: readonly number[]): number {
    for (const e of this.pool.leaks({ limit: Infinity }).entries) {
      if (!ids.includes(e.thread)) continue;
      if (this.live === this.capacity) {
        this.pool.free(e.handle);
        continue;
      }
      this.handles[this.live] = e.handle;
      this.at[this.live] = e.offset >> 2;
      this.live++;
    }
    return this.live;
  }

  /** Emits one particle at age `age` of its life (0: just born) into a new pool slot; none when the pool is full. */
  private emit(age: number): void {
    const h = this.pool.tryAlloc();
    if (h === 0) return;
    const p = this.pool.offsetOf(h) >> 2;
    this.spawnAt(p, age);
    this.handles[this.live] = h;
    this.at[this.live] = p;
    this.live++;
  }

  /** Writes a new particle at age `age` of its life into the slot at f32 index `p`, from the fountain's nozzle. */
  private spawnAt(p: number, age: number): void {
    const f32 = this.memory.f32;
    const r = this.rng;
    const angle = r.next() * 2 * Math.PI;
    const spread = 0.6 + 2.4 * r.next();
    const vx = Math.cos(angle) * spread;
    const vy = 11 + 3 * r.next();
    const vz = Math.sin(angle) * spread;
    const maxLife = 2.2 + 1.6 * r.next();
    const t = age * maxLife;
    // where a particle of this age is (ballistic, no drag: only the start of the steady state)
    f32[p] = vx * t;
    f32[p + 1] = Math.max(0, vy * t + 0.5 * GRAVITY * t * t);
    f32[p + 2] = vz * t;
    f32[p + 3] = maxLife - t;
    f32[p + 4] = vx;
    f32[p + 5] = vy + GRAVITY * t;
    f32[p + 6] = vz;
    f32[p + 7] = maxLife;
  }

  /**
   * A particle whose life ended: when the emitter still owes births this frame, a new particle is
   * born in its slot (no free, no alloc); otherwise its slot goes back to the pool.
   * @returns true when the slot was reused (the caller moves on), false when it was freed.
   */
  private retire(k: number): boolean {
    if (this.births > 0) {
      this.births--;
      this.spawnAt(this.at[k], 0);
      return true;
    }
    this.kill(k);
    return false;
  }

  /**
   * Simulates one frame: integrates, frees the dead, emits, writes the frame data, and releases
   * both arenas' lanes so the clock may advance.
   * @param frameNo - the frame being simulated (`memory.frame`).
   * @returns particles written into the frame data.
   */
  step(frameNo: number): number {
    const t0 = performance.now();
    const { memory, draw, frame, ctl } = this;
    const i32 = memory.i32;
    const mode = Atomics.load(i32, ctl + C_MODE);
    const out = draw.alloc(this.capacity * OUT_FLOATS * 4 + 16, 16);
    // the emitter: rate / workers particles per second, at a fixed step. Births take the slots of
    // particles that die this frame first; the rest get new pool slots after the update. (Whole
    // particles: a loop over a double would box it on every turn before the JIT gets here.)
    const owed = this.owed;
    owed[0] += (Atomics.load(i32, ctl + C_RATE) / this.workers) * DT;
    this.births = Math.floor(owed[0]) | 0;
    owed[0] -= this.births;
    const drawn = mode === MODE_PLAIN ? this.integratePlain(out >> 2) : this.integrateArena(out >> 2);
    if (this.midFrame !== null) this.midFrame(frameNo);
    const births = Math.min(this.births, this.capacity - this.live);
    for (let b = 0; b < births; b++) this.emit(0);
    if (this.live === this.capacity) owed[0] = 0; // full: the debt does not pile up
    this.births = 0;
    const arenaBytes = frame.used;
    frame.release();
    draw.release();
    // this worker's counts (allocations, frees, bytes) into the shared buffer, once a frame: the
    // inspector and snapshot() on the page read only published counts
    memory.publishStats();
    const ms = performance.now() - t0;
    const w = this.index;
    const parity = (frameNo & 1) * 2;
    Atomics.store(i32, ctl + wordOf(w, W_OUT0 + parity), out);
    Atomics.store(i32, ctl + wordOf(w, W_COUNT0 + parity), drawn);
    Atomics.store(i32, ctl + wordOf(w, W_SIM_US), Math.round(ms * 1000));
    Atomics.store(i32, ctl + wordOf(w, W_LIVE), this.live);
    Atomics.store(i32, ctl + wordOf(w, W_ARENA_BYTES), arenaBytes);
    return drawn;
  }

  /** Frees particle k (swap-remove from the live list). */
  private kill(k: number): void {
    this.pool.free(this.handles[k]);
    const last = --this.live;
    this.handles[k] = this.handles[last];
    this.at[k] = this.at[last];
  }

  /** Arena mode: temporaries are frame-arena offsets; no JS object is made. */
  private integrateArena(o0: number): number {
    this.chunkK = 0;
    this.chunkO = o0;
    // the frame's temporaries leased before the loop, so no alloc() in it leases (in Firefox a
    // lease inside the optimised loop slows the whole loop: docs/PERFORMANCE.md)
    this.frame.reserve(Math.max(1, this.live * TEMPS_PER_PARTICLE * 12));
    while (this.chunkK < this.live) this.arenaChunk(this.chunkK + CHUNK);
    return (this.chunkO - o0) / OUT_FLOATS;
  }

  /**
   * Particles from `chunkK` up to `limit` (or the end of the live list). A frame is ~25 calls of
   * this, not one long loop: the JIT optimizes it by its call count within a few frames, and any
   * deoptimization costs one chunk in the interpreter (which boxes every float), not a frame.
   */
  private arenaChunk(limit: number): void {
    const f32 = this.memory.f32;
    const frame = this.frame;
    const at = this.at;
    let o = this.chunkO;
    let k = this.chunkK;
    while (k < this.live && k < limit) {
      const p = at[k];
      const life = f32[p + 3] - DT;
      if (life <= 0) {
        if (this.retire(k)) k++;
        continue;
      }
      const v = p + 4;
      const g = frame.alloc(12, 4) >> 2;
      f32[g] = 0;
      f32[g + 1] = GRAVITY;
      f32[g + 2] = 0;
      const a = frame.alloc(12, 4) >> 2; // a = g + v * -drag
      f32[a] = f32[g] + f32[v] * NEG_DRAG;
      f32[a + 1] = f32[g + 1] + f32[v + 1] * NEG_DRAG;
      f32[a + 2] = f32[g + 2] + f32[v + 2] * NEG_DRAG;
      const dv = frame.alloc(12, 4) >> 2; // dv = a * dt
      f32[dv] = f32[a] * DT;
      f32[dv + 1] = f32[a + 1] * DT;
      f32[dv + 2] = f32[a + 2] * DT;
      f32[v] += f32[dv];
      f32[v + 1] += f32[dv + 1];
      f32[v + 2] += f32[dv + 2];
      const dp = frame.alloc(12, 4) >> 2; // dp = v * dt
      f32[dp] = f32[v] * DT;
      f32[dp + 1] = f32[v + 1] * DT;
      f32[dp + 2] = f32[v + 2] * DT;
      f32[p] += f32[dp];
      f32[p + 1] += f32[dp + 1];
      f32[p + 2] += f32[dp + 2];
      if (f32[p + 1] < 0) {
        f32[p + 1] = -f32[p + 1] * BOUNCE;
        f32[v + 1] = -f32[v + 1] * BOUNCE;
      }
      f32[p + 3] = life;
      f32[o] = f32[p];
      f32[o + 1] = f32[p + 1];
      f32[o + 2] = f32[p + 2];
      f32[o + 3] = 1 - life / f32[p + 7];
      o += OUT_FLOATS;
      k++;
    }
    this.chunkK = k;
    this.chunkO = o;
  }

  /** Plain JS mode: gl-matrix temporaries from `vec3.create()` and a state object per particle. */
  private integratePlain(o0: number): number {
    const f32 = this.memory.f32;
    const at = this.at;
    let o = o0;
    let k = 0;
    while (k < this.live) {
      const p = at[k];
      const particle = readParticle(f32, p);
      if (particle.life <= 0) {
        if (this.retire(k)) k++;
        continue;
      }
      const a = vec3.scaleAndAdd(vec3.create(), vec3.fromValues(0, GRAVITY, 0), particle.vel, NEG_DRAG);
      const dv = vec3.scale(vec3.create(), a, DT);
      vec3.add(particle.vel, particle.vel, dv);
      const dp = vec3.scale(vec3.create(), particle.vel, DT);
      vec3.add(particle.pos, particle.pos, dp);
      if (particle.pos[1] < 0) {
        particle.pos[1] = -particle.pos[1] * BOUNCE;
        particle.vel[1] = -particle.vel[1] * BOUNCE;
      }
      writeParticle(f32, p, particle);
      f32[o] = particle.pos[0];
      f32[o + 1] = particle.pos[1];
      f32[o + 2] = particle.pos[2];
      f32[o + 3] = 1 - particle.life / f32[p + 7];
      o += OUT_FLOATS;
      k++;
    }
    return (o - o0) / OUT_FLOATS;
  }
}

/** Plain JS: a slot read into a fresh object with fresh vectors (this is the garbage). */
function readParticle(f32: Float32Array, p: number): PlainParticle {
  return {
    pos: vec3.fromValues(f32[p], f32[p + 1], f32[p + 2]),
    vel: vec3.fromValues(f32[p + 4], f32[p + 5], f32[p + 6]),
    life: f32[p + 3] - DT,
  };
}

function writeParticle(f32: Float32Array, p: number, particle: PlainParticle): void {
  f32.set(particle.pos, p);
  f32.set(particle.vel, p + 4);
  f32[p + 3] = particle.life;
}
