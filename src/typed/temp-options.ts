/**
 * What the temporaries rings offer and how they are sized: kinds, options, defaults, stats
 * shapes, and the sizing arithmetic shared with the config.
 * @module
 */
import type { FrameArena } from '../allocators/arena/frame-arena.ts';

/**
 * The temporaries a {@link nebula-memory/typed!TempRings} hands out, and their float32 element counts: vec2 2,
 * vec3 3, vec4 4, quat 4, mat3 9, mat4 16.
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * const k: TempKind = 'mat4';
 * ```
 */
export type TempKind = 'vec2' | 'vec3' | 'vec4' | 'quat' | 'mat3' | 'mat4';

/**
 * Options of {@link createTemps}: views per ring, and how the rings behave.
 *
 * Thread-safety: a plain data shape; any worker.
 * @example
 * ```ts
 * const opts: TempOptions = { vec3: 4096, mat4: 256, onExhausted: 'throw' };
 * ```
 */
export interface TempOptions {
  /** Views of each kind guaranteed per frame (the ring holds `step` more). @defaultValue 256 */
  readonly vec2?: number;
  /** Views per frame. @defaultValue 1024 */
  readonly vec3?: number;
  /** Views per frame. @defaultValue 256 */
  readonly vec4?: number;
  /** Views per frame. @defaultValue 256 */
  readonly quat?: number;
  /** Views per frame. @defaultValue 64 */
  readonly mat3?: number;
  /** Views per frame. @defaultValue 128 */
  readonly mat4?: number;
  /**
   * Name of the frames-0 arena region created for the rings (one per thread: a worker picks its
   * own, like `'tmp.w1'`). Growth adds regions named `<name>.<kind>.<n>`. @defaultValue 'tmp'
   */
  readonly name?: string;
  /** Carve the rings from this arena instead. It MUST have `frames: 0` (nothing recycles it). */
  readonly arena?: FrameArena;
  /**
   * `'frame'`: the rings start over with `memory.frame` (checked every `step` views, see the
   * module notes). `'manual'`: only {@link TempRings.reset} starts them over; for a worker whose
   * unit of work may span a frame change. @defaultValue 'frame'
   */
  readonly reset?: 'frame' | 'manual';
  /**
   * `'throw'`: a `TEMP_RING_EXHAUSTED` error. `'grow'`: add a block as large as the ring (a new
   * region and new views, once; counted in `stats().growths`). @defaultValue 'throw'
   */
  readonly onExhausted?: 'throw' | 'grow';
  /** Fill views with NaN once they are known dead (at resets and frame checks), so a view kept too long reads NaN. @defaultValue false */
  readonly poison?: boolean;
}

/**
 * Views per ring when {@link TempOptions} does not say.
 *
 * Thread-safety: a frozen constant; any worker.
 * @example
 * ```ts
 * console.log(DEFAULT_TEMPS.vec3); // 1024
 * ```
 */
export const DEFAULT_TEMPS: Readonly<Record<TempKind, number>> = Object.freeze({ vec2: 256, vec3: 1024, vec4: 256, quat: 256, mat3: 64, mat4: 128 });

/** Float32 elements of each kind. @internal */
export const FLOATS: Readonly<Record<TempKind, number>> = { vec2: 2, vec3: 3, vec4: 4, quat: 4, mat3: 9, mat4: 16 };
/** The kinds, in ring order. @internal */
export const KINDS: readonly TempKind[] = ['vec2', 'vec3', 'vec4', 'quat', 'mat3', 'mat4'];
/** Most views per ring. @internal */
export const MAX_VIEWS = 1 << 20;

/**
 * Per-ring use, in {@link TempStats}.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * const s: TempRingStats = tmp.stats().rings.vec3;
 * ```
 */
export interface TempRingStats {
  /** Views guaranteed per frame (as asked, plus growth). */
  readonly capacity: number;
  /** Views in the ring: capacity + step. */
  readonly views: number;
  /** Views between two frame checks. */
  readonly step: number;
  /** Views that may be live in this frame (counted from the frame's conservative start). */
  readonly used: number;
  /** Most views live in one frame, as seen at frame checks and resets. */
  readonly peak: number;
}

/**
 * A frozen snapshot of a {@link nebula-memory/typed!TempRings}.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * console.table(tmp.stats().rings);
 * ```
 */
export interface TempStats {
  /** The rings' region name. */
  readonly name: string;
  /** Explicit resets so far. */
  readonly resets: number;
  /** Blocks added by `onExhausted: 'grow'`. */
  readonly growths: number;
  /** Each ring's use. */
  readonly rings: Readonly<Record<TempKind, TempRingStats>>;
}

/** Capacity of the frames-0 arena {@link createTemps} makes for `options`. @internal */
export function tempsBytes(options: TempOptions): number {
  let sum = 0;
  for (const k of KINDS) {
    const n = options[k] ?? DEFAULT_TEMPS[k];
    if (n > 0) sum += ((n + tempStep(n)) * FLOATS[k] * 4 + 15) & -16;
  }
  return Math.max(64, sum);
}

/** Views between two frame checks for a ring of `n` views per frame: clamp(n / 4, 16, 256). @internal */
export function tempStep(n: number): number {
  return Math.min(256, Math.max(16, n >> 2));
}
