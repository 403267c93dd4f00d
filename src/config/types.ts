/**
 * The configuration's data: presets as types, region specs, and the built {@link MemoryConfig},
 * plain frozen data that workers receive along with `memory.share()`.
 * @module
 */
import type { TempKind } from '../typed/temp-options.ts';

/**
 * The two presets.
 *
 * Thread-safety: a type; any worker.
 * @example
 * ```ts
 * const p: PresetName = import.meta.env.DEV ? 'development' : 'production';
 * ```
 */
export type PresetName = 'development' | 'production';

/**
 * Defaults a config starts from. Every region option left out comes from here.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * console.log(PRESETS.production.frames); // 3
 * ```
 */
export interface Preset {
  /** Which preset. */
  readonly name: PresetName;
  /** The build this preset is meant for (informational: the checked/fast split is a compile-time define). */
  readonly checks: 'checked' | 'fast';
  /** `createMemory`'s `shared` option. */
  readonly shared: boolean | 'auto';
  /** Default arena `frames`. */
  readonly frames: number;
  /** Default arena `laneBytes`. */
  readonly laneBytes: number;
  /** Default arena capacity in bytes. */
  readonly arenaCapacity: number;
  /** Default stack capacity in bytes. */
  readonly stackCapacity: number;
  /** Default pool capacity in slots. */
  readonly poolCapacity: number;
  /** Temporaries poison dead views with NaN. */
  readonly poison: boolean;
  /** What an exhausted temporaries ring does. */
  readonly onTempsExhausted: 'throw' | 'grow';
  /** `fitSize()` sizes the memory at this factor × what the regions need (room for worker regions). */
  readonly headroom: number;
}

/**
 * A configured arena. Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * for (const a of config.arenas) console.log(a.name, a.capacity, a.frames);
 * ```
 */
export interface ArenaSpec<N extends string = string> {
  /** The region name. */ readonly name: N;
  /** Bytes per frame. */ readonly capacity: number;
  /** Frames kept alive. */ readonly frames: number;
  /** Lane size. */ readonly laneBytes: number;
  /** The budget charged, or null. */ readonly budget: string | null;
}

/**
 * A configured pool. Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * const p: PoolSpec = config.pools[0];
 * ```
 */
export interface PoolSpec<N extends string = string> {
  /** The region name. */ readonly name: N;
  /** Bytes per slot. */ readonly slotSize: number;
  /** Slots. */ readonly capacity: number;
  /** Slot alignment. */ readonly align: number;
  /** Cache batch, or null for the pool's default. */ readonly batch: number | null;
  /** The budget charged, or null. */ readonly budget: string | null;
}

/**
 * A configured stack. Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * const s: StackSpec = config.stacks[0];
 * ```
 */
export interface StackSpec<N extends string = string> {
  /** The region name. */ readonly name: N;
  /** Bytes. */ readonly capacity: number;
  /** The budget charged, or null. */ readonly budget: string | null;
}

/**
 * Views per frame of each temporaries ring, for {@link ConfigSteps.temps}. Kinds left out use
 * `DEFAULT_TEMPS`.
 *
 * Thread-safety: a plain data shape; any worker.
 * @example
 * ```ts
 * const t: TempCounts = { vec3: 4096, mat4: 256 };
 * ```
 */
export type TempCounts = Partial<Readonly<Record<TempKind, number>>>;

/**
 * A built configuration: plain frozen data, typed by its region and budget names.
 *
 * Thread-safety: a frozen value; post it to workers.
 * @example
 * ```ts
 * const { arenas, pools } = createFromConfig(config);
 * ```
 */
export interface MemoryConfig<A extends string = string, P extends string = string, S extends string = string, B extends string = string> {
  /** The preset it started from. */ readonly preset: Preset;
  /** Buffer size in bytes. */ readonly size: number;
  /** `createMemory`'s `shared`. */ readonly shared: boolean | 'auto';
  /** Arenas, in declaration order. */ readonly arenas: readonly ArenaSpec<A>[];
  /** Pools. */ readonly pools: readonly PoolSpec<P>[];
  /** Stacks. */ readonly stacks: readonly StackSpec<S>[];
  /** Budget limits in bytes. */ readonly budgets: Readonly<Record<B, number>>;
  /** Temporaries of the creating thread (a region named `tmp`), or null. */ readonly temps: TempCounts | null;
}
