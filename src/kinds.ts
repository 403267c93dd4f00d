/**
 * `nebula-memory/kinds`: custom allocator kinds. A kind registered here gets its own regions in
 * the shared memory next to the built-in arenas, pools and stacks, with the same creation,
 * attachment, statistics, frame-clock and leak machinery (see {@link AllocatorKind}).
 *
 * ```ts
 * import { registerKind } from 'nebula-memory/kinds';
 * registerKind(counterKind); // an AllocatorKind: its name, code and methods
 * const score = memory.create(counterKind, 'score', { start: 0 });
 * ```
 * @module nebula-memory/kinds
 */
export { registerKind, FIRST_FREE_KIND_CODE, LAST_KIND_CODE } from './memory/kinds.ts';
export type { AllocatorKind, RegionAllocator, RegionStats, RegionCreation, FrameClockHooks } from './memory/kinds.ts';
export type { MemoryHost } from './memory/host.ts';
