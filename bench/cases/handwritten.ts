/**
 * Hand-written baselines: the simplest allocators that do the same job, so the library's cost
 * can be read as a ratio. `bump` is THE baseline of every "x bump" column.
 * @module
 */
import { BATCH, newTally, type AllocCase } from './case.ts';

/** A bump allocator with its cursor in a plain object field (PERF-BASELINE A4). */
class Bump {
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

/** A free list of slot indexes linked through an Int32Array, head in a field (PERF-BASELINE A9). */
class FreeList {
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

/** Hand-written bump allocator over a SAB, reset per batch: the "x bump" reference. */
export function bumpCase(): AllocCase {
  const buffer = new SharedArrayBuffer(BATCH * 16);
  const f32 = new Float32Array(buffer);
  const bump = new Bump(buffer.byteLength);
  const tally = newTally();
  return {
    id: 'bump',
    label: 'hand-written bump, JS field cursor, offset into a SAB; reset per batch',
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
