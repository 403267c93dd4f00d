/**
 * The memory layout as configuration: the presets (`development`, `production`) and a type-state
 * builder whose `build()` exists only once a size and a region are set. A built config is plain
 * frozen data: post it to workers along with `memory.share()`.
 * @module
 */
import { arenaRegionBytes } from '../allocators/arena/layout.ts';
import { poolRegionBytes } from '../allocators/pool/layout.ts';
import { stackRegionBytes } from '../allocators/stack/layout.ts';
import { memoryError } from '../errors.ts';
import { DATA_START, MAX_MEMORY_BYTES, MAX_REGIONS, REGION_ALIGN, alignUp } from '../memory/layout.ts';
import { MIN_MEMORY_BYTES } from '../memory/open.ts';
import { validateName } from '../memory/region-table.ts';
import { formatBytes } from '../typed/budget.ts';
import { typedError } from '../typed/errors.ts';
import { tempsBytes } from '../typed/temp-options.ts';
import type { ConfigBuilder, EmptyConfigState } from './steps.ts';
import type { ArenaSpec, MemoryConfig, PoolSpec, Preset, PresetName, StackSpec, TempCounts } from './types.ts';

/**
 * The presets. `development`: checked build, generous capacities, NaN-poisoned temporaries, an
 * exhausted ring throws, 2x headroom. `production`: fast build, tighter capacities, 3 frames (a
 * lagging render worker does not stall `advance()`), rings grow instead of throwing, 1.25x headroom.
 *
 * Thread-safety: a frozen constant; any worker.
 * @example
 * ```ts
 * const cfg = memoryConfig({ ...PRESETS.development, frames: 3 }).fitSize().arena('frame').build();
 * ```
 */
export const PRESETS: Readonly<Record<PresetName, Preset>> = Object.freeze({
  development: Object.freeze({
    name: 'development', checks: 'checked', shared: 'auto', frames: 2, laneBytes: 1 << 16, arenaCapacity: 4 << 20,
    stackCapacity: 256 << 10, poolCapacity: 4096, poison: true, onTempsExhausted: 'throw', headroom: 2,
  }),
  production: Object.freeze({
    name: 'production', checks: 'fast', shared: 'auto', frames: 3, laneBytes: 1 << 16, arenaCapacity: 1 << 20,
    stackCapacity: 64 << 10, poolCapacity: 1024, poison: false, onTempsExhausted: 'grow', headroom: 1.25,
  }),
} satisfies Record<PresetName, Preset>);

interface Draft {
  readonly preset: Preset;
  readonly size: number | 'fit' | null;
  readonly shared: boolean | 'auto';
  readonly arenas: readonly ArenaSpec[];
  readonly pools: readonly PoolSpec[];
  readonly stacks: readonly StackSpec[];
  readonly budgets: Readonly<Record<string, number>>;
  readonly temps: TempCounts | null;
}

function bad(what: string, request: Record<string, unknown>, fix: string): never {
  throw memoryError('INVALID_OPTION', what, { allocator: 'config', request, state: {}, suggestion: fix });
}

/** Region bytes as the region table reserves them; validates the options. */
function regionBytes(d: Draft): { name: string; bytes: number; budget: string | null }[] {
  return [
    ...d.arenas.map((a) => ({ name: a.name, budget: a.budget, bytes: alignUp(arenaRegionBytes(a.name, a), REGION_ALIGN) })),
    ...d.pools.map((p) => ({ name: p.name, budget: p.budget, bytes: alignUp(poolRegionBytes(p.name, p.batch === null ? { slotSize: p.slotSize, capacity: p.capacity, align: p.align } : { slotSize: p.slotSize, capacity: p.capacity, align: p.align, batch: p.batch }), REGION_ALIGN) })),
    ...d.stacks.map((s) => ({ name: s.name, budget: s.budget, bytes: alignUp(stackRegionBytes(s.name, s), REGION_ALIGN) })),
    ...(d.temps === null ? [] : [{ name: 'tmp', budget: null, bytes: alignUp(arenaRegionBytes('tmp', { capacity: tempsBytes(d.temps), frames: 0 }), REGION_ALIGN) }]),
  ];
}

class Builder {
  constructor(private readonly d: Draft) {}
  private with(patch: Partial<Draft>): Builder {
    return new Builder({ ...this.d, ...patch });
  }
  arena(name: string, o: { capacity?: number; frames?: number; laneBytes?: number; budget?: string } = {}): Builder {
    const p = this.d.preset;
    return this.with({ arenas: [...this.d.arenas, Object.freeze({ name, capacity: o.capacity ?? p.arenaCapacity, frames: o.frames ?? p.frames, laneBytes: o.laneBytes ?? p.laneBytes, budget: o.budget ?? null })] });
  }
  pool(name: string, o: { slotSize: number; capacity?: number; align?: number; batch?: number; budget?: string }): Builder {
    const spec = { name, slotSize: o.slotSize, capacity: o.capacity ?? this.d.preset.poolCapacity, align: o.align ?? 8, batch: o.batch ?? null, budget: o.budget ?? null };
    return this.with({ pools: [...this.d.pools, Object.freeze(spec)] });
  }
  stack(name: string, o: { capacity?: number; budget?: string } = {}): Builder {
    return this.with({ stacks: [...this.d.stacks, Object.freeze({ name, capacity: o.capacity ?? this.d.preset.stackCapacity, budget: o.budget ?? null })] });
  }
  budget(name: string, bytes: number): Builder {
    if (!Number.isInteger(bytes) || bytes <= 0) bad(`budget "${name}" of ${String(bytes)} bytes`, { name, bytes }, 'give a budget a positive whole number of bytes.');
    return this.with({ budgets: { ...this.d.budgets, [name]: bytes } });
  }
  temps(counts: TempCounts): Builder {
    return this.with({ temps: Object.freeze({ ...counts }) });
  }
  shared(mode: boolean | 'auto'): Builder {
    return this.with({ shared: mode });
  }
  size(bytes: number): Builder {
    return this.with({ size: bytes });
  }
  fitSize(): Builder {
    return this.with({ size: 'fit' });
  }
  build(): MemoryConfig {
    const d = this.d;
    const regions = regionBytes(d);
    const seen = new Map<string, number>();
    for (const r of regions) {
      validateName(r.name);
      if (seen.has(r.name)) {
        throw memoryError('REGION_EXISTS', `the config names a region "${r.name}" twice`, { allocator: 'config', request: { name: r.name }, state: { regions: regions.length }, suggestion: 'give every arena, pool and stack its own name (temporaries take "tmp").' });
      }
      seen.set(r.name, r.bytes);
      if (r.budget !== null && !Object.hasOwn(d.budgets, r.budget)) bad(`region "${r.name}" names budget "${r.budget}", which is not declared`, { name: r.name, budget: r.budget }, `declare it with .budget("${r.budget}", bytes) first.`);
    }
    if (regions.length > MAX_REGIONS) {
      throw memoryError('REGION_TABLE_FULL', `the config has ${regions.length} regions, the table holds ${MAX_REGIONS}`, { allocator: 'config', request: { regions: regions.length }, state: {}, suggestion: 'use fewer, larger regions.' });
    }
    for (const [b, limit] of Object.entries(d.budgets)) {
      const held = regions.filter((r) => r.budget === b);
      const sum = held.reduce((s, r) => s + r.bytes, 0);
      if (sum > limit) {
        const who = held.map((r) => `"${r.name}" ${formatBytes(r.bytes)}`).join(', ');
        throw typedError('BUDGET_EXCEEDED', `its regions need ${formatBytes(sum)} of a ${formatBytes(limit)} budget: ${who}`, {
          allocator: `budget "${b}"`, request: { budget: b, bytes: sum }, state: { limit, holders: who }, suggestion: `raise the ${b} budget to at least ${sum} bytes, or shrink its regions.`,
        });
      }
    }
    if (d.size === null) bad('the config has no size', {}, 'call size(bytes) or fitSize() before build().');
    const need = DATA_START + regions.reduce((s, r) => s + r.bytes, 0);
    const size = d.size === 'fit' ? alignUp(Math.ceil(need * d.preset.headroom), 1 << 16) : d.size;
    if (!Number.isInteger(size) || size < MIN_MEMORY_BYTES || size > MAX_MEMORY_BYTES || size % 8 !== 0) {
      bad(`memory size ${String(size)} is not allowed`, { size }, `use a multiple of 8 from ${MIN_MEMORY_BYTES} to ${MAX_MEMORY_BYTES} bytes (the regions need ${need}).`);
    }
    if (need > size) {
      throw memoryError('OUT_OF_MEMORY', `the regions need ${formatBytes(need)}, the memory has ${formatBytes(size)}`, {
        allocator: 'config', request: { size }, state: { need, regions: [...seen].map(([n, b]) => `${n} ${b}`).join(', ') },
        suggestion: `use size(${alignUp(need, 8)}) or more, or fitSize().`,
      });
    }
    return Object.freeze({ preset: d.preset, size, shared: d.shared, arenas: Object.freeze([...d.arenas]), pools: Object.freeze([...d.pools]),
      stacks: Object.freeze([...d.stacks]), budgets: Object.freeze({ ...d.budgets }), temps: d.temps });
  }
}

/**
 * Starts a config from a preset (a name or a {@link Preset} object, e.g. a spread of one with
 * changes). Chain regions and a size, then `build()`.
 *
 * Thread-safety: pure; any worker.
 * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` for an unknown preset name.
 * @see {@link createFromConfig}, which makes the memory and its regions from the built config.
 * @see {@link attachFromConfig}, which a worker calls with the same config.
 * @example
 * ```ts
 * const config = memoryConfig('development')
 *   .size(32 << 20)
 *   .budget('particles', 8 << 20)
 *   .arena('frame', { capacity: 1 << 20 })
 *   .pool('particles', { slotSize: 32, capacity: 100_000, align: 16, budget: 'particles' })
 *   .stack('scratch')
 *   .temps({ vec3: 4096, mat4: 256 })
 *   .build();
 * ```
 */
export function memoryConfig(preset: PresetName | Preset): ConfigBuilder<EmptyConfigState> {
  const p = typeof preset === 'string' ? (PRESETS as Readonly<Record<string, Preset | undefined>>)[preset] : preset;
  if (p === undefined) bad(`unknown preset ${JSON.stringify(preset)}`, { preset }, 'use "development" or "production", or a Preset object.');
  const draft: Draft = { preset: p, size: null, shared: p.shared, arenas: [], pools: [], stacks: [], budgets: {}, temps: null };
  const builder: unknown = new Builder(draft); // the class implements every step; the type shows the ones allowed now
  return builder as ConfigBuilder<EmptyConfigState>;
}
