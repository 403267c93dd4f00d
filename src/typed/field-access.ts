/**
 * Field accessors: the element accessors of vector, matrix and array fields (built once per
 * cursor and field), the cursor field types, and one view per element type per buffer.
 * @module
 */
import type { Memory } from '../runtime/memory.ts';
import type { FieldInfo, ScalarType } from './struct.ts';

/**
 * A memory-wide view of one element type, as {@link ElementsAccess.view} holds it.
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * const v: TypedView = memory.f32;
 * ```
 */
export type TypedView = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;
type View = TypedView;
/** One view per element type. @internal */
export type Views = Readonly<Record<ScalarType, View>>;

const VIEWS = new WeakMap<ArrayBufferLike, Views>();

/** One view per element type over the whole buffer, made once per buffer. @internal */
export function viewsOf(memory: Memory): Views {
  let v = VIEWS.get(memory.buffer);
  if (v === undefined) {
    const b = memory.buffer;
    v = Object.freeze({
      i8: new Int8Array(b), u8: memory.u8, i16: new Int16Array(b), u16: new Uint16Array(b),
      i32: memory.i32, u32: memory.u32, f32: memory.f32, f64: memory.f64,
    });
    VIEWS.set(b, v);
  }
  return v;
}

/** log2 of each element size. @internal */
export const SHIFT: Readonly<Record<ScalarType, number>> = { i8: 0, u8: 0, i16: 1, u16: 1, i32: 2, u32: 2, f32: 2, f64: 3 };

/** Cursor position: a byte offset (AoS) or a row (SoA). A symbol, so no field name can clash. */
export const POS: unique symbol = Symbol('cursor position');

/** What every cursor holds; the typed surface is `StructCursor` / `SoaCursor`. @internal */
export interface CursorState {
  [POS]: number;
}

/**
 * The elements of one vector, matrix or array field at the cursor's current position. Built once
 * per field with its cursor; reading `cursor.pos` returns the same object every time.
 *
 * Thread-safety: owner thread (the cursor's).
 * @example
 * ```ts
 * const m = c.model;            // a mat4 field
 * m.copyTo(tmp.mat4());         // 16 floats into a gl-matrix temporary
 * m.set(12, x);                 // translation x
 * ```
 */
export class ElementsAccess {
  /** The memory-wide view of the element type (`memory.f32` for vectors). */
  declare readonly view: TypedView;
  /** Elements of the field. */
  declare readonly length: number;
  private declare readonly owner: CursorState;
  private declare readonly base: number;
  private declare readonly stride: number;
  private declare readonly shift: number;

  /** @internal */
  constructor(owner: object, view: View, f: FieldInfo, base: number, stride: number) {
    this.owner = owner as CursorState;
    this.view = view;
    this.length = f.length;
    this.base = base;
    this.stride = stride;
    this.shift = SHIFT[f.element];
  }

  /** Index of the field's first element in {@link ElementsAccess.view}, at the cursor's position. */
  get index(): number {
    return (this.base + this.owner[POS] * this.stride) >> this.shift;
  }

  /**
   * Element `i`.
   *
   * Thread-safety: owner thread.
   * @param i - 0 to length - 1; not range-checked (like a typed array, out of range reads a neighbour).
   * @example
   * ```ts
   * const y = c.pos.get(1);
   * ```
   */
  get(i: number): number {
    return this.view[this.index + i];
  }

  /**
   * Writes element `i`.
   *
   * Thread-safety: owner thread.
   * @example
   * ```ts
   * c.rgba.set(3, 255);
   * ```
   */
  set(i: number, value: number): void {
    this.view[this.index + i] = value;
  }

  /**
   * Copies the field's elements into `out` (a gl-matrix value, a temporary, an array) at `at`.
   *
   * Thread-safety: owner thread.
   * @returns `out`.
   * @example
   * ```ts
   * vec3.scale(v, c.vel.copyTo(tmp.vec3()), dt);
   * ```
   */
  copyTo<T extends Record<number, number>>(out: T, at = 0): T {
    const v = this.view;
    const k = this.index;
    for (let i = 0; i < this.length; i++) out[at + i] = v[k + i];
    return out;
  }

  /**
   * Writes the field's elements from `src` starting at `src[at]`.
   *
   * Thread-safety: owner thread.
   * @example
   * ```ts
   * vec3.add(p, c.pos.copyTo(tmp.vec3()), step);
   * c.pos.copyFrom(p);
   * ```
   */
  copyFrom(src: ArrayLike<number>, at = 0): void {
    const v = this.view;
    const k = this.index;
    for (let i = 0; i < this.length; i++) v[k + i] = src[at + i];
  }
}

/**
 * A `vec2` field: {@link ElementsAccess} with `x` and `y`.
 *
 * Thread-safety: owner thread.
 * @example
 * ```ts
 * c.uv.x = 0.5;
 * ```
 */
export class Vec2Access extends ElementsAccess {
  /** Element 0. */
  get x(): number { return this.view[this.index]; }
  /** Writes element 0. */
  set x(v: number) { this.view[this.index] = v; }
  /** Element 1. */
  get y(): number { return this.view[this.index + 1]; }
  /** Writes element 1. */
  set y(v: number) { this.view[this.index + 1] = v; }
}

/**
 * A `vec3` field: `x`, `y`, `z`.
 *
 * Thread-safety: owner thread.
 * @example
 * ```ts
 * c.pos.y += c.vel.y * dt;
 * ```
 */
export class Vec3Access extends Vec2Access {
  /** Element 2. */
  get z(): number { return this.view[this.index + 2]; }
  /** Writes element 2. */
  set z(v: number) { this.view[this.index + 2] = v; }
}

/**
 * A `vec4` or `quat` field: `x`, `y`, `z`, `w`.
 *
 * Thread-safety: owner thread.
 * @example
 * ```ts
 * c.rot.w = 1;
 * ```
 */
export class Vec4Access extends Vec3Access {
  /** Element 3. */
  get w(): number { return this.view[this.index + 3]; }
  /** Writes element 3. */
  set w(v: number) { this.view[this.index + 3] = v; }
}

/**
 * How a field of type `T` reads on a cursor: a number for scalars, an accessor otherwise.
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * type PosAccess = FieldAccess<'vec3'>; // Vec3Access
 * ```
 */
export type FieldAccess<T> = T extends ScalarType ? number : T extends 'vec2' ? Vec2Access : T extends 'vec3' ? Vec3Access
  : T extends 'vec4' | 'quat' ? Vec4Access : ElementsAccess;

/**
 * The names of the scalar fields of `F`.
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * type K = ScalarKeys<{ pos: 'vec3'; life: 'f32' }>; // 'life'
 * ```
 */
export type ScalarKeys<F> = { [K in keyof F]: F[K] extends ScalarType ? K : never }[keyof F];

/**
 * The fields of `F` as cursor properties: writable numbers for scalars, read-only accessors for
 * the rest.
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * type P = FieldsAccess<{ pos: 'vec3'; life: 'f32' }>; // { life: number; readonly pos: Vec3Access }
 * ```
 */
export type FieldsAccess<F> = Record<ScalarKeys<F>, number> & { readonly [K in Exclude<keyof F, ScalarKeys<F>>]: FieldAccess<F[K]> };

