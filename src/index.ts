/**
 * nebula-memory: per-frame arenas, object pools and stack allocators in one SharedArrayBuffer,
 * shared by workers, with no garbage on the frame path. This entry holds the memory, its
 * allocators, their errors and the core types; the other concerns have entries of their own:
 * `nebula-memory/typed` (structs, cursors, temporaries, scopes, budgets, bulk helpers),
 * `nebula-memory/inspector` (the live view; the only entry whose types need the DOM),
 * `nebula-memory/cache`, `nebula-memory/trace`, `nebula-memory/kinds` (custom allocator kinds)
 * and `nebula-memory/vite`.
 *
 * ```ts
 * import { createMemory } from 'nebula-memory';
 * const memory = createMemory({ size: 16 << 20 });
 * const frame = memory.createArena('frame', { capacity: 1 << 20, frames: 2 });
 * ```
 * @module nebula-memory
 */
export { createMemory, attachMemory, Memory } from './runtime/memory.ts';
export { FrameArena } from './allocators/arena/frame-arena.ts';
export { Pool } from './allocators/pool/pool.ts';
export { Stack } from './allocators/stack/stack.ts';
export { MemoryError } from './errors.ts';
export type { MemoryErrorCode, MemoryErrorDetails } from './errors.ts';
export { CHECKS } from './build.ts';
export { STAT, STAT_COUNT } from './stats/fields.ts';
export { memoryConfig } from './config/builder.ts';
export { createFromConfig, attachFromConfig } from './config/create.ts';
export type { MemoryConfig } from './config/types.ts';
export { reclaimOnExit, terminateAndReclaim } from './runtime/worker-lifecycle.ts';
export { isolationReport, diagnoseIsolation } from './memory/isolation.ts';
export type { IsolationReport } from './memory/isolation.ts';
export type { Offset, Handle, Mark, MemoryOptions, AttachOptions, ArenaOptions, PoolOptions, StackOptions, SharedMemoryInit } from './api.ts';
export type { LeakReport } from './memory/leak-report.ts';
export type { ThreadInfo, ReclaimReport, ArenaStats, PoolStats, StackStats, MemorySnapshot } from './api-reports.ts';
