/**
 * `nebula-memory/trace`: Perfetto / Chrome traces of the allocators. A memory records one with
 * `memory.startTrace()`; {@link mergeChromeTraces} joins the traces of several threads into one
 * file for https://ui.perfetto.dev.
 *
 * ```ts
 * import { mergeChromeTraces } from 'nebula-memory/trace';
 * const trace = mergeChromeTraces([mainTrace, workerTrace]);
 * ```
 * @module nebula-memory/trace
 */
export type { TraceRecorder, TraceOptions } from './stats/trace-recorder.ts';
export { mergeChromeTraces } from './stats/chrome-trace.ts';
export type { ChromeTrace } from './stats/chrome-trace.ts';
