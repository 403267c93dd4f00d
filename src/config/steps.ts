/**
 * The type-state builder's types: the state (sized or not, names used), the steps each state
 * offers, and the checks that make a wrong builder a compile error: `build()` only once sized
 * with a region, `size()` only once, no name twice, budgets only by declared names.
 * @module
 */
import type { MemoryConfig, TempCounts } from './types.ts';

/**
 * What the builder has so far, as types: sized or not, and the names used.
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * type Fresh = ConfigState & { sized: false; arenas: never; pools: never; stacks: never; budgets: never };
 * ```
 */
export interface ConfigState {
  /** Whether `size()` or `fitSize()` was called. */ readonly sized: boolean;
  /** Arena names. */ readonly arenas: string;
  /** Pool names. */ readonly pools: string;
  /** Stack names. */ readonly stacks: string;
  /** Budget names. */ readonly budgets: string;
}

/**
 * The builder's starting state: not sized, no names.
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * const b: ConfigBuilder<EmptyConfigState> = memoryConfig('production');
 * ```
 */
export interface EmptyConfigState extends ConfigState {
  /** Not sized yet. */ readonly sized: false;
  /** No arenas yet. */ readonly arenas: never;
  /** No pools yet. */ readonly pools: never;
  /** No stacks yet. */ readonly stacks: never;
  /** No budgets yet. */ readonly budgets: never;
}

/**
 * `unknown` when `N` is a new name, so the call compiles; a branded object type when `N` is
 * among `Used`, so passing the name is a compile error that says `'name already used'`.
 * Names that are plain `string` (not literals) are not checked here; `build()` checks them.
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * type Ok = FreshName<'b', 'a'>;  // unknown
 * type Bad = FreshName<'a', 'a'>; // { 'name already used': 'a' }
 * ```
 */
export type FreshName<N extends string, Used extends string> = string extends Used ? unknown : [N] extends [Used] ? {
  /** The repeated name: the call does not compile. */
  readonly 'name already used': N;
} : unknown;

/**
 * Every region name a builder state holds.
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * type N = ConfigNames<{ sized: true; arenas: 'frame'; pools: 'p'; stacks: never; budgets: never }>; // 'frame' | 'p'
 * ```
 */
export type ConfigNames<St extends ConfigState> = St['arenas'] | St['pools'] | St['stacks'];

/**
 * `St` with `K` replaced by `V`: the state after one builder step.
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * type Sized = WithConfigState<EmptyConfigState, 'sized', true>;
 * ```
 */
export type WithConfigState<St extends ConfigState, K extends keyof ConfigState, V> = Omit<St, K> & Readonly<Record<K, V>> extends infer R extends ConfigState ? R : never;

/**
 * The steps every builder has: add regions, budgets and temporaries. Region names must be new
 * (a repeated name does not compile), and `budget` must name a declared budget.
 *
 * Thread-safety: a builder is an immutable value; any worker.
 * @example
 * ```ts
 * memoryConfig('production').budget('fx', 8 << 20).arena('frame', { capacity: 1 << 20, budget: 'fx' });
 * ```
 */
export interface ConfigSteps<St extends ConfigState> {
  /** Adds an arena; options default to the preset's. */
  arena<N extends string>(name: N & FreshName<N, ConfigNames<St>>, options?: ArenaInput<St['budgets']>): ConfigBuilder<WithConfigState<St, 'arenas', St['arenas'] | N>>;
  /** Adds a pool; `slotSize` is required. */
  pool<N extends string>(name: N & FreshName<N, ConfigNames<St>>, options: PoolInput<St['budgets']>): ConfigBuilder<WithConfigState<St, 'pools', St['pools'] | N>>;
  /** Adds a stack. */
  stack<N extends string>(name: N & FreshName<N, ConfigNames<St>>, options?: StackInput<St['budgets']>): ConfigBuilder<WithConfigState<St, 'stacks', St['stacks'] | N>>;
  /** Declares a budget of `bytes` for regions that name it. */
  budget<N extends string>(name: N & FreshName<N, St['budgets']>, bytes: number): ConfigBuilder<WithConfigState<St, 'budgets', St['budgets'] | N>>;
  /** Temporaries rings for the creating thread. */
  temps(counts: TempCounts): ConfigBuilder<St>;
  /** Overrides the preset's `shared`. */
  shared(mode: boolean | 'auto'): ConfigBuilder<St>;
}

/**
 * The sizing step, present until a size is set: `size(bytes)`, or `fitSize()` for the regions'
 * needs times the preset's headroom.
 *
 * Thread-safety: an immutable value; any worker.
 * @example
 * ```ts
 * memoryConfig('development').size(64 << 20);
 * ```
 */
export interface ConfigSizeStep<St extends ConfigState> {
  /** Sets the buffer size in bytes (a multiple of 8, 16 KiB to 1 GiB). */
  size(bytes: number): ConfigBuilder<WithConfigState<St, 'sized', true>>;
  /** Sizes the buffer at build time: what the regions need × `preset.headroom`, rounded up to 64 KiB. */
  fitSize(): ConfigBuilder<WithConfigState<St, 'sized', true>>;
}

/**
 * The last step, present once the config is sized and has a region.
 *
 * Thread-safety: an immutable value; any worker.
 * @example
 * ```ts
 * const config = memoryConfig('production').fitSize().arena('frame').build();
 * ```
 */
export interface ConfigBuildStep<St extends ConfigState> {
  /**
   * Validates everything and returns the frozen config.
   * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION`, `INVALID_NAME`, `REGION_EXISTS`, `REGION_TABLE_FULL`,
   * `OUT_OF_MEMORY` (regions larger than `size`), `BUDGET_EXCEEDED` (a budget's regions above its limit).
   */
  build(): MemoryConfig<St['arenas'], St['pools'], St['stacks'], St['budgets']>;
}

/**
 * The type-state builder: {@link ConfigSteps}, plus {@link ConfigSizeStep} until sized, plus
 * {@link ConfigBuildStep} once sized with at least one region.
 *
 * Thread-safety: an immutable value; any worker.
 * @example
 * ```ts
 * const b: ConfigBuilder<{ sized: true; arenas: 'frame'; pools: never; stacks: never; budgets: never }> =
 *   memoryConfig('development').size(1 << 24).arena('frame');
 * ```
 */
export type ConfigBuilder<St extends ConfigState> = ConfigSteps<St> &
  (St['sized'] extends true ? ([ConfigNames<St>] extends [never] ? unknown : ConfigBuildStep<St>) : ConfigSizeStep<St>);

/**
 * Options of {@link ConfigSteps.arena}; what is left out comes from the preset.
 *
 * Thread-safety: a plain data shape; any worker.
 * @example
 * ```ts
 * const o: ArenaInput<'fx'> = { capacity: 1 << 20, frames: 2, budget: 'fx' };
 * ```
 */
export interface ArenaInput<B extends string> {
  /** Bytes per frame. @defaultValue the preset's `arenaCapacity` */
  readonly capacity?: number;
  /** Frames kept alive. @defaultValue the preset's `frames` */
  readonly frames?: number;
  /** Lane size. @defaultValue the preset's `laneBytes` */
  readonly laneBytes?: number;
  /** A declared budget to charge. */
  readonly budget?: B;
}

/**
 * Options of {@link ConfigSteps.pool}: `slotSize` is required.
 *
 * Thread-safety: a plain data shape; any worker.
 * @example
 * ```ts
 * const o: PoolInput<never> = { slotSize: 32, capacity: 10_000, align: 16 };
 * ```
 */
export interface PoolInput<B extends string> {
  /** Bytes per slot. */
  readonly slotSize: number;
  /** Slots. @defaultValue the preset's `poolCapacity` */
  readonly capacity?: number;
  /** Slot alignment. @defaultValue 8 */
  readonly align?: number;
  /** Cache batch. @defaultValue the pool's own default */
  readonly batch?: number;
  /** A declared budget to charge. */
  readonly budget?: B;
}

/**
 * Options of {@link ConfigSteps.stack}.
 *
 * Thread-safety: a plain data shape; any worker.
 * @example
 * ```ts
 * const o: StackInput<'ui'> = { capacity: 64 << 10, budget: 'ui' };
 * ```
 */
export interface StackInput<B extends string> {
  /** Bytes. @defaultValue the preset's `stackCapacity` */
  readonly capacity?: number;
  /** A declared budget to charge. */
  readonly budget?: B;
}
