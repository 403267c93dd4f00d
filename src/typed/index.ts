/**
 * The typed-memory layer: struct layouts and cursors, typed allocation, gl-matrix temporaries,
 * disposable handles and scopes, budgets, bulk helpers.
 *
 * ```ts
 * import { createTemps, struct, typed } from 'nebula-memory/typed';
 * const Particle = struct({ pos: 'vec3', vel: 'vec3', life: 'f32' });
 * const tmp = createTemps(memory, { vec3: 4096 });
 * ```
 * @module nebula-memory/typed
 */
export { struct, soa, array } from './struct.ts';
export type { StructLayout, SoaLayout } from './struct.ts';
export { cursor, soaCursor } from './cursor.ts';
export type { StructCursor, SoaCursor } from './cursor.ts';
export type { TypedView } from './field-access.ts';
export { typed } from './typed-alloc.ts';
export { createTemps } from './temps.ts';
export type { TempRings } from './temps.ts';
export type { TempOptions } from './temp-options.ts';
export type { SlotLoan } from '../allocators/pool/slot-loan.ts';
export type { StackScope } from '../allocators/stack/scope.ts';
export { installSymbolDispose } from '../allocators/disposal.ts';
export { memoryScope, frameScope } from './scopes.ts';
export { createBudgets } from './budget.ts';
export type { Budgets } from './budget.ts';
export { copyBytes, fillBytes, zeroBytes, fillF32, GpuStaging } from './bulk.ts';
