import { describe, expect, it, vi } from 'vitest';
import readme from '../README.md?raw';
import example from './fixtures/readme-example.ts?raw';

describe('README', () => {
  it('shows the example file exactly', () => {
    const block = /```ts\n([\s\S]*?)```/.exec(readme);
    expect(block?.[1]).toBe(example);
  });

  it('its example runs as written and prints what its comment says', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await import('./fixtures/readme-example.ts');
    expect(log).toHaveBeenCalledWith('0.19', 1, 60);
    log.mockRestore();
  });
});
