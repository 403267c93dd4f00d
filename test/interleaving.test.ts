/**
 * Every interleaving of small scenarios of the lock-free code, run on the production functions
 * (src/allocators/lockfree.ts) through the explorer. The counts are exact: the explorer is
 * deterministic, so a change in them means the code's shared-memory steps changed.
 */
import { describe, expect, it } from 'vitest';
import {
  type FreeListShape, type SegmentWords, acquireSegment, headTagMask, leaseChunk, lockSegment, popBatch,
  pushChain, recycleSegment, releaseSegment,
} from '../src/allocators/lockfree.ts';
import type { SharedOps } from '../src/memory/shared-ops.ts';
import { type Exploration, type Scenario, explore } from './interleaving/explorer.ts';

const report: Exploration[] = [];

function run(sc: Scenario): Exploration {
  const r = explore(sc);
  report.push(r);
  console.log(`interleavings[${r.name}]: ${r.interleavings} explored, ${r.violations} violations, longest ${r.longest} steps, ${r.cut} cut` +
    (r.firstViolation ? `; first: ${r.firstViolation.message} after [${r.firstViolation.schedule.join('')}]` : ''));
  return r;
}

// ---- free list: head at word 0, next[i] at word 1 + i; slots 0..cap-1 listed in order ----
function freeList(cap: number, tagged: boolean): { shape: FreeListShape; init: (m: Int32Array) => void } {
  const linkBits = 32 - Math.clz32(cap);
  const shape: FreeListShape = { head: 0, next: 1, capacity: cap, linkBits, tagMask: tagged ? headTagMask(linkBits) : 0 };
  return {
    shape,
    init: (m) => {
      m[0] = 1;
      for (let i = 0; i < cap; i++) m[1 + i] = i + 1 < cap ? i + 2 : 0;
    },
  };
}

/** Pops `n` single slots; returns them. */
function popN(ops: SharedOps, shape: FreeListShape, n: number): number[] {
  const out = new Int32Array(1);
  const got: number[] = [];
  for (let k = 0; k < n; k++) if (popBatch(ops, shape, 1, out) === 1) got.push(out[0]);
  return got;
}

/** The final state is sound: the list is acyclic, and list + held slots are all slots, once each. */
function checkSlots(cap: number, shape: FreeListShape) {
  return (m: Int32Array, results: readonly unknown[]): string | null => {
    const seen = new Map<number, string>();
    let link = m[shape.head] & ((1 << shape.linkBits) - 1);
    for (let guard = 0; link !== 0; guard++) {
      if (guard > cap || link > cap) return `free list is corrupt (cycle or bad link ${link})`;
      if (seen.has(link - 1)) return `slot ${link - 1} is listed twice`;
      seen.set(link - 1, 'list');
      link = m[shape.next + link - 1];
    }
    results.forEach((held, t) => {
      for (const i of held as number[]) {
        if (seen.has(i)) seen.set(i, `${seen.get(i) ?? ''}+thread${t}`);
        else seen.set(i, `thread${t}`);
      }
    });
    for (let i = 0; i < cap; i++) {
      const owner = seen.get(i);
      if (owner === undefined) return `slot ${i} is lost`;
      if (owner.includes('+')) return `slot ${i} has two owners: ${owner}`;
    }
    return null;
  };
}

function abaScenario(tagged: boolean): Scenario {
  const { shape, init } = freeList(3, tagged);
  return {
    name: `free list ABA, ${tagged ? 'tagged' : 'UNTAGGED'} head`,
    words: 4,
    init,
    threads: [
      // T0 pops one slot and keeps it
      (ops) => popN(ops, shape, 1),
      // T1 pops A and B, pushes A back, keeps B: the classic ABA against T0's pending CAS
      (ops) => {
        const [a, b] = popN(ops, shape, 2);
        pushChain(ops, shape, a, a);
        return [b];
      },
    ],
    check: checkSlots(3, shape),
  };
}

describe('interleaving explorer: pool free list', () => {
  it('the tagged head survives every interleaving of the ABA scenario', () => {
    const r = run(abaScenario(true));
    expect(r.violations).toBe(0);
    expect(r.cut).toBe(0);
    expect(r.interleavings).toBe(EXPECTED.abaTagged);
  });

  it('catches the deliberately broken untagged head', () => {
    const r = run(abaScenario(false));
    expect(r.violations).toBeGreaterThan(0);
    expect(r.firstViolation?.message).toMatch(/two owners/);
  });

  it('3 threads popping at once each get a different slot', () => {
    const { shape, init } = freeList(3, true);
    const r = run({
      name: 'free list, 3 threads each pop and keep one slot',
      words: 4,
      init,
      threads: [(ops) => popN(ops, shape, 1), (ops) => popN(ops, shape, 1), (ops) => popN(ops, shape, 1)],
      check: checkSlots(3, shape),
    });
    expect(r.violations).toBe(0);
    expect(r.cut).toBe(0);
    expect(r.interleavings).toBe(EXPECTED.threeThreads);
  });

  it('a batch pop of 2 and a chain push of 2 race a single pop', () => {
    const { shape, init } = freeList(3, true);
    const r = run({
      name: 'free list, batch pop 2 + chain push 2 vs pop and keep',
      words: 4,
      init,
      threads: [
        (ops) => {
          const out = new Int32Array(2);
          const k = popBatch(ops, shape, 2, out);
          if (k === 2) ops.words[shape.next + out[0]] = out[1] + 1;
          if (k > 0) pushChain(ops, shape, out[0], out[k - 1]);
          return [];
        },
        (ops) => popN(ops, shape, 1),
      ],
      check: checkSlots(3, shape),
    });
    expect(r.violations).toBe(0);
    expect(r.interleavings).toBe(EXPECTED.batch);
  });
});

// ---- arena segment: cursor 0, epoch 1, lock 2, global frame 3, ghost 4, lessee masks 5 and 6 ----
const SEG: SegmentWords = { cursor: 0, epoch: 1, lock: 2, maskLo: 5, maskHi: 6 };
const FRAME = 3;
const GHOST = 4;

describe('interleaving explorer: arena lanes and recycling', () => {
  it('two threads leasing lanes never get overlapping bytes', () => {
    const worker = (leases: number, tid: number) => (ops: SharedOps): number[] => {
      const out = new Int32Array(1);
      while (!acquireSegment(ops, SEG, ops.load(FRAME), true, tid)) { /* frame moved: retry */ }
      const chunks: number[] = [];
      for (let k = 0; k < leases; k++) {
        const c = leaseChunk(ops, SEG, 256, 64, () => 40, out);
        if (c >= 0) chunks.push(c, out[0]);
      }
      const last = chunks.length - 2;
      if (last >= 0) releaseSegment(ops, SEG, chunks[last] + chunks[last + 1], chunks[last] + 40, tid);
      else releaseSegment(ops, SEG, -1, -1, tid);
      return chunks;
    };
    const r = run({
      name: 'arena lanes, 2 threads: 2 leases + release, 1 lease + release',
      words: 7,
      init: () => undefined,
      threads: [worker(2, 1), worker(1, 2)],
      check: (m, results) => {
        const used = (results as number[][]).flatMap((c) => [[c[0], c[0] + 40], [c[2], c[2] + 40]]).filter(([a]) => !Number.isNaN(a));
        used.sort((x, y) => x[0] - y[0]);
        for (let k = 1; k < used.length; k++) if (used[k][0] < used[k - 1][1]) return `bytes [${used[k][0]}, ${used[k - 1][1]}) handed out twice`;
        if (used.some(([, e]) => e > 256)) return 'a lane passes the capacity';
        if (m[SEG.maskLo] !== 0) return `lessee mask ${m[SEG.maskLo]} at the end`;
        if (m[SEG.cursor] > 256 || m[SEG.cursor] < Math.max(...used.map(([, e]) => e))) return `cursor ${m[SEG.cursor]} below a live lane`;
        return null;
      },
    });
    expect(r.violations).toBe(0);
    expect(r.cut).toBe(0);
    expect(r.interleavings).toBe(EXPECTED.lanes);
  });

  function recycleScenario(lock: (ops: SharedOps) => number, name: string): Scenario {
    return {
      name,
      words: 7,
      init: () => undefined,
      threads: [
        // the frame clock: advance to frame 1 recycles the only segment
        (ops) => {
          if (lock(ops) !== 0) return { advanced: false, ghost: 0 };
          const ghost = ops.words[GHOST]; // 1 while the worker is inside its lease: must never happen
          recycleSegment(ops, SEG, 1);
          ops.store(FRAME, 1);
          return { advanced: true, ghost };
        },
        // a worker: lease in the current frame, mark the critical section, release
        (ops) => {
          let frame = ops.load(FRAME);
          while (!acquireSegment(ops, SEG, frame, true, 1)) frame = ops.load(FRAME);
          ops.words[GHOST] = 1;
          const c = leaseChunk(ops, SEG, 256, 64, () => 16, new Int32Array(1));
          ops.words[GHOST] = 0;
          releaseSegment(ops, SEG, c + 64, c + 16, 1);
          return { frame, c };
        },
      ],
      check: (m, results) => {
        const clock = results[0] as { advanced: boolean; ghost: number };
        if (clock.advanced && clock.ghost !== 0) return 'the segment was recycled while a worker held a lane in it';
        if (m[SEG.maskLo] !== 0 || m[SEG.lock] !== 0) return `lessee mask ${m[SEG.maskLo]}, lock ${m[SEG.lock]} at the end`;
        if (m[SEG.epoch] !== m[FRAME]) return `epoch ${m[SEG.epoch]} != frame ${m[FRAME]}`;
        return null;
      },
    };
  }

  it('a recycle never empties a segment a worker leases', () => {
    const r = run(recycleScenario((ops) => lockSegment(ops, SEG), 'advance vs a worker lease (frames: 1)'));
    expect(r.violations).toBe(0);
    expect(r.cut).toBe(0);
    expect(r.interleavings).toBe(EXPECTED.recycle);
  });

  it('catches a deliberately broken, non-atomic segment lock', () => {
    const broken = (ops: SharedOps): number => {
      const l = ops.load(SEG.maskLo);
      if (l === 0) ops.store(SEG.lock, 1);
      return l;
    };
    const r = run(recycleScenario(broken, 'advance vs a worker lease, BROKEN non-atomic lock'));
    expect(r.violations).toBeGreaterThan(0);
  });

  it('reports its totals', () => {
    const total = report.reduce((n, r) => n + r.interleavings, 0);
    console.log(`interleavings total: ${total} across ${report.length} scenarios`);
    expect(total).toBeGreaterThan(1000);
  });
});

const EXPECTED = { abaTagged: 9355, threeThreads: 52980, batch: 1259, lanes: 108516, recycle: 53377 };
