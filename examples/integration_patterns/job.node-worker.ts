/**
 * Node entry of a job worker: a worker_threads Worker started by spawn-node.ts (through
 * node-worker.mjs, which compiles this TypeScript with tsx).
 */
import { parentPort } from 'node:worker_threads';
import { type JobIn, type JobOut, createJobWorker } from './job-work.ts';

const port = parentPort;
if (port === null) throw new Error('job.node-worker.ts runs as a worker_threads Worker');
const handle = createJobWorker((m: JobOut) => { port.postMessage(m); });
// A throw in here is uncaught: the worker exits with code 1 and its 'error' event fires.
port.on('message', (m: JobIn) => { handle(m); });
