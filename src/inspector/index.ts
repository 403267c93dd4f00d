/**
 * The live inspector: draws a memory's arenas, pools and stacks from the shared buffer, on the
 * page ({@link mountInspector}) or in a worker ({@link mountInspectorInWorker},
 * {@link startInspectorWorker}), with one renderer for both (docs/INSPECTOR.md).
 * @module
 */
export { Inspector, mountInspector } from './mount.ts';
export type { InspectorOptions } from './mount.ts';
export { InspectorRenderer } from './renderer.ts';
export type { InspectorSize } from './renderer.ts';
export type { InspectorContext } from './context.ts';
export { InspectorInWorker, WorkerInspector, mountInspectorInWorker, serveInspectorWorker, startInspectorWorker } from './worker.ts';
export type { InspectorWorkerOptions } from './worker.ts';
export { poolGridShape } from './pool-grid.ts';
export type { PoolGridShape, SlotOwnerSource } from './pool-grid.ts';
export type {
  InspectorArenaReadout, InspectorPoolReadout, InspectorReadout, InspectorRegionCommon, InspectorRegionReadout, InspectorStackReadout,
  InspectorWarning, InspectorWarningKind,
} from './readout.ts';
export type { InspectorHit, InspectorPart } from './tooltip.ts';
