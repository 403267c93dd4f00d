/**
 * Attach/kill/reclaim cycles of real workers, up to eight alive at once: ids come back (1..8),
 * nothing ever runs out of ids (TOO_MANY_THREADS), and every generation is accounted for. Each
 * cycle is a real worker: about 65 ms in Node (an esbuild bundle, fixtures/kill-spawn.ts) and
 * 300 to 550 ms in browsers (a module worker loading its modules from Vite), so CI runs 64 cycles
 * in Node and 32 in browsers; `KILL_CYCLES=1000` runs the full thousand (about a minute in Node).
 * test/reclaim.test.ts runs 1,000 attach/reclaim cycles of views in one thread, and
 * test/kill.test.ts kills workers at random points while the clock runs.
 *
 * Settings (Node: environment; browsers: the same with a VITE_ prefix): KILL_CYCLES, KILL_SEED
 * and KILL_SETTLE_MS, as in test/kill.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createMemory } from '../src/index.ts';
import { CHECKS, inBrowser } from './helpers.ts';
import { FIELDS, K_BEAT, K_PHASE, PHASE_NAMES, type KillInit } from './fixtures/kill-work.ts';
import { removeKillBundles, startKillWorker } from './fixtures/kill-spawn.ts';
import {
  ATTACH_MS, KILL_BOUND_MS, SETTLE_MS, collectLeaks, collector, fmt, frameClock, killWatched, projectOf, rng, setting, sleep, waitFor,
} from './fixtures/kill-harness.ts';

const CYCLES = Number(setting('KILL_CYCLES') ?? (inBrowser ? 32 : 64));
const SEED = Number(setting('KILL_SEED') ?? Math.floor(Math.random() * 0x7fffffff) + 1);
const CONCURRENT = 8;

afterAll(async () => { await removeKillBundles(); });

describe('ids over attach/kill/reclaim cycles', () => {
  it(`${CYCLES} workers attach, are killed at random and reclaimed, ${CONCURRENT} at a time: ids 1..${CONCURRENT} come back, never TOO_MANY_THREADS`,
    { timeout: CYCLES * (300 + KILL_BOUND_MS) + 2 * ATTACH_MS }, async ({ task, annotate }) => {
      expect(Number.isInteger(CYCLES) && CYCLES > 0, `KILL_CYCLES must be a positive integer, got ${CYCLES}`).toBe(true);
      const memory = createMemory({ size: 1 << 20, name: 'clock' });
      memory.createArena('cyc-frame', { capacity: 8192, frames: 2, laneBytes: 64 });
      const pool = memory.createPool('cyc-pool', { slotSize: 16, capacity: 16384, batch: 4 });
      const ctl = new Int32Array(new SharedArrayBuffer(CYCLES * FIELDS * 4));
      const after = new Int32Array(CYCLES);
      const rand = rng(SEED ^ 0x5bd1e995);
      const col = collector();
      const clock = frameClock(memory);
      const ids = new Map<number, number>();
      const sums = { leases: 0, slots: 0 };
      const problems: string[] = [];
      let ranOnMs = 0;
      let started = 0;
      const t0 = performance.now();
      const cycle = async (): Promise<void> => {
        const spawn = started++;
        const init: KillInit = {
          mode: 'cycle', memory: memory.share(), name: `cyc-${spawn}`, spawn, control: ctl.buffer, seed: (SEED + 104729 * spawn) | 0 || 1,
          arena: 'cyc-frame', pool: 'cyc-pool', stack: '', createStack: false, maxLagUs: 0, bigPool: { name: '', capacity: 0, slotSize: 0, align: 0 },
        };
        const w = await startKillWorker(memory, init, { checks: CHECKS, settleMs: SETTLE_MS }, col.handlers);
        await waitFor(() => w.threadId >= 0 || col.failures.length > 0, ATTACH_MS, () => {
          // attached but not reported: it waits for its liveness lock; not in the table: it never ran
          const t = memory.threads().find((x) => x.name === init.name);
          return `cycle ${spawn}: the worker did not attach (thread table: ${t === undefined ? 'no thread of that name' : `thread ${t.id} ${t.state}`}, phase ${PHASE_NAMES[Atomics.load(ctl, spawn * FIELDS + K_PHASE)]})`;
        });
        const delay = rand(4); // kill at once, or after it ran 1 to 3 ms
        if (delay > 0) await sleep(delay);
        const k = await killWatched(w, ctl);
        const reports = k.reports;
        after[spawn] = k.beat;
        ranOnMs = Math.max(ranOnMs, k.ranOnMs);
        clock.reclaimed(w.name);
        ids.set(w.threadId, (ids.get(w.threadId) ?? 0) + 1);
        const r = reports.length === 1 ? reports[0] : null;
        if (r?.id !== w.threadId || r.name !== w.name || r.stacks !== 0 || r.abandoned !== 0 || r.lock) {
          problems.push(`${w.name} (thread ${w.threadId}): reclaim reports ${JSON.stringify(reports)}`);
        } else {
          sums.leases += r.leases;
          sums.slots += r.slots;
        }
        clock.run(1);
      };
      await Promise.all(Array.from({ length: CONCURRENT }, async () => {
        while (started < CYCLES && col.failures.length === 0 && problems.length === 0) await cycle();
      }));
      const elapsed = performance.now() - t0;
      const refusedBefore = clock.s.refused;
      for (let k = 0; k < 4; k++) clock.tryAdvance();
      const [leaked] = collectLeaks(memory, 'cyc-pool', new Set(Array.from({ length: CYCLES }, (_, k) => k)), 16);
      const gens = memory.threads().filter((t) => t.id > 0);
      const line = `kill-cycles[${projectOf(task)}] ${started} attach/kill/reclaim cycles in ${(elapsed / 1000).toFixed(1)} s (${(elapsed / Math.max(1, started)).toFixed(1)} ms each, ` +
        `${CONCURRENT} at a time): ids ${[...ids].sort((x, y) => x[0] - y[0]).map(([id, n]) => `${id}×${n}`).join(' ')}, generations ` +
        `${gens.map((t) => t.generation).join(' ')}; heartbeat last seen ${ranOnMs.toFixed(1)} ms after terminate() (reclaimed ${inBrowser ? 'when its liveness lock came free' : "on 'exit'"}); reclaims released ${sums.leases} leases, ${sums.slots} cached slots; ${fmt(clock.s.advanced)} frames advanced; ` +
        `${leaked} leaked live slots freed; seed ${SEED}`;
      console.log(line);
      await annotate(line, 'figures');

      expect(col.failures, line).toEqual([]); // an attach that ran out of ids would be here: TOO_MANY_THREADS
      expect(col.mismatches, line).toEqual([]);
      expect(problems, line).toEqual([]);
      expect(started).toBe(CYCLES);
      for (const [spawn, c] of col.checked) expect(c, `worker ${spawn} runs the ${CHECKS ? 'checked' : 'fast'} build`).toBe(CHECKS);
      // at most CONCURRENT workers were attached at once, so the ids stayed 1..CONCURRENT and came back
      expect(Math.max(...ids.keys())).toBeLessThanOrEqual(CONCURRENT);
      expect(Math.min(...ids.keys())).toBeGreaterThanOrEqual(1);
      expect([...ids.values()].reduce((a, n) => a + n, 0)).toBe(CYCLES);
      // every attach and every reclaim moved its id's generation on once
      expect(gens.every((t) => t.state === 'reclaimed')).toBe(true);
      expect(gens.reduce((a, t) => a + t.generation, 0)).toBe(2 * CYCLES);
      expect(sums.slots, 'cached slots returned').toBeGreaterThan(0);
      expect(clock.s.deadNamed, 'LANE_LEASED naming a reclaimed thread').toEqual([]);
      expect(clock.s.refused - refusedBefore, 'advance() with every worker gone').toBe(0);
      for (let k = 0; k < CYCLES; k++) expect(Atomics.load(ctl, k * FIELDS + K_BEAT), `worker ${k} ran after its reclaim`).toBe(after[k]);
      const st = pool.stats();
      expect([st.live, st.cached, st.free]).toEqual([0, 0, st.capacity]);
      expect(memory.snapshot().threads).toEqual([0]);
      memory.checkInvariants();
    });
});
