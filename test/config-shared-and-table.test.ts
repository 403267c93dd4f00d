/**
 * Config builder paths the main config tests leave out: `shared()` carried into the config and
 * the memory made from it, and a config with more regions than the region table holds, refused
 * at build time with REGION_TABLE_FULL.
 */
import { describe, expect, it } from 'vitest';
import { memoryConfig } from '../src/config/builder.ts';
import { createFromConfig } from '../src/config/create.ts';
import { MAX_REGIONS } from '../src/memory/layout.ts';
import { expectCode } from './helpers.ts';

describe('memoryConfig()', () => {
  it('shared(false) makes an unshared memory on purpose; shared(true) and "auto" are kept as given', () => {
    const config = memoryConfig('production').fitSize().shared(false).stack('scratch', { capacity: 1024 }).build();
    expect(config.shared).toBe(false);
    expect(memoryConfig('production').fitSize().shared(true).stack('s').build().shared).toBe(true);
    expect(memoryConfig('production').fitSize().shared(true).shared('auto').stack('s').build().shared).toBe('auto');
    const { memory, stacks } = createFromConfig(config);
    expect(memory.shared).toBe(false);
    expect(memory.buffer).toBeInstanceOf(ArrayBuffer);
    expect(memory.isolation.reason).toBe('single-thread mode was asked for (shared: false).');
    expect(stacks.scratch.capacity).toBe(1024);
    expect(stacks.scratch).toBe(memory.stack('scratch'));
    memory.checkInvariants();
  });

  it('REGION_TABLE_FULL for one region more than the table holds, and builds with exactly as many', () => {
    // the builder's types follow each chained name; a loop of computed names uses a plain view of it
    interface Chain { stack(name: string, o: { capacity: number }): Chain; build(): { readonly stacks: readonly unknown[] } }
    let full = memoryConfig('production').fitSize() as unknown as Chain;
    for (let k = 0; k < MAX_REGIONS; k++) full = full.stack(`s${k}`, { capacity: 64 });
    expect(full.build().stacks).toHaveLength(MAX_REGIONS);
    const e = expectCode(() => full.stack('one-more', { capacity: 64 }).build(), 'REGION_TABLE_FULL');
    expect(e.message).toContain(`the config has ${MAX_REGIONS + 1} regions, the table holds ${MAX_REGIONS}`);
    expect(e.allocator).toBe('config');
    expect(e.request).toEqual({ regions: MAX_REGIONS + 1 });
  });
});
