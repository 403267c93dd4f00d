/**
 * Typed allocation: an arena, pool or stack paired with a struct layout. `alloc()` gets one
 * struct, `allocInit(values)` a zeroed struct with some fields set, `allocArray(n)` n structs in
 * a row (AoS), `free` gives them back (pool, stack); `at()` moves the pair's cursor there.
 * @module
 */
import { FrameArena } from '../allocators/arena/frame-arena.ts';
import { Pool } from '../allocators/pool/pool.ts';
import { Stack } from '../allocators/stack/stack.ts';
import type { Handle, Offset } from '../api.ts';
import { memoryError, type MemoryError, typeName } from '../errors.ts';
import type { Memory } from '../runtime/memory.ts';
import { zeroBytes } from './bulk.ts';
import { cursor, type StructCursor } from './cursor.ts';
import { typedError } from './errors.ts';
import type { ScalarType, StructFields, StructLayout } from './struct.ts';

/**
 * Initial field values for `allocInit`: numbers for scalars, array-likes (a gl-matrix value, a
 * temporary, `[x, y, z]`) for the rest. Fields left out are zero.
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * const SPAWN: StructInit<typeof Particle.spec> = { life: 1, color: 0xffffffff }; // hoisted: no garbage per call
 * ```
 */
export type StructInit<F extends StructFields> = { readonly [K in keyof F]?: F[K] extends ScalarType ? number : ArrayLike<number> };

/**
 * Zeroes the struct at `p` and writes `init` through the cursor; an unknown field, or a value of
 * the wrong kind (not a number for a scalar, not an array-like for a vector or array), is
 * STRUCT_INVALID. `null` or `undefined` as `init` writes nothing.
 */
function writeInit(memory: Memory, layout: StructLayout, c: Record<string, unknown>, p: number, init: Readonly<Record<string, unknown>>): void {
  zeroBytes(memory, p, layout.size);
  for (const k in init) {
    if (!Object.hasOwn(layout.offsets, k)) {
      throw typedError('STRUCT_INVALID', `allocInit: struct "${layout.name}" has no field "${k}"`, {
        allocator: `struct "${layout.name}"`, request: { field: k }, state: { fields: layout.fields.map((f) => f.name).join(', ') },
        suggestion: 'initialise only fields of the layout.',
      });
    }
    const v = init[k];
    const field = c[k]; // a number for a scalar field, an accessor for a vector or array
    if (typeof field === 'number') {
      if (typeof v !== 'number') throw initValueError(layout, k, v, 'a number');
      c[k] = v;
    } else {
      if (typeof v !== 'object' || v === null || typeof (v as { length?: unknown }).length !== 'number') throw initValueError(layout, k, v, 'an array-like of numbers');
      (field as { copyFrom(src: ArrayLike<number>): void }).copyFrom(v as ArrayLike<number>);
    }
  }
}

/** STRUCT_INVALID for an `allocInit` value of the wrong kind. Cold. */
function initValueError(layout: StructLayout, k: string, v: unknown, what: string): MemoryError {
  const f = layout.fields.find((x) => x.name === k);
  return typedError('STRUCT_INVALID', `allocInit: field "${k}" of struct "${layout.name}" (${f?.type ?? '?'}) takes ${what}, not ${typeName(v)}`, {
    allocator: `struct "${layout.name}"`, request: { field: k, value: typeName(v) }, state: { type: f?.type ?? '?' },
    suggestion: what === 'a number' ? `pass a number for "${k}", or leave it out for 0.` : `pass an array or typed array (a gl-matrix value, [x, y, z]) for "${k}", or leave it out for zeros.`,
  });
}

/** INVALID_SIZE for an `allocArray` count that is not a whole number from 1. Cold. */
function countError(allocator: string, layout: StructLayout, n: unknown): MemoryError {
  return memoryError('INVALID_SIZE', `allocArray(${String(n)}): the count of structs "${layout.name}" is not a whole number from 1`, {
    allocator, request: { n: typeof n === 'number' ? n : String(n), size: layout.size }, state: {},
    suggestion: 'pass how many structs, a whole number of 1 or more (round a computed count with Math.ceil).',
  });
}

/**
 * Structs of layout `F` in a frame arena: they live as long as the arena's frames say. No `free`:
 * the frame frees them.
 *
 * Thread-safety: any worker, through its own arena instance and its own `TypedArena`.
 * @example
 * ```ts
 * const hits = typed(memory, frame, Hit);
 * const p = hits.allocInit({ t: 0.5 });
 * hits.at(p).normal.y = 1;
 * ```
 */
export class TypedArena<F extends StructFields> {
  /** The layout. */
  declare readonly layout: StructLayout<F>;
  /** The arena. */
  declare readonly arena: FrameArena;
  /** The cursor `at()` moves. */
  declare readonly cursor: StructCursor<F>;
  private declare readonly memory: Memory;

  /** @internal Use {@link typed}. */
  constructor(memory: Memory, arena: FrameArena, layout: StructLayout<F>) {
    this.memory = memory;
    this.arena = arena;
    this.layout = layout;
    this.cursor = cursor(memory, layout);
  }

  /** One struct, not zeroed. Thread-safety: any worker (own instance). @throws {@link nebula-memory!MemoryError} `ARENA_EXHAUSTED`. @example `const p = hits.alloc();` */
  alloc(): Offset {
    return this.arena.alloc(this.layout.size, this.layout.align);
  }

  /** One zeroed struct with `init` written. Thread-safety: any worker (own instance). @throws {@link nebula-memory!MemoryError} `ARENA_EXHAUSTED`, `STRUCT_INVALID`. @example `hits.allocInit({ t: 1 })` */
  allocInit(init: StructInit<F>): Offset {
    const p = this.alloc();
    writeInit(this.memory, this.layout, this.cursor.at(p), p, init);
    return p;
  }

  /**
   * `n` structs in a row (AoS); struct i is at `p + i * layout.size`.
   *
   * Thread-safety: any worker (own instance).
   * @param n - structs, a whole number from 1 (checked in both builds: 1.5, NaN, Infinity, 0 and negatives are `INVALID_SIZE`).
   * @throws {@link nebula-memory!MemoryError} `ARENA_EXHAUSTED`, `ALLOC_TOO_LARGE`, `INVALID_SIZE`.
   * @example
   * ```ts
   * const row = hits.allocArray(64);
   * ```
   */
  allocArray(n: number): Offset {
    if (!Number.isSafeInteger(n) || n < 1) throw countError(`arena "${this.arena.name}"`, this.layout, n);
    return this.arena.alloc(this.layout.size * n, this.layout.align);
  }

  /** Moves the cursor to the struct at `offset` and returns it. Thread-safety: owner thread. @example `hits.at(p).t = 0;` */
  at(offset: Offset): StructCursor<F> {
    return this.cursor.at(offset);
  }
}

/**
 * Structs of layout `F` on a stack: `free(p)` pops the newest.
 *
 * Thread-safety: owner thread of the stack.
 * @example
 * ```ts
 * const frames = typed(memory, scratch, CallFrame);
 * const p = frames.alloc();
 * frames.free(p);
 * ```
 */
export class TypedStack<F extends StructFields> {
  /** The layout. */
  declare readonly layout: StructLayout<F>;
  /** The stack. */
  declare readonly stack: Stack;
  /** The cursor `at()` moves. */
  declare readonly cursor: StructCursor<F>;
  private declare readonly memory: Memory;

  /** @internal Use {@link typed}. */
  constructor(memory: Memory, stack: Stack, layout: StructLayout<F>) {
    this.memory = memory;
    this.stack = stack;
    this.layout = layout;
    this.cursor = cursor(memory, layout);
  }

  /** Pushes one struct, not zeroed. Thread-safety: owner thread. @throws {@link nebula-memory!MemoryError} `STACK_OVERFLOW`. @example `const p = frames.alloc();` */
  alloc(): Offset {
    return this.stack.push(this.layout.size, this.layout.align);
  }

  /** Pushes one zeroed struct with `init` written. Thread-safety: owner thread. @throws {@link nebula-memory!MemoryError} `STACK_OVERFLOW`, `STRUCT_INVALID`. @example `frames.allocInit({ depth: 1 })` */
  allocInit(init: StructInit<F>): Offset {
    const p = this.alloc();
    writeInit(this.memory, this.layout, this.cursor.at(p), p, init);
    return p;
  }

  /**
   * Pushes `n` structs in one block.
   *
   * Thread-safety: owner thread.
   * @param n - structs, a whole number from 1 (checked in both builds).
   * @throws {@link nebula-memory!MemoryError} `STACK_OVERFLOW`, `INVALID_SIZE` for any other `n`.
   * @example
   * ```ts
   * const row = frames.allocArray(8);
   * ```
   */
  allocArray(n: number): Offset {
    if (!Number.isSafeInteger(n) || n < 1) throw countError(`stack "${this.stack.name}"`, this.layout, n);
    return this.stack.push(this.layout.size * n, this.layout.align);
  }

  /**
   * Pops the block at `offset` (one struct or an array), which must be the newest.
   *
   * **Safety:** `offset` becomes invalid.
   *
   * Thread-safety: owner thread.
   * @throws {@link nebula-memory!MemoryError} `LIFO_VIOLATION`, `INVALID_OFFSET`.
   * @example
   * ```ts
   * frames.free(p);
   * ```
   */
  free(offset: Offset): void {
    this.stack.pop(offset);
  }

  /** Moves the cursor to the struct at `offset`. Thread-safety: owner thread. @example `frames.at(p).depth++;` */
  at(offset: Offset): StructCursor<F> {
    return this.cursor.at(offset);
  }
}

/**
 * Structs of layout `F` in pool slots, by {@link Handle}. The pool's slots must hold the struct
 * (`slotSize >= layout.size`, `align >= layout.align`).
 *
 * Thread-safety: any worker, through its own pool instance and its own `TypedPool`.
 * @example
 * ```ts
 * const particles = typed(memory, pool, Particle);
 * const h = particles.allocInit({ life: 1 });
 * particles.at(h).pos.y = 10;
 * particles.free(h);
 * ```
 */
export class TypedPool<F extends StructFields> {
  /** The layout. */
  declare readonly layout: StructLayout<F>;
  /** The pool. */
  declare readonly pool: Pool;
  /** The cursor `at()` moves. */
  declare readonly cursor: StructCursor<F>;
  private declare readonly memory: Memory;

  /** @internal Use {@link typed}. */
  constructor(memory: Memory, pool: Pool, layout: StructLayout<F>) {
    this.memory = memory;
    this.pool = pool;
    this.layout = layout;
    this.cursor = cursor(memory, layout);
  }

  /** One slot, not zeroed. Thread-safety: any worker (own instance). @throws {@link nebula-memory!MemoryError} `POOL_EXHAUSTED`. @example `const h = particles.alloc();` */
  alloc(): Handle {
    return this.pool.alloc();
  }

  /** One zeroed slot with `init` written. Thread-safety: any worker (own instance). @throws {@link nebula-memory!MemoryError} `POOL_EXHAUSTED`, `STRUCT_INVALID`. @example `particles.allocInit({ life: 1 })` */
  allocInit(init: StructInit<F>): Handle {
    const h = this.pool.alloc();
    const p = this.pool.offsetOf(h);
    try {
      writeInit(this.memory, this.layout, this.cursor.at(p), p, init);
    } catch (e) {
      this.pool.free(h);
      throw e;
    }
    return h;
  }

  /**
   * Takes `n` slots (default: `out.length`) into `out`, all or none: on `POOL_EXHAUSTED` the
   * slots taken so far are freed and nothing changes.
   *
   * Thread-safety: any worker (own instance).
   * @param n - how many, a whole number from 0 to `out.length`. @defaultValue out.length
   * @throws {@link nebula-memory!MemoryError} `POOL_EXHAUSTED`, `INVALID_SIZE` when `n` is not 0..out.length,
   * `INVALID_OPTION` when `out` is not an Int32Array, a Uint32Array or an array.
   * @example
   * ```ts
   * const burst = new Int32Array(64);
   * particles.allocArray(burst);
   * ```
   */
  allocArray(out: Int32Array | Uint32Array | Handle[], n?: number): void {
    if (!(out instanceof Int32Array || out instanceof Uint32Array || Array.isArray(out))) {
      throw memoryError('INVALID_OPTION', `allocArray: out is ${typeName(out)}, not an Int32Array, a Uint32Array or an array`, {
        allocator: `pool "${this.pool.name}"`, request: { out: typeName(out) }, state: {}, suggestion: 'pass the array the handles go into, e.g. new Int32Array(64).',
      });
    }
    n ??= out.length;
    if (!Number.isInteger(n) || n < 0 || n > out.length) {
      throw memoryError('INVALID_SIZE', `allocArray(${String(n)}) does not fit the ${out.length} handles of out`, {
        allocator: `pool "${this.pool.name}"`, request: { n }, state: { outLength: out.length }, suggestion: 'pass 0 to out.length.',
      });
    }
    let k = 0;
    try {
      for (; k < n; k++) out[k] = this.pool.alloc();
    } catch (e) {
      while (k > 0) this.pool.free(out[--k]);
      throw e;
    }
  }

  /**
   * Frees a slot.
   *
   * **Safety:** the handle goes stale; its offset becomes invalid.
   *
   * Thread-safety: any worker (own instance).
   * @throws {@link nebula-memory!MemoryError} `DOUBLE_FREE`, `STALE_HANDLE`, `INVALID_HANDLE`.
   * @example
   * ```ts
   * particles.free(h);
   * ```
   */
  free(h: Handle): void {
    this.pool.free(h);
  }

  /** The slot's byte offset. Thread-safety: any worker. @throws {@link nebula-memory!MemoryError} `STALE_HANDLE`. @example `const p = particles.offsetOf(h);` */
  offsetOf(h: Handle): Offset {
    return this.pool.offsetOf(h);
  }

  /** Moves the cursor to the slot of `h`. Thread-safety: owner thread. @throws {@link nebula-memory!MemoryError} `STALE_HANDLE`. @example `particles.at(h).life -= dt;` */
  at(h: Handle): StructCursor<F> {
    return this.cursor.at(this.pool.offsetOf(h));
  }
}

/**
 * Pairs an allocator of `memory` with a struct layout: a {@link TypedArena}, {@link TypedPool} or
 * {@link TypedStack}, each with its own cursor.
 *
 * Thread-safety: any worker; make one per thread (it holds a cursor).
 * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` when the allocator is not this memory's (by
 * name, in this thread); `STRUCT_INVALID` when a pool's slots are smaller or less aligned than the struct.
 * @see {@link struct}, which makes the layout, and {@link cursor}, a second cursor to hold two structs at once.
 * @see {@link nebula-memory!Memory.createArena | Memory.createArena}, {@link nebula-memory!Memory.createPool | Memory.createPool} and {@link nebula-memory!Memory.createStack | Memory.createStack} for the allocator.
 * @example
 * ```ts
 * const Particle = struct({ pos: 'vec3', vel: 'vec3', life: 'f32', color: 'u32' });
 * const particles = typed(memory, memory.createPool('particles', { slotSize: Particle.size, align: 16, capacity: 10_000 }), Particle);
 * ```
 */
export function typed<F extends StructFields>(memory: Memory, allocator: FrameArena, layout: StructLayout<F>): TypedArena<F>;
/** The pool form of {@link typed}. Thread-safety: any worker. @example `typed(memory, pool, Particle)` */
export function typed<F extends StructFields>(memory: Memory, allocator: Pool, layout: StructLayout<F>): TypedPool<F>;
/** The stack form of {@link typed}. Thread-safety: owner thread of the stack. @example `typed(memory, scratch, Node)` */
export function typed<F extends StructFields>(memory: Memory, allocator: Stack, layout: StructLayout<F>): TypedStack<F>;
export function typed<F extends StructFields>(memory: Memory, allocator: FrameArena | Pool | Stack, layout: StructLayout<F>): TypedArena<F> | TypedPool<F> | TypedStack<F> {
  let mine: boolean;
  try {
    mine = allocator instanceof FrameArena ? memory.arena(allocator.name) === allocator
      : allocator instanceof Pool ? memory.pool(allocator.name) === allocator : memory.stack(allocator.name) === allocator;
  } catch {
    mine = false;
  }
  if (!mine) {
    throw memoryError('INVALID_OPTION', `typed(): the ${allocator instanceof FrameArena ? 'arena' : allocator instanceof Pool ? 'pool' : 'stack'} "${allocator.name}" is not this thread's instance in this memory`, {
      allocator: 'memory', request: { name: allocator.name }, state: {}, suggestion: 'pass the allocator returned by this memory (memory.createX or memory.x(name)) in this thread.',
    });
  }
  if (allocator instanceof FrameArena) return new TypedArena(memory, allocator, layout);
  if (allocator instanceof Stack) return new TypedStack(memory, allocator, layout);
  if (allocator.slotSize < layout.size || allocator.align < layout.align) {
    throw typedError('STRUCT_INVALID', `struct "${layout.name}" (${layout.size} B, align ${layout.align}) does not fit pool "${allocator.name}" slots (${allocator.slotSize} B, align ${allocator.align})`, {
      allocator: `pool "${allocator.name}"`, request: { size: layout.size, align: layout.align }, state: { slotSize: allocator.slotSize, align: allocator.align },
      suggestion: `create the pool with slotSize >= ${layout.size} and align >= ${layout.align}.`,
    });
  }
  return new TypedPool(memory, allocator, layout);
}
