/**
 * `nebula-memory/inspector`: the live inspector. It draws a memory's arenas, pools and stacks
 * from the shared buffer, on the page ({@link mountInspector}) or in a worker
 * ({@link mountInspectorInWorker} on the page, {@link serveInspectorWorker} in the worker), with
 * one renderer for both (docs/INSPECTOR.md). The only entry whose types need the DOM.
 *
 * ```ts
 * import { mountInspector } from 'nebula-memory/inspector';
 * const inspector = mountInspector(memory, document.getElementById('inspector')!);
 * ```
 * @module nebula-memory/inspector
 */
export { Inspector, mountInspector } from './mount.ts';
export type { InspectorOptions } from './dom.ts';
export type { InspectorSnapshot } from './snapshot.ts';
export { RemoteInspector, mountInspectorInWorker } from './remote.ts';
export { serveInspectorWorker } from './worker.ts';
export type { InspectorReadout, InspectorRegionReadout, InspectorWarning } from './readout.ts';
