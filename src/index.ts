/**
 * nebula-memory: per-frame arenas, object pools and stack allocators in one SharedArrayBuffer,
 * shared by workers, with no garbage on the frame path.
 *
 * ```ts
 * import { createMemory } from 'nebula-memory';
 * const memory = createMemory({ size: 16 << 20 });
 * const frame = memory.createArena('frame', { capacity: 1 << 20, frames: 2 });
 * ```
 * @module nebula-memory
 */
export { createMemory, attachMemory, Memory } from './runtime/memory.ts';
export { MemoryCore } from './memory/core.ts';
export { AttachedBuffer } from './memory/attached.ts';
export { registerKind, FIRST_FREE_KIND_CODE, LAST_KIND_CODE } from './memory/kinds.ts';
export type { AllocatorKind, RegionAllocator, RegionStats, FrameClockHooks, ClockViews, RegionCreation, LeakOptions, KindMethods } from './memory/kinds.ts';
export type { MemoryHost } from './memory/host.ts';
export { isolationReport, diagnoseIsolation, ISOLATION_HEADERS, ISOLATION_FIX } from './memory/isolation.ts';
export { reclaimOnExit, terminateAndReclaim } from './runtime/worker-lifecycle.ts';
export type { ExitEmitter, Terminable, TerminateOptions, ThreadRef } from './runtime/worker-lifecycle.ts';
export type { IsolationReport, IsolationDiagnosis } from './memory/isolation.ts';
export { FrameArena } from './allocators/arena/frame-arena.ts';
export { Pool } from './allocators/pool/pool.ts';
export { Stack } from './allocators/stack/stack.ts';
export { POISON_BYTE } from './allocators/poison.ts';
export type { LeakEntry, LeakReport, LeakSite } from './memory/leak-report.ts';
export { CHECKS, STATS } from './build.ts';
export { STAT, STAT_COUNT } from './stats/fields.ts';
export { MemoryError, InternalError, ERRORS_DOC, MEMORY_ERROR_CODES } from './errors.ts';
export type { MemoryErrorCode, MemoryErrorDetails } from './errors.ts';
export type { Offset, Handle, Mark, ArenaOptions, PoolOptions, StackOptions, MemoryOptions, AttachOptions, SharedMemoryInit } from './api.ts';
export type {
  ThreadInfo, ThreadState, ReclaimReport, RegionKind, BuiltInRegionKind, RegionInfo, CustomRegionStats, CustomRegionSnapshot, ArenaStats, PoolStats, StackStats, MemorySnapshot, RegionSnapshot,
} from './api-reports.ts';
export {
  AsyncCache, LruCache, DedupLoader, withDedup, CircuitBreakerLoader, withCircuitBreaker,
  hashKey, hashNumber, hashString, sameKey, SHORT_KEY_LENGTH, performanceClock,
} from './cache/index.ts';
export type {
  CacheKey, Clock, AsyncLoader, CacheValue, Compute, GetOptions, AsyncCacheOptions, CacheStats, EvictReason,
  DedupStats, CircuitBreakerOptions, CircuitBreakerStats, CircuitState,
} from './cache/index.ts';
export {
  struct, soa, array, cursor, soaCursor, ElementsAccess, Vec2Access, Vec3Access, Vec4Access, typed, TypedArena, TypedPool, TypedStack,
  createTemps, TempRings, DEFAULT_TEMPS, SlotLoan, StackScope, installSymbolDispose, memoryScope, frameScope,
  createBudgets, Budgets, copyBytes, fillBytes, zeroBytes, fillF32, GpuStaging,
} from './typed/index.ts';
export type {
  ScalarType, VectorType, ArrayType, FieldType, StructFields, ReservedFieldName, FieldInfo, StructLayout, StructOptions, SoaLayout,
  FieldAccess, FieldsAccess, ScalarKeys, TypedView, StructCursor, SoaCursor, StructInit, TempKind, TempOptions, TempStats, TempRingStats,
  BudgetHolder, BudgetReport, LoanPool, ScopeStack,
} from './typed/index.ts';
export { PRESETS, memoryConfig } from './config/builder.ts';
export type { PresetName, Preset, ArenaSpec, PoolSpec, StackSpec, TempCounts, MemoryConfig } from './config/types.ts';
export type {
  ConfigState, EmptyConfigState, FreshName, ConfigNames, WithConfigState, ConfigSteps, ConfigSizeStep, ConfigBuildStep, ConfigBuilder,
  ArenaInput, PoolInput, StackInput,
} from './config/steps.ts';
export { createFromConfig, attachFromConfig } from './config/create.ts';
export type { ConfiguredMemory } from './config/create.ts';
export { TraceRecorder } from './stats/trace-recorder.ts';
export type { TraceOptions } from './stats/trace-recorder.ts';
export { EV, EVENT_NAMES, mergeChromeTraces } from './stats/chrome-trace.ts';
export type { ChromeTrace, ChromeTraceEvent } from './stats/chrome-trace.ts';
export {
  Inspector, mountInspector, InspectorRenderer, InspectorInWorker, WorkerInspector, mountInspectorInWorker, serveInspectorWorker,
  startInspectorWorker, poolGridShape,
} from './inspector/index.ts';
export type {
  InspectorOptions, InspectorSize, InspectorContext, InspectorWorkerOptions, PoolGridShape, SlotOwnerSource,
  InspectorArenaReadout, InspectorPoolReadout, InspectorReadout, InspectorRegionCommon, InspectorRegionReadout, InspectorStackReadout,
  InspectorWarning, InspectorWarningKind, InspectorHit, InspectorPart,
} from './inspector/index.ts';
