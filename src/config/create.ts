/**
 * From a built {@link MemoryConfig} to a live memory: `createFromConfig` makes the memory and
 * every region (charging budgets), `attachFromConfig` finds them by name in a worker.
 * @module
 */
import type { FrameArena } from '../allocators/arena/frame-arena.ts';
import type { Pool } from '../allocators/pool/pool.ts';
import type { Stack } from '../allocators/stack/stack.ts';
import type { SharedMemoryInit } from '../api.ts';
import type { MemoryConfig } from './types.ts';
import { attachMemory, createMemory, type Memory } from '../runtime/memory.ts';
import { type Budgets, createBudgets } from '../typed/budget.ts';
import { createTemps, type TempRings } from '../typed/temps.ts';

/**
 * A memory and its regions, by name, as the config declared them.
 *
 * Thread-safety: per thread: the allocator instances belong to the thread that made or attached them.
 * @example
 * ```ts
 * const { memory, arenas, pools } = createFromConfig(config);
 * const p = arenas.frame.alloc(64);
 * ```
 */
export interface ConfiguredMemory<A extends string = string, P extends string = string, S extends string = string, B extends string = string> {
  /** The memory. */
  readonly memory: Memory;
  /** Each arena by name. */
  readonly arenas: Readonly<Record<A, FrameArena>>;
  /** Each pool by name. */
  readonly pools: Readonly<Record<P, Pool>>;
  /** Each stack by name. */
  readonly stacks: Readonly<Record<S, Stack>>;
  /** The budgets, with every region that names one charged to it. */
  readonly budgets: Budgets<B>;
  /** The creating thread's temporaries (region `tmp`), or null when the config has none (and in workers). */
  readonly temps: TempRings | null;
  /** The config. */
  readonly config: MemoryConfig<A, P, S, B>;
}

/**
 * Creates the memory and every region of `config`, in declaration order per kind (arenas, pools,
 * stacks, then temporaries), charging regions to their budgets.
 *
 * Thread-safety: the main thread (or any one thread), once.
 * @throws {@link nebula-memory!MemoryError} `NOT_SHARED` when `shared: true` cannot be met, and the errors of
 * `createMemory` and `create*` (the config was validated by `build()`, so these mean a changed environment).
 * @see {@link memoryConfig}, which builds the config.
 * @see {@link attachFromConfig}, its worker side; {@link createMemory}, the same without a config.
 * @example
 * ```ts
 * const config = memoryConfig('production').fitSize().arena('frame').pool('bullets', { slotSize: 16 }).build();
 * const { memory, arenas, pools } = createFromConfig(config);
 * worker.postMessage({ config, init: memory.share() });
 * ```
 */
export function createFromConfig<A extends string, P extends string, S extends string, B extends string>(
  config: MemoryConfig<A, P, S, B>,
): ConfiguredMemory<A, P, S, B> {
  const memory = createMemory({ size: config.size, shared: config.shared });
  const budgets = createBudgets<B>(memory, config.budgets);
  const arenas = {} as Record<A, FrameArena>;
  const pools = {} as Record<P, Pool>;
  const stacks = {} as Record<S, Stack>;
  for (const a of config.arenas) {
    const o = { capacity: a.capacity, frames: a.frames, laneBytes: a.laneBytes };
    arenas[a.name] = a.budget === null ? memory.createArena(a.name, o) : budgets.createArena(a.budget as B, a.name, o);
  }
  for (const p of config.pools) {
    const o = p.batch === null ? { slotSize: p.slotSize, capacity: p.capacity, align: p.align } : { slotSize: p.slotSize, capacity: p.capacity, align: p.align, batch: p.batch };
    pools[p.name] = p.budget === null ? memory.createPool(p.name, o) : budgets.createPool(p.budget as B, p.name, o);
  }
  for (const s of config.stacks) {
    const o = { capacity: s.capacity };
    stacks[s.name] = s.budget === null ? memory.createStack(s.name, o) : budgets.createStack(s.budget as B, s.name, o);
  }
  const temps = config.temps === null ? null
    : createTemps(memory, { ...config.temps, poison: config.preset.poison, onExhausted: config.preset.onTempsExhausted });
  return Object.freeze({ memory, arenas: Object.freeze(arenas), pools: Object.freeze(pools), stacks: Object.freeze(stacks), budgets, temps, config });
}

/**
 * In a worker: attaches to the memory of `init` and looks up every region of `config` by name.
 * Stacks belong to their creator; `adopt()` an empty one to use it here. Temporaries are per
 * thread: make this worker's own with `createTemps(memory, { name: 'tmp.w1' })` (fitSize leaves
 * room through the preset's headroom).
 *
 * Thread-safety: once per worker.
 * @throws {@link nebula-memory!MemoryError} the errors of `attachMemory`; `REGION_NOT_FOUND` when the memory
 * was not made from this config.
 * @see {@link createFromConfig}, which made the memory, and {@link memoryConfig}, which built the config.
 * @see {@link attachMemory}, the same without a config.
 * @example
 * ```ts
 * self.onmessage = (e) => {
 *   const { arenas, pools } = attachFromConfig(e.data.config, e.data.init);
 * };
 * ```
 */
export function attachFromConfig<A extends string, P extends string, S extends string, B extends string>(
  config: MemoryConfig<A, P, S, B>, init: SharedMemoryInit,
): ConfiguredMemory<A, P, S, B> {
  const memory = attachMemory(init);
  const budgets = createBudgets<B>(memory, config.budgets);
  const arenas = {} as Record<A, FrameArena>;
  const pools = {} as Record<P, Pool>;
  const stacks = {} as Record<S, Stack>;
  for (const a of config.arenas) arenas[a.name] = memory.arena(a.name);
  for (const p of config.pools) pools[p.name] = memory.pool(p.name);
  for (const s of config.stacks) stacks[s.name] = memory.stack(s.name);
  const track = (budget: string | null, allocator: FrameArena | Pool | Stack): void => {
    if (budget !== null) budgets.track(budget as B, allocator);
  };
  for (const a of config.arenas) track(a.budget, arenas[a.name]);
  for (const p of config.pools) track(p.budget, pools[p.name]);
  for (const s of config.stacks) track(s.budget, stacks[s.name]);
  return Object.freeze({ memory, arenas: Object.freeze(arenas), pools: Object.freeze(pools), stacks: Object.freeze(stacks), budgets, temps: null, config });
}
