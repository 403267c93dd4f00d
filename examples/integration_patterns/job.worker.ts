/**
 * Browser entry of a job worker: a module Web Worker, started by spawn-web.ts with
 * `new Worker(new URL('./job.worker.ts', import.meta.url), { type: 'module' })`.
 */
import { type JobIn, type JobOut, createJobWorker } from './job-work.ts';

const handle = createJobWorker((m: JobOut) => { self.postMessage(m); });
self.onmessage = (e: MessageEvent<JobIn>) => { handle(e.data); };
