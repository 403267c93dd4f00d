/**
 * Torture test: 4 workers hammer ONE small pool and ONE frame arena for a few seconds, in Node
 * (worker_threads) and in every browser (module Web Workers). Workers free slots other workers
 * allocated (handed over through shared mailbox rings), the pool runs dry again and again, and the
 * main thread drives the frame clock: it calls memory.advance() only when every worker released
 * its arena lanes for the frame. Every slot and every arena byte carries its owner's stamp (see
 * fixtures/torture-work.ts), so a slot or byte handed to two owners shows up as a mismatch.
 *
 * The main thread never blocks: it polls with setTimeout. Every wait has a deadline.
 *
 * Duration: 3 s in Node, 2 s per browser; override with TORTURE_MS (Node) or VITE_TORTURE_MS
 * (browsers, through Vite's env), e.g. `TORTURE_MS=30000 npx vitest run --project node test/torture.test.ts`.
 * TORTURE_SEED (or VITE_TORTURE_SEED) replays the workers' random choices of a reported run
 * (timing still differs).
 */
import { POISON_I32 } from '../src/allocators/poison.ts';
import { describe, expect, it } from 'vitest';
import { createMemory } from '../src/index.ts';
import { inBrowser, setting } from './helpers.ts';
import {
  ARENA_NAME, CONTROL_WORDS, C_ABORT, C_DONE, C_FINISHED, C_FRAME, C_FRAME_DONE, C_GO, C_OPS, C_QUIET, C_READY,
  C_STOP, FREED, POOL_NAME, mailboxBytes, ringBase, tagOf, type TortureInit, type TortureResult,
} from './fixtures/torture-protocol.ts';
import { spawnTortureWorker, type SpawnedWorker } from './fixtures/torture-spawn.ts';

const WORKERS = 4;
/** A small pool with small batches, so that contention and exhaustion actually happen. */
const CAPACITY = 256;
const BATCH = 6;
/** Two frames alive, small segments and lanes: many lane leases, and segments that fill up. */
const ARENA = { capacity: 24576, frames: 2, laneBytes: 256 } as const;

const DURATION_MS = Number(setting('TORTURE_MS') ?? (inBrowser ? 2000 : 3000));
const SEED = Number(setting('TORTURE_SEED') ?? Math.floor(Math.random() * 0x7fffffff) + 1);
/** Deadlines: workers up and waiting (tsx compiles each Node worker), no frame for this long, all reports in. */
const READY_MS = 60_000;
const STALL_MS = 15_000;
const END_MS = 30_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => { setTimeout(resolve, ms); });

/** Polls `done` every few ms until it is true; throws `what()` after `ms`. Never blocks. */
async function waitFor(done: () => boolean, ms: number, what: () => string): Promise<void> {
  const t0 = performance.now();
  while (!done()) {
    if (performance.now() - t0 > ms) throw new Error(`torture: ${what()} (waited ${ms} ms)`);
    await sleep(5);
  }
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** The numeric fields of a worker's report. */
type Counter = { [K in keyof TortureResult]: TortureResult[K] extends number ? K : never }[keyof TortureResult];

describe('torture', () => {
  it(`${WORKERS} workers share one pool and one frame arena for ${DURATION_MS} ms; no slot or byte has two owners`,
    { timeout: READY_MS + DURATION_MS + STALL_MS + END_MS + 30_000 }, async ({ task, annotate }) => {
      expect(Number.isInteger(DURATION_MS) && DURATION_MS > 0, `TORTURE_MS must be a positive integer, got ${DURATION_MS}`).toBe(true);
      // "chromium (chromium)" -> "chromium"
      const project = (task.file.projectName ?? (inBrowser ? 'browser' : 'node')).replace(/ \(.*\)$/, '');
      const memory = createMemory({ size: 1 << 20 });
      expect(memory.shared, `memory is not shared: ${memory.isolation.reason}`).toBe(true);
      const pool = memory.createPool(POOL_NAME, { slotSize: 16, align: 16, capacity: CAPACITY, batch: BATCH });
      const arena = memory.createArena(ARENA_NAME, ARENA);
      const ctl = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
      const mail = new Int32Array(new SharedArrayBuffer(mailboxBytes(WORKERS)));
      const i32 = memory.i32;

      const state = { failure: null as string | null };
      const results: (TortureResult | undefined)[] = Array.from({ length: WORKERS }, () => undefined);
      const spawned: SpawnedWorker<TortureResult>[] = [];
      const progress = (): string => Array.from({ length: WORKERS }, (_, w) =>
        `worker ${w}: ${Atomics.load(ctl, C_OPS + w)} pool ops, released frame ${Atomics.load(ctl, C_FRAME_DONE + w)}`).join('; ');
      const aborted = (): string | null => {
        const a = Atomics.load(ctl, C_ABORT);
        return state.failure ?? (a !== 0 ? `worker ${a - 1} stopped with an error` : null);
      };

      let frames = 0;
      let elapsed: number;
      let clockError: string | null = null;
      try {
        for (let w = 0; w < WORKERS; w++) {
          const init: TortureInit = {
            memory: memory.share(), worker: w, workers: WORKERS, control: ctl.buffer,
            mail: mail.buffer, seed: (SEED + 7919 * w) | 0 || 1,
            maxMs: READY_MS + DURATION_MS + STALL_MS + END_MS,
          };
          const s = await spawnTortureWorker<TortureResult>(init);
          spawned.push(s);
          s.result.then((r) => { results[w] = r; }, (e: unknown) => { state.failure ??= `worker ${w}: ${String(e)}`; });
        }

        // everyone attached and waiting: release them together
        await waitFor(() => Atomics.load(ctl, C_READY) === WORKERS || aborted() !== null, READY_MS,
          () => `only ${Atomics.load(ctl, C_READY)} of ${WORKERS} workers started`);
        Atomics.store(ctl, C_GO, 1);
        Atomics.notify(ctl, C_GO);

        // the frame clock: advance when every worker released the frame, until time is up
        const t0 = performance.now();
        let lastAdvance = t0;
        for (;;) {
          const now = performance.now();
          if (now - t0 >= DURATION_MS || aborted() !== null) break;
          if (Atomics.load(ctl, C_DONE) === WORKERS) {
            const f = Atomics.load(ctl, C_FRAME);
            const lagging = Array.from({ length: WORKERS }, (_, w) => w).filter((w) => Atomics.load(ctl, C_FRAME_DONE + w) !== f);
            if (lagging.length > 0) {
              clockError = `frame ${f}: done count says all released, but workers ${lagging.join(', ')} did not`;
              break;
            }
            try {
              memory.advance();
            } catch (e) {
              clockError = `advance() after frame ${f}, with every worker released: ${String(e)}`;
              break;
            }
            frames++;
            Atomics.store(ctl, C_DONE, 0);
            Atomics.store(ctl, C_FRAME, memory.frame);
            Atomics.notify(ctl, C_FRAME);
            lastAdvance = now;
          } else if (now - lastAdvance > STALL_MS) {
            clockError = `frame ${Atomics.load(ctl, C_FRAME)}: only ${Atomics.load(ctl, C_DONE)} of ${WORKERS} workers released it within ${STALL_MS} ms (${progress()})`;
            break;
          }
          await sleep(0);
        }
        elapsed = performance.now() - t0;
        Atomics.store(ctl, C_STOP, 1);

        await waitFor(() => results.every((r) => r !== undefined) || state.failure !== null, END_MS,
          () => `workers did not report: ${Atomics.load(ctl, C_QUIET)} of ${WORKERS} stopped sending, ${Atomics.load(ctl, C_FINISHED)} finished (${progress()})`);
      } finally {
        Atomics.store(ctl, C_STOP, 1);
        if (results.some((r) => r === undefined)) Atomics.compareExchange(ctl, C_ABORT, 0, WORKERS + 1);
        await Promise.all(spawned.map((s) => s.terminate()));
      }

      const reports = results.filter((r): r is TortureResult => r !== undefined);
      const sum = (k: Counter): number => reports.reduce((a, r) => a + r[k], 0);
      const mismatches = sum('mismatches');
      const seconds = elapsed / 1000;
      const poolOps = sum('poolAllocs') + sum('poolFrees');
      const line = `torture[${project}]: ${WORKERS} workers, ${seconds.toFixed(1)} s, pool ops ${fmt(poolOps)} (${fmt(poolOps / seconds)}/s), ` +
        `cross-thread frees ${fmt(sum('crossFrees'))}, exhaustion hits ${fmt(sum('exhaustion'))} (${fmt(sum('failedAllocs'))} failed tryAlloc calls), ` +
        `arena frames ${fmt(frames)}, lane leases ${fmt(sum('laneLeases'))}, arena-full hits ${fmt(sum('arenaFull'))}, ` +
        `mismatches ${mismatches}, seed ${SEED}`;
      console.log(line);
      await annotate(line, 'figures');

      const samples = reports.flatMap((r) => r.samples).join('\n');
      expect(state.failure, `seed ${SEED}\n${samples}`).toBeNull();
      for (const r of reports) expect(r.error, `worker ${r.worker} failed (seed ${SEED})\n${samples}`).toBeNull();
      expect(clockError, `seed ${SEED}\n${samples}`).toBeNull();
      expect(reports.length).toBe(WORKERS);

      // ownership: no stamp was ever found overwritten
      expect(mismatches, `seed ${SEED}\n${samples}`).toBe(0);

      // the run did what it is for
      const ids = new Set(reports.map((r) => r.threadId));
      expect(ids.size, 'thread ids are distinct').toBe(WORKERS);
      expect(ids.has(0), 'thread 0 is the main thread').toBe(false);
      expect(memory.frame).toBe(frames);
      expect(frames, 'frames advanced').toBeGreaterThan(5);
      for (const r of reports) {
        expect(r.frames, `worker ${r.worker} frames`).toBeGreaterThanOrEqual(frames);
        expect(r.frames, `worker ${r.worker} frames`).toBeLessThanOrEqual(frames + 1);
        expect(r.poolAllocs, `worker ${r.worker} allocations`).toBeGreaterThan(1000);
        expect(r.poolFrees, `worker ${r.worker} frees`).toBeGreaterThan(1000);
      }
      expect(sum('crossFrees'), 'cross-thread frees').toBeGreaterThan(0);
      expect(sum('exhaustion'), 'exhaustion hits').toBeGreaterThan(0);
      expect(sum('laneLeases'), 'lane leases').toBeGreaterThan(frames);
      expect(sum('sent'), 'every handle sent was received').toBe(sum('received'));
      for (let from = 0; from < WORKERS; from++) {
        for (let to = 0; to < WORKERS; to++) {
          const r = ringBase(from, to, WORKERS);
          expect(Atomics.load(mail, r), `mailbox ${from} -> ${to} drained`).toBe(Atomics.load(mail, r + 1));
        }
      }

      // everything came back
      expect(pool.live).toBe(0);
      expect(pool.stats().free).toBe(CAPACITY);
      expect(pool.stats().cached).toBe(0);
      expect(arena.stats().leases).toBe(0);
      memory.checkInvariants();

      // sweep: every slot can be taken again, exactly once, and none still carries a live stamp
      const taken: number[] = [];
      const offsets = new Set<number>();
      const live: string[] = [];
      for (let k = 0; k < CAPACITY; k++) {
        const h = pool.tryAlloc();
        if (h === 0) break;
        taken.push(h);
        const o = pool.offsetOf(h) >> 2;
        offsets.add(o);
        const [w0, w1, w2] = [i32[o], i32[o + 1], i32[o + 2]];
        const fresh = w0 === 0 && w1 === 0 && w2 === 0;
        const freed = (w0 ^ w1) === FREED && w2 === -1;
        const poisoned = w0 === POISON_I32 && w1 === POISON_I32 && w2 === POISON_I32; // checked build
        if (!fresh && !freed && !poisoned) {
          const owner = Array.from({ length: WORKERS }, (_, w) => w).find((w) => (w0 ^ w1) === tagOf(w));
          live.push(`slot of handle ${h} holds [${w0}, ${w1}, ${w2}]${owner === undefined ? '' : ` (a live stamp of worker ${owner})`}`);
        }
      }
      expect(taken.length, 'slots taken back').toBe(CAPACITY);
      expect(offsets.size, 'distinct slots').toBe(CAPACITY);
      expect(pool.tryAlloc(), 'the pool is empty now').toBe(0);
      expect(live, 'slots still stamped as owned').toEqual([]);
      for (const h of taken) pool.free(h);
      pool.flush();
      expect(pool.live).toBe(0);
      expect(pool.stats().free).toBe(CAPACITY);

      // the clock goes on: both segments recycle, nothing is leased
      memory.advance();
      memory.advance();
      expect(arena.stats().resets, 'one recycle per advance').toBe(frames + 2);
      memory.checkInvariants();
    });
});
