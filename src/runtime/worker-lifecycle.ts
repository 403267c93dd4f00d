/**
 * Helpers that tie a worker's life to the memory's thread table: when the worker is gone, its
 * thread is reclaimed (`memory.reclaimThread`), so its leases, cached slots, stacks and locks
 * never stop the game. No dependency on Node or the DOM: they take the worker object as it is.
 * @module
 */
import type { ReclaimReport } from '../api-reports.ts';
import { memoryError } from '../errors.ts';
import type { Memory } from './memory.ts';
import { awaitStopped, holdsLiveness } from '../memory/liveness.ts';

/** The part of a Node `worker_threads.Worker` that {@link reclaimOnExit} uses. */
export interface ExitEmitter {
  /** Node's `worker.on('exit', listener)`. */
  on(event: 'exit', listener: (code: number) => void): unknown;
  /** Node's `worker.off('exit', listener)`. */
  off(event: 'exit', listener: (code: number) => void): unknown;
}

/** The part of a Web `Worker` that {@link terminateAndReclaim} uses. */
export interface Terminable {
  /** `worker.terminate()`. */
  terminate(): unknown;
}

/**
 * Which thread a worker attached as: its thread id (the worker's `memory.threadId`, posted back
 * after `attachMemory`), or the name it passed to `attachMemory(init, { name })`, which
 * reclaims every attached thread of that name.
 */
export type ThreadRef = number | string;

function idsOf(memory: Memory, thread: ThreadRef): number[] {
  if (typeof thread === 'number') return [thread];
  if (typeof thread !== 'string' || thread === '') {
    throw memoryError('INVALID_OPTION', `a worker's thread must be its id or its name, not ${typeof thread === 'string' ? '""' : typeof thread}`, {
      allocator: 'memory', request: { thread }, state: {},
      suggestion: 'pass the id the worker posted back (memory.threadId), or the name it attached with.',
    });
  }
  return memory.threads().filter((t) => t.state === 'attached' && t.name === thread).map((t) => t.id);
}

/** Reclaims `thread` now; the reports of what came back (empty when it had detached already). */
function reclaim(memory: Memory, thread: ThreadRef): ReclaimReport[] {
  const out: ReclaimReport[] = [];
  for (const id of idsOf(memory, thread)) {
    const r = memory.reclaimThread(id);
    if (r !== null) out.push(r);
  }
  return out;
}

/**
 * Node: reclaims the worker's thread when the worker exits (Node's `'exit'` event comes after
 * the thread has stopped, so nothing of it runs any more). A worker that detached before it
 * exited has nothing left to reclaim. Returns a function that stops watching.
 *
 * Thread-safety: the thread that owns `memory` (usually the main thread).
 * @param memory - this thread's memory.
 * @param worker - a `worker_threads.Worker`.
 * @param thread - the worker's thread id or attach name.
 * @param onReclaim - called with what was released, for logs.
 * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` for a `thread` that is neither an id nor a name.
 * @see {@link terminateAndReclaim}, the same for a Web `Worker` in a browser.
 * @see {@link Memory.reclaimThread}, what it calls.
 * @example
 * ```ts
 * import { Worker } from 'node:worker_threads';
 * const worker = new Worker('./sim.js', { workerData: memory.share() });
 * // in sim.js: attachMemory(workerData, { name: 'sim-1' })
 * reclaimOnExit(memory, worker, 'sim-1', (r) => console.log(`sim-1 gone, ${r.slots} slots back`));
 * ```
 */
export function reclaimOnExit(memory: Memory, worker: ExitEmitter, thread: ThreadRef, onReclaim?: (r: ReclaimReport) => void): () => void {
  idsOf(memory, thread); // validates now, not at exit
  const listener = (): void => {
    for (const r of reclaim(memory, thread)) onReclaim?.(r);
  };
  worker.on('exit', listener);
  return () => { worker.off('exit', listener); };
}

/** Options of {@link terminateAndReclaim}. */
export interface TerminateOptions {
  /**
   * Where the worker holds no liveness lock, how long to let it stop before the reclaim, in
   * milliseconds. That is a worker that never returned to its event loop after attaching (see
   * {@link Memory.liveness}), or one without the Web Locks API. Chromium runs a terminated busy
   * worker on for up to about 2 s, hence the default. @defaultValue 2500
   */
  readonly settleMs?: number;
  /**
   * Longest wait for the worker's liveness lock, in milliseconds; past it the promise rejects
   * with `LOCK_TIMEOUT` and nothing is reclaimed. @defaultValue 10000
   */
  readonly timeoutMs?: number;
}

function checkMs(what: string, v: unknown, max: number): number {
  if (typeof v !== 'number' || !(v >= 0) || v > max) {
    throw memoryError('INVALID_OPTION', `${what} ${String(v)} is not 0 to ${max} milliseconds`, {
      allocator: 'memory', request: { [what]: v }, state: {}, suggestion: `leave ${what} out, or pass 0 to ${max}.`,
    });
  }
  return v;
}

/**
 * Browsers: terminates a worker (a crashed one, from its `error` event, or one a level reload
 * replaces) and reclaims its thread once it has really stopped. `terminate()` itself gives no
 * such signal (Chromium lets a busy worker run on until it yields, up to about 2 s), so every
 * Web Worker that attaches holds a Web Lock until it detaches, and the browser releases it only
 * when the worker is gone: the reclaim waits for that lock. Where there is no lock (the worker
 * never yielded after attaching: see {@link Memory.liveness}), it waits `settleMs` (2.5 s); a
 * worker still running after that meets `THREAD_RECLAIMED` at its next slow path.
 *
 * Thread-safety: the thread that owns `memory` and the worker.
 * @param memory - this thread's memory.
 * @param worker - a Web `Worker`.
 * @param thread - the worker's thread id or attach name.
 * @param options - waits; a number is `settleMs`.
 * @returns what was reclaimed (empty when the worker had detached).
 * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` for a bad `thread` or wait; the promise rejects
 * with `LOCK_TIMEOUT` when the worker still runs after `timeoutMs`.
 * @see {@link reclaimOnExit}, the same for a Node `worker_threads.Worker`.
 * @see {@link Memory.reclaimThread}, what it calls.
 * @example
 * ```ts
 * worker.addEventListener('error', async () => {
 *   await terminateAndReclaim(memory, worker, workerThreadId);
 *   worker = startSimulationWorker(); // the clock never stopped
 * });
 * ```
 */
export async function terminateAndReclaim(
  memory: Memory, worker: Terminable, thread: ThreadRef, options: number | TerminateOptions = {},
): Promise<ReclaimReport[]> {
  const ids = idsOf(memory, thread);
  if (typeof options !== 'number' && (typeof options !== 'object' || (options as unknown) === null)) {
    throw memoryError('INVALID_OPTION', `terminateAndReclaim options must be an object or a number of milliseconds, not ${(options as unknown) === null ? 'null' : typeof options}`, {
      allocator: 'memory', request: { options }, state: {}, suggestion: 'leave the options out, or pass { settleMs, timeoutMs }.',
    });
  }
  const o: TerminateOptions = typeof options === 'number' ? { settleMs: options } : options;
  const settleMs = checkMs('settleMs', o.settleMs ?? 2500, 60_000);
  const timeoutMs = checkMs('timeoutMs', o.timeoutMs ?? 10_000, 600_000);
  // which threads hold a liveness lock, asked before terminate(): an idle worker drops its lock as
  // soon as it is terminated, and would then look like one that never held one (a settle wait)
  const holds: (boolean | null)[] = [];
  for (const id of ids) holds.push(await holdsLiveness(memory.i32, id));
  worker.terminate();
  const out: ReclaimReport[] = [];
  let settled = false;
  for (const [k, id] of ids.entries()) {
    const stopped = holds[k] === true ? await awaitStopped(memory.i32, id, timeoutMs) : null;
    if (stopped === false) {
      throw memoryError('LOCK_TIMEOUT', `thread ${id} still runs ${timeoutMs} ms after terminate(): its liveness lock was not released`, {
        allocator: 'memory', request: { op: 'terminateAndReclaim', thread: id }, state: { timeoutMs },
        suggestion: 'nothing was reclaimed; call terminateAndReclaim again later, or pass a longer timeoutMs.',
      });
    }
    if (stopped === null && !settled) {
      await new Promise((resolve) => setTimeout(resolve, settleMs));
      settled = true;
    }
    const r = memory.reclaimThread(id);
    if (r !== null) out.push(r);
  }
  return out;
}
