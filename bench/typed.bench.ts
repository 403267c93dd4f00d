/**
 * gl-matrix temporaries: `tmp.vec3()` (a view ring over the shared buffer) beside a hand-written
 * bump allocator and gl-matrix `vec3.create()`. Standalone:
 *
 * ```sh
 * node --expose-gc --import tsx bench/typed.bench.ts            # 3 processes x 3 rounds x 500 ms per case; writes bench/results/typed-<date>.json
 * node --expose-gc --import tsx bench/typed.bench.ts --quick    # 1 process x 1 round x 150 ms; writes nothing
 * node --expose-gc --import tsx bench/typed.bench.ts --check    # exit 1 when a target is missed
 * ```
 *
 * One op gets a temporary, writes 3 floats (`i`, `i * 0.5`, `-i`) and reads the middle one back
 * into an accumulator; one tinybench iteration is a batch of 4096 ops, one "frame". Targets:
 * `tmp.vec3()` within 1.5x of the bump allocator, and 0 scavenges (minor GCs, from
 * PerformanceObserver 'gc' entries) while it is measured, after warm-up.
 * @module
 */
import { fileURLToPath } from 'node:url';
import { createMemory } from '../src/index.ts';
import { cursor } from '../src/typed/cursor.ts';
import { struct } from '../src/typed/struct.ts';
import { createTemps } from '../src/typed/temps.ts';
import { loop as usingLoop } from '../test/fixtures/typed-using.compiled.mjs';
import { BATCH, BATCH_SUM, checkTally, newTally, type AllocCase } from './cases/case.ts';
import { glMatrixCase } from './cases/gc-objects.ts';
import { bumpCase } from './cases/handwritten.ts';
import { poolAllocFreeCase } from './cases/library.ts';
import { tmpVec3Case } from './cases/typed.ts';
import { runChild, sendResult } from './child.ts';
import { GcLog } from './gc-log.ts';
import { median, runRound, shuffled } from './harness.ts';
import { loadText, machineInfo, machineLine } from './machine.ts';
import { fmt, printTable, resultsPath, writeJson } from './report.ts';

const TARGET_RATIO = 1.5;

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

function makeCases(): AllocCase[] {

  const resetTally = newTally();
  const memory2 = createMemory({ size: 1 << 20 });
  const tmp2 = createTemps(memory2, { vec3: BATCH, vec2: 0, vec4: 0, quat: 0, mat3: 0, mat4: 0 });

  // disposables: a pool slot per op, written and read like a temporary, then given back
  const slots = createMemory({ size: 1 << 20 });
  const pool = slots.createPool('slots', { slotSize: 16, align: 16, capacity: 64 });
  const sf32 = slots.f32;
  const loanTally = newTally();
  const usingTally = newTally();
  const lib = { takeSlot: (p: typeof pool) => p.take(), stackScope: () => { throw new Error('unused'); } };

  // a struct cursor moved over 64 structs, the same op through a vec3 field
  const Particle = struct({ pos: 'vec3', vel: 'vec3', life: 'f32', color: 'u32' });
  const structs = createMemory({ size: 1 << 20 });
  const base = structs.createArena('structs', { capacity: 64 * Particle.size, frames: 0 }).alloc(64 * Particle.size, 16);
  const c = cursor(structs, Particle);
  const cursorTally = newTally();
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
    poolAllocFreeCase(pool, sf32, { id: 'pool.alloc+free', label: 'pool.alloc(), offsetOf, write/read, pool.free(): the reference for pool.take()' }),
    {
      id: 'take+dispose', label: 'pool.take() (a recycled SlotLoan), write/read at .offset, .dispose()', tally: loanTally,
      batch: () => {
        let acc = 0;
        for (let i = 0; i < BATCH; i++) {
          const s = pool.take();
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
      id: 'using (tsc ES2022)', label: '`for (...) { using s = lib.takeSlot(pool); }` (lib.takeSlot = pool.take()) as TypeScript 5.9 compiles it for ES2022 (test/fixtures/typed-using.compiled.mjs)', tally: usingTally,
      batch: () => {
        if (usingLoop(lib, pool, BATCH) !== 0) throw new Error('slots leaked');
        usingTally.acc += BATCH_SUM; // no float per op here: the tally counts batches
        usingTally.batches++;
      },
    },
    bumpCase(12, 'hand-written bump: number cursor, offset into a Float32Array over a SAB; reset per batch'),
    tmpVec3Case(), // the same case the browser bench page runs
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
    glMatrixCase('gl-matrix vec3.create() per op (GC), kept in a module-level sink'),
  ];
}

/** Runs `rounds` rounds in this process; every case in a fresh Bench, shuffled, per round. */
async function child(rounds: number, timeMs: number, gcBatches: number): Promise<void> {
  const cases = makeCases();
  const gcLog = new GcLog();
  gcLog.start();
  const out: Cell[][] = [];
  for (let r = 0; r < rounds; r++) {
    const round = await runRound(cases, { timeMs, warmupMs: timeMs / 2, opsPerBatch: BATCH }, gcLog);
    out.push(round.order.map((id) => {
      const c = round.cells.get(id);
      if (c === undefined) throw new Error(`no cell for ${id}`);
      return { id, medianNs: c.medianNs, meanNs: c.meanNs, ops: c.batches * BATCH, scavenges: c.scavenges };
    }));
    console.error(`  round ${r + 1}: order ${round.order.join(', ')}; ${loadText(round.load)}`);
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
    checkTally(c);
    c.verify?.();
  }
  const result: ChildResult = { rounds: out, gc };
  sendResult(result);
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
    results.push(runChild(self, ['--child', String(rounds), String(timeMs), String(gcBatches)]) as ChildResult);
  }
  const ids = ['bump', 'tmp.vec3', 'tmp.vec3 (reset)', 'vec3.create', 'pool.alloc+free', 'take+dispose', 'using (tsc ES2022)', 'cursor (AoS)'];
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
  printTable(head, table);
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
  console.log(`take+dispose: ${fmt(loan.median / ref.median)}x pool.alloc+free, ${loan.gcScavenges} scavenges in steady state; ` +
    `using (tsc ES2022): ${fmt(using.median / ref.median)}x, ${using.gcScavenges} scavenges (${fmt((using.gcScavenges * 1e6) / using.gcOps, 1)} per 1M blocks: TypeScript's helper allocates per block)`);
  console.log(`cursor (AoS): ${fmt(rows[7].median / bump.median)}x bump, ${rows[7].gcScavenges} scavenges in steady state`);
  if (!quick) {
    writeJson(resultsPath('typed'), {
      date: new Date().toISOString(), machine: machineInfo(), config: { processes, rounds, timeMs, gcBatches, batch: BATCH },
      results: rows.map((r) => ({ ...r, xBump: r.median / bump.median })),
      targets: { tmpVec3XBump: ratio, tmpVec3XBumpFast: tmp.fast / bump.fast, met: okRatio && okGc },
    });
  }
  if (check && !(okRatio && okGc)) process.exit(1);
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') await child(Number(argv[1]), Number(argv[2]), Number(argv[3]));
else parent(argv);
