/**
 * @thi.ng/malloc's `MemPool`: a general-purpose malloc/free over one buffer, the nearest
 * published alternative to the library's pool.
 * @module
 */
import { MemPool } from '@thi.ng/malloc';
import { BATCH, newTally, type AllocCase } from './case.ts';

/**
 * `MemPool.malloc(16)` + write/read + `free(addr)` per op, over a 1 MiB SharedArrayBuffer
 * (align 16, its default compaction and splitting); compared with the free list.
 */
export function thingMallocCase(): AllocCase {
  const buf = new SharedArrayBuffer(1 << 20);
  const heap = new MemPool({ buf, align: 16 });
  const f32 = new Float32Array(buf);
  const tally = newTally();
  return {
    id: 'thi.ng-malloc',
    label: '@thi.ng/malloc MemPool malloc(16) + free() per op, over a SAB',
    ref: 'free-list',
    tally,
    batch: () => {
      let acc = 0;
      for (let i = 0; i < BATCH; i++) {
        const p = heap.malloc(16);
        if (p === 0) throw new RangeError('thi.ng MemPool: out of memory');
        const q = p >> 2;
        f32[q] = i;
        f32[q + 1] = i * 0.5;
        f32[q + 2] = -i;
        acc += f32[q + 1];
        heap.free(p);
      }
      tally.acc += acc;
      tally.batches++;
    },
    verify: () => {
      const s = heap.stats();
      if (s.used.count !== 0) throw new Error(`thi.ng MemPool: ${s.used.count} blocks still used`);
    },
  };
}
