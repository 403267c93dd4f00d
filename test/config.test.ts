import { describe, expect, it } from 'vitest';
import { PRESETS, memoryConfig } from '../src/config/builder.ts';
import { attachFromConfig, createFromConfig } from '../src/config/create.ts';
import { DATA_START } from '../src/memory/layout.ts';
import { expectError } from './typed-helpers.ts';

describe('presets', () => {
  it('development and production choose checks, capacities, frames, poisoning and growth', () => {
    expect(PRESETS.development).toMatchObject({ checks: 'checked', frames: 2, poison: true, onTempsExhausted: 'throw' });
    expect(PRESETS.production).toMatchObject({ checks: 'fast', frames: 3, poison: false, onTempsExhausted: 'grow' });
    expect(PRESETS.development.arenaCapacity).toBeGreaterThan(PRESETS.production.arenaCapacity);
    expect(Object.isFrozen(PRESETS) && Object.isFrozen(PRESETS.production)).toBe(true);
  });

  it('region options left out come from the preset', () => {
    const dev = memoryConfig('development').fitSize().arena('frame').stack('scratch').pool('p', { slotSize: 16 }).build();
    expect(dev.arenas[0]).toEqual({ name: 'frame', capacity: 4 << 20, frames: 2, laneBytes: 1 << 16, budget: null });
    expect(dev.stacks[0].capacity).toBe(256 << 10);
    expect(dev.pools[0]).toEqual({ name: 'p', slotSize: 16, capacity: 4096, align: 8, batch: null, budget: null });
    const prod = memoryConfig('production').fitSize().arena('frame', { capacity: 4096 }).build();
    expect(prod.arenas[0].frames).toBe(3);
    expect(prod.arenas[0].capacity).toBe(4096);
    const custom = memoryConfig({ ...PRESETS.production, frames: 1 }).fitSize().arena('frame').build();
    expect(custom.arenas[0].frames).toBe(1);
  });
});

describe('build(): validation with clear errors', () => {
  it('fitSize() sizes the buffer at need x headroom, rounded to 64 KiB', () => {
    const c = memoryConfig('production').fitSize().arena('frame', { capacity: 1 << 20 }).build();
    expect(c.size % (1 << 16)).toBe(0);
    expect(c.size).toBeGreaterThanOrEqual(1.25 * (DATA_START + 3 * (1 << 20)));
  });

  it('OUT_OF_MEMORY when the regions do not fit the size, with the minimum in the suggestion', () => {
    const e = expectError(() => memoryConfig('production').size(1 << 20).arena('frame', { capacity: 1 << 20 }).build(), 'OUT_OF_MEMORY');
    expect(e.suggestion).toMatch(/size\(\d+\)/);
  });

  it('INVALID_OPTION, INVALID_NAME, REGION_EXISTS at build time, before any memory exists', () => {
    expectError(() => memoryConfig('staging' as 'production'), 'INVALID_OPTION');
    expectError(() => memoryConfig('production').size(1000).arena('a').build(), 'INVALID_OPTION');
    expectError(() => memoryConfig('production').size(1 << 20).arena('a', { frames: 9, capacity: 64 }).build(), 'INVALID_OPTION');
    expectError(() => memoryConfig('production').size(1 << 20).pool('p', { slotSize: 0 }).build(), 'INVALID_OPTION');
    expectError(() => memoryConfig('production').size(1 << 20).stack('bad name!').build(), 'INVALID_NAME');
    const dyn = 'twice' as string;
    expectError(() => memoryConfig('production').fitSize().arena(dyn).stack('twice').build(), 'REGION_EXISTS');
    expectError(() => memoryConfig('production').fitSize().arena('tmp').temps({ vec3: 8 }).build(), 'REGION_EXISTS');
    expectError(() => memoryConfig('production').budget('fx', -1), 'INVALID_OPTION');
    const b = 'nope' as string;
    expectError(() => memoryConfig('production').fitSize().arena('a', { budget: b as never }).build(), 'INVALID_OPTION');
  });

  it('BUDGET_EXCEEDED at build time, naming the regions', () => {
    const e = expectError(() => memoryConfig('production').fitSize().budget('fx', 64 << 10)
      .arena('sparks', { capacity: 48 << 10, budget: 'fx' }).arena('smoke', { capacity: 48 << 10, budget: 'fx' }).build(), 'BUDGET_EXCEEDED');
    expect(e.message).toContain('"sparks"');
    expect(e.message).toContain('"smoke"');
  });

  it('a built config is frozen plain data that survives structured cloning', () => {
    const c = memoryConfig('development').fitSize().budget('fx', 16 << 20).arena('frame', { budget: 'fx' }).temps({ vec3: 64 }).build();
    expect(Object.isFrozen(c) && Object.isFrozen(c.arenas) && Object.isFrozen(c.arenas[0])).toBe(true);
    expect(structuredClone(c)).toEqual(c);
  });
});

describe('createFromConfig() and attachFromConfig()', () => {
  it('makes the memory and every named region, charges budgets, and makes temporaries', () => {
    const config = memoryConfig('development')
      .size(32 << 20)
      .budget('particles', 8 << 20)
      .arena('frame', { capacity: 1 << 20 })
      .pool('particles', { slotSize: 32, capacity: 10_000, align: 16, budget: 'particles' })
      .stack('scratch', { capacity: 64 << 10 })
      .temps({ vec3: 512, mat4: 64 })
      .build();
    const m = createFromConfig(config);
    expect(m.memory.byteLength).toBe(32 << 20);
    expect(m.memory.regions().map((r) => [r.name, r.kind])).toEqual([['frame', 'arena'], ['particles', 'pool'], ['scratch', 'stack'], ['tmp', 'arena']]);
    expect(m.arenas.frame.frames).toBe(2);
    expect(m.pools.particles.capacity).toBe(10_000);
    expect(m.stacks.scratch.capacity).toBe(64 << 10);
    expect(m.budgets.report('particles').holders.map((h) => h.name)).toEqual(['particles']);
    const tmp = m.temps;
    expect(tmp).not.toBeNull();
    expect(tmp?.stats().rings.vec3.capacity).toBe(512);
    const v = tmp?.vec3();
    expect(v?.buffer).toBe(m.memory.buffer);
    m.memory.checkInvariants();
  });

  it('the preset reaches the temporaries: production rings grow instead of throwing', () => {
    const m = createFromConfig(memoryConfig('production').fitSize().arena('frame', { capacity: 4096 }).temps({ vec3: 16 }).build());
    for (let i = 0; i < 100; i++) m.temps?.vec3();
    expect(m.temps?.stats().growths).toBeGreaterThan(0);
  });

  it('attachFromConfig finds every region by name (another thread id over the same buffer)', () => {
    const config = memoryConfig('production').fitSize().budget('ui', 1 << 20).arena('frame', { capacity: 4096 }).pool('p', { slotSize: 16, capacity: 64 })
      .stack('s', { capacity: 4096, budget: 'ui' }).build();
    const main = createFromConfig(config);
    if (!main.memory.shared) return; // attach needs shared memory; createMemory explains why when it is not
    const w = attachFromConfig(config, main.memory.share());
    expect(w.memory.threadId).not.toBe(main.memory.threadId);
    const h = w.pools.p.alloc();
    expect(main.pools.p.isAlive(h)).toBe(true);
    expect(w.arenas.frame.name).toBe('frame');
    expect(w.budgets.report('ui').holders.map((x) => x.name)).toEqual(['s']);
    expect(w.temps).toBeNull();
    w.pools.p.free(h);
    w.memory.detach();
  });
});
