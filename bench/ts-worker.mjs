// Node worker_threads bootstrap for the benches: selects the library build, then loads the
// TypeScript worker named in workerData.entry through tsx (as test/fixtures/ts-worker.mjs does).
// The fast build must be chosen before the library is imported: CHECKS is read once, at load.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

if (workerData.fast === true) globalThis.__NEBULA_CHECKS__ = false;
await tsImport(workerData.entry, import.meta.url);
