/**
 * Browser entry of the instance-matrix writer: a module Web Worker, started by spawn-web.ts with
 * `new Worker(new URL('./matrix.worker.ts', import.meta.url), { type: 'module' })`.
 */
import { type MatrixIn, type MatrixOut, createMatrixWriter } from './matrix-writer.ts';

const handle = createMatrixWriter((m: MatrixOut) => { self.postMessage(m); });
self.onmessage = (e: MessageEvent<MatrixIn>) => { handle(e.data); };
