/**
 * Workers (PERF-BASELINE.md section B): 1, 2 and 4 worker_threads allocating 16-byte blocks
 * from frame-arena lanes and from one shared pool, beside hand-written references, released
 * together by a start flag in a SharedArrayBuffer. Reports total throughput and how it scales.
 * Each library build runs in its own process. See bench/README.md.
 *
 * ```sh
 * node --expose-gc --import tsx bench/workers.bench.ts            # both builds, 5 rounds x 100 frames, ~35-60 s; writes bench/results/workers-<date>.json
 * node --expose-gc --import tsx bench/workers.bench.ts --quick    # 1 round x 10 frames; writes nothing
 * node --expose-gc --import tsx bench/workers.bench.ts --build fast --workers 1,2
 * ```
 * @module
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createMemory, type Memory } from '../src/index.ts';
import { BATCH, BATCH_SUM } from './cases/case.ts';
import { assertBuild, runChild, sendResult } from './child.ts';
import { parseCli } from './cli.ts';
import { median } from './harness.ts';
import { cpuSnapshot, foreignLoad, loadText, machineInfo, machineLine, QUIET_CORES, quietest, type ForeignLoad } from './machine.ts';
import { fmt, printLabels, printTable, resultsPath, writeJson } from './report.ts';
import { ThreadSchedStat } from './schedstat.ts';
import {
  ARENA_NAME, C_CHUNK_CURSOR, C_DONE, C_FRAME, C_MODE, C_OPS, C_READY, C_TID, CHUNK_BYTES, CONTROL_WORDS, MODE_STOP, MODES, OP_BYTES, POOL_NAME,
  S_ACC, S_BUSY_MS, S_OPS, STATS_STRIDE, XFREE_OPS, XFREE_POOL_NAME, type Mode, type WorkerInit,
} from './workers/protocol.ts';

/** Ops per worker per frame (multiples of the 4096-op batch): about 0.5-2 ms of work, so the barrier's wake-ups stay small beside it. */
const OPS: Readonly<Record<Mode, number>> = { lanes: 1 << 17, pool: 1 << 15, 'pool-xfree': XFREE_OPS, 'chunk-ref': 1 << 17, 'free-list-ref': 1 << 17 };
const LABELS: Readonly<Record<Mode, string>> = {
  lanes: 'memory.arena(name).alloc(16) per op, 3 floats written, 1 read; arena.release() per frame, main calls memory.advance()',
  pool: 'one shared Pool (slotSize 16): alloc() + offsetOf() + free() per op, per-thread slot caches',
  'pool-xfree': 'one shared Pool: per op, free() the handle the next worker allocated as this op last frame (cross-thread free; with 1 worker its own, a frame late), then alloc() + offsetOf()',
  'chunk-ref': "hand-written: 64 KiB chunks by Atomics.add on one shared cursor, plain JS cursor inside (the lanes' reference)",
  'free-list-ref': "hand-written: each worker's private Int32Array free list, alloc + free per op (the pool's reference)",
};
/** The lanes target: total throughput with 2 workers / with 1. */
const TARGET_LANES_SCALING = 1.7;
/** The shared-pool target: ns per op per worker with 2 workers / the free list's ns per op. */
const TARGET_POOL_X_FREE_LIST = 3;
/** Main gives up on a frame after this long: a worker died or hangs. */
const FRAME_TIMEOUT_MS = 30_000;
const USAGE = 'usage: workers.bench.ts [--quick] [--rounds K] [--frames F] [--workers 1,2,4] [--build checked|fast|both] [--json [path]]';

interface Config {
  readonly rounds: number;
  readonly frames: number;
  readonly tries: number;
  readonly workers: readonly number[];
}

/** One measured round of one mode with W workers. */
interface RoundResult {
  readonly wallMs: number;
  readonly load: ForeignLoad | null;
  /** Per worker: busy ms (its frame work), CPU ms over the round (schedstat; barrier work included; NaN without procfs), ops. */
  readonly perWorker: { readonly busyMs: number; readonly cpuMs: number; readonly ops: number }[];
  /** Attempts it took to get this (quietest) round. */
  readonly tries: number;
}

interface Cell {
  readonly mode: Mode;
  readonly workers: number;
  readonly opsPerFrame: number;
  readonly rounds: RoundResult[];
}

interface ChildResult {
  readonly build: 'checked' | 'fast';
  readonly cells: Cell[];
}

/** W workers on one memory, parked on the frame word. */
class Crew {
  readonly control: Int32Array;
  readonly stats: Float64Array;
  private readonly threads: Worker[] = [];
  /** Each worker's schedstat (null without procfs), read while the workers sleep. */
  private sched: (ThreadSchedStat | null)[] = [];
  private failure: Error | null = null;

  /** pool-xfree: every worker's handles of the last two frames. */
  private readonly handles: Int32Array;

  private constructor(readonly memory: Memory, readonly size: number, private readonly chunkBuffer: SharedArrayBuffer) {
    this.control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
    this.stats = new Float64Array(new SharedArrayBuffer(size * STATS_STRIDE * 8));
    this.handles = new Int32Array(new SharedArrayBuffer(2 * size * XFREE_OPS * 4));
  }

  /** pool-xfree, after a round: main frees the handles the last frame left (any thread may free a slot). */
  private drainCrossFree(): void {
    const pool = this.memory.pool(XFREE_POOL_NAME);
    const h = this.handles;
    for (let k = 0; k < h.length; k++) {
      if (h[k] !== 0) {
        pool.free(h[k]);
        h[k] = 0;
      }
    }
    pool.flush();
  }

  /** Starts `size` workers and waits until each has attached and parked. */
  static async start(size: number, fast: boolean): Promise<Crew> {
    const perFrame = (mode: Mode): number => size * (OPS[mode] * OP_BYTES + CHUNK_BYTES);
    const xfreeSlots = 2 * size * XFREE_OPS + 8192; // two frames of handles per worker, plus the threads' caches
    const memory = createMemory({ size: perFrame('lanes') + xfreeSlots * 32 + (8 << 20), shared: true });
    memory.createArena(ARENA_NAME, { capacity: perFrame('lanes'), frames: 1 });
    memory.createPool(POOL_NAME, { slotSize: OP_BYTES, align: 16, capacity: 8192 });
    memory.createPool(XFREE_POOL_NAME, { slotSize: OP_BYTES, align: 16, capacity: xfreeSlots });
    const crew = new Crew(memory, size, new SharedArrayBuffer(perFrame('chunk-ref')));
    const entry = new URL('./workers/worker.ts', import.meta.url).href;
    for (let index = 0; index < size; index++) {
      const init: WorkerInit = {
        entry, fast, index, memory: memory.share(), control: crew.control.buffer as SharedArrayBuffer, stats: crew.stats.buffer as SharedArrayBuffer,
        chunkBuffer: crew.chunkBuffer, workers: size, handles: crew.handles.buffer as SharedArrayBuffer,
      };
      const w = new Worker(new URL('./ts-worker.mjs', import.meta.url), { workerData: init });
      w.on('error', (e) => { crew.failure = e; });
      crew.threads.push(w);
    }
    while (Atomics.load(crew.control, C_READY) < size) {
      if (crew.failure !== null) throw crew.failure;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    crew.sched = Array.from({ length: size }, (_, k) => {
      const tid = Atomics.load(crew.control, C_TID + k);
      return tid > 0 ? ThreadSchedStat.open(tid) : null;
    });
    return crew;
  }

  /** Each worker's CPU time so far, ns (NaN without schedstat). Call while they sleep. */
  private cpuNs(): number[] {
    return this.sched.map((s) => (s?.sample() === true ? s.runNs : NaN));
  }

  /** Runs `frames` frames of `mode`; returns wall time, foreign load and each worker's stats. */
  round(mode: Mode, frames: number): RoundResult {
    const c = this.control;
    const n = OPS[mode];
    this.stats.fill(0);
    Atomics.store(c, C_MODE, MODES.indexOf(mode));
    Atomics.store(c, C_OPS, n);
    const cpu0 = this.cpuNs(); // the workers are parked
    const before = cpuSnapshot();
    const t0 = performance.now();
    for (let f = 0; f < frames; f++) {
      Atomics.add(c, C_FRAME, 1); // the start flag: every parked worker goes at once
      Atomics.notify(c, C_FRAME);
      for (let d = Atomics.load(c, C_DONE); d < this.size; d = Atomics.load(c, C_DONE)) {
        if (Atomics.wait(c, C_DONE, d, FRAME_TIMEOUT_MS) === 'timed-out') throw new Error(`${mode}: frame ${f} not done after ${FRAME_TIMEOUT_MS} ms (${d} of ${this.size} workers)`);
      }
      if (mode === 'lanes') this.memory.advance(); // every worker released its lane before it counted itself done
      else if (mode === 'chunk-ref') Atomics.store(c, C_CHUNK_CURSOR, 0);
      Atomics.store(c, C_DONE, 0);
    }
    const wallMs = performance.now() - t0;
    const load = foreignLoad(before, cpuSnapshot());
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3); // let the last worker fall asleep: then its run time is exact
    const cpu1 = this.cpuNs();
    if (mode === 'pool-xfree') this.drainCrossFree();
    const want = (frames * n * BATCH_SUM) / BATCH; // every batch of 4096 ops reads back 0.5 * (0 + ... + 4095)
    const perWorker = Array.from({ length: this.size }, (_, k) => {
      const s = k * STATS_STRIDE;
      if (this.stats[s + S_ACC] !== want || this.stats[s + S_OPS] !== frames * n) {
        throw new Error(`${mode}: worker ${k} read back ${this.stats[s + S_ACC]} in ${this.stats[s + S_OPS]} ops, want ${want} in ${frames * n}`);
      }
      return { busyMs: this.stats[s + S_BUSY_MS], cpuMs: (cpu1[k] - cpu0[k]) / 1e6, ops: this.stats[s + S_OPS] };
    });
    return { wallMs, load, perWorker, tries: 1 };
  }

  /** Stops the workers (each detaches from the memory) and checks the allocators. */
  async stop(): Promise<void> {
    const stopped = this.threads.map((w) => new Promise((resolve) => w.once('message', resolve)));
    Atomics.store(this.control, C_MODE, MODE_STOP);
    Atomics.add(this.control, C_FRAME, 1);
    Atomics.notify(this.control, C_FRAME);
    await Promise.all(stopped);
    await Promise.all(this.threads.map((w) => w.terminate()));
    for (const s of this.sched) s?.close();
    this.memory.checkInvariants();
    for (const name of [POOL_NAME, XFREE_POOL_NAME]) {
      const live = this.memory.pool(name).live;
      if (live !== 0) throw new Error(`pool ${name}: ${live} slots live after the run`);
    }
  }
}

/** In a child process of one build: every mode with each worker count. */
async function child(build: 'checked' | 'fast', cfg: Config): Promise<void> {
  assertBuild(build);
  const cells: Cell[] = [];
  for (const size of cfg.workers) {
    const crew = await Crew.start(size, build === 'fast');
    for (const mode of MODES) {
      crew.round(mode, Math.max(5, cfg.frames >> 2)); // warm-up: JIT, lanes, slot caches
      const rounds: RoundResult[] = [];
      for (let r = 0; r < cfg.rounds; r++) {
        const { best, tries } = quietest(cfg.tries, () => crew.round(mode, cfg.frames), (x) => x.load);
        rounds.push({ ...best, tries });
      }
      cells.push({ mode, workers: size, opsPerFrame: OPS[mode], rounds });
      const total = median(rounds.map((r) => totalOps(r) / r.wallMs / 1e3));
      console.error(`  ${build} ${mode} x${size}: ${fmt(total, 1)} M ops/s; ${loadText(rounds[0].load)}`);
    }
    await crew.stop();
  }
  sendResult({ build, cells } satisfies ChildResult);
}

function totalOps(r: RoundResult): number {
  return r.perWorker.reduce((s, w) => s + w.ops, 0);
}

/** A cell's medians over its rounds. */
function summarize(c: Cell) {
  const total = c.rounds.map((r) => totalOps(r) / r.wallMs / 1e3); // M ops/s
  const perWorker = (f: (w: RoundResult['perWorker'][number]) => number): number => median(c.rounds.map((r) => median(r.perWorker.map(f))));
  return {
    mode: c.mode, workers: c.workers, opsPerFrame: c.opsPerFrame,
    totalMops: median(total), minMops: Math.min(...total), maxMops: Math.max(...total),
    busyNsPerOp: perWorker((w) => (w.busyMs * 1e6) / w.ops),
    cpuNsPerOp: perWorker((w) => (w.cpuMs * 1e6) / w.ops),
    others: median(c.rounds.map((r) => r.load?.others ?? NaN)),
    tries: c.rounds.reduce((s, r) => s + r.tries, 0),
  };
}

function parseArgs(argv: readonly string[]): { cfg: Config; builds: ('checked' | 'fast')[]; json: string | null } {
  const args = parseCli(argv, { ints: ['--rounds', '--frames', '--tries'], lists: ['--workers'], builds: ['checked', 'fast', 'both'] }, USAGE);
  const int = (name: string, quickValue: number, fullValue: number): number => args.ints.get(name) ?? (args.quick ? quickValue : fullValue);
  const workers = (args.lists.get('--workers') ?? ['1', '2', '4']).map(Number);
  if (!workers.every((w) => Number.isInteger(w) && w >= 1 && w <= 16)) throw new Error(`--workers: 1 to 16 each\n${USAGE}`);
  const build = args.build ?? 'both';
  return {
    cfg: { rounds: int('--rounds', 1, 5), frames: int('--frames', 10, 100), tries: int('--tries', 1, 3), workers },
    builds: build === 'both' ? ['checked', 'fast'] : [build as 'checked' | 'fast'],
    json: args.jsonPath ?? (args.json || !args.quick ? resultsPath('workers') : null),
  };
}

function parent(argv: readonly string[]): void {
  const { cfg, builds, json } = parseArgs(argv);
  const t0 = performance.now();
  const machine = machineInfo();
  console.log(machineLine(machine));
  console.log(`workers: ${cfg.workers.join(', ')} worker_threads, ${cfg.rounds} round(s) x ${cfg.frames} frames per mode, median of rounds; ` +
    `a round is repeated up to ${cfg.tries}x while other processes use > ${QUIET_CORES} cores; builds: ${builds.join(', ')}, each in its own process`);
  const self = fileURLToPath(import.meta.url);
  const args = ['--rounds', String(cfg.rounds), '--frames', String(cfg.frames), '--tries', String(cfg.tries), '--workers', cfg.workers.join(',')];
  const results = builds.map((b) => runChild(self, ['--child', b, ...args], { fast: b === 'fast' }) as ChildResult);

  const verdicts: { build: string; target: string; measured: number; pass: boolean; othersCores?: number; cpuScaling?: number }[] = [];
  const summaries = results.map((res) => {
    const rows = res.cells.map(summarize);
    const find = (mode: Mode, w: number): ReturnType<typeof summarize> | undefined => rows.find((r) => r.mode === mode && r.workers === w);
    const table = rows.map((r) => {
      const one = find(r.mode, 1);
      const scaling = one === undefined ? NaN : r.totalMops / one.totalMops;
      const cpuScaling = one === undefined ? NaN : (r.workers * one.cpuNsPerOp) / r.cpuNsPerOp;
      const ref = r.mode === 'lanes' ? find('chunk-ref', r.workers) : r.mode === 'pool' || r.mode === 'pool-xfree' ? find('free-list-ref', 1) : undefined;
      const xRef = ref === undefined ? '' : r.mode === 'lanes' ? `${fmt(r.totalMops / ref.totalMops)} (M/s)` : `${fmt(r.busyNsPerOp / ref.busyNsPerOp)} (ns/op)`;
      return { ...r, scaling, cpuScaling, xRef };
    });
    console.log(`\nlibrary build: ${res.build}`);
    printTable(
      ['mode', 'workers', 'total M ops/s', 'min-max', 'per worker M/s', 'ns/op busy', 'ns/op CPU', 'scaling vs 1', 'scaling (CPU)', 'x ref', 'others cores', 'tries'],
      table.map((r) => [r.mode, String(r.workers), fmt(r.totalMops, 1), `${fmt(r.minMops, 1)}-${fmt(r.maxMops, 1)}`, fmt(r.totalMops / r.workers, 1),
        fmt(r.busyNsPerOp), fmt(r.cpuNsPerOp), fmt(r.scaling), fmt(r.cpuScaling), r.xRef, fmt(r.others), String(r.tries)]),
    );
    const lanes2 = table.find((r) => r.mode === 'lanes' && r.workers === 2);
    if (lanes2 !== undefined) {
      const pass = lanes2.scaling >= TARGET_LANES_SCALING;
      const busy = Math.max(lanes2.others, find('lanes', 1)?.others ?? 0);
      verdicts.push({ build: res.build, target: `lanes 1 -> 2 workers >= ${TARGET_LANES_SCALING}x`, measured: lanes2.scaling, pass, othersCores: busy, cpuScaling: lanes2.cpuScaling });
      console.log(`lanes, 1 -> 2 workers: ${fmt(lanes2.scaling)}x (by CPU time ${fmt(lanes2.cpuScaling)}x), target >= ${TARGET_LANES_SCALING}x: ${pass ? 'PASS' : 'FAIL'}` +
        (busy > QUIET_CORES ? ` (not meaningful: other processes used ${fmt(busy)} cores of ${machineInfo().cores}, so the workers shared what was left)` : ''));
    }
    const pool2 = find('pool', 2);
    const fl = find('free-list-ref', 1);
    if (pool2 !== undefined && fl !== undefined) {
      const x = pool2.busyNsPerOp / fl.busyNsPerOp;
      const pass = x <= TARGET_POOL_X_FREE_LIST;
      verdicts.push({ build: res.build, target: `shared pool, 2 workers <= ${TARGET_POOL_X_FREE_LIST}x the free list per op`, measured: x, pass });
      console.log(`shared pool from 2 workers: ${fmt(pool2.busyNsPerOp)} ns/op per worker = ${fmt(x)}x the free list's ${fmt(fl.busyNsPerOp)} ` +
        `(by CPU time ${fmt(pool2.cpuNsPerOp / fl.cpuNsPerOp)}x), target <= ${TARGET_POOL_X_FREE_LIST}x: ${pass ? 'PASS' : 'FAIL'}`);
    }
    const x2 = find('pool-xfree', 2);
    if (x2 !== undefined && pool2 !== undefined && fl !== undefined) {
      console.log(`cross-thread free, 2 workers: ${fmt(x2.busyNsPerOp)} ns/op per worker = ${fmt(x2.busyNsPerOp / fl.busyNsPerOp)}x the free list, ` +
        `${fmt(x2.busyNsPerOp / pool2.busyNsPerOp)}x the same-thread shared pool (by CPU time ${fmt(x2.cpuNsPerOp / fl.cpuNsPerOp)}x the free list)`);
    }
    return { build: res.build, rows: table };
  });
  console.log();
  printLabels(MODES.map((m) => ({ id: m, label: `${LABELS[m]}; ${OPS[m]} ops per worker per frame` })));
  console.log('\n"total": all workers\' ops / wall time from the first start flag to the last frame done (barrier and main\'s end of frame included); ' +
    '"busy" and "CPU": per worker, over its own frame work (wall, and on-CPU time from schedstat); "scaling (CPU)": as if each worker had its own core');
  const seconds = (performance.now() - t0) / 1000;
  console.log(`${fmt(seconds, 1)} s`);
  if (json !== null) {
    writeJson(json, { date: new Date().toISOString(), machine, config: { ...cfg, ops: OPS, quietCores: QUIET_CORES }, results: summaries, raw: results, verdicts, seconds });
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  const build = argv[1];
  if (build !== 'checked' && build !== 'fast') throw new Error(`child: bad build ${build}`);
  await child(build, parseArgs(argv.slice(2)).cfg);
} else parent(argv);
