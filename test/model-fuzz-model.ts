/**
 * The model-based fuzz of the public API, shared by test/model-fuzz.test.ts (CI size) and
 * scripts/fuzz.ts (100k+ operations per allocator, either build).
 *
 * One memory `a` and a second view `b = attachMemory(a.share())` (its own thread id, lanes and
 * caches) over the same buffer hold one frame arena, one pool and two stacks (one created by each
 * view). Each run draws a random configuration and interleaves random operations of both views;
 * after every operation both memories' checkInvariants() run, every live block's stamp is checked
 * and each model compares what it can observe. Runs are deterministic in (seed, run).
 */
import { attachMemory, CHECKS, createMemory } from '../src/index.ts';
import { ArenaModel } from './model-fuzz-arena.ts';
import { type Counts, Ctx, Mismatch, Rng, bump, newCounts } from './model-fuzz-harness.ts';
import { PoolModel, StackModel } from './model-fuzz-pool-stack.ts';

export { newCounts, type Counts } from './model-fuzz-harness.ts';

/** A model failure, with everything needed to replay it. */
export interface FuzzFailure {
  readonly seed: number;
  readonly run: number;
  readonly op: number;
  readonly kind: string;
  readonly message: string;
  readonly config: string;
  readonly trace: readonly string[];
}

export interface FuzzOptions {
  readonly seed: number;
  /** Operations per run (each run is a fresh memory with a fresh random configuration). */
  readonly opsPerRun: number;
  /** Stop after this many runs… */
  readonly runs?: number;
  /** …or once every allocator ran at least this many operations. */
  readonly minOpsPerAllocator?: number;
  /** Replay only this run index. */
  readonly onlyRun?: number;
  /** Called for each failing run; the campaign goes on with the next run. */
  readonly onFailure: (f: FuzzFailure) => void;
  /** Called with each operation's trace line when set (replays). */
  readonly echo?: (line: string) => void;
}

/** The seed of run `run` of a campaign: a 32-bit mix, so neighbouring runs differ in every bit. */
export function runSeed(seed: number, run: number): number {
  let h = Math.imul((seed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) ^ Math.imul(run + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x27d4eb2f);
  return (h ^ (h >>> 15)) >>> 0;
}

/** The command that replays one run, printing its whole trace. */
export function replayCommand(f: Pick<FuzzFailure, 'seed' | 'run'>, opsPerRun: number): string {
  return `node --import tsx scripts/fuzz.ts --build ${CHECKS ? 'checked' : 'fast'} --seed ${f.seed} --run ${f.run} --ops-per-run ${opsPerRun} --trace`;
}

/** One run: returns the failure, or null when the model and the runtime agreed throughout. */
function runOne(seed: number, run: number, opsPerRun: number, counts: Counts, echo?: (line: string) => void): FuzzFailure | null {
  const rng = new Rng(runSeed(seed, run));
  const a = createMemory({ size: 1 << 17, shared: true });
  const b = attachMemory(a.share());
  const ctx = new Ctx(a, b, counts, CHECKS, echo);
  const capacity = rng.pick([1024, 2048]);
  const arenaCfg = { frames: rng.pick([0, 1, 2, 2, 3, 4]), capacity, laneBytes: capacity >> rng.pick([0, 1, 2, 3]) };
  const poolCfg = { slotSize: 1 + rng.int(40), capacity: 1 + rng.int(rng.chance(0.3) ? 8 : 48), align: rng.pick([1, 2, 4, 8, 16]), batch: 1 + rng.int(6) };
  const stackCaps = [rng.pick([256, 512, 1024]), rng.pick([256, 512, 1024])];
  const config = `arena ${JSON.stringify(arenaCfg)}, pool ${JSON.stringify(poolCfg)}, stacks ${stackCaps.join('/')}`;
  const models: { readonly name: 'arena' | 'pool' | 'stack'; step(r: Rng): string; check(): void }[] = [];
  try {
    const arena = new ArenaModel(ctx, arenaCfg);
    const pool = new PoolModel(ctx, poolCfg);
    const sa = new StackModel(ctx, 'sa', 0, stackCaps[0]);
    const sb = new StackModel(ctx, 'sb', 1, stackCaps[1]);
    models.push({ name: 'arena', step: (r) => arena.step(r), check: () => { arena.check(); } });
    models.push({ name: 'pool', step: (r) => pool.step(r), check: () => { pool.check(); } });
    models.push({ name: 'stack', step: (r) => (r.chance(0.5) ? sa : sb).step(r), check: () => { sa.check(); sb.check(); } });
    for (ctx.op = 0; ctx.op < opsPerRun; ctx.op++) {
      const m = rng.pick(models);
      const kind = m.step(rng);
      bump(counts.ops, `${m.name}.${kind}`);
      counts.allocators[m.name]++;
      ctx.checkInvariants();
      ctx.checkStamps();
      for (const x of models) x.check();
    }
    return null;
  } catch (e) {
    const mm = e instanceof Mismatch ? e : new Mismatch('unexpected-error', e instanceof Error ? (e.stack ?? e.message) : String(e));
    return { seed, run, op: ctx.op, kind: mm.kind, message: mm.message, config, trace: ctx.lastTrace() };
  } finally {
    counts.runs++;
  }
}

/** Runs a campaign; failures go to `onFailure` and into `counts.mismatches` by kind. */
export function runFuzz(o: FuzzOptions, counts: Counts = newCounts()): Counts {
  const done = (): boolean => {
    const { arena, pool, stack } = counts.allocators;
    return o.minOpsPerAllocator !== undefined && Math.min(arena, pool, stack) >= o.minOpsPerAllocator;
  };
  for (let run = o.onlyRun ?? 0; ; run++) {
    if (o.onlyRun !== undefined ? run > o.onlyRun : (o.runs !== undefined && run >= o.runs) || done()) break;
    const f = runOne(o.seed, run, o.opsPerRun, counts, o.echo);
    if (f !== null) {
      bump(counts.mismatches, f.kind);
      o.onFailure(f);
    }
  }
  return counts;
}

/** A failure as text: what differed, the configuration, the last operations and the replay command. */
export function formatFailure(f: FuzzFailure, opsPerRun: number): string {
  return [
    `model mismatch ${f.message}`,
    `  seed ${f.seed}, run ${f.run} (run seed ${runSeed(f.seed, f.run)}), operation #${f.op}, ${CHECKS ? 'checked' : 'fast'} build`,
    `  config: ${f.config}`,
    `  replay: ${replayCommand(f, opsPerRun)}`,
    '  last operations:',
    ...f.trace.map((t) => `    ${t}`),
  ].join('\n');
}
