/**
 * View rings: gl-matrix temporaries (vec2, vec3, vec4, quat, mat3, mat4) backed by the shared
 * buffer, each a `Float32Array` built once. `tmp.vec3()` hands out the next view; the rings
 * start over with the frame (or at `reset()`), and an exhausted ring is an error or a
 * documented growth, never a silent reuse within a frame.
 *
 * How the frame is followed without a per-call check: each ring is circular and checks
 * `memory.frame` every `step` views (its slow path). When the frame changed, every view from the
 * previous check on may belong to the new frame, so the new frame's first view is taken to be the
 * one at the previous check (conservative, at most `step` early). A ring of `n + step` views
 * therefore holds at least `n` views of every frame, and never hands out a view of the current
 * frame twice.
 * @module
 */
import { memoryError, typeName } from '../errors.ts';
import { G_FRAME } from '../memory/layout.ts';
import type { Memory } from '../runtime/memory.ts';
import { typedError } from './errors.ts';
import {
  DEFAULT_TEMPS, FLOATS, KINDS, MAX_VIEWS, tempStep, tempsBytes, type TempKind, type TempOptions, type TempRingStats, type TempStats,
} from './temp-options.ts';

/** Cold state of one ring; the hot index and limit live in flat fields of {@link TempRings}. */
class Ring {
  /** Completed laps: the absolute position of index i is `lap * views.length + i`. */
  lap = 0;
  /** Absolute position of the first view that may be live in this frame. */
  start = 0;
  /** Absolute position of the last frame check. */
  check = 0;
  /** The most views live in one frame so far. */
  peak = 0;
  /**
   * @param kind - the ring's view type.
   * @param views - its pre-built views.
   * @param capacity - views usable per frame.
   * @param step - views between frame checks.
   * @param frame - the frame of the last check.
   */
  constructor(readonly kind: TempKind, public views: Float32Array[], public capacity: number, readonly step: number, public frame: number) {}
}

/**
 * Rings of pre-built `Float32Array` views over the shared buffer, for gl-matrix temporaries:
 * `vec3.add(tmp.vec3(), a, b)`. Each call returns the next view of its ring, holding whatever the
 * last user wrote (write before you read). Make it with {@link createTemps}.
 *
 * **Safety:** a view is valid until its ring starts over: the next frame (`reset: 'frame'`) or
 * `reset()`. The same object is handed out again after that. Wrong: keeping `const up =
 * tmp.vec3()` in a field and reading it next frame; copy the value into your own storage (a struct
 * field, a pool slot) instead.
 *
 * Thread-safety: owner thread (views are per-thread objects; each worker makes its own rings).
 * @example
 * ```ts
 * const tmp = createTemps(memory, { vec3: 4096, mat4: 256 });
 * const d = vec3.sub(tmp.vec3(), target, eye);
 * const mvp = mat4.multiply(tmp.mat4(), proj, view);
 * memory.advance(); // the rings start over
 * ```
 */
export class TempRings {
  /** The region the rings live in. */
  declare readonly name: string;
  private declare readonly memory: Memory;
  private declare readonly grow: boolean;
  private declare readonly poison: boolean;
  private declare readonly clock: Int32Array;
  private declare readonly rings: readonly Ring[];
  private resets = 0;
  private growths = 0;
  // hot state, one set per kind: next index, limit (the next frame check or the frame's end), views
  private n0 = 0; private l0 = 0; private v0: Float32Array[] = [];
  private n1 = 0; private l1 = 0; private v1: Float32Array[] = [];
  private n2 = 0; private l2 = 0; private v2: Float32Array[] = [];
  private n3 = 0; private l3 = 0; private v3: Float32Array[] = [];
  private n4 = 0; private l4 = 0; private v4: Float32Array[] = [];
  private n5 = 0; private l5 = 0; private v5: Float32Array[] = [];

  /** @internal Use {@link createTemps}. */
  constructor(memory: Memory, name: string, views: readonly Float32Array[][], counts: readonly number[], o: TempOptions) {
    this.memory = memory;
    this.name = name;
    this.grow = o.onExhausted === 'grow';
    this.poison = o.poison === true;
    // 'manual' reads a private word that never changes
    this.clock = o.reset === 'manual' ? new Int32Array(new ArrayBuffer(4 * (G_FRAME + 1))) : memory.i32;
    const frame = this.clock[G_FRAME];
    this.rings = KINDS.map((k, j) => new Ring(k, views[j], counts[j], o.reset === 'manual' ? Math.max(1, views[j].length) : views[j].length - counts[j], frame));
    for (let k = 0; k < KINDS.length; k++) this.setHot(k, 0, this.limit(this.rings[k], 0));
  }

  /** A vec2 temporary (2 floats). Thread-safety: owner thread. @throws {@link nebula-memory!MemoryError} `TEMP_RING_EXHAUSTED`. @example `vec2.add(tmp.vec2(), a, b)` */
  vec2(): Float32Array {
    const i = this.n0;
    if (i < this.l0) { this.n0 = i + 1; return this.v0[i]; }
    return this.slow(0, i);
  }

  /**
   * The next vec3 temporary (3 floats): as cheap as a bump allocation (an index compared with a
   * limit), no garbage.
   *
   * Thread-safety: owner thread.
   * @throws {@link nebula-memory!MemoryError} `TEMP_RING_EXHAUSTED` when the ring's views are all live this
   * frame (unless `onExhausted: 'grow'`).
   * @example
   * ```ts
   * const v = vec3.scale(tmp.vec3(), velocity, dt);
   * ```
   */
  vec3(): Float32Array {
    const i = this.n1;
    if (i < this.l1) { this.n1 = i + 1; return this.v1[i]; }
    return this.slow(1, i);
  }

  /** A vec4 temporary. Thread-safety: owner thread. @throws {@link nebula-memory!MemoryError} `TEMP_RING_EXHAUSTED`. @example `vec4.transformMat4(tmp.vec4(), p, m)` */
  vec4(): Float32Array {
    const i = this.n2;
    if (i < this.l2) { this.n2 = i + 1; return this.v2[i]; }
    return this.slow(2, i);
  }

  /** A quat temporary. Thread-safety: owner thread. @throws {@link nebula-memory!MemoryError} `TEMP_RING_EXHAUSTED`. @example `quat.multiply(tmp.quat(), a, b)` */
  quat(): Float32Array {
    const i = this.n3;
    if (i < this.l3) { this.n3 = i + 1; return this.v3[i]; }
    return this.slow(3, i);
  }

  /** A mat3 temporary (9 floats). Thread-safety: owner thread. @throws {@link nebula-memory!MemoryError} `TEMP_RING_EXHAUSTED`. @example `mat3.normalFromMat4(tmp.mat3(), model)` */
  mat3(): Float32Array {
    const i = this.n4;
    if (i < this.l4) { this.n4 = i + 1; return this.v4[i]; }
    return this.slow(4, i);
  }

  /** A mat4 temporary (16 floats). Thread-safety: owner thread. @throws {@link nebula-memory!MemoryError} `TEMP_RING_EXHAUSTED`. @example `mat4.multiply(tmp.mat4(), proj, view)` */
  mat4(): Float32Array {
    const i = this.n5;
    if (i < this.l5) { this.n5 = i + 1; return this.v5[i]; }
    return this.slow(5, i);
  }

  private next(k: number): number {
    return k === 0 ? this.n0 : k === 1 ? this.n1 : k === 2 ? this.n2 : k === 3 ? this.n3 : k === 4 ? this.n4 : this.n5;
  }

  private setHot(k: number, n: number, lim: number): void {
    const v = this.rings[k].views;
    if (k === 0) { this.n0 = n; this.l0 = lim; this.v0 = v; } else if (k === 1) { this.n1 = n; this.l1 = lim; this.v1 = v; }
    else if (k === 2) { this.n2 = n; this.l2 = lim; this.v2 = v; } else if (k === 3) { this.n3 = n; this.l3 = lim; this.v3 = v; }
    else if (k === 4) { this.n4 = n; this.l4 = lim; this.v4 = v; } else { this.n5 = n; this.l5 = lim; this.v5 = v; }
  }

  /** The hot limit at index i: the next frame check, the end of the array, or the frame's first view. */
  private limit(r: Ring, i: number): number {
    const len = r.views.length;
    return Math.min(len, i + r.step, i + r.start + len - (r.lap * len + i));
  }

  /** A frame check: follow the frame, wrap, and grow or throw when every view is live. */
  private slow(k: number, index: number): Float32Array {
    const r = this.rings[k];
    let i = index;
    if (i === r.views.length && i > 0) { r.lap++; i = 0; }
    const pos = r.lap * r.views.length + i;
    const f = this.clock[G_FRAME];
    if (f !== r.frame) {
      if (this.poison) poison(r, r.start, r.check);
      r.start = r.check; // the new frame's first view is at or after the previous check
      r.frame = f;
    }
    r.check = pos;
    if (pos - r.start > r.peak) r.peak = pos - r.start;
    if (pos - r.start >= r.views.length) {
      // every view is live: commit the wrap first (the next call checks again from here), so a
      // throw below, TEMP_RING_EXHAUSTED or a growth that failed (OUT_OF_MEMORY, ...), leaves the
      // ring consistent, and the next frame starts over as after any exhaustion
      this.setHot(k, i, i);
      if (!this.grow) this.exhausted(r);
      i = this.growRing(r); // changes the ring only once its new block exists
    }
    this.setHot(k, i + 1, this.limit(r, i));
    return r.views[i];
  }

  private exhausted(r: Ring): never {
    const n = r.capacity;
    throw typedError('TEMP_RING_EXHAUSTED', `${r.kind}(): all ${r.views.length} views of the ring are in use this frame (${n} guaranteed per frame)`, {
      allocator: `temps "${this.name}"`, request: { kind: r.kind },
      state: { capacity: n, views: r.views.length, frame: this.memory.frame, resets: this.resets },
      suggestion: `raise ${r.kind} to at least ${Math.max(2 * n, 16)} in createTemps() (or the config's temps), reset() more often, or pass onExhausted: 'grow'.`,
    });
  }

  /**
   * Rotates the live views to the front, appends as many new ones, and returns the next index.
   * Creating the block may throw (`OUT_OF_MEMORY`, `REGION_TABLE_FULL`); the ring is then unchanged.
   */
  private growRing(r: Ring): number {
    const len = r.views.length;
    const add = Math.max(len, 16);
    const floats = FLOATS[r.kind];
    const arena = this.memory.createArena(`${this.name}.${r.kind}.${this.growths + 1}`, { capacity: add * floats * 4, frames: 0 });
    const base = arena.alloc(add * floats * 4, 16);
    const from = len === 0 ? 0 : r.start % len;
    const views = [...r.views.slice(from), ...r.views.slice(0, from)];
    for (let s = 0; s < add; s++) views.push(new Float32Array(this.memory.buffer, base + s * floats * 4, floats));
    r.views = views;
    r.capacity += add;
    r.lap = 0;
    r.start = 0;
    r.check = len;
    this.growths++;
    return len;
  }

  /**
   * Starts every ring over now. With `reset: 'frame'` the rings follow `memory.frame` by
   * themselves; with `reset: 'manual'` call this at the start of each unit of work.
   *
   * **Safety:** every view handed out before may be handed out again. Wrong: `const a =
   * tmp.vec3(); tmp.reset(); use(a, tmp.vec3())`: after enough calls `a` comes back as a new
   * temporary and is overwritten.
   *
   * Thread-safety: owner thread.
   * @example
   * ```ts
   * self.onmessage = () => { tmp.reset(); simulate(); };
   * ```
   */
  reset(): void {
    for (let k = 0; k < KINDS.length; k++) {
      const r = this.rings[k];
      const i = this.next(k);
      const pos = r.lap * r.views.length + i;
      if (pos - r.start > r.peak) r.peak = pos - r.start;
      if (this.poison) poison(r, r.start, pos);
      r.start = r.check = pos;
      r.frame = this.clock[G_FRAME];
      this.setHot(k, i, this.limit(r, i));
    }
    this.resets++;
  }

  /**
   * A frozen snapshot of the rings' use (a new object: not for the frame path).
   *
   * Thread-safety: owner thread.
   * @example
   * ```ts
   * if (tmp.stats().rings.vec3.peak > 3000) console.warn('vec3 ring nearly full');
   * ```
   */
  stats(): TempStats {
    const rings = {} as Record<TempKind, TempRingStats>;
    this.rings.forEach((r, k) => {
      const used = r.lap * r.views.length + this.next(k) - r.start;
      rings[r.kind] = Object.freeze({ capacity: r.capacity, views: r.views.length, step: r.step, used, peak: Math.max(r.peak, used) });
    });
    return Object.freeze({ name: this.name, resets: this.resets, growths: this.growths, rings: Object.freeze(rings) });
  }
}

/** Fills the views at absolute positions [from, to) with NaN. */
function poison(r: Ring, from: number, to: number): void {
  const len = r.views.length;
  for (let p = Math.max(from, to - len); p < to; p++) r.views[p % len].fill(Number.NaN);
}

function badOption(name: string, what: string, value: unknown, fix: string): never {
  throw memoryError('INVALID_OPTION', `createTemps option ${what} is invalid`, { allocator: `temps "${name}"`, request: { [what]: value }, state: {}, suggestion: fix });
}

/**
 * Makes the view rings: one block of the shared buffer per kind, and one `Float32Array` view per
 * slot, all built here, once. A ring of `n` views per frame holds `n + step` views, `step` =
 * clamp(n / 4, 16, 256). By default a frames-0 arena named `options.name` holds them.
 *
 * Thread-safety: any worker; the result belongs to the calling thread.
 * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` for a bad count, a frame-clocked `arena`, or
 * options that are not an object (`null`);
 * `REGION_EXISTS`, `OUT_OF_MEMORY`, `ARENA_EXHAUSTED` when the block does not fit.
 * @see {@link frameScope}, which runs a frame and advances the clock, so the rings start over.
 * @see {@link memoryScope} for scratch memory freed at the end of a function, not a frame.
 * @see {@link nebula-memory!memoryConfig | memoryConfig}: `.temps({ ... })` makes the creating thread's rings in {@link nebula-memory!createFromConfig | createFromConfig}.
 * @example
 * ```ts
 * const tmp = createTemps(memory, { vec3: 4096, mat4: 256 });
 * vec3.add(tmp.vec3(), a, b);
 * ```
 */
export function createTemps(memory: Memory, options: TempOptions = {}): TempRings {
  if (typeof options !== 'object' || (options as unknown) === null) badOption('tmp', 'options', typeName(options), 'pass an object such as { vec3: 4096 }, or nothing for the defaults.');
  const name = options.name ?? options.arena?.name ?? 'tmp';
  const counts = KINDS.map((k) => {
    const n = options[k] ?? DEFAULT_TEMPS[k];
    if (!Number.isInteger(n) || n < 0 || n > MAX_VIEWS) badOption(name, k, n, `use a whole number of views from 0 to ${MAX_VIEWS}.`);
    return n;
  });
  const reset: unknown = options.reset ?? 'frame'; // checked for JavaScript callers
  const onExhausted: unknown = options.onExhausted ?? 'throw';
  if (reset !== 'frame' && reset !== 'manual') badOption(name, 'reset', reset, "use 'frame' or 'manual'.");
  if (onExhausted !== 'throw' && onExhausted !== 'grow') badOption(name, 'onExhausted', onExhausted, "use 'throw' or 'grow'.");
  const total = counts.map((n) => (n === 0 ? 0 : n + tempStep(n)));
  const bytes = KINDS.map((k, j) => (total[j] * FLOATS[k] * 4 + 15) & -16);
  let arena = options.arena;
  if (arena === undefined) arena = memory.createArena(name, { capacity: tempsBytes(options), frames: 0 });
  else if (arena.frames !== 0) badOption(name, 'arena', `arena "${arena.name}" with frames: ${arena.frames}`, 'pass an arena created with frames: 0, or no arena (createTemps makes one).');
  const views = KINDS.map((k, j) => {
    const ring: Float32Array[] = [];
    if (total[j] > 0) {
      const base = arena.alloc(bytes[j], 16);
      for (let s = 0; s < total[j]; s++) ring.push(new Float32Array(memory.buffer, base + s * FLOATS[k] * 4, FLOATS[k]));
    }
    return ring;
  });
  return new TempRings(memory, name, views, counts, options);
}
