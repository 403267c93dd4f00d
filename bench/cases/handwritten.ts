/**
 * Hand-written baselines: the simplest allocators that do the same job, so the library's cost
 * can be read as a ratio. `bump` is THE baseline of every "x bump" column.
 * @module
 */
import { BATCH, newTally, type AllocCase } from './case.ts';

/** A bump allocator with its cursor in a plain object field (PERF-BASELINE A4). */
export class Bump {
  private cursor = 0;
  constructor(private readonly capacity: number) {}

  /** Returns the byte offset of `size` fresh bytes. */
  alloc(size: number): number {
    const p = this.cursor;
    const next = p + size;
    if (next > this.capacity) throw new RangeError(`bump: ${size} bytes do not fit`);
    this.cursor = next;
    return p;
  }

  /** Frees everything at once. */
  reset(): void {
    this.cursor = 0;
  }
}

/**
 * A stack allocator with its cursor in a plain object field: `push` aligns and bumps the cursor,
 * `pop(p)` rewinds it to the block's start. The hand-written twin of the library's `Stack`.
 */
export class HandStack {
  private cursor = 0;
  constructor(private readonly capacity: number) {}

  /** Returns the byte offset of `size` fresh bytes aligned to `align` (a power of two). */
  push(size: number, align: number): number {
    const p = (this.cursor + align - 1) & -align;
    const next = p + size;
    if (next > this.capacity) throw new RangeError(`hand stack: ${size} bytes do not fit`);
    this.cursor = next;
    return p;
  }

  /** Frees the block at `p` and everything pushed after it. */
  pop(p: number): void {
    this.cursor = p;
  }

  /** Bytes in use. */
  get depth(): number {
    return this.cursor;
  }
}

/** A free list of slot indexes linked through an Int32Array, head in a field (PERF-BASELINE A9). */
export class FreeList {
  private head = 0;
  private readonly next: Int32Array;
  constructor(capacity: number) {
    this.next = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.next[i] = i + 1 < capacity ? i + 1 : -1;
  }

  /** Takes a free slot index. */
  alloc(): number {
    const i = this.head;
    if (i < 0) throw new RangeError('free list: exhausted');
    this.head = this.next[i];
    return i;
  }

  /** Returns slot `i`. */
  free(i: number): void {
    this.next[i] = this.head;
    this.head = i;
  }
}

/**
 * Hand-written bump allocator over a SAB, reset per batch: the "x bump" reference.
 * `bytes` per op (16 here, 12 for a vec3 in typed.bench.ts); the SAB holds one batch.
 */
export function bumpCase(bytes = 16, label = 'hand-written bump, JS field cursor, offset into a SAB; reset per batch'): AllocCase {
  const buffer = new SharedArrayBuffer(BATCH * bytes);
  const f32 = new Float32Array(buffer);
  const bump = new Bump(buffer.byteLength);
  const tally = newTally();
  return {
    id: 'bump',
    label,
    tally,
    batch: () => {
      let acc = 0;
      for (let i = 0; i < BATCH; i++) {
        const q = bump.alloc(bytes) >> 2;
        f32[q] = i;
        f32[q + 1] = i * 0.5;
        f32[q + 2] = -i;
        acc += f32[q + 1];
      }
      bump.reset();
      tally.acc += acc;
      tally.batches++;
    },
  };
}

/** Hand-written Int32Array free-list pool, alloc + free per op: the pool's reference. */
export function freeListCase(): AllocCase {
  const capacity = 8192;
  const f32 = new Float32Array(new SharedArrayBuffer(capacity * 16));
  const pool = new FreeList(capacity);
  const tally = newTally();
  return {
    id: 'free-list',
    label: 'hand-written Int32Array free list, alloc + free per op',
    tally,
    batch: () => {
      let acc = 0;
      for (let i = 0; i < BATCH; i++) {
        const s = pool.alloc();
        const q = s << 2; // 16-byte slots, in f32 elements
        f32[q] = i;
        f32[q + 1] = i * 0.5;
        f32[q + 2] = -i;
        acc += f32[q + 1];
        pool.free(s);
      }
      tally.acc += acc;
      tally.batches++;
    },
  };
}

/** Hand-written stack over a SAB, `push(16, 16)` + write/read + `pop(p)` per op: the `stack` case's reference. */
export function handStackCase(): AllocCase {
  const capacity = 64 << 10;
  const f32 = new Float32Array(new SharedArrayBuffer(capacity));
  const stack = new HandStack(capacity);
  const tally = newTally();
  return {
    id: 'hand-stack',
    label: 'hand-written stack, JS field cursor: push(16, 16) aligns and bumps, pop(p) rewinds',
    tally,
    batch: () => {
      let acc = 0;
      for (let i = 0; i < BATCH; i++) {
        const p = stack.push(16, 16);
        const q = p >> 2;
        f32[q] = i;
        f32[q + 1] = i * 0.5;
        f32[q + 2] = -i;
        acc += f32[q + 1];
        stack.pop(p);
      }
      tally.acc += acc;
      tally.batches++;
    },
    verify: () => {
      if (stack.depth !== 0) throw new Error(`hand stack: depth ${stack.depth} after the run`);
    },
  };
}

/**
 * Chunks of a shared buffer taken with one `Atomics.add` on a shared cursor, a plain JS cursor
 * inside (PERF-BASELINE B, best row): the hand-written twin of the arena's lanes.
 */
export class ChunkBump {
  private cur = 0;
  private end = 0;
  /** `cursor[word]` is the shared cursor, in bytes of a buffer of `capacity` bytes. */
  constructor(private readonly cursor: Int32Array, private readonly word: number, private readonly capacity: number, private readonly chunkBytes: number) {}

  /** Returns the byte offset of `size` fresh bytes. */
  alloc(size: number): number {
    const p = this.cur;
    const next = p + size;
    if (next > this.end) return this.refill(size);
    this.cur = next;
    return p;
  }

  private refill(size: number): number {
    const start = Atomics.add(this.cursor, this.word, this.chunkBytes);
    if (start + this.chunkBytes > this.capacity) throw new RangeError(`chunk bump: the ${this.capacity} bytes are used up`);
    this.cur = start + size;
    this.end = start + this.chunkBytes;
    return start;
  }

  /** Gives up the current chunk (the shared cursor is reset by its owner). */
  drop(): void {
    this.cur = this.end = 0;
  }
}

/**
 * {@link ChunkBump} alloc(16) per op over `buffer`; the caller drops the chunk and resets the
 * cursor per frame. The same loop as `arenaLaneCase` on purpose: both run in one worker, and a
 * shared loop would make its `alloc` call site polymorphic (see bench/README.md, "Files").
 */
export function chunkBumpCase(bump: ChunkBump, buffer: SharedArrayBuffer): AllocCase {
  const f32 = new Float32Array(buffer);
  const tally = newTally();
  return {
    id: 'chunk-ref',
    label: 'hand-written chunks of 64 KiB by Atomics.add on a shared cursor, JS cursor inside',
    tally,
    batch: () => {
      let acc = 0;
      for (let i = 0; i < BATCH; i++) {
        const q = bump.alloc(16) >> 2;
        f32[q] = i;
        f32[q + 1] = i * 0.5;
        f32[q + 2] = -i;
        acc += f32[q + 1];
      }
      tally.acc += acc;
      tally.batches++;
    },
  };
}

/** A recycled JS object: what {@link arrayPoolCase} hands out. */
interface Vec3Object {
  x: number;
  y: number;
  z: number;
}

/**
 * An array object pool: `{ x, y, z }` objects made once, taken with `pop()` and given back with
 * `push()` (PERF-BASELINE A, "array object pool"): no GC in steady state, no shared memory.
 */
export function arrayPoolCase(capacity = 64): AllocCase {
  const free: Vec3Object[] = [];
  for (let k = 0; k < capacity; k++) free.push({ x: 0, y: 0, z: 0 });
  const tally = newTally();
  return {
    id: 'array-pool',
    label: 'array object pool: { x, y, z } objects, pop() + push() per op',
    ref: 'free-list',
    tally,
    batch: () => {
      let acc = 0;
      for (let i = 0; i < BATCH; i++) {
        const o = free.pop();
        if (o === undefined) throw new RangeError('array pool: exhausted');
        o.x = i;
        o.y = i * 0.5;
        o.z = -i;
        acc += o.y;
        free.push(o);
      }
      tally.acc += acc;
      tally.batches++;
    },
    verify: () => {
      if (free.length !== capacity) throw new Error(`array pool: ${capacity - free.length} objects leaked`);
    },
  };
}
