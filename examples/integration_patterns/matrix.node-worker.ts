/**
 * Node entry of the instance-matrix writer: a worker_threads Worker started by spawn-node.ts
 * (through node-worker.mjs, which compiles this TypeScript with tsx).
 */
import { parentPort } from 'node:worker_threads';
import { type MatrixIn, type MatrixOut, createMatrixWriter } from './matrix-writer.ts';

const port = parentPort;
if (port === null) throw new Error('matrix.node-worker.ts runs as a worker_threads Worker');
const handle = createMatrixWriter((m: MatrixOut) => { port.postMessage(m); });
port.on('message', (m: MatrixIn) => { handle(m); });
