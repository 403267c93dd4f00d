/**
 * Cursors: one reusable accessor object per struct layout, moved over memory with `at(offset)`
 * (AoS) or `row(i)` (SoA). Scalar fields are getters/setters on the cursor; vector, matrix and
 * array fields are element accessors built once with the cursor. Nothing here allocates after
 * the cursor is made.
 * @module
 */
import '../build.ts'; // defines __NEBULA_CHECKS__ where no bundler replaced it: before any check runs
import type { Offset } from '../api.ts';
import type { Memory } from '../runtime/memory.ts';
import { typedError } from './errors.ts';
import {
  ElementsAccess, POS, SHIFT, Vec2Access, Vec3Access, Vec4Access, viewsOf, type CursorState, type FieldsAccess, type Views,
} from './field-access.ts';
import type { FieldInfo, SoaLayout, StructFields, StructLayout } from './struct.ts';


/**
 * An AoS cursor over structs of layout `F`: {@link cursor} makes it, `at(offset)` moves it.
 *
 * Thread-safety: owner thread (the thread that made it; make one cursor per worker).
 * @example
 * ```ts
 * const c = cursor(memory, Particle);
 * c.at(p).life -= dt;
 * ```
 */
export type StructCursor<F extends StructFields> = FieldsAccess<F> & {
  /** The layout read. */
  readonly layout: StructLayout<F>;
  /** The byte offset of the current struct. */
  readonly offset: Offset;
  /**
   * Moves to the struct at `offset`.
   * @throws {@link nebula-memory!MemoryError} (checked build) `STRUCT_INVALID` when `offset` is not a multiple of the struct's
   * alignment or the struct would pass the end of the memory.
   */
  at(offset: Offset): StructCursor<F>;
};

/**
 * A SoA cursor over a {@link SoaLayout} block: {@link soaCursor} makes it, `row(i)` moves it.
 *
 * Thread-safety: owner thread.
 * @example
 * ```ts
 * const c = soaCursor(memory, Particles, base);
 * for (let i = 0; i < Particles.count; i++) c.row(i).life -= dt;
 * ```
 */
export type SoaCursor<F extends StructFields> = FieldsAccess<F> & {
  /** The layout read. */
  readonly layout: SoaLayout<F>;
  /** The current row. */
  readonly index: number;
  /**
   * Moves to row `i`.
   * @throws {@link nebula-memory!MemoryError} (checked build) `STRUCT_INVALID` when `i` is not in 0..count - 1.
   */
  row(i: number): SoaCursor<F>;
};

function accessorClass(f: FieldInfo): typeof ElementsAccess {
  if (f.element !== 'f32' || f.length > 4 || f.type.includes('[')) return ElementsAccess;
  return f.length === 2 ? Vec2Access : f.length === 3 ? Vec3Access : f.length === 4 ? Vec4Access : ElementsAccess;
}

/**
 * Defines the fields on `proto`: the address of a field is `(base + position * stride) >> shift`;
 * AoS: base = field offset, stride 1, position = struct offset; SoA: base = column, stride = field size, position = row.
 */
function defineFields(proto: object, target: CursorState, views: Views, fields: readonly FieldInfo[], base: (f: FieldInfo) => number, soaRows: boolean): void {
  for (const f of fields) {
    const view = views[f.element];
    const b = base(f);
    const s = soaRows ? f.size : 1;
    const sh = SHIFT[f.element];
    if (f.length === 1 && !f.type.includes('[')) {
      Object.defineProperty(proto, f.name, {
        get(this: CursorState): number { return view[(b + this[POS] * s) >> sh]; },
        set(this: CursorState, v: number): void { view[(b + this[POS] * s) >> sh] = v; },
        enumerable: true,
      });
    } else {
      const Access = accessorClass(f);
      Object.defineProperty(target, f.name, { value: new Access(target, view, f, b, s), enumerable: true });
    }
  }
}

function badPosition(what: string, layout: string, request: Record<string, unknown>, state: Record<string, unknown>, fix: string): never {
  throw typedError('STRUCT_INVALID', what, { allocator: `struct "${layout}"`, request, state, suggestion: fix });
}

class AosCursorBase implements CursorState {
  [POS] = 0;
  declare readonly layout: StructLayout;
  private declare readonly mask: number;
  private declare readonly limit: number;
  constructor(layout: StructLayout, byteLength: number) {
    this.layout = layout;
    this.mask = layout.align - 1;
    this.limit = byteLength - layout.size;
  }
  get offset(): number {
    return this[POS];
  }
  at(offset: number): this {
    if (__NEBULA_CHECKS__ && ((offset & this.mask) !== 0 || !(offset > 0 && offset <= this.limit) || (offset | 0) !== offset)) this.badOffset(offset);
    this[POS] = offset;
    return this;
  }
  private badOffset(offset: number): never {
    const l = this.layout;
    return badPosition(`at(${String(offset)}) is not a ${l.align}-aligned struct inside the memory`, l.name,
      { offset }, { size: l.size, align: l.align, lastOffset: this.limit },
      `pass an offset from alloc(${l.size}, ${l.align}) (or typed(...).alloc()); 0 is "no block".`);
  }
}

class SoaCursorBase implements CursorState {
  [POS] = 0;
  declare readonly layout: SoaLayout;
  constructor(layout: SoaLayout) {
    this.layout = layout;
  }
  get index(): number {
    return this[POS];
  }
  row(i: number): this {
    if (__NEBULA_CHECKS__ && (!(i >= 0 && i < this.layout.count) || (i | 0) !== i)) {
      badPosition(`row(${String(i)}) is outside 0..${this.layout.count - 1}`, this.layout.struct.name, { row: i },
        { count: this.layout.count }, 'pass a row index below count.');
    }
    this[POS] = i;
    return this;
  }
}

/**
 * Makes an AoS cursor for `layout` over `memory`: one object, moved with `at(offset)`, whose
 * scalar fields are getters/setters and whose vector fields are accessors. Make it once (per
 * thread) and reuse it: reading and writing fields creates no garbage.
 *
 * Thread-safety: owner thread: the cursor holds a position; make one per worker.
 * @throws {@link nebula-memory!MemoryError} from `at()` in the checked build: `STRUCT_INVALID` for a misaligned or out-of-range offset.
 * @see {@link struct}, which makes the layout, and {@link soaCursor}, the same over a {@link soa} block.
 * @see {@link typed}, which allocates structs and keeps a cursor of its own.
 * @example
 * ```ts
 * const Particle = struct({ pos: 'vec3', vel: 'vec3', life: 'f32', color: 'u32' });
 * const c = cursor(memory, Particle);
 * c.at(arena.alloc(Particle.size, Particle.align));
 * c.pos.y = 10;
 * c.life = 1;
 * ```
 */
export function cursor<F extends StructFields>(memory: Memory, layout: StructLayout<F>): StructCursor<F> {
  class Cursor extends AosCursorBase {} // a class per cursor: its prototype carries this layout's fields
  const c = new Cursor(layout, memory.byteLength);
  defineFields(Cursor.prototype, c, viewsOf(memory), layout.fields, (f) => f.offset, false);
  return c as unknown as StructCursor<F>;
}

/**
 * Makes a SoA cursor over the block at `base` laid out by `layout`; `row(i)` moves it.
 *
 * Thread-safety: owner thread.
 * @param base - the block's offset, a multiple of `layout.align`, with `layout.size` bytes.
 * @throws {@link nebula-memory!MemoryError} `STRUCT_INVALID` when the block is misaligned or passes the end of the memory.
 * @see {@link soa}, which makes the layout, and {@link cursor}, the same over one struct of a {@link struct} layout.
 * @example
 * ```ts
 * const P = soa(struct({ pos: 'vec3', life: 'f32' }), 1024);
 * const c = soaCursor(memory, P, arena.alloc(P.size, P.align));
 * c.row(5).pos.x = 1;
 * ```
 */
export function soaCursor<F extends StructFields>(memory: Memory, layout: SoaLayout<F>, base: Offset): SoaCursor<F> {
  if ((base & (layout.align - 1)) !== 0 || !(base > 0 && base + layout.size <= memory.byteLength) || !Number.isInteger(base)) {
    badPosition(`soa block at ${String(base)} is not ${layout.align}-aligned inside the memory`, layout.struct.name, { base },
      { size: layout.size, align: layout.align, byteLength: memory.byteLength }, `allocate the block with alloc(${layout.size}, ${layout.align}).`);
  }
  class Cursor extends SoaCursorBase {}
  const c = new Cursor(layout);
  const columns = layout.columns as Readonly<Record<string, number>>;
  defineFields(Cursor.prototype, c, viewsOf(memory), layout.struct.fields, (f) => base + columns[f.name], true);
  return c as unknown as SoaCursor<F>;
}
