/**
 * Real workers terminated at random points, then reclaimed, while the frame clock keeps going
 * (docs/SAFETY.md, "Threading rules"; `reclaimThread`, `reclaimOnExit`, `terminateAndReclaim`).
 * test/reclaim.test.ts covers the same lifecycle with views that simply stop in one thread;
 * here the threads are real and die wherever the kill finds them:
 *
 * 1. Three workers run units (an arena lane with stamped blocks, a pool alloc/free loop with
 *    slots kept live and cached, pushes and pops on the lane's stack, a lag holding all of it)
 *    while this thread advances the clock as fast as `LANE_LEASED` lets it. Workers are killed
 *    at seeded random times, aimed in turn at the pool loop, at a lag that holds the lane, and
 *    anywhere; each is reclaimed (Node: `reclaimOnExit` by name on `'exit'`; browsers:
 *    `terminateAndReclaim` by id) and replaced by a worker that adopts the lane's stack.
 * 2. A worker is killed in the middle of `createPool` of a 1M-slot pool (initialised outside
 *    the region-table lock, which takes milliseconds): the region is abandoned or complete, and
 *    the table, the name and the main thread's own creations stay usable.
 *
 * test/kill-cycles.test.ts runs attach/kill/reclaim cycles of real workers.
 *
 * Every kill is checked: one reclaim report naming the worker, its stack ownerless and empty,
 * its published cache 0, its heartbeat still after the reclaim (it never ran again), and
 * `LANE_LEASED` never names a reclaimed thread. At the end: the clock advances at once, every
 * pool has live + free + cached = capacity with nothing cached, the leaked live slots hold their
 * killers' stamps and can be freed, every stack can be adopted, checkInvariants() passes.
 *
 * Settings (Node: environment; browsers: the same with a VITE_ prefix, through Vite's env):
 * KILL_MS (test 1's run, default 3000), KILL_SEED (replays kill times and the
 * workers' choices; timing still differs) and KILL_SETTLE_MS (below).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type ReclaimReport, createMemory } from '../src/index.ts';
import { CHECKS, inBrowser } from './helpers.ts';
import { FIELDS, K_BEAT, K_GO, K_LEASED, K_PHASE, K_UNITS, LIVE_MAX, PHASE, PHASE_NAMES, type KillInit } from './fixtures/kill-work.ts';
import { type KillWorker, removeKillBundles, startKillWorker } from './fixtures/kill-spawn.ts';
import {
  ATTACH_MS, KILL_BOUND_MS, SETTLE_MS, cachedBy, collectLeaks, collector, fmt, frameClock, killWatched, projectOf, rng, setting, sleep, waitFor,
} from './fixtures/kill-harness.ts';

const RUN_MS = Number(setting('KILL_MS') ?? 3000);
const SEED = Number(setting('KILL_SEED') ?? Math.floor(Math.random() * 0x7fffffff) + 1);
const LANES = 3;
/** Kills during the run (the last generation of LANES workers is killed after it). */
const MIN_KILLS = 6;
/** Kills come every KILL_MIN_MS + [0, KILL_SPREAD_MS) ms. */
const KILL_MIN_MS = 40;
const KILL_SPREAD_MS = 160;
/** The clock runs in slices of this many ms and yields to the event loop between them. */
const SLICE_MS = 10;
/**
 * The clock must advance within this many ms of every reclaim. It then waits only for live
 * workers (that it never waits for a reclaimed one is checked exactly: no LANE_LEASED names
 * one), and a live worker holding its lane can be descheduled for seconds when seven test
 * projects share two cores, so this is a generous liveness bound, not a speed target.
 */
const CLOCK_BOUND_MS = 10_000;
/** Main-thread region creations after a kill must take less than this (the table lock times out at 2 s). */
const CREATE_BOUND_MS = 1000;
const MAX_SPAWNS = 512;

afterAll(async () => { await removeKillBundles(); });

describe('workers killed at random points', () => {
  it(`${LANES} workers with lanes, cached slots and stacks, killed and replaced for ${RUN_MS} ms while the clock runs`,
    { timeout: RUN_MS + 2 * ATTACH_MS + 4 * KILL_BOUND_MS + 20_000 }, async ({ task, annotate }) => {
      const memory = createMemory({ size: 4 << 20, name: 'clock' });
      expect(memory.shared, `memory is not shared: ${memory.isolation.reason}`).toBe(true);
      const arena = memory.createArena('kill-frame', { capacity: 16384, frames: 2, laneBytes: 256 });
      const pool = memory.createPool('kill-pool', { slotSize: 16, capacity: 8192, batch: 8 });
      const ctl = new Int32Array(new SharedArrayBuffer(MAX_SPAWNS * FIELDS * 4));
      const rand = rng(SEED);
      const col = collector();
      const clock = frameClock(memory);
      const lanes: (KillWorker | null)[] = Array.from({ length: LANES }, () => null);
      const dying = new Set<Promise<void>>();
      const killed = new Set<number>();
      const beats = new Map<number, number>(); // spawn -> heartbeat when reclaimed
      const sums = { kills: 0, leases: 0, slots: 0, stacks: 0, locks: 0, leasedAtKill: 0, ranOnMs: 0 };
      const phases = new Map<string, number>();
      const problems: string[] = [];
      let spawns = 0;
      const start = async (lane: number): Promise<void> => {
        const spawn = spawns++;
        const init: KillInit = {
          mode: 'work', memory: memory.share(), name: `kill-${spawn}`, spawn, control: ctl.buffer, seed: (SEED + 7919 * spawn) | 0 || 1,
          arena: 'kill-frame', pool: 'kill-pool', stack: `kill-stack-${lane}`, createStack: spawn < LANES, maxLagUs: 400,
          bigPool: { name: '', capacity: 0, slotSize: 0, align: 0 },
        };
        lanes[lane] = await startKillWorker(memory, init, { checks: CHECKS, settleMs: SETTLE_MS }, col.handlers);
      };
      /** After the kill: what the reclaim released, and the lane's stack and the dead thread's cache. */
      const check = (w: KillWorker, lane: number, reports: ReclaimReport[]): void => {
        if (w.threadId < 0 && reports.length === 0) return; // killed before it attached (only when a failure cut the run short)
        const r = reports.length === 1 ? reports[0] : null;
        // killed after it attached but before it reported its id (it waits for its liveness
        // lock first): reclaimed by name, so the report gives the id
        const id = w.threadId >= 0 ? w.threadId : (r?.id ?? -1);
        if (r?.id !== id || r.name !== w.name || r.abandoned !== 0) {
          problems.push(`${w.name} (thread ${w.threadId}): reclaim reports ${JSON.stringify(reports)}`);
          return;
        }
        sums.leases += r.leases;
        sums.slots += r.slots;
        sums.stacks += r.stacks;
        if (r.lock) sums.locks++;
        // read before the id's generation: a newcomer that took the id bumped it before caching
        const cached = cachedBy(memory, 'kill-pool', r.id);
        const stillDead = memory.threads().find((t) => t.id === r.id)?.generation === r.generation + 1;
        const st = memory.stack(`kill-stack-${lane}`).stats();
        if (r.stacks !== 1 || st.owner !== -1 || st.depth !== 0 || st.used !== 0 || (stillDead && cached !== 0)) {
          problems.push(`${w.name}: after its reclaim, its stack has owner ${st.owner}, depth ${st.depth}, used ${st.used}; it caches ${cached} slots`);
        }
      };
      /** Kills lane `lane`'s worker, aimed at a phase (0: the pool loop, 1: a lag holding the lane, 2: anywhere); the clock goes on meanwhile. */
      const kill = (lane: number, aim: number, replace: boolean): void => {
        const w = lanes[lane];
        if (w === null) return;
        lanes[lane] = null;
        const rec = w.spawn * FIELDS;
        const until = performance.now() + 20;
        const want = aim === 0 ? PHASE.POOL : PHASE.LAG;
        while (aim < 2 && Atomics.load(ctl, rec + K_PHASE) !== want && performance.now() < until) { /* aim */ }
        const ph = PHASE_NAMES[Atomics.load(ctl, rec + K_PHASE)];
        phases.set(ph, (phases.get(ph) ?? 0) + 1);
        sums.leasedAtKill += Atomics.load(ctl, rec + K_LEASED);
        sums.kills++;
        const p = killWatched(w, ctl).then(async (k) => {
          beats.set(w.spawn, k.beat);
          killed.add(w.spawn);
          sums.ranOnMs = Math.max(sums.ranOnMs, k.ranOnMs);
          clock.reclaimed(w.name);
          check(w, lane, k.reports);
          if (replace && col.failures.length === 0) await start(lane);
        }).catch((e: unknown) => { problems.push(`killing ${w.name}: ${String(e)}`); }).finally(() => { dying.delete(p); });
        dying.add(p);
      };

      const t0 = performance.now();
      try {
        for (let lane = 0; lane < LANES; lane++) await start(lane);
        let nextKill = performance.now() + KILL_MIN_MS + rand(KILL_SPREAD_MS);
        for (;;) {
          const elapsed = performance.now() - t0;
          if (col.failures.length > 0 || problems.length > 0 || (elapsed >= RUN_MS && sums.kills >= MIN_KILLS) || elapsed > RUN_MS + 2 * ATTACH_MS) break;
          clock.run(SLICE_MS);
          await sleep(0);
          if (performance.now() < nextKill || spawns >= MAX_SPAWNS) continue;
          const ready = lanes.flatMap((w, lane) => (w !== null && w.threadId >= 0 && Atomics.load(ctl, w.spawn * FIELDS + K_UNITS) > 0 ? [lane] : []));
          if (ready.length === 0) continue;
          kill(ready[rand(ready.length)], sums.kills % 3, true);
          nextKill = performance.now() + KILL_MIN_MS + rand(KILL_SPREAD_MS);
        }
        // the last generation: once each has attached and worked, it is killed too
        while (dying.size > 0 || !lanes.every((w) => w !== null && Atomics.load(ctl, w.spawn * FIELDS + K_UNITS) > 0)) {
          if (col.failures.length > 0 || problems.length > 0 || performance.now() - t0 > RUN_MS + 2 * ATTACH_MS + KILL_BOUND_MS) break;
          clock.run(SLICE_MS);
          await sleep(0);
        }
      } finally {
        for (let lane = 0; lane < LANES; lane++) kill(lane, 2, false);
        while (dying.size > 0) {
          clock.run(SLICE_MS);
          await sleep(0);
        }
      }
      const elapsed = performance.now() - t0;
      // every reclaim released everything: the clock moves at once, twice (frames: 2)
      const refusedBefore = clock.s.refused;
      for (let k = 0; k < 4; k++) clock.tryAdvance();
      const finalRefusals = clock.s.refused - refusedBefore;
      const maxAfter = clock.s.afterReclaim.reduce((a, x) => Math.max(a, x.ms), 0);
      const maxTries = clock.s.afterReclaim.reduce((a, x) => Math.max(a, x.tries), 0);
      const [leaked, unstamped] = collectLeaks(memory, 'kill-pool', killed, 16);
      const line = `kill[${projectOf(task)}] ${(elapsed / 1000).toFixed(1)} s: ${sums.kills} kills (${spawns} workers, ${sums.leasedAtKill} holding a lane; phases ` +
        `${[...phases].map(([k, v]) => `${k} ${v}`).join(', ')}; heartbeat last seen ${fmt(sums.ranOnMs)} ms after terminate(), reclaimed ${inBrowser ? 'when its liveness lock came free' : "on 'exit'"}), ` +
        `reclaims released ${sums.leases} leases, ${sums.slots} cached slots, ${sums.stacks} stacks, ${sums.locks} table locks; ${fmt(clock.s.advanced)} frames advanced ` +
        `(${fmt(clock.s.refused)} LANE_LEASED), the clock moved again ${maxAfter.toFixed(1)} ms / ${fmt(maxTries)} refusals at most after a reclaim; ` +
        `${leaked} leaked live slots freed (${unstamped} taken but not yet stamped); seed ${SEED}`;
      console.log(line);
      await annotate(line, 'figures');

      expect(col.failures, line).toEqual([]);
      expect(col.mismatches, `stamps overwritten\n${line}`).toEqual([]);
      expect(problems, line).toEqual([]);
      for (const [spawn, c] of col.checked) expect(c, `worker ${spawn} runs the ${CHECKS ? 'checked' : 'fast'} build`).toBe(CHECKS);
      expect(sums.kills).toBeGreaterThanOrEqual(MIN_KILLS + LANES);
      expect(sums.stacks, 'every killed worker owned its stack').toBe(sums.kills);
      expect(sums.leases, 'leases released by reclaims').toBeGreaterThan(0);
      expect(sums.slots, 'cached slots returned by reclaims').toBeGreaterThan(0);
      // the clock kept going: it never waited for a dead thread, and moved soon after each reclaim
      expect(clock.s.deadNamed, 'LANE_LEASED naming a reclaimed thread').toEqual([]);
      expect(clock.unresolved()).toBe(0);
      expect(clock.s.afterReclaim.length).toBe(sums.kills);
      expect(maxAfter, `ms until the clock moved after a reclaim\n${line}`).toBeLessThan(CLOCK_BOUND_MS);
      expect(finalRefusals, 'advance() with every worker gone').toBe(0);
      expect(clock.s.advanced).toBeGreaterThan(sums.kills);
      // a killed worker never ran again after its reclaim
      for (const [spawn, beat] of beats) expect(Atomics.load(ctl, spawn * FIELDS + K_BEAT), `worker ${spawn} ran after its reclaim`).toBe(beat);
      // the end: nothing leased, every slot accounted for, every stack adoptable, only the clock attached
      expect(arena.stats().leases).toBe(0);
      const st = pool.stats();
      expect(st.live + st.free + st.cached).toBe(st.capacity);
      expect([st.live, st.cached, st.free], 'live, cached, free').toEqual([0, 0, st.capacity]);
      expect(leaked).toBeLessThanOrEqual(sums.kills * LIVE_MAX);
      expect(unstamped, 'leaked slots without their worker\'s stamp: at most the one each was taking').toBeLessThanOrEqual(sums.kills);
      for (let lane = 0; lane < LANES; lane++) {
        const s = memory.stack(`kill-stack-${lane}`);
        expect(s.stats()).toMatchObject({ owner: -1, depth: 0, used: 0 });
        s.adopt();
        s.pop(s.push(64));
      }
      expect(memory.snapshot().threads).toEqual([0]);
      memory.checkInvariants();
    });
});

describe('a worker killed in the middle of createPool', () => {
  it('abandons the region or completes it; the table, the name and the main thread\'s creations stay usable', { timeout: 60_000 + 5 * KILL_BOUND_MS }, async ({ task, annotate }) => {
    const BIG = 1 << 20;
    /** Kill delays after the worker entered createPool, as fractions of its measured init time; null: let it finish. */
    const FRACTIONS = [null, 0, 0.1, 0.3, 0.6];
    // a big pool: 16 bytes a slot of meta, next, born and site, 4 of data, and 1 to spare
    const memory = createMemory({ size: FRACTIONS.length * (21 * BIG) + (4 << 20), name: 'clock' });
    memory.createArena('frame', { capacity: 4096, frames: 2, laneBytes: 64 });
    const ctl = new Int32Array(new SharedArrayBuffer(FRACTIONS.length * FIELDS * 4));
    const col = collector();
    const outcomes = new Map<string, number>();
    const delays: string[] = [];
    const beats = new Map<number, number>();
    let ranOnMs = 0;
    let initMs = 0;
    let slowestCreate = 0;
    const timed = (f: () => unknown): void => {
      const t = performance.now();
      f();
      slowestCreate = Math.max(slowestCreate, performance.now() - t);
    };
    for (let a = 0; a < FRACTIONS.length; a++) {
      const name = `big-${a}`;
      const rec = a * FIELDS;
      const init: KillInit = {
        mode: 'create', memory: memory.share(), name: `creator-${a}`, spawn: a, control: ctl.buffer, seed: SEED + a,
        arena: '', pool: '', stack: '', createStack: false, maxLagUs: 0, bigPool: { name, capacity: BIG, slotSize: 4, align: 4 },
      };
      const w = await startKillWorker(memory, init, { checks: CHECKS, settleMs: SETTLE_MS }, col.handlers);
      await waitFor(() => w.threadId >= 0 || col.failures.length > 0, ATTACH_MS, () => `creator ${a} did not attach`);
      expect(col.failures).toEqual([]);
      Atomics.store(ctl, rec + K_GO, 1);
      Atomics.notify(ctl, rec + K_GO);
      const frac = FRACTIONS[a];
      if (frac === null) {
        await waitFor(() => col.created.has(a) || col.failures.length > 0, 30_000, () => `creator ${a} did not create its pool`);
        initMs = col.created.get(a) ?? 0;
      } else {
        // this thread spins until the worker is inside createPool, then for the chosen delay
        const deadline = performance.now() + 10_000;
        while (Atomics.load(ctl, rec + K_PHASE) !== PHASE.CREATING && performance.now() < deadline) { /* wait */ }
        const t = performance.now();
        while (performance.now() - t < frac * initMs && Atomics.load(ctl, rec + K_PHASE) === PHASE.CREATING) { /* delay */ }
        delays.push((performance.now() - t).toFixed(1));
      }
      const k = await killWatched(w, ctl);
      beats.set(a, k.beat);
      ranOnMs = Math.max(ranOnMs, k.ranOnMs);
      const reports = k.reports;
      expect(reports.length, `creator ${a}: one reclaim`).toBe(1);
      const r = reports[0];
      expect([0, 1]).toContain(r.abandoned);
      const complete = memory.regions().some((x) => x.name === name);
      const outcome = complete ? 'complete' : r.abandoned === 1 ? 'abandoned' : 'not started';
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      if (complete) {
        expect(r.abandoned).toBe(0);
        expect(memory.pool(name).stats()).toMatchObject({ capacity: BIG, live: 0, cached: 0, free: BIG });
      } else {
        expect(() => memory.pool(name)).toThrow(/REGION_NOT_FOUND/);
        timed(() => memory.createPool(name, { slotSize: 8, capacity: 64 })); // the name is free again
        expect(memory.pool(name).capacity).toBe(64);
      }
      // the main thread's own creations never wait for the dead creator
      timed(() => memory.createArena(`after-arena-${a}`, { capacity: 1024 }));
      timed(() => { memory.createPool(`after-pool-${a}`, { slotSize: 8, capacity: 256 }).free(memory.pool(`after-pool-${a}`).alloc()); });
      memory.advance();
      memory.checkInvariants();
    }
    const line = `kill-create[${projectOf(task)}] a ${fmt(BIG)}-slot pool initialises in ${initMs.toFixed(1)} ms in a worker; killed after ${delays.join(', ')} ms in createPool ` +
      `(heartbeat last seen ${fmt(ranOnMs)} ms after terminate()): ${[...outcomes].map(([o, n]) => `${n} ${o}`).join(', ')}; slowest main-thread create after a kill ${slowestCreate.toFixed(1)} ms`;
    console.log(line);
    await annotate(line, 'figures');
    expect(col.failures, line).toEqual([]);
    for (const [spawn, c] of col.checked) expect(c, `creator ${spawn} runs the ${CHECKS ? 'checked' : 'fast'} build`).toBe(CHECKS);
    expect(outcomes.get('complete') ?? 0, 'the creator that was let finish').toBeGreaterThanOrEqual(1);
    expect(slowestCreate, line).toBeLessThan(CREATE_BOUND_MS);
    for (const [spawn, beat] of beats) expect(Atomics.load(ctl, spawn * FIELDS + K_BEAT), `creator ${spawn} ran after its reclaim`).toBe(beat);
    // no region was published by a creator after its reclaim: every name once
    const names = memory.regions().map((x) => x.name);
    expect(new Set(names).size, names.join(', ')).toBe(names.length);
    expect(memory.snapshot().threads).toEqual([0]);
    memory.checkInvariants();
  });
});

