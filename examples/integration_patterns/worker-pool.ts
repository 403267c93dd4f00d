/**
 * A pool of job workers that survives a worker crashing while it holds shared memory.
 *
 * Every worker attaches to the memory with a name, leases a lane of the frame arena each frame,
 * and keeps bullets alive in the shared pool. A worker that dies holds all of that forever: its
 * lease stops the frame clock (`advance()` throws LANE_LEASED), its cached free slots are lost to
 * everyone else, and its bullets stay allocated. The fix is one call, made when the worker is
 * really gone: `memory.reclaimThread(id)`, which the platform helpers make for you:
 * `reclaimOnExit` (Node, spawn-node.ts) and `terminateAndReclaim` (browsers, spawn-web.ts).
 *
 * The run, frame by frame:
 * 1. three workers (job-0..2) run `crashAt` frames normally; the clock advances after each frame;
 * 2. job-1 stalls in frame `crashAt`, holding its lane. The clock runs one frame ahead (frames: 2
 *    allows it), then `advance()` refuses with LANE_LEASED, naming job-1 and how far behind it is;
 * 3. job-1 crashes (an uncaught exception). Its thread is reclaimed: the lease and the cached
 *    slots come back (the ReclaimReport counts them), and `advance()` works again;
 * 4. its live bullets are still allocated, under its old thread id: `bullets.leaks()` lists them
 *    and the main thread frees them (any thread may free a pool slot);
 * 5. a replacement job-1 starts; it gets the reclaimed thread id back;
 * 6. a few more frames, then every worker stops (frees, detaches) and nothing is left.
 */
import { type Memory, MemoryError, type ReclaimReport, createMemory } from 'nebula-memory';
import type { JobIn, JobOut } from './job-work.ts';
import type { Spawner, WorkerHandle } from './worker-handle.ts';

type Job = WorkerHandle<JobIn, JobOut>;

/** What {@link runWorkerPool} observed. */
export interface WorkerPoolResult {
  readonly platform: 'browser' | 'node';
  /** Thread ids the three workers attached as. */
  readonly threadIds: readonly number[];
  /** The LANE_LEASED error while job-1 was stalled: its code, request and state. */
  readonly laneLeased: { readonly code: string; readonly request: Readonly<Record<string, unknown>>; readonly state: Readonly<Record<string, unknown>> };
  /** How the crashed worker failed (its error message). */
  readonly crashMessage: string | null;
  /** What reclaiming job-1 released. */
  readonly reclaimed: readonly ReclaimReport[];
  /** Bullets job-1 still held after the reclaim, freed by the main thread. */
  readonly leakedBullets: number;
  /** The replacement's thread id (the reclaimed one, reused). */
  readonly replacementThreadId: number;
  /** Frames the clock advanced. */
  readonly frame: number;
  /** Live bullets once every worker stopped. */
  readonly liveAtEnd: number;
  /** Thread slots at the end (`memory.threads()`): id, name, state. */
  readonly threads: readonly { readonly id: number; readonly name: string; readonly state: string }[];
  readonly invariantsOk: boolean;
}

/** Options of {@link runWorkerPool}. */
export interface WorkerPoolOptions {
  readonly workers?: number;
  /** The frame in which job-1 stalls (it crashes one frame later). */
  readonly crashAt?: number;
  /** Frames after the replacement started. */
  readonly framesAfter?: number;
  /** Bullets each worker keeps alive per frame. */
  readonly spawn?: number;
}

async function start(spawner: Spawner, memory: Memory, name: string): Promise<{ job: Job; threadId: number }> {
  const job = spawner.job(memory, name);
  job.post({ type: 'init', memory: memory.share(), name });
  const m = await job.next();
  if (m.type !== 'ready') throw new Error(`${name}: expected ready, got ${m.type}`);
  return { job, threadId: m.threadId };
}

/** One frame on `jobs`: each runs it and answers; `stall` names one that stalls instead. */
async function runFrame(jobs: readonly Job[], frame: number, spawn: number, stall = ''): Promise<void> {
  for (const j of jobs) j.post({ type: 'frame', frame, spawn, stall: j.name === stall });
  for (const j of jobs) {
    const m = await j.next();
    if (m.type !== 'done' && m.type !== 'stalled') throw new Error(`${j.name}: expected done, got ${m.type}`);
  }
}

/** `memory.advance()`, or the MemoryError it threw. */
function tryAdvance(memory: Memory): MemoryError | null {
  try {
    memory.advance();
    return null;
  } catch (e) {
    if (e instanceof MemoryError) return e;
    throw e;
  }
}

/** The pattern end to end, on the platform of `spawner`. */
export async function runWorkerPool(spawner: Spawner, options: WorkerPoolOptions = {}): Promise<WorkerPoolResult> {
  const { workers = 3, crashAt = 2, framesAfter = 2, spawn = 4 } = options;
  if (workers < 2) throw new Error('the pool needs at least two workers: job-1 crashes');
  const memory = createMemory({ size: 1 << 20, name: 'main' });
  // frames: 2 lets a worker lag one frame behind the clock; 4 KiB lanes, so 16 per frame
  memory.createArena('frame', { capacity: 64 << 10, frames: 2, laneBytes: 4096 });
  // batch: 8 slots move between a thread's private cache and the shared free list at once
  const bullets = memory.createPool('bullets', { slotSize: 16, align: 16, capacity: 1024, batch: 8 });

  const jobs: Job[] = [];
  const threadIds: number[] = [];
  for (let i = 0; i < workers; i++) {
    const { job, threadId } = await start(spawner, memory, `job-${i}`);
    jobs.push(job);
    threadIds.push(threadId);
  }

  // 1. normal frames
  let f = 0;
  for (; f < crashAt; f++) {
    await runFrame(jobs, f, spawn);
    memory.advance();
  }

  // 2. job-1 stalls holding its lane; the others go on for one more frame
  const victim = jobs[1];
  await runFrame(jobs, f++, spawn, victim.name);
  memory.advance(); // fine: frames: 2 keeps job-1's frame alive one more frame
  const others = jobs.filter((j) => j !== victim);
  await runFrame(others, f++, spawn);
  // advance() would recycle the segment job-1 still leases: it refuses, and nothing changes.
  // A game retries advance() next tick; a worker that stays behind is stuck or dead.
  const refused = tryAdvance(memory);
  if (refused?.code !== 'LANE_LEASED') throw new Error('advance() should have refused while job-1 held its lane');
  const laneLeased = { code: refused.code, request: refused.request, state: refused.state };

  // 3. job-1 crashes. The spawner reclaims its thread once it is really gone.
  victim.post({ type: 'crash' });
  const reclaimed = await victim.gone;
  memory.advance(); // the clock moves again: the lease was released

  // 4. what job-1 allocated is still allocated, owned by its old id; give it back
  const victimId = threadIds[1] ?? -1;
  const leaked = bullets.leaks().entries.filter((e) => e.thread === victimId);
  for (const e of leaked) bullets.free(e.handle);

  // 5. a replacement, same name; it gets the lowest free id, the reclaimed one
  const replacement = await start(spawner, memory, victim.name);
  jobs[1] = replacement.job;

  // 6. a few more frames, then stop everyone
  for (let k = 0; k < framesAfter; k++, f++) {
    await runFrame(jobs, f, spawn);
    memory.advance();
  }
  for (const j of jobs) j.post({ type: 'stop' });
  for (const j of jobs) {
    await j.next(); // 'stopped': it freed its bullets and detached
    await j.kill(); // nothing left to reclaim: []
  }
  let invariantsOk = true;
  try { memory.checkInvariants(); } catch { invariantsOk = false; }
  return {
    platform: spawner.platform,
    threadIds,
    laneLeased,
    crashMessage: victim.failure(),
    reclaimed,
    leakedBullets: leaked.length,
    replacementThreadId: replacement.threadId,
    frame: memory.frame,
    liveAtEnd: bullets.live,
    threads: memory.threads().filter((t) => t.state !== 'free').map((t) => ({ id: t.id, name: t.name, state: t.state })),
    invariantsOk,
  };
}
