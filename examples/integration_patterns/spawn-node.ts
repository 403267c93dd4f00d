/**
 * Node: the workers of this folder's patterns as `worker_threads` Workers, with
 * `reclaimOnExit` tying each worker's life to the memory's thread table.
 */
import { Worker } from 'node:worker_threads';
import { CHECKS, type Memory, type ReclaimReport, reclaimOnExit } from 'nebula-memory';
import { Inbox, type Spawner, type WorkerHandle } from './worker-handle.ts';

function start<In, Out>(memory: Memory, name: string, entry: URL): WorkerHandle<In, Out> {
  // node-worker.mjs loads the TypeScript entry through tsx; a shipped app starts its compiled .js.
  const worker = new Worker(new URL('./node-worker.mjs', import.meta.url), { workerData: { entry: entry.href, checks: CHECKS } });
  const inbox = new Inbox<Out>();
  const reports: ReclaimReport[] = [];
  let failure: string | null = null;
  // First, before anything can go wrong: when the worker exits, for any reason, reclaim the
  // thread it attached as (found by its name). Node's 'exit' comes after the thread has stopped,
  // so nothing of it can touch the memory any more. A worker that detached leaves nothing to reclaim.
  reclaimOnExit(memory, worker, name, (r) => { reports.push(r); });
  // registered after reclaimOnExit's listener, so the reclaim has run when this resolves
  const gone = new Promise<ReclaimReport[]>((resolve) => { worker.once('exit', () => { resolve(reports); }); });
  worker.on('message', (m: Out) => { inbox.push(m); });
  // Without an 'error' listener a worker's uncaught exception would be rethrown in this thread.
  worker.on('error', (e) => { failure = e.message; });
  return {
    name,
    post: (m) => { worker.postMessage(m); },
    next: () => inbox.next(),
    gone,
    failure: () => failure,
    kill: async () => {
      await worker.terminate();
      return gone;
    },
  };
}

/** Starts this folder's workers as worker_threads (run from the repository root: tsx reads tsconfig.json). */
export const nodeSpawner: Spawner = {
  platform: 'node',
  matrix: (memory, name) => start(memory, name, new URL('./matrix.node-worker.ts', import.meta.url)),
  job: (memory, name) => start(memory, name, new URL('./job.node-worker.ts', import.meta.url)),
};
