/**
 * Struct layouts: field types, C-like packing, and the SoA variant. Layouts are plain frozen
 * data (they can be posted to workers); cursors and typed allocators read them.
 * @module
 */
import { memoryError, typeName } from '../errors.ts';
import { typedError } from './errors.ts';

/**
 * A scalar field: float32/64, signed or unsigned 8/16/32-bit integers. Its size is its alignment.
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * const t: ScalarType = 'f32';
 * ```
 */
export type ScalarType = 'f32' | 'f64' | 'i8' | 'u8' | 'i16' | 'u16' | 'i32' | 'u32';

/**
 * A gl-matrix-shaped float32 field: `vec2` (8 B), `vec3` (12 B), `vec4` and `quat` (16 B),
 * `mat3` (36 B), `mat4` (64 B); all aligned to 4 like a C `float[n]`.
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * const t: VectorType = 'vec3';
 * ```
 */
export type VectorType = 'vec2' | 'vec3' | 'vec4' | 'quat' | 'mat3' | 'mat4';

/**
 * A fixed-length array field of one scalar type, made by {@link array}.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * const rgba: ArrayType<'u8'> = array('u8', 4);
 * ```
 */
export interface ArrayType<E extends ScalarType = ScalarType> {
  /** Always `'array'`. */
  readonly kind: 'array';
  /** The element type. */
  readonly element: E;
  /** Elements, 1 to 65536. */
  readonly length: number;
}

/**
 * Any field type of {@link struct}.
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * const fields: Record<string, FieldType> = { pos: 'vec3', life: 'f32', rgba: array('u8', 4) };
 * ```
 */
export type FieldType = ScalarType | VectorType | ArrayType;

/**
 * The fields of a struct, in declaration order (which is memory order).
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * const fields: StructFields = { pos: 'vec3', vel: 'vec3', life: 'f32', color: 'u32' };
 * ```
 */
export type StructFields = Readonly<Record<string, FieldType>>;

/**
 * Names a field may not have: they are the cursors' own members, or Object.prototype's.
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * const bad: ReservedFieldName = 'offset'; // struct({ offset: 'u32' }) does not compile
 * ```
 */
export type ReservedFieldName = 'at' | 'row' | 'offset' | 'index' | 'layout' | 'constructor' | 'prototype' |
  'toString' | 'toLocaleString' | 'valueOf' | 'hasOwnProperty' | 'isPrototypeOf' | 'propertyIsEnumerable';

const RESERVED: ReadonlySet<string> = new Set<ReservedFieldName>(['at', 'row', 'offset', 'index', 'layout', 'constructor',
  'prototype', 'toString', 'toLocaleString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable']);

/**
 * Where one field lives in a struct, in bytes.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * for (const f of Particle.fields) console.log(f.name, f.type, f.offset, f.size);
 * ```
 */
export interface FieldInfo {
  /** The field's name. */
  readonly name: string;
  /** The type as written: `'vec3'`, `'f32'`, or `'u8[4]'` for arrays. */
  readonly type: string;
  /** The element type read and written: `'f32'` for vectors and matrices. */
  readonly element: ScalarType;
  /** Elements: 1 for scalars, 3 for `vec3`, 16 for `mat4`, n for `array(e, n)`. */
  readonly length: number;
  /** Byte offset from the start of the struct, a multiple of `align`. */
  readonly offset: number;
  /** Bytes: `length` × the element size. */
  readonly size: number;
  /** Alignment: the element size. */
  readonly align: number;
}

/**
 * A struct's byte layout, computed by {@link struct}: size, alignment and field offsets.
 *
 * Thread-safety: a frozen plain value; post it to workers, use it from any thread.
 * @example
 * ```ts
 * const Particle = struct({ pos: 'vec3', vel: 'vec3', life: 'f32', color: 'u32' });
 * memory.f32[(p + Particle.offsets.life) >> 2] = 1;
 * ```
 */
export interface StructLayout<F extends StructFields = StructFields> {
  /** Always `'struct'`. */
  readonly kind: 'struct';
  /** A name for messages (option `name`, default `'struct'`). */
  readonly name: string;
  /** Bytes per struct, padded to a multiple of `align` so arrays keep every element aligned. */
  readonly size: number;
  /** The largest field alignment (or the `align` option when larger). */
  readonly align: number;
  /** Every field in memory order. */
  readonly fields: readonly FieldInfo[];
  /** Byte offset of each field: the offset constants for hand-written hot loops. */
  readonly offsets: { readonly [K in keyof F]: number };
  /** The field types as given. */
  readonly spec: F;
}

/**
 * Options of {@link struct}.
 *
 * Thread-safety: a plain data shape; any worker.
 * @example
 * ```ts
 * const Light = struct({ pos: 'vec3', range: 'f32' }, { name: 'Light', align: 16 });
 * ```
 */
export interface StructOptions {
  /** A name for error messages. @defaultValue 'struct' */
  readonly name?: string;
  /** Minimum alignment of the whole struct. MUST be a power of two up to 4096. @defaultValue 1 */
  readonly align?: number;
}

/** Bytes per scalar element. */
const SCALAR_BYTES: Readonly<Record<ScalarType, number>> = { f32: 4, f64: 8, i8: 1, u8: 1, i16: 2, u16: 2, i32: 4, u32: 4 };
/** Float32 elements per vector type. */
const VECTOR_LENGTH: Readonly<Record<VectorType, number>> = { vec2: 2, vec3: 3, vec4: 4, quat: 4, mat3: 9, mat4: 16 };
/** Largest struct: a pool slot's limit. */
const MAX_STRUCT_BYTES = 1 << 24;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function isScalar(t: unknown): t is ScalarType {
  return typeof t === 'string' && Object.hasOwn(SCALAR_BYTES, t);
}

function invalid(layout: string, what: string, request: Record<string, unknown>, fix: string): never {
  throw typedError('STRUCT_INVALID', what, { allocator: `struct "${layout}"`, request, state: {}, suggestion: fix });
}

/**
 * A fixed-length array field: `array('u8', 4)` is 4 bytes aligned to 1, `array('f32', 8)` 32
 * bytes aligned to 4.
 *
 * Thread-safety: pure; any worker.
 * @param element - a {@link ScalarType}.
 * @param length - elements, an integer from 1 to 65536.
 * @throws {@link nebula-memory!MemoryError} `STRUCT_INVALID` for another element type or length.
 * @example
 * ```ts
 * const Vertex = struct({ pos: 'vec3', rgba: array('u8', 4), uv: array('f32', 2) });
 * ```
 */
export function array<E extends ScalarType>(element: E, length: number): ArrayType<E> {
  if (!isScalar(element)) invalid('array', `array element type ${String(element)} is not a scalar type`, { element }, `use one of ${Object.keys(SCALAR_BYTES).join(', ')}.`);
  if (!Number.isInteger(length) || length < 1 || length > 65536) invalid('array', `array length ${String(length)} is not an integer from 1 to 65536`, { element, length }, 'pass a whole number of elements.');
  return Object.freeze({ kind: 'array', element, length });
}

/** Element type, element count of a field type; throws STRUCT_INVALID for anything else. */
function describeType(layout: string, name: string, t: unknown): { element: ScalarType; length: number; type: string } {
  if (isScalar(t)) return { element: t, length: 1, type: t };
  if (typeof t === 'string' && Object.hasOwn(VECTOR_LENGTH, t)) return { element: 'f32', length: VECTOR_LENGTH[t as VectorType], type: t };
  if (typeof t === 'object' && t !== null && (t as { kind?: unknown }).kind === 'array') {
    const a = t as ArrayType;
    array(a.element, a.length); // validates
    return { element: a.element, length: a.length, type: `${a.element}[${a.length}]` };
  }
  const shown = JSON.stringify(t) as string | undefined; // undefined for undefined and functions
  return invalid(layout, `field "${name}" has type ${shown ?? typeof t}, which is no field type`, { field: name, type: String(t) },
    'use a scalar (f32 f64 i8 u8 i16 u16 i32 u32), a vector (vec2 vec3 vec4 quat mat3 mat4) or array(scalar, n).');
}

/**
 * Computes a struct's layout with C-like packing: fields stay in declaration order, each at the
 * next multiple of its alignment (its element size: 4 for `f32` and every vector, 8 for `f64`);
 * the struct's alignment is the largest field alignment (or `options.align`), and its size is
 * padded to a multiple of that alignment. docs/BUILDERS.md states the rules with examples.
 *
 * Thread-safety: pure; any worker.
 * @param fields - field names (identifiers, not {@link ReservedFieldName}) mapped to types.
 * @throws {@link nebula-memory!MemoryError} `STRUCT_INVALID` for no fields, a bad name or type, a bad
 * `align`, or a struct larger than 16 MiB; `INVALID_OPTION` for options that are not an object (`null`).
 * @see {@link soa} to lay the same fields out as columns.
 * @see {@link cursor} to read and write one struct in memory, {@link typed} to allocate structs from an arena, pool or stack.
 * @example
 * ```ts
 * const Particle = struct({ pos: 'vec3', vel: 'vec3', life: 'f32', color: 'u32' });
 * Particle.size;          // 32
 * Particle.offsets.life;  // 24
 * ```
 */
export function struct<const F extends StructFields>(
  fields: F & (string extends keyof F ? unknown : Readonly<Record<keyof F & ReservedFieldName, never>>),
  options: StructOptions = {},
): StructLayout<F> {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw memoryError('INVALID_OPTION', `struct() options are ${typeName(options)}, not an object`, {
      allocator: 'struct "struct"', request: { options: typeName(options) }, state: {}, suggestion: "pass an object such as { name: 'Particle', align: 16 }, or nothing.",
    });
  }
  const name = options.name ?? 'struct';
  if (typeof fields !== 'object' || (fields as unknown) === null) invalid(name, 'struct() needs an object of fields', { fields: String(fields) }, 'pass { name: type, ... }.');
  const minAlign = options.align ?? 1;
  if (!Number.isInteger(minAlign) || minAlign < 1 || minAlign > 4096 || (minAlign & (minAlign - 1)) !== 0) {
    invalid(name, `align ${String(minAlign)} is not a power of two up to 4096`, { align: minAlign }, 'use 1, 2, 4, 8, 16, ...');
  }
  const infos: FieldInfo[] = [];
  const offsets: Record<string, number> = {};
  let off = 0;
  let align = minAlign;
  for (const key of Object.keys(fields)) {
    if (!IDENTIFIER.test(key) || RESERVED.has(key) || key.startsWith('__')) {
      invalid(name, `field name "${key}" is not allowed`, { field: key },
        `use an identifier that is not one of ${[...RESERVED].join(', ')} and does not start with "__".`);
    }
    const d = describeType(name, key, (fields as Record<string, unknown>)[key]);
    const a = SCALAR_BYTES[d.element];
    off = (off + a - 1) & -a;
    const info: FieldInfo = Object.freeze({ name: key, type: d.type, element: d.element, length: d.length, offset: off, size: a * d.length, align: a });
    infos.push(info);
    offsets[key] = off;
    off += info.size;
    if (a > align) align = a;
  }
  if (infos.length === 0) invalid(name, 'a struct needs at least one field', {}, 'add a field, e.g. { value: "f32" }.');
  const size = (off + align - 1) & -align;
  if (size > MAX_STRUCT_BYTES) invalid(name, `the struct is ${size} bytes, above 16 MiB`, { size }, 'split it, or use array fields in separate blocks.');
  return Object.freeze({
    kind: 'struct', name, size, align, fields: Object.freeze(infos),
    offsets: Object.freeze(offsets) as { readonly [K in keyof F]: number }, spec: Object.freeze({ ...fields }),
  });
}

/**
 * A struct-of-arrays layout for `count` structs, computed by {@link soa}: each field is one
 * column of `count` values (`count × 12` bytes for a `vec3`), so a loop over one field reads
 * contiguous memory.
 *
 * Thread-safety: a frozen plain value; any worker.
 * @example
 * ```ts
 * const P = soa(Particle, 1024);
 * const lifeIndex = (base + P.columns.life) >> 2; // memory.f32[lifeIndex + i] is particle i's life
 * ```
 */
export interface SoaLayout<F extends StructFields = StructFields> {
  /** Always `'soa'`. */
  readonly kind: 'soa';
  /** The struct whose fields become columns. */
  readonly struct: StructLayout<F>;
  /** Rows (structs). */
  readonly count: number;
  /** Bytes of the whole block. */
  readonly size: number;
  /** Alignment of the block and of every column. */
  readonly align: number;
  /** Byte offset of each column from the block start. */
  readonly columns: { readonly [K in keyof F]: number };
}

/**
 * Lays a struct out as columns: field after field, each column `count × field size` bytes and
 * starting on a multiple of `align` (default 16, so columns never share a 16-byte line).
 *
 * Thread-safety: pure; any worker.
 * @param layout - a {@link StructLayout}.
 * @param count - rows, 1 to 2^24.
 * @param align - column alignment, a power of two from the struct's alignment to 4096. @defaultValue 16
 * @throws {@link nebula-memory!MemoryError} `STRUCT_INVALID` for a bad count, alignment, or a block above 512 MiB.
 * @see {@link struct}, which makes the layout, and {@link soaCursor}, which reads the block by row.
 * @example
 * ```ts
 * const Particles = soa(struct({ pos: 'vec3', life: 'f32' }), 1000);
 * Particles.columns.life; // 12000: after 1000 vec3s
 * ```
 */
export function soa<F extends StructFields>(layout: StructLayout<F>, count: number, align = 16): SoaLayout<F> {
  if (!Number.isInteger(count) || count < 1 || count > 1 << 24) invalid(layout.name, `soa count ${String(count)} is not an integer from 1 to 2^24`, { count }, 'pass the number of rows.');
  if (!Number.isInteger(align) || align < layout.align || align > 4096 || (align & (align - 1)) !== 0) {
    invalid(layout.name, `soa align ${String(align)} is not a power of two from ${layout.align} to 4096`, { align }, `use ${Math.max(16, layout.align)}.`);
  }
  const columns: Record<string, number> = {};
  let off = 0;
  for (const f of layout.fields) {
    off = (off + align - 1) & -align;
    columns[f.name] = off;
    off += f.size * count;
  }
  const size = (off + align - 1) & -align;
  if (size > 1 << 29) invalid(layout.name, `the soa block is ${size} bytes, above 512 MiB`, { count, size }, 'use fewer rows.');
  return Object.freeze({ kind: 'soa', struct: layout, count, size, align, columns: Object.freeze(columns) as { readonly [K in keyof F]: number } });
}
