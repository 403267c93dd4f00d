// Node bootstrap for this folder's TypeScript workers (spawn-node.ts): worker_threads runs plain
// JavaScript, so this file loads the worker named in workerData.entry through tsx, the way
// `node --import tsx` runs main.ts. A shipped Node app points its Worker at compiled .js instead.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

// The worker runs the build of the thread that started it: checked, or fast when that thread was
// started with __NEBULA_CHECKS__ = false (the two builds share one memory layout either way).
globalThis.__NEBULA_CHECKS__ = workerData.checks;
await tsImport(workerData.entry, import.meta.url);
