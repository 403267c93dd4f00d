/**
 * The frame-loop variants: the same physics (physics.ts) with the temporaries and the particle
 * state in different places. Each variant's step loop is its own code, so V8's type feedback in
 * one never mixes with another's.
 * @module
 */
import { vec3 } from 'gl-matrix';
import { createMemory, type Memory } from '../../src/index.ts';
import { createTemps } from '../../src/typed/index.ts';
import { BOUNCE, DT, GRAVITY, NEG_DRAG, STATE_FLOATS } from './physics.ts';

/** One variant, set up for `n` particles from an initial state. */
export interface Sim {
  /** Runs one frame: every particle once, then the variant's end of frame. */
  readonly step: () => void;
  /** The state as [px, py, pz, vx, vy, vz] per particle, in particle order. */
  readonly snapshot: () => Float32Array;
  /** Checks the library's invariants after the run; throws when broken. */
  readonly verify: () => void;
}

/** A frame-loop variant. */
export interface FrameLoopVariant {
  readonly id: string;
  readonly label: string;
  /**
   * True when the library build changes this variant's path (the arena: checked alloc, poisoning
   * at advance). The others run once: naive uses no library, and the temps rings have no checks.
   */
  readonly buildMatters: boolean;
  /** Builds the particles from `init` (`n` particles, STATE_FLOATS each). */
  readonly setup: (init: Float32Array, n: number) => Sim;
}

/** Temporaries per particle per frame. */
export const TEMPS_PER_PARTICLE = 4;
/** Particles between two `tmp.reset()` calls in the `temps-chunk` variant. */
export const CHUNK = 1024;

/** A memory big enough for every library variant with `n` particles. */
function memoryFor(n: number): Memory {
  const bytes = n * 160 + (8 << 20); // 32 B pool slot + its bookkeeping + 48 B of temporaries + ring views, with room to spare
  return createMemory({ size: Math.ceil(bytes / 65536) * 65536, shared: true });
}

/** Pool slots of 32 bytes (pos at +0, vel at +16) for `n` particles; returns each one's f32 index, in particle order. */
function poolState(memory: Memory, init: Float32Array, n: number): Int32Array {
  const pool = memory.createPool('particles', { slotSize: 32, align: 16, capacity: n });
  const at = new Int32Array(n);
  const f32 = memory.f32;
  for (let i = 0; i < n; i++) {
    const q = pool.offsetOf(pool.alloc()) >> 2;
    at[i] = q;
    for (let k = 0; k < 3; k++) {
      f32[q + k] = init[i * STATE_FLOATS + k];
      f32[q + 4 + k] = init[i * STATE_FLOATS + 3 + k];
    }
  }
  return at;
}

function poolSnapshot(memory: Memory, at: Int32Array): Float32Array {
  const out = new Float32Array(at.length * STATE_FLOATS);
  const f32 = memory.f32;
  for (let i = 0; i < at.length; i++) {
    for (let k = 0; k < 3; k++) {
      out[i * STATE_FLOATS + k] = f32[at[i] + k];
      out[i * STATE_FLOATS + 3 + k] = f32[at[i] + 4 + k];
    }
  }
  return out;
}

/** Views over each particle's pos and vel in its pool slot, built once. */
function poolViews(memory: Memory, at: Int32Array): { pos: Float32Array[]; vel: Float32Array[] } {
  const pos: Float32Array[] = [];
  const vel: Float32Array[] = [];
  for (const q of at) {
    pos.push(new Float32Array(memory.buffer, q << 2, 3));
    vel.push(new Float32Array(memory.buffer, (q + 4) << 2, 3));
  }
  return { pos, vel };
}

/**
 * The physics of one particle in gl-matrix, on four temporaries from the caller: `g` holds
 * gravity already; `a`, `dv` and `dp` are written before they are read. Shared by the gl-matrix
 * variants, each of which runs alone in its process (so the calls here stay monomorphic).
 */
function integrate(p: vec3, v: vec3, g: vec3, a: vec3, dv: vec3, dp: vec3): void {
  vec3.scaleAndAdd(a, g, v, NEG_DRAG);
  vec3.scale(dv, a, DT);
  vec3.add(v, v, dv);
  vec3.scale(dp, v, DT);
  vec3.add(p, p, dp);
  if (p[1] < 0) {
    p[1] = -p[1] * BOUNCE;
    v[1] = -v[1] * BOUNCE;
  }
}

/** Object particles, gl-matrix temporaries from vec3.fromValues / vec3.create: the GC baseline. */
export const naive: FrameLoopVariant = {
  id: 'naive',
  buildMatters: false,
  label: 'object particles { pos, vel } (gl-matrix vec3s); temporaries vec3.fromValues + 3x vec3.create() per particle (GC)',
  setup: (init, n) => {
    const particles: { readonly pos: vec3; readonly vel: vec3 }[] = [];
    for (let i = 0; i < n; i++) {
      const k = i * STATE_FLOATS;
      particles.push({ pos: vec3.fromValues(init[k], init[k + 1], init[k + 2]), vel: vec3.fromValues(init[k + 3], init[k + 4], init[k + 5]) });
    }
    return {
      step: () => {
        for (let i = 0; i < n; i++) {
          const pt = particles[i];
          integrate(pt.pos, pt.vel, vec3.fromValues(0, GRAVITY, 0), vec3.create(), vec3.create(), vec3.create());
        }
      },
      snapshot: () => {
        const out = new Float32Array(n * STATE_FLOATS);
        particles.forEach((pt, i) => {
          out.set(pt.pos, i * STATE_FLOATS);
          out.set(pt.vel, i * STATE_FLOATS + 3);
        });
        return out;
      },
      verify: () => undefined,
    };
  },
};

/**
 * The naive gl-matrix code, with temporaries from `tmp.vec3()` and the state in pool slots.
 * `chunked` false: a ring with a view for every temporary of the frame, started over by
 * `memory.advance()` alone; true: a ring for CHUNK particles, `tmp.reset()` before each CHUNK.
 */
function tempsVariant(id: string, label: string, chunked: boolean): FrameLoopVariant {
  return {
    id,
    buildMatters: false,
    label,
    setup: (init, n) => {
      const memory = memoryFor(n);
      const at = poolState(memory, init, n);
      const { pos, vel } = poolViews(memory, at);
      const chunk = chunked ? CHUNK : n;
      const tmp = createTemps(memory, { vec3: TEMPS_PER_PARTICLE * chunk, vec2: 0, vec4: 0, quat: 0, mat3: 0, mat4: 0 });
      return {
        step: () => {
          for (let c = 0; c < n; c += chunk) {
            if (chunked) tmp.reset();
            const end = Math.min(n, c + chunk);
            for (let i = c; i < end; i++) {
              integrate(pos[i], vel[i], vec3.set(tmp.vec3(), 0, GRAVITY, 0), tmp.vec3(), tmp.vec3(), tmp.vec3());
            }
          }
          memory.advance();
        },
        snapshot: () => poolSnapshot(memory, at),
        verify: () => {
          memory.checkInvariants();
          const s = tmp.stats();
          if (s.growths !== 0) throw new Error(`temps grew: ${JSON.stringify(s)}`);
        },
      };
    },
  };
}

/** `tmp.vec3()` from a ring as large as the frame's temporaries. */
export const temps = tempsVariant('temps',
  `pool slots (views built once); temporaries tmp.vec3() from createTemps, a ring of ${TEMPS_PER_PARTICLE} x n views; memory.advance() per frame`, false);

/** `tmp.vec3()` from a small ring, started over every CHUNK particles. */
export const tempsChunk = tempsVariant('temps-chunk',
  `as temps, with a ring of ${TEMPS_PER_PARTICLE * CHUNK} views and tmp.reset() every ${CHUNK} particles`, true);

/**
 * A hand-written bump arena: a JS-number cursor field over a block of a SharedArrayBuffer, read
 * and written through `f32`; `reset()` per frame. The reference the `arena` variant is held to.
 */
export class HandArena {
  private cursor: number;
  constructor(readonly f32: Float32Array, private readonly base: number, private readonly end: number) {
    this.cursor = base;
  }

  /** The byte offset of `size` fresh bytes aligned to `align` (a power of two). */
  alloc(size: number, align: number): number {
    const p = (this.cursor + align - 1) & -align;
    const next = p + size;
    if (next > this.end) throw new RangeError(`hand arena: ${size} bytes do not fit`);
    this.cursor = next;
    return p;
  }

  /** Frees the frame's temporaries. */
  reset(): void {
    this.cursor = this.base;
  }
}

/**
 * State in pool slots, read and written through `memory.f32`; temporaries are frame-arena offsets.
 * With `reserve`, each frame starts with `frame.reserve()` of the frame's temporaries, so no
 * `alloc()` in the loop leases (docs/PERFORMANCE.md: what a lease in the loop costs in Firefox).
 */
function arenaVariant(id: string, reserve: boolean): FrameLoopVariant {
  return {
    id,
    buildMatters: true,
    label: `pool slots through memory.f32; temporaries frame.alloc(12, 4) offsets (frames: 1)${reserve ? ' after frame.reserve() of the frame\'s bytes' : ''}; memory.advance() per frame`,
    setup: reserve ? arenaReserveSim : arenaSim,
  };
}

function arenaSim(init: Float32Array, n: number): Sim {
  const memory = memoryFor(n);
  const at = poolState(memory, init, n);
  const bytes = n * TEMPS_PER_PARTICLE * 12;
  const frame = memory.createArena('frame', { capacity: bytes + (64 << 10), frames: 1 });
  const f32 = memory.f32;
  return {
    step: () => {
      for (let i = 0; i < n; i++) {
        const p = at[i];
        const v = p + 4;
        const g = frame.alloc(12, 4) >> 2;
        f32[g] = 0;
        f32[g + 1] = GRAVITY;
        f32[g + 2] = 0;
        const a = frame.alloc(12, 4) >> 2;
        f32[a] = f32[g] + f32[v] * NEG_DRAG;
        f32[a + 1] = f32[g + 1] + f32[v + 1] * NEG_DRAG;
        f32[a + 2] = f32[g + 2] + f32[v + 2] * NEG_DRAG;
        const dv = frame.alloc(12, 4) >> 2;
        f32[dv] = f32[a] * DT;
        f32[dv + 1] = f32[a + 1] * DT;
        f32[dv + 2] = f32[a + 2] * DT;
        f32[v] = f32[v] + f32[dv];
        f32[v + 1] = f32[v + 1] + f32[dv + 1];
        f32[v + 2] = f32[v + 2] + f32[dv + 2];
        const dp = frame.alloc(12, 4) >> 2;
        f32[dp] = f32[v] * DT;
        f32[dp + 1] = f32[v + 1] * DT;
        f32[dp + 2] = f32[v + 2] * DT;
        f32[p] = f32[p] + f32[dp];
        f32[p + 1] = f32[p + 1] + f32[dp + 1];
        f32[p + 2] = f32[p + 2] + f32[dp + 2];
        if (f32[p + 1] < 0) {
          f32[p + 1] = -f32[p + 1] * BOUNCE;
          f32[v + 1] = -f32[v + 1] * BOUNCE;
        }
      }
      memory.advance();
    },
    snapshot: () => poolSnapshot(memory, at),
    verify: () => {
      memory.checkInvariants();
    },
  };
}

/** arenaSim with `frame.reserve()` first: a copy on purpose, so its loop has its own type feedback. */
function arenaReserveSim(init: Float32Array, n: number): Sim {
  const memory = memoryFor(n);
  const at = poolState(memory, init, n);
  const bytes = n * TEMPS_PER_PARTICLE * 12;
  const frame = memory.createArena('frame', { capacity: bytes + (64 << 10), frames: 1 });
  const f32 = memory.f32;
  return {
    step: () => {
      frame.reserve(bytes);
      for (let i = 0; i < n; i++) {
        const p = at[i];
        const v = p + 4;
        const g = frame.alloc(12, 4) >> 2;
        f32[g] = 0;
        f32[g + 1] = GRAVITY;
        f32[g + 2] = 0;
        const a = frame.alloc(12, 4) >> 2;
        f32[a] = f32[g] + f32[v] * NEG_DRAG;
        f32[a + 1] = f32[g + 1] + f32[v + 1] * NEG_DRAG;
        f32[a + 2] = f32[g + 2] + f32[v + 2] * NEG_DRAG;
        const dv = frame.alloc(12, 4) >> 2;
        f32[dv] = f32[a] * DT;
        f32[dv + 1] = f32[a + 1] * DT;
        f32[dv + 2] = f32[a + 2] * DT;
        f32[v] = f32[v] + f32[dv];
        f32[v + 1] = f32[v + 1] + f32[dv + 1];
        f32[v + 2] = f32[v + 2] + f32[dv + 2];
        const dp = frame.alloc(12, 4) >> 2;
        f32[dp] = f32[v] * DT;
        f32[dp + 1] = f32[v + 1] * DT;
        f32[dp + 2] = f32[v + 2] * DT;
        f32[p] = f32[p] + f32[dp];
        f32[p + 1] = f32[p + 1] + f32[dp + 1];
        f32[p + 2] = f32[p + 2] + f32[dp + 2];
        if (f32[p + 1] < 0) {
          f32[p + 1] = -f32[p + 1] * BOUNCE;
          f32[v + 1] = -f32[v + 1] * BOUNCE;
        }
      }
      memory.advance();
    },
    snapshot: () => poolSnapshot(memory, at),
    verify: () => {
      memory.checkInvariants();
    },
  };
}

/** Temporaries from the frame arena, leased as `alloc()` needs them. */
export const arena = arenaVariant('arena', false);
/** The same, with the frame's lane reserved before the loop. */
export const arenaReserve = arenaVariant('arena-reserve', true);

/**
 * As `arena`, with `frame.alloc(12, 4)` replaced by {@link HandArena}'s: the same pool-slot state and
 * the same SharedArrayBuffer (the hand arena bumps over a block of the memory's buffer, reserved
 * once at setup), `hand.reset()` per frame instead of `memory.advance()`.
 */
export const handArena: FrameLoopVariant = {
  id: 'hand-arena',
  buildMatters: false,
  label: 'as arena; temporaries from a hand-written bump arena (JS field cursor) over the same SAB, reset() per frame',
  setup: (init, n) => {
    const memory = memoryFor(n);
    const at = poolState(memory, init, n);
    const bytes = n * TEMPS_PER_PARTICLE * 12 + (64 << 10);
    const base = memory.createArena('hand-block', { capacity: bytes + 64, frames: 0 }).alloc(bytes, 16); // reserved once, never freed
    const frame = new HandArena(memory.f32, base, base + bytes);
    const f32 = frame.f32;
    return {
      step: () => {
        for (let i = 0; i < n; i++) {
          const p = at[i];
          const v = p + 4;
          const g = frame.alloc(12, 4) >> 2;
          f32[g] = 0;
          f32[g + 1] = GRAVITY;
          f32[g + 2] = 0;
          const a = frame.alloc(12, 4) >> 2;
          f32[a] = f32[g] + f32[v] * NEG_DRAG;
          f32[a + 1] = f32[g + 1] + f32[v + 1] * NEG_DRAG;
          f32[a + 2] = f32[g + 2] + f32[v + 2] * NEG_DRAG;
          const dv = frame.alloc(12, 4) >> 2;
          f32[dv] = f32[a] * DT;
          f32[dv + 1] = f32[a + 1] * DT;
          f32[dv + 2] = f32[a + 2] * DT;
          f32[v] = f32[v] + f32[dv];
          f32[v + 1] = f32[v + 1] + f32[dv + 1];
          f32[v + 2] = f32[v + 2] + f32[dv + 2];
          const dp = frame.alloc(12, 4) >> 2;
          f32[dp] = f32[v] * DT;
          f32[dp + 1] = f32[v + 1] * DT;
          f32[dp + 2] = f32[v + 2] * DT;
          f32[p] = f32[p] + f32[dp];
          f32[p + 1] = f32[p + 1] + f32[dp + 1];
          f32[p + 2] = f32[p + 2] + f32[dp + 2];
          if (f32[p + 1] < 0) {
            f32[p + 1] = -f32[p + 1] * BOUNCE;
            f32[v + 1] = -f32[v + 1] * BOUNCE;
          }
        }
        frame.reset();
      },
      snapshot: () => poolSnapshot(memory, at),
      verify: () => {
        memory.checkInvariants();
      },
    };
  },
};

/** Every variant, by id, in the order the table lists them. */
export const VARIANTS: readonly FrameLoopVariant[] = [naive, temps, tempsChunk, arena, arenaReserve, handArena];
