/**
 * A free-running frame clock: the main thread calls `memory.advance()` as fast as the library
 * lets it (a refusal, `LANE_LEASED`, is counted and the clock tries again at once), while 3
 * workers run work units on one frame arena with small lanes: allocate, stamp every word, lag
 * now and then while holding the lane, check every stamp and `arena.verify` BEFORE
 * `arena.release()` (see fixtures/free-clock-work.ts). No handshake between clock and workers:
 * the only thing that keeps a worker's blocks alive is its lease. A stamp found overwritten or
 * poisoned before release means `advance()` recycled memory a worker still held; so does a unit
 * during which the clock moved `frames` or more frames on (docs/SAFETY.md: with `frames: N`, a
 * worker finishes frame F while the clock is at most at F + N - 1), which the fast build (no
 * poison, no checked `verify`) sees as well.
 *
 * The bug this was written for: a worker a frame behind the clock that filled its lane dropped
 * its old lease and leased in the new frame, so the next advance() recycled blocks it still used.
 * "Straddling" units provoke exactly that: they lag until the clock moved on, take a whole lane,
 * and lag again. The second describe is the single-thread regression test of the same case.
 *
 * Runs in every project: node, node-fast, chromium, firefox (and webkit under scripts/with-webkit.sh).
 * Duration per variant: 1500 ms; override with FREE_CLOCK_MS (Node) or VITE_FREE_CLOCK_MS
 * (browsers, through Vite's env), e.g. a 10 s run per variant:
 *   FREE_CLOCK_MS=10000 npx vitest run --project node test/free-clock.test.ts
 * FREE_CLOCK_SEED (or VITE_FREE_CLOCK_SEED) replays the workers' random choices (timing still differs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryError, attachMemory, createMemory, type Memory } from '../src/index.ts';
import { CHECKS, expectCode, inBrowser, setting } from './helpers.ts';
import {
  CONTROL_WORDS, C_ABORT, C_GO, C_READY, C_STARVED, C_STOP, C_UNITS, type FreeClockInit, type FreeClockResult,
} from './fixtures/free-clock-work.ts';
import { spawnFreeClockWorker, type RoundWorker } from './fixtures/free-clock-spawn.ts';

const WORKERS = 3;
const DURATION_MS = Number(setting('FREE_CLOCK_MS') ?? 1500);
const SEED = Number(setting('FREE_CLOCK_SEED') ?? Math.floor(Math.random() * 0x7fffffff) + 1);
/** Lags of up to 400 µs in the middle of a unit (idle gaps between units: per variant). */
const MAX_LAG_US = 400;
/** Deadlines: workers attached and waiting (the first round waits for tsx to compile them in Node), reports in. */
const READY_MS = 20_000;
const END_MS = 10_000;
/** The clock runs in slices of this many ms and yields to the event loop between them. */
const SLICE_MS = 50;
/** After this many ms without an advance the clock asks the workers to pause between units (C_STARVED). */
const STARVE_MS = 200;

/**
 * Small lanes, so they fill and are leased again often; capacities that run out now and then.
 * `idleUs`: the longest gap between a worker's units, holding no lane. With `frames: 1` the clock
 * can only advance while no worker is inside a unit, so the gaps there are longer.
 */
const VARIANTS: readonly { capacity: number; frames: number; laneBytes: number; idleUs: number }[] = [
  { capacity: 16384, frames: 1, laneBytes: 128, idleUs: 1000 },
  { capacity: 4096, frames: 2, laneBytes: 64, idleUs: 100 },
  { capacity: 8192, frames: 2, laneBytes: 256, idleUs: 100 },
];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => { setTimeout(resolve, ms); });
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Polls `done` every few ms until it is true; throws `what()` after `ms`. Never blocks. */
async function waitFor(done: () => boolean, ms: number, what: () => string): Promise<void> {
  const t0 = performance.now();
  while (!done()) {
    if (performance.now() - t0 > ms) throw new Error(`free clock: ${what()} (waited ${ms} ms)`);
    await sleep(5);
  }
}

/** What the clock did in one round. */
interface ClockRun { advanced: number; refused: number; elapsed: number }

/**
 * Advances `memory`'s frame clock in a tight loop for `ms` ms (or until `stop()`): every
 * `LANE_LEASED` refusal is counted and retried at once; any other error is rethrown. Yields to
 * the event loop every SLICE_MS, so a browser page stays responsive while workers run.
 */
async function runClock(memory: Memory, ms: number, stop: () => boolean, ctl: Int32Array): Promise<ClockRun> {
  let advanced = 0;
  let refused = 0;
  const t0 = performance.now();
  let lastAdvance = t0;
  for (;;) {
    const now = performance.now();
    if (now - t0 >= ms || stop()) break;
    const sliceEnd = Math.min(t0 + ms, now + SLICE_MS);
    while (performance.now() < sliceEnd) {
      for (let k = 0; k < 32; k++) {
        try {
          memory.advance();
          advanced++;
          lastAdvance = performance.now();
          if (Atomics.load(ctl, C_STARVED) !== 0) {
            Atomics.store(ctl, C_STARVED, 0);
            Atomics.notify(ctl, C_STARVED);
          }
        } catch (e) {
          if (!(e instanceof MemoryError && e.code === 'LANE_LEASED')) throw e;
          refused++;
        }
      }
      if (performance.now() - lastAdvance > STARVE_MS) Atomics.store(ctl, C_STARVED, 1);
    }
    await sleep(0);
  }
  Atomics.store(ctl, C_STARVED, 0);
  Atomics.notify(ctl, C_STARVED);
  return { advanced, refused, elapsed: performance.now() - t0 };
}

/** The numeric fields of a worker's report. */
type Counter = { [K in keyof FreeClockResult]: FreeClockResult[K] extends number ? K : never }[keyof FreeClockResult];

describe('free-running frame clock', () => {
  const workers: RoundWorker<FreeClockResult>[] = [];
  beforeAll(async () => {
    for (let w = 0; w < WORKERS; w++) workers.push(await spawnFreeClockWorker<FreeClockResult>(CHECKS));
  }, READY_MS);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.terminate()));
  });

  it.for(VARIANTS)(`${WORKERS} workers, frames: $frames, laneBytes: $laneBytes, capacity: $capacity; advance() as fast as it can for ${DURATION_MS} ms; no block recycled before its release()`,
    { timeout: READY_MS + DURATION_MS + END_MS + 10_000 }, async (variant, { task, annotate }) => {
      expect(Number.isInteger(DURATION_MS) && DURATION_MS > 0, `FREE_CLOCK_MS must be a positive integer, got ${DURATION_MS}`).toBe(true);
      const project = (task.file.projectName ?? (inBrowser ? 'browser' : 'node')).replace(/ \(.*\)$/, '');
      const memory = createMemory({ size: 1 << 20 });
      expect(memory.shared, `memory is not shared: ${memory.isolation.reason}`).toBe(true);
      const arena = memory.createArena('free-clock', { capacity: variant.capacity, frames: variant.frames, laneBytes: variant.laneBytes });
      const ctl = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
      const failure = { text: null as string | null };
      const aborted = (): boolean => failure.text !== null || Atomics.load(ctl, C_ABORT) !== 0;

      const results: (FreeClockResult | undefined)[] = Array.from({ length: WORKERS }, () => undefined);
      for (let w = 0; w < WORKERS; w++) {
        const init: FreeClockInit = {
          memory: memory.share(), arena: 'free-clock', worker: w, control: ctl.buffer,
          seed: (SEED + 7919 * w + 104729 * variant.laneBytes * (variant.frames + 1)) | 0 || 1,
          durationMs: DURATION_MS, maxLagUs: MAX_LAG_US, maxIdleUs: variant.idleUs, maxWaitMs: READY_MS + 5000,
        };
        workers[w].round(init).then((r) => { results[w] = r; }, (e: unknown) => { failure.text ??= `worker ${w}: ${String(e)}`; });
      }
      let clock: ClockRun;
      try {
        await waitFor(() => Atomics.load(ctl, C_READY) === WORKERS || aborted(), READY_MS,
          () => `only ${Atomics.load(ctl, C_READY)} of ${WORKERS} workers started`);
        Atomics.store(ctl, C_GO, 1);
        Atomics.notify(ctl, C_GO);
        clock = await runClock(memory, DURATION_MS, aborted, ctl);
      } finally {
        Atomics.store(ctl, C_STOP, 1);
        await waitFor(() => results.every((r) => r !== undefined) || failure.text !== null, END_MS,
          () => `workers did not report (units so far: ${Array.from({ length: WORKERS }, (_, w) => Atomics.load(ctl, C_UNITS + w)).join(', ')})`);
      }

      const reports = results.filter((r): r is FreeClockResult => r !== undefined);
      const sum = (k: Counter): number => reports.reduce((a, r) => a + r[k], 0);
      const max = (k: Counter): number => reports.reduce((a, r) => Math.max(a, r[k]), 0);
      const seconds = clock.elapsed / 1000;
      const perWorker = reports.map((r) => `w${r.worker}: ${fmt(r.units)} units, ${fmt(r.blocks)} blocks, ${fmt(r.lags)} lags, ` +
        `${fmt(r.straddleUnits)} straddling (clock moved in ${fmt(r.straddleMoved)}), ${fmt(r.behindUnits)} behind (max ${r.maxSpan}), ${fmt(r.full + r.exhausted)} full, ${r.mismatches} mismatches`).join('; ');
      const line = `free-clock[${project}] frames ${variant.frames}, lane ${variant.laneBytes}, capacity ${variant.capacity}: ${seconds.toFixed(1)} s, ` +
        `${fmt(clock.advanced)} frames advanced, ${fmt(clock.refused)} refusals, ${fmt(sum('units'))} units (${fmt(sum('reserveUnits'))} leased by reserve()), ${fmt(sum('blocks'))} blocks ` +
        `(${fmt(sum('bytes'))} B), ${fmt(sum('full'))} tryAlloc 0, ${fmt(sum('exhausted'))} ARENA_EXHAUSTED, ${fmt(sum('behindUnits'))} units behind the clock ` +
        `(max span ${max('maxSpan')}), mismatches ${sum('mismatches')} blocks / ${sum('badWords')} words, verify errors ${sum('verifyErrors')}, seed ${SEED} | ${perWorker}`;
      console.log(line);
      await annotate(line, 'figures');

      const samples = `seed ${SEED}\n${line}\n${reports.flatMap((r) => r.samples).join('\n')}`;
      expect(failure.text, samples).toBeNull();
      for (const r of reports) expect(r.error, `worker ${r.worker} failed\n${samples}`).toBeNull();
      expect(reports.length).toBe(WORKERS);
      for (const r of reports) expect(r.checked, `worker ${r.worker} runs the ${CHECKS ? 'checked' : 'fast'} build`).toBe(CHECKS);

      // no block was recycled (poisoned, or handed to someone else) before its owner released it
      expect(sum('mismatches'), `blocks overwritten before release()\n${samples}`).toBe(0);
      if (CHECKS) expect(sum('verifyErrors'), `arena.verify() threw before release()\n${samples}`).toBe(0);
      // with frames: N, a worker holding frame F's lease sees the clock at most at F + N - 1
      for (const r of reports) expect(r.maxSpan, `worker ${r.worker}: frames the clock moved during one unit\n${samples}`).toBeLessThanOrEqual(variant.frames - 1);

      // the clock really ran free, and the workers really worked
      expect(clock.advanced, `frames advanced\n${line}`).toBeGreaterThan(0);
      expect(clock.refused, `LANE_LEASED refusals\n${line}`).toBeGreaterThan(0);
      expect(memory.frame).toBe(clock.advanced);
      if (variant.frames > 1) expect(sum('behindUnits'), `units that ran behind the clock\n${line}`).toBeGreaterThan(0);
      for (const r of reports) {
        expect(r.units, `worker ${r.worker} units`).toBeGreaterThan(10);
        expect(r.blocks, `worker ${r.worker} blocks`).toBeGreaterThan(10);
        expect(r.lags, `worker ${r.worker} lags`).toBeGreaterThan(0);
      }
      expect(new Set(reports.map((r) => r.threadId)).size, 'thread ids are distinct').toBe(WORKERS);

      // the end: nothing leased, invariants hold, and the clock goes on
      expect(arena.stats().leases).toBe(0);
      expect(arena.stats().allocations, 'published allocations').toBe(CHECKS ? sum('blocks') : 0); // counted by the checked build
      memory.checkInvariants();
      memory.advance();
      memory.advance();
      memory.checkInvariants();
    });
});

describe('a worker a frame behind the clock fills its lane', () => {
  const CAPACITY = 1024;
  /** Clock thread `a` and a worker view `b` of the same memory, in this thread. */
  const setup = () => {
    const a = createMemory({ size: 1 << 16 });
    const arenaA = a.createArena('r', { capacity: CAPACITY, frames: 2, laneBytes: 64 });
    const b = attachMemory(a.share());
    const arenaB = b.arena('r');
    const stamp = (p: number, size: number, v: number): void => { a.i32.fill(v, p >> 2, (p + size) >> 2); };
    const intact = (p: number, size: number, v: number): boolean => a.i32.subarray(p >> 2, (p + size) >> 2).every((x) => x === v);
    return { a, arenaA, b, arenaB, stamp, intact };
  };

  it('advance() refuses with LANE_LEASED instead of recycling the blocks it still holds', () => {
    const { a, arenaA, arenaB, stamp, intact } = setup();
    const p = arenaB.alloc(64); // frame 0: fills b's 64-byte lane
    const ep = arenaB.epoch;
    stamp(p, 64, 0x5a5a0001);
    expect(a.advance()).toBe(1); // frame 1: frame 0 (b's) stays alive
    const q = arenaB.alloc(64); // the lane is full: b needs a new lane while a frame behind
    stamp(q, 64, 0x5a5a0002);
    expectCode(() => a.advance(), 'LANE_LEASED'); // frame 2 would recycle frame 0's segment, which holds p
    expect(a.frame).toBe(1);
    expect(intact(p, 64, 0x5a5a0001), 'p survived the refused advance').toBe(true);
    expect(intact(q, 64, 0x5a5a0002), 'q survived the refused advance').toBe(true);
    expect(arenaB.verify(p, ep)).toBe(p);
    arenaA.checkInvariants();
    arenaB.checkInvariants();
    arenaB.release();
    expect(a.advance()).toBe(2);
    expect(a.advance()).toBe(3);
    a.checkInvariants();
  });

  it('reset() from the clock thread never empties the blocks it still holds', () => {
    const { a, arenaA, arenaB, stamp, intact } = setup();
    const p = arenaB.alloc(64);
    const ep = arenaB.epoch;
    stamp(p, 64, 0x5a5a0011);
    expect(a.advance()).toBe(1);
    const q = arenaB.alloc(64);
    const eq = arenaB.epoch;
    stamp(q, 64, 0x5a5a0012);
    // reset() empties the current frame's segment: refused if b leases it, else b's blocks are elsewhere
    try {
      arenaA.reset();
    } catch (e) {
      expect(e instanceof MemoryError ? e.code : e).toBe('LANE_LEASED');
    }
    expect(intact(p, 64, 0x5a5a0011), 'p survived the reset').toBe(true);
    expect(intact(q, 64, 0x5a5a0012), 'q survived the reset').toBe(true);
    expect(arenaB.verify(p, ep)).toBe(p);
    expect(arenaB.verify(q, eq)).toBe(q);
    expectCode(() => a.advance(), 'LANE_LEASED'); // and the clock still cannot recycle p
    expect(intact(p, 64, 0x5a5a0011), 'p survived the refused advance').toBe(true);
    arenaA.checkInvariants();
    arenaB.checkInvariants();
    arenaB.release();
    arenaA.reset(); // nobody leases now: frame 1's segment empties
    expect(arenaA.used).toBe(0);
    expect(intact(p, 64, 0x5a5a0011), "p (frame 0) outlives a reset of frame 1's segment").toBe(true);
    expect(a.advance()).toBe(2);
    a.checkInvariants();
  });
});
