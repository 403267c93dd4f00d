/**
 * The worker side of the worker-pool pattern (worker-pool.ts): a job worker that, every frame,
 * takes per-frame temporaries from the shared frame arena and spawns bullets in the shared pool,
 * the way a simulation worker does. It can also be told to stall (keep its lane leased, as a
 * worker stuck in a long task does) and to crash (throw), so the main thread can show how a dead
 * worker's memory is recovered.
 *
 * Platform-neutral: job.worker.ts (browsers) and job.node-worker.ts (Node) wire it to their ports.
 */
import { type SharedMemoryInit, attachMemory } from 'nebula-memory';

/** Main thread to worker. */
export type JobIn =
  | { readonly type: 'init'; readonly memory: SharedMemoryInit; readonly name: string }
  /** Run one frame: free last frame's bullets, spawn `spawn` new ones. `stall`: do not release the lane. */
  | { readonly type: 'frame'; readonly frame: number; readonly spawn: number; readonly stall: boolean }
  /** Throw: a bug in the job. */
  | { readonly type: 'crash' }
  /** Free everything, detach, answer `stopped`. */
  | { readonly type: 'stop' };

/** Worker to main thread. */
export type JobOut =
  | { readonly type: 'ready'; readonly threadId: number }
  | { readonly type: 'done'; readonly frame: number; readonly live: number }
  /** The frame's work is "stuck": its lane is still leased. */
  | { readonly type: 'stalled'; readonly frame: number; readonly live: number }
  | { readonly type: 'stopped'; readonly threadId: number };

/** Bytes of per-frame scratch a job takes every frame. */
export const SCRATCH_BYTES = 512;

/** Builds the worker's message handler; `post` sends a message to the main thread. */
export function createJobWorker(post: (m: JobOut) => void): (m: JobIn) => void {
  let memory: ReturnType<typeof attachMemory> | null = null;
  let name = '';
  let mine: number[] = []; // handles of the bullets this job spawned last frame

  return (m) => {
    if (m.type === 'init') {
      name = m.name;
      // The same buffer, this thread's own id; the name shows up in LANE_LEASED messages,
      // memory.threads() and reclaims by name.
      memory = attachMemory(m.memory, { name });
      post({ type: 'ready', threadId: memory.threadId });
      return;
    }
    if (memory === null) throw new Error(`${name || 'job'}: message before init`);
    const frame = memory.arena('frame');
    const bullets = memory.pool('bullets');
    const f32 = memory.f32;
    switch (m.type) {
      case 'frame': {
        // Temporaries for this frame: the first alloc leases a lane of the frame's segment.
        const scratch = frame.alloc(SCRATCH_BYTES, 16) >> 2;
        for (let k = 0; k < SCRATCH_BYTES / 4; k++) f32[scratch + k] = m.frame;
        // Bullets live across frames in the pool: free last frame's, spawn this frame's.
        for (const h of mine) bullets.free(h);
        const next: number[] = [];
        for (let k = 0; k < m.spawn; k++) {
          const h = bullets.alloc(); // the first alloc refills this thread's slot cache
          const p = bullets.offsetOf(h) >> 2;
          f32[p] = m.frame; f32[p + 1] = k; f32[p + 2] = f32[scratch]; f32[p + 3] = 1;
          next.push(h);
        }
        mine = next;
        if (m.stall) {
          // Stuck in a long task: the lease stays, so the frame clock cannot recycle this
          // frame's segment (its memory is still in use here). The main thread sees LANE_LEASED.
          post({ type: 'stalled', frame: m.frame, live: mine.length });
          return;
        }
        frame.release(); // this frame's work is done: the clock may recycle it
        memory.publishStats(); // once a frame: this thread's counts, for stats and the inspector
        post({ type: 'done', frame: m.frame, live: mine.length });
        return;
      }
      case 'crash':
        // An uncaught exception: in Node the worker exits (code 1); in a browser the worker's
        // `error` event fires. Either way it dies holding its lane, its cached pool slots and its
        // live bullets, which only the main thread can give back.
        throw new Error(`${name}: simulated bug in the job`);
      case 'stop': {
        for (const h of mine) bullets.free(h);
        mine = [];
        const id = memory.threadId;
        memory.detach(); // releases its lanes, flushes its slot cache, gives the id back
        memory = null;
        post({ type: 'stopped', threadId: id });
        return;
      }
    }
  };
}
