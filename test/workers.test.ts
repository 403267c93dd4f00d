/**
 * The same pool and arena used from several workers at once (Node worker_threads and browser Web
 * Workers). Every slot and every byte must be handed out exactly once: each worker stamps what it
 * owns and checks the stamps, and the test checks them again from the main thread.
 */
import { describe, expect, it } from 'vitest';
import { createMemory } from '../src/index.ts';
import type { StampInit, StampResult } from './fixtures/stamp-work.ts';
import { runStampWorker } from './fixtures/spawn.ts';
import { CHECKS } from './helpers.ts';

const WORKERS = 3;

describe('workers share one memory', () => {
  it(`${WORKERS} workers take pool slots and arena lanes; nothing is handed out twice`, async () => {
    const memory = createMemory({ size: 8 << 20 });
    const pool = memory.createPool('pool', { slotSize: 16, align: 16, capacity: 512, batch: 8 });
    const arena = memory.createArena('arena', { capacity: 1 << 20, frames: 0, laneBytes: 4096 });
    const control = new SharedArrayBuffer(8);
    const ctl = new Int32Array(control);
    const runs = Array.from({ length: WORKERS }, (_, worker) =>
      runStampWorker<StampResult>({ memory: memory.share(), worker, rounds: 3000, control } satisfies StampInit));
    const start = Date.now();
    while (Atomics.load(ctl, 0) < WORKERS && Date.now() - start < 30_000) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(Atomics.load(ctl, 0)).toBe(WORKERS);
    Atomics.store(ctl, 1, 1);
    const results = await Promise.all(runs);

    const ids = new Set(results.map((r) => r.threadId));
    expect(ids.size).toBe(WORKERS);
    expect(ids.has(0)).toBe(false);
    for (const r of results) {
      expect(r.mismatches).toBe(0);
      expect(r.poolAllocs).toBeGreaterThan(1000);
    }

    // pool: the kept slots are live, distinct, and still carry their owner's stamp
    const kept = results.flatMap((r) => r.kept.map((h) => ({ h, tag: r.tag })));
    expect(pool.live).toBe(kept.length);
    const offsets = new Set<number>();
    for (const { h, tag } of kept) {
      expect(pool.isAlive(h)).toBe(true);
      const w = pool.offsetOf(h) >> 2;
      offsets.add(w);
      expect(memory.i32[w]).toBe(tag ^ h);
      expect(memory.i32[w + 1]).toBe(h);
    }
    expect(offsets.size).toBe(kept.length);
    for (const { h } of kept) pool.free(h);
    pool.flush();
    expect(pool.live).toBe(0);
    expect(pool.stats().free).toBe(512);

    // arena: blocks of all workers are disjoint, inside the arena, and keep their stamps
    const blocks = results.flatMap((r) => {
      const out: { p: number; size: number; stamp: number }[] = [];
      for (let k = 0; k < r.blocks.length; k += 2) out.push({ p: r.blocks[k], size: r.blocks[k + 1], stamp: r.tag + k / 2 });
      return out;
    }).sort((x, y) => x.p - y.p);
    expect(blocks.length).toBeGreaterThan(WORKERS * 100);
    for (let k = 1; k < blocks.length; k++) expect(blocks[k].p).toBeGreaterThanOrEqual(blocks[k - 1].p + blocks[k - 1].size);
    for (const b of blocks) {
      expect(memory.i32[b.p >> 2]).toBe(b.stamp);
      expect(memory.i32[(b.p + b.size - 4) >> 2]).toBe(b.stamp);
    }
    expect(arena.stats().leases).toBe(0);

    // statistics: what each worker counted locally and published once is what the main thread reads
    const sum = (f: (r: StampResult) => number): number => results.reduce((n, r) => n + f(r), 0);
    const ps = pool.stats();
    expect(ps.allocations).toBe(sum((r) => r.poolAllocs));
    expect(ps.failures).toBe(sum((r) => r.poolFailures));
    expect(ps.frees).toBe(sum((r) => r.poolAllocs)); // workers freed all but `kept` (published); this thread freed those (its own count)
    expect(ps.bytes).toBe(16 * ps.allocations);
    const as = arena.stats();
    // arena calls are counted by the checked build only; Node's workers (tsx, no define) run the
    // checked build even under the node-fast project, the browsers' workers run the page's build
    expect(CHECKS ? [blocks.length] : [0, blocks.length]).toContain(as.allocations);
    expect(as.bytes).toBe(blocks.reduce((n, b) => n + b.size, 0)); // the cursor's movement: sizes of 8 at align 8 leave no padding
    memory.checkInvariants();
  });
});
