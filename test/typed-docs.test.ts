import { describe, expect, it, vi } from 'vitest';
import builders from '../docs/BUILDERS.md?raw';
import example from './fixtures/builders-example.ts?raw';

describe('docs/BUILDERS.md', () => {
  it('shows the example file exactly (importing from the package)', () => {
    const block = /```ts\n([\s\S]*?)```/.exec(builders);
    expect(block?.[1]).toBe(example);
  });

  it('its example runs as written and prints what its comment says', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await import('./fixtures/builders-example.ts');
    expect(log).toHaveBeenCalledWith('0.50', '10.00', '0.50');
    log.mockRestore();
  });

  it('lists every error code the typed layer throws', () => {
    for (const code of ['STRUCT_INVALID', 'TEMP_RING_EXHAUSTED', 'BUDGET_EXCEEDED']) expect(builders).toContain(`\`${code}\``);
  });
});
