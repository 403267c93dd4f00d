/**
 * Browsers: the workers of this folder's patterns as module Web Workers, with
 * `terminateAndReclaim` giving a dead worker's thread back to the memory.
 *
 * The page must be cross-origin isolated (COOP/COEP headers) for the memory to be a
 * SharedArrayBuffer that workers can attach to: `nebulaMemory()` from 'nebula-memory/vite' sends
 * both headers from `vite` and `vite preview` (docs/DEPLOY.md for other servers).
 */
import { type Memory, type ReclaimReport, terminateAndReclaim } from 'nebula-memory';
import { Inbox, type Spawner, type WorkerHandle } from './worker-handle.ts';

function wrap<In, Out>(memory: Memory, name: string, worker: Worker): WorkerHandle<In, Out> {
  const inbox = new Inbox<Out>();
  let failure: string | null = null;
  let stopping = false;
  let resolveGone: (r: ReclaimReport[]) => void = () => undefined;
  let rejectGone: (e: unknown) => void = () => undefined;
  const gone = new Promise<ReclaimReport[]>((resolve, reject) => { resolveGone = resolve; rejectGone = reject; });
  // Terminates the worker and reclaims its thread once the browser has really stopped it:
  // `terminate()` returns at once, but a busy worker may run on for a while. Every worker that
  // attached holds a Web Lock until it is gone, and terminateAndReclaim waits for that lock.
  const stop = (): Promise<ReclaimReport[]> => {
    if (!stopping) {
      stopping = true;
      terminateAndReclaim(memory, worker, name).then(resolveGone, rejectGone);
    }
    return gone;
  };
  worker.onmessage = (e: MessageEvent<Out>) => { inbox.push(e.data); };
  // An uncaught exception in the worker: it keeps running in a browser, but it is broken and
  // holds memory. Terminate it and reclaim its thread, so the frame clock never stops.
  worker.onerror = (e) => {
    e.preventDefault(); // handled here: not reported again as the page's uncaught error
    failure = e.message;
    void stop();
  };
  return { name, post: (m) => { worker.postMessage(m); }, next: () => inbox.next(), gone, failure: () => failure, kill: stop };
}

/** Starts this folder's workers as module Web Workers (Vite bundles each `new Worker(new URL(...))`). */
export const webSpawner: Spawner = {
  platform: 'browser',
  matrix: (memory, name) => wrap(memory, name, new Worker(new URL('./matrix.worker.ts', import.meta.url), { type: 'module' })),
  job: (memory, name) => wrap(memory, name, new Worker(new URL('./job.worker.ts', import.meta.url), { type: 'module' })),
};
