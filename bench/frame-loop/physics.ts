/**
 * The frame loop's physics, shared by every variant: constants, the seeded initial state, and
 * the checksum of the final state. Per particle per frame, with 4 vec3 temporaries:
 *
 * ```text
 * g  = (0, GRAVITY, 0)            temporary 1
 * a  = g + v * -DRAG              temporary 2 (drag)
 * dv = a * DT                     temporary 3
 * v  = v + dv                     semi-implicit Euler: velocity first,
 * dp = v * DT                     temporary 4
 * p  = p + dp                     then position with the new velocity
 * if p.y < 0: p.y = -p.y * BOUNCE, v.y = -v.y * BOUNCE    floor bounce
 * ```
 *
 * Every variant stores each intermediate result in float32 in this order (gl-matrix does the
 * same), so all variants end with bit-identical state.
 * @module
 */

/** Seconds per frame. */
export const DT = 1 / 60;
/** Gravity along y, m/s². */
export const GRAVITY = -9.81;
/** Linear drag coefficient, 1/s. */
export const DRAG = 0.1;
/** `-DRAG`, the factor gl-matrix's `scaleAndAdd` gets. */
export const NEG_DRAG = -DRAG;
/** Restitution of the floor bounce. */
export const BOUNCE = 0.8;
/** Floats of one particle in a state snapshot: px, py, pz, vx, vy, vz. */
export const STATE_FLOATS = 6;

/**
 * The initial state of `n` particles, [px, py, pz, vx, vy, vz] each, from a fixed seed:
 * positions in [-50, 50] x [0, 100] x [-50, 50], velocities in [-5, 5]³.
 */
export function initialState(n: number): Float32Array {
  const s = new Float32Array(n * STATE_FLOATS);
  let seed = 0x9e3779b9 | 0;
  const rnd = (): number => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; i < n; i++) {
    const k = i * STATE_FLOATS;
    s[k] = rnd() * 100 - 50;
    s[k + 1] = rnd() * 100;
    s[k + 2] = rnd() * 100 - 50;
    s[k + 3] = rnd() * 10 - 5;
    s[k + 4] = rnd() * 10 - 5;
    s[k + 5] = rnd() * 10 - 5;
  }
  return s;
}

/** The checksum of a state snapshot: the sum of every float, in particle order, in float64. */
export function checksum(state: Float32Array): number {
  let sum = 0;
  for (const x of state) sum += x;
  return sum;
}

/** A 32-bit FNV-1a hash of the snapshot's bits: equal hashes mean (almost surely) bit-identical states. */
export function fingerprint(state: Float32Array): string {
  const u32 = new Uint32Array(state.buffer, state.byteOffset, state.length);
  let h = 0x811c9dc5;
  for (const w of u32) {
    h = Math.imul(h ^ (w & 0xffff), 0x01000193);
    h = Math.imul(h ^ (w >>> 16), 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
