import { describe, expectTypeOf, it } from 'vitest';
import type { FrameArena, Pool, Stack } from '../src/index.ts';
import { memoryConfig } from '../src/config/builder.ts';
import type { MemoryConfig, Preset } from '../src/config/types.ts';
import { createFromConfig } from '../src/config/create.ts';
import { cursor, struct, type StructCursor } from '../src/typed/index.ts';
import type { Vec3Access } from '../src/typed/field-access.ts';
import { createBudgets } from '../src/typed/budget.ts';

// These checks run in `npx tsc --noEmit` (part of npm test); at runtime they only build valid configs.

/** Type-checks `f` without running it: the wrong builders below would throw at runtime. */
function compileOnly(f: () => void): void {
  expectTypeOf(f).toBeFunction();
}

describe('the type-state builder', () => {
  it('build() exists once a size and a region are set, and the names become types', () => {
    const config = memoryConfig('production').size(1 << 24).budget('fx', 1 << 22)
      .arena('frame', { budget: 'fx' }).pool('bullets', { slotSize: 16 }).stack('scratch').build();
    expectTypeOf(config).toEqualTypeOf<MemoryConfig<'frame', 'bullets', 'scratch', 'fx'>>();
    expectTypeOf(config.arenas[0].name).toEqualTypeOf<'frame'>();
    const sized = memoryConfig('development').fitSize();
    expectTypeOf(sized).not.toHaveProperty('build');
    expectTypeOf(sized).not.toHaveProperty('size');
    expectTypeOf(sized.arena('a')).toHaveProperty('build');
    expectTypeOf(memoryConfig('development').arena('a')).not.toHaveProperty('build');
    expectTypeOf(memoryConfig('development').arena('a')).toHaveProperty('fitSize');
  });

  it('createFromConfig types each region by its name', () => {
    const config = memoryConfig('production').fitSize().arena('frame').pool('bullets', { slotSize: 16 }).stack('scratch').build();
    const m = createFromConfig(config);
    expectTypeOf(m.arenas).toEqualTypeOf<Readonly<Record<'frame', FrameArena>>>();
    expectTypeOf(m.pools.bullets).toEqualTypeOf<Pool>();
    expectTypeOf(m.stacks.scratch).toEqualTypeOf<Stack>();
    expectTypeOf(m.arenas).not.toHaveProperty('render');
  });

  it('a wrong builder does not compile', () => {
    compileOnly(() => {
    /* eslint-disable @typescript-eslint/no-unsafe-call -- calls of steps the type does not have, on purpose */
    // @ts-expect-error: build() before a size
    memoryConfig('production').arena('frame').build();
    // @ts-expect-error: build() without a region
    memoryConfig('production').size(1 << 20).build();
    // @ts-expect-error: a size twice
    memoryConfig('production').size(1 << 20).size(1 << 21);
    // @ts-expect-error: fitSize after size
    memoryConfig('production').size(1 << 20).fitSize();
    // @ts-expect-error: the same region name twice (arena, then stack)
    memoryConfig('production').arena('frame').stack('frame');
    // @ts-expect-error: the same budget twice
    memoryConfig('production').budget('fx', 1).budget('fx', 2);
    // @ts-expect-error: a budget that was not declared
    memoryConfig('production').fitSize().arena('frame', { budget: 'audio' });
    // @ts-expect-error: a pool needs a slotSize
    memoryConfig('production').fitSize().pool('p', { capacity: 10 });
    // @ts-expect-error: an unknown preset
    memoryConfig('staging');
    // @ts-expect-error: an unknown option
    memoryConfig('production').fitSize().stack('s', { capacity: 1, frames: 2 });
    /* eslint-enable @typescript-eslint/no-unsafe-call */
    });
    expectTypeOf(memoryConfig).parameter(0).toEqualTypeOf<'development' | 'production' | Preset>();
  });
});

describe('typed layouts, cursors and budgets', () => {
  it('cursor fields follow the layout: numbers for scalars, accessors for vectors', () => {
    const Particle = struct({ pos: 'vec3', life: 'f32', rgba: 'u32' });
    expectTypeOf(Particle.offsets).toEqualTypeOf<{ readonly pos: number; readonly life: number; readonly rgba: number }>();
    type C = StructCursor<typeof Particle.spec>;
    expectTypeOf<C['life']>().toEqualTypeOf<number>();
    expectTypeOf<C['pos']>().toEqualTypeOf<Vec3Access>();
    expectTypeOf(cursor<typeof Particle.spec>).returns.toEqualTypeOf<C>();
    compileOnly(() => {
      const c = {} as C;
      c.life = 1;
      // @ts-expect-error: vector fields are accessors, not assignable
      c.pos = [1, 2, 3];
      // @ts-expect-error: no such field
      c.mass = 2;
      // @ts-expect-error: a reserved field name
      struct({ offset: 'u32' });
      // @ts-expect-error: not a field type
      struct({ pos: 'vec5' });
    });
  });

  it('budget subsystems are types', () => {
    expectTypeOf(createBudgets<'particles' | 'audio'>).returns.toHaveProperty('createPool');
    type B = ReturnType<typeof createBudgets<'particles' | 'audio'>>;
    expectTypeOf<Parameters<B['createPool']>[0]>().toEqualTypeOf<'particles' | 'audio'>();
  });
});
