/**
 * The typed-memory layer: struct layouts and cursors, typed allocation, gl-matrix temporaries,
 * disposable handles and scopes, budgets, bulk helpers. Re-exported by name from the package root.
 * @module
 */
export { struct, soa, array } from './struct.ts';
export type {
  ScalarType, VectorType, ArrayType, FieldType, StructFields, ReservedFieldName, FieldInfo, StructLayout, StructOptions, SoaLayout,
} from './struct.ts';
export { cursor, soaCursor } from './cursor.ts';
export type { StructCursor, SoaCursor } from './cursor.ts';
export { ElementsAccess, Vec2Access, Vec3Access, Vec4Access } from './field-access.ts';
export type { FieldAccess, FieldsAccess, ScalarKeys, TypedView } from './field-access.ts';
export { typed, TypedArena, TypedPool, TypedStack } from './typed-alloc.ts';
export type { StructInit } from './typed-alloc.ts';
export { createTemps, TempRings } from './temps.ts';
export { DEFAULT_TEMPS } from './temp-options.ts';
export type { TempKind, TempOptions, TempStats, TempRingStats } from './temp-options.ts';
export { SlotLoan, type LoanPool } from '../allocators/pool/slot-loan.ts';
export { StackScope, type ScopeStack } from '../allocators/stack/scope.ts';
export { installSymbolDispose } from '../allocators/disposal.ts';
export { memoryScope, frameScope } from './scopes.ts';
export { createBudgets, Budgets } from './budget.ts';
export type { BudgetHolder, BudgetReport } from './budget.ts';
export { copyBytes, fillBytes, zeroBytes, fillF32, GpuStaging } from './bulk.ts';
