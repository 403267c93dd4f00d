/**
 * gl-matrix temporaries: `tmp.vec3()` (a view ring over the shared buffer) beside a hand-written
 * bump allocator and gl-matrix `vec3.create()`. Standalone:
 *
 * ```sh
 * node --expose-gc --import tsx bench/typed.bench.ts            # 3 processes x 3 rounds x 500 ms per case
 * node --expose-gc --import tsx bench/typed.bench.ts --quick    # 1 process x 1 round x 150 ms
 * node --expose-gc --import tsx bench/typed.bench.ts --check    # exit 1 when a target is missed
 * ```
 *
 * One op gets a temporary, writes 3 floats (`i`, `i * 0.5`, `-i`) and reads the middle one back
 * into an accumulator; one tinybench iteration is a batch of 4096 ops, one "frame". Targets:
 * `tmp.vec3()` within 1.5x of the bump allocator, and 0 scavenges (minor GCs, from
 * PerformanceObserver 'gc' entries) while it is measured, after warm-up.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { vec3 } from 'gl-matrix';
import { Bench } from 'tinybench';
import { createMemory } from '../src/index.ts';
import { cursor } from '../src/typed/cursor.ts';
import { takeSlot } from '../src/typed/dispose.ts';
import { struct } from '../src/typed/struct.ts';
import { createTemps } from '../src/typed/temps.ts';
import { loop as usingLoop } from '../test/fixtures/typed-using.compiled.mjs';
import { GcLog } from './gc-log.ts';
import { cpuSnapshot, foreignLoad, machineInfo, machineLine } from './machine.ts';

const BATCH = 4096;
/** What one batch adds to an accumulator: 0.5 * (0 + 1 + ... + 4095), exact in float32. */
const BATCH_SUM = 0.5 * (BATCH * (BATCH - 1)) / 2;
const TARGET_RATIO = 1.5;

interface Case {
  readonly id: string;
  readonly label: string;
  readonly batch: () => void;
  readonly tally: { acc: number; batches: number };
  readonly verify?: () => void;
}

/** One case in one round of one process. */
interface Cell {
  readonly id: string;
  readonly medianNs: number;
  readonly meanNs: number;
  readonly ops: number;
  /** Scavenges that started while tinybench measured the case (its own sample arrays included). */
  readonly scavenges: number;
}

/** The steady-state GC check of one case: `batches` calls after warm-up, no harness in between. */
interface GcCell {
  readonly id: string;
  readonly ops: number;
  readonly scavenges: number;
}

interface ChildResult {
  readonly rounds: Cell[][];
  readonly gc: GcCell[];
}

/** The hand-written reference: a class with a number cursor returning a byte offset. */
class Bump {
  private cursor = 0;
  constructor(private readonly capacity: number) {}
  alloc(size: number): number {
    const p = this.cursor;
    const next = p + size;
    if (next > this.capacity) throw new RangeError(`bump: ${size} bytes do not fit`);
    this.cursor = next;
    return p;
  }
  reset(): void {
    this.cursor = 0;
  }
}

/** Module-level sink, so escape analysis cannot delete `vec3.create()`. */
const sink: { last: unknown } = { last: null };

function makeCases(): Case[] {
  const bumpTally = { acc: 0, batches: 0 };
  const f32 = new Float32Array(new SharedArrayBuffer(BATCH * 12));
  const bump = new Bump(BATCH * 12);

  const tmpTally = { acc: 0, batches: 0 };
  const memory = createMemory({ size: 1 << 20 });
  const tmp = createTemps(memory, { vec3: BATCH, vec2: 0, vec4: 0, quat: 0, mat3: 0, mat4: 0 });

  const resetTally = { acc: 0, batches: 0 };
  const memory2 = createMemory({ size: 1 << 20 });
  const tmp2 = createTemps(memory2, { vec3: BATCH, vec2: 0, vec4: 0, quat: 0, mat3: 0, mat4: 0 });

  const glTally = { acc: 0, batches: 0 };

  // disposables: a pool slot per op, written and read like a temporary, then given back
  const slots = createMemory({ size: 1 << 20 });
  const pool = slots.createPool('slots', { slotSize: 16, align: 16, capacity: 64 });
  const sf32 = slots.f32;
  const poolTally = { acc: 0, batches: 0 };
  const loanTally = { acc: 0, batches: 0 };
  const usingTally = { acc: 0, batches: 0 };
  const lib = { takeSlot, stackScope: () => { throw new Error('unused'); } };

  // a struct cursor moved over 64 structs, the same op through a vec3 field
  const Particle = struct({ pos: 'vec3', vel: 'vec3', life: 'f32', color: 'u32' });
  const structs = createMemory({ size: 1 << 20 });
  const base = structs.createArena('structs', { capacity: 64 * Particle.size, frames: 0 }).alloc(64 * Particle.size, 16);
  const c = cursor(structs, Particle);
  const cursorTally = { acc: 0, batches: 0 };
  return [
    {
      id: 'cursor (AoS)', label: 'cursor.at(struct i % 64), then pos.x/.y/.z = ..., read pos.y: a struct field through the reusable cursor', tally: cursorTally,
      batch: () => {
        let acc = 0;
        for (let i = 0; i < BATCH; i++) {
          const pos = c.at(base + (i & 63) * 32).pos;
          pos.x = i;
          pos.y = i * 0.5;
          pos.z = -i;
          acc += pos.y;
        }
        cursorTally.acc += acc;
        cursorTally.batches++;
      },
    },
    {
      id: 'pool.alloc+free', label: 'pool.alloc(), offsetOf, write/read, pool.free(): the reference for takeSlot', tally: poolTally,
      batch: () => {
        let acc = 0;
        for (let i = 0; i < BATCH; i++) {
          const h = pool.alloc();
          const q = pool.offsetOf(h) >> 2;
          sf32[q] = i;
          sf32[q + 1] = i * 0.5;
          sf32[q + 2] = -i;
          acc += sf32[q + 1];
          pool.free(h);
        }
        poolTally.acc += acc;
        poolTally.batches++;
      },
      verify: () => { pool.checkInvariants(); },
    },
    {
      id: 'takeSlot+dispose', label: 'takeSlot(pool) (a recycled SlotLoan), write/read at .offset, .dispose()', tally: loanTally,
      batch: () => {
        let acc = 0;
        for (let i = 0; i < BATCH; i++) {
          const s = takeSlot(pool);
          const q = s.offset >> 2;
          sf32[q] = i;
          sf32[q + 1] = i * 0.5;
          sf32[q + 2] = -i;
          acc += sf32[q + 1];
          s.dispose();
        }
        loanTally.acc += acc;
        loanTally.batches++;
      },
    },
    {
      id: 'using (tsc ES2022)', label: '`for (...) { using s = takeSlot(pool); }` as TypeScript 5.9 compiles it for ES2022 (test/fixtures/typed-using.compiled.mjs)', tally: usingTally,
      batch: () => {
        if (usingLoop(lib, pool, BATCH) !== 0) throw new Error('slots leaked');
        usingTally.acc += BATCH_SUM; // no float per op here: the tally counts batches
        usingTally.batches++;
      },
    },
    {
      id: 'bump', label: 'hand-written bump: number cursor, offset into a Float32Array over a SAB; reset per batch', tally: bumpTally,
      batch: () => {
        let acc = 0;
        for (let i = 0; i < BATCH; i++) {
          const q = bump.alloc(12) >> 2;
          f32[q] = i;
          f32[q + 1] = i * 0.5;
          f32[q + 2] = -i;
          acc += f32[q + 1];
        }
        bump.reset();
        bumpTally.acc += acc;
        bumpTally.batches++;
      },
    },
    {
      id: 'tmp.vec3', label: "tmp.vec3(): next pre-built view of the ring; memory.advance() per batch (the ring starts over with the frame)", tally: tmpTally,
      batch: () => {
        let acc = 0;
        for (let i = 0; i < BATCH; i++) {
          const v = tmp.vec3();
          v[0] = i;
          v[1] = i * 0.5;
          v[2] = -i;
          acc += v[1];
        }
        memory.advance();
        tmpTally.acc += acc;
        tmpTally.batches++;
      },
      verify: () => {
        memory.checkInvariants();
        const s = tmp.stats();
        if (s.growths !== 0 || s.rings.vec3.peak < BATCH) throw new Error(`tmp rings: ${JSON.stringify(s)}`);
      },
    },
    {
      id: 'tmp.vec3 (reset)', label: 'tmp.vec3() as above, with tmp.reset() per batch instead of memory.advance()', tally: resetTally,
      batch: () => {
        let acc = 0;
        for (let i = 0; i < BATCH; i++) {
          const v = tmp2.vec3();
          v[0] = i;
          v[1] = i * 0.5;
          v[2] = -i;
          acc += v[1];
        }
        tmp2.reset();
        resetTally.acc += acc;
        resetTally.batches++;
      },
    },
    {
      id: 'vec3.create', label: 'gl-matrix vec3.create() per op (GC), kept in a module-level sink', tally: glTally,
      batch: () => {
        let acc = 0;
        for (let i = 0; i < BATCH; i++) {
          const v = vec3.create();
          v[0] = i;
          v[1] = i * 0.5;
          v[2] = -i;
          acc += v[1];
          sink.last = v;
        }
        glTally.acc += acc;
        glTally.batches++;
      },
    },
  ];
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function shuffled<T>(xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Runs `rounds` rounds in this process; every case in a fresh Bench, shuffled, per round. */
async function child(rounds: number, timeMs: number, gcBatches: number): Promise<void> {
  const cases = makeCases();
  const gcLog = new GcLog();
  gcLog.start();
  const out: Cell[][] = [];
  for (let r = 0; r < rounds; r++) {
    const windows = new Map<string, { from: number; to: number }>();
    const bench = new Bench({
      time: timeMs, warmupTime: timeMs / 2, throws: true,
      setup: (task, mode) => {
        if (mode !== 'run' || task === undefined) return;
        globalThis.gc?.(); // an empty young generation at the start of each measured task
        windows.set(task.name, { from: performance.now(), to: Infinity });
      },
      teardown: (task, mode) => {
        const w = task === undefined ? undefined : windows.get(task.name);
        if (mode === 'run' && w !== undefined) w.to = performance.now();
      },
    });
    for (const c of shuffled(cases)) bench.add(c.id, c.batch);
    const before = cpuSnapshot();
    bench.runSync();
    const load = foreignLoad(before, cpuSnapshot());
    await gcLog.flush();
    out.push(bench.tasks.map((t) => {
      const res = t.result;
      if (res.state !== 'completed') throw new Error(`task ${t.name} ended ${res.state}`);
      const w = windows.get(t.name) ?? { from: 0, to: 0 };
      return { id: t.name, medianNs: (res.latency.p50 * 1e6) / BATCH, meanNs: (res.latency.mean * 1e6) / BATCH, ops: res.latency.samplesCount * BATCH, scavenges: gcLog.countBetween(w.from, w.to) };
    }));
    console.error(`  round ${r + 1}: order ${bench.tasks.map((t) => t.name).join(', ')}; other processes ${load === null ? 'n/a' : load.others.toFixed(2)} cores`);
  }
  // steady state: the batch function is optimized by now (warmed again here), and nothing between
  // two calls allocates, so every scavenge in the window comes from the case itself
  const gc: GcCell[] = [];
  for (const c of shuffled(cases)) {
    for (let k = 0; k < 500; k++) c.batch();
    globalThis.gc?.();
    const from = performance.now();
    for (let k = 0; k < gcBatches; k++) c.batch();
    const to = performance.now();
    await gcLog.flush();
    gc.push({ id: c.id, ops: gcBatches * BATCH, scavenges: gcLog.countBetween(from, to) });
  }
  gcLog.stop();
  for (const c of cases) {
    if (c.tally.acc !== c.tally.batches * BATCH_SUM) throw new Error(`case ${c.id}: accumulator ${c.tally.acc} != ${c.tally.batches * BATCH_SUM}`);
    c.verify?.();
  }
  const result: ChildResult = { rounds: out, gc };
  console.log(`RESULT ${JSON.stringify(result)}`);
}

function fmt(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '-';
}

function parent(argv: readonly string[]): void {
  const quick = argv.includes('--quick');
  const check = argv.includes('--check');
  const processes = quick ? 1 : 3;
  const rounds = quick ? 1 : 3;
  const timeMs = quick ? 150 : 500;
  const gcBatches = quick ? 2000 : 10000;
  if (globalThis.gc === undefined) console.warn('warning: run with --expose-gc for a clean GC count');
  console.log(machineLine(machineInfo()));
  console.log(`${processes} process(es) x ${rounds} round(s) x ${timeMs} ms per case (+${timeMs / 2} ms warm-up), ${BATCH} ops per iteration;`);
  console.log(`then per process a GC check of ${gcBatches} batches per case (${gcBatches * BATCH} ops) after warm-up, with no harness in between`);
  const self = fileURLToPath(import.meta.url);
  const results: ChildResult[] = [];
  for (let p = 0; p < processes; p++) {
    console.log(`process ${p + 1}/${processes}`);
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--child', String(rounds), String(timeMs), String(gcBatches)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (r.status !== 0 || line === undefined) throw new Error(`child process failed (status ${String(r.status)})\n${r.stdout}`);
    results.push(JSON.parse(line.slice(7)) as ChildResult);
  }
  const ids = ['bump', 'tmp.vec3', 'tmp.vec3 (reset)', 'vec3.create', 'pool.alloc+free', 'takeSlot+dispose', 'using (tsc ES2022)', 'cursor (AoS)'];
  const rows = ids.map((id) => {
    const cells = results.flatMap((res) => res.rounds.map((cs) => cs.find((c) => c.id === id))).filter((c) => c !== undefined);
    const medians = cells.map((c) => c.medianNs);
    const fast = Math.min(...results.map((res) => median(res.rounds.map((cs) => cs.find((c) => c.id === id)?.medianNs ?? NaN))));
    const gc = results.map((res) => res.gc.find((c) => c.id === id)).filter((c) => c !== undefined);
    return {
      id, median: median(medians), min: Math.min(...medians), max: Math.max(...medians), fast, mean: median(cells.map((c) => c.meanNs)),
      benchOps: cells.reduce((s, c) => s + c.ops, 0), benchScavenges: cells.reduce((s, c) => s + c.scavenges, 0),
      gcOps: gc.reduce((s, c) => s + c.ops, 0), gcScavenges: gc.reduce((s, c) => s + c.scavenges, 0),
    };
  });
  const bump = rows[0];
  const head = ['case', 'median ns/op', 'min-max', 'fast', 'mean incl. GC', 'x bump', 'x bump (fast)', 'scav. steady', 'per 1M ops', 'scav. in tinybench'];
  const table = rows.map((r) => [r.id, fmt(r.median), `${fmt(r.min)}-${fmt(r.max)}`, fmt(r.fast), fmt(r.mean), fmt(r.median / bump.median),
    fmt(r.fast / bump.fast), String(r.gcScavenges), fmt((r.gcScavenges * 1e6) / r.gcOps, 1), String(r.benchScavenges)]);
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells: readonly string[]): string => cells.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  console.log(`\n${line(head)}`);
  for (const row of table) console.log(line(row));
  console.log('\n"scav. steady": scavenges during the GC check; "scav. in tinybench": during the timed runs, which include tinybench\'s own sample arrays.');
  const tmp = rows[1];
  const ratio = tmp.median / bump.median;
  const okRatio = ratio <= TARGET_RATIO;
  const okGc = tmp.gcScavenges === 0 && rows[2].gcScavenges === 0;
  console.log(`\ntmp.vec3 / bump = ${fmt(ratio)}x (fast state ${fmt(tmp.fast / bump.fast)}x), target <= ${TARGET_RATIO}x: ${okRatio ? 'PASS' : 'FAIL'}`);
  console.log(`tmp.vec3 scavenges in steady state: ${tmp.gcScavenges} with memory.advance() per batch, ${rows[2].gcScavenges} with tmp.reset() (${tmp.gcOps} ops each), target 0: ${okGc ? 'PASS' : 'FAIL'}`);
  const gl = rows[3];
  console.log(`vec3.create: ${fmt(gl.median / bump.median)}x bump, ${gl.gcScavenges} scavenges in steady state (${fmt((gl.gcScavenges * 1e6) / gl.gcOps, 1)} per 1M ops)`);
  const [ref, loan, using] = [rows[4], rows[5], rows[6]];
  console.log(`takeSlot+dispose: ${fmt(loan.median / ref.median)}x pool.alloc+free, ${loan.gcScavenges} scavenges in steady state; ` +
    `using (tsc ES2022): ${fmt(using.median / ref.median)}x, ${using.gcScavenges} scavenges (${fmt((using.gcScavenges * 1e6) / using.gcOps, 1)} per 1M blocks: TypeScript's helper allocates per block)`);
  console.log(`cursor (AoS): ${fmt(rows[7].median / bump.median)}x bump, ${rows[7].gcScavenges} scavenges in steady state`);
  if (check && !(okRatio && okGc)) process.exit(1);
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') await child(Number(argv[1]), Number(argv[2]), Number(argv[3]));
else parent(argv);
