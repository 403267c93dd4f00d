import { describe, expect, it } from 'vitest';
import catalog from '../docs/ERRORS.md?raw';
import { MemoryError } from '../src/index.ts';
import { MEMORY_ERROR_CODES } from '../src/errors.ts';
import { InternalError } from '../src/errors.ts';

describe('docs/ERRORS.md', () => {
  it('has an entry for every error code, and no entry without a code', () => {
    const headings = [...catalog.matchAll(/^### ([a-z_]+)$/gm)].map((m) => m[1]);
    expect(headings.sort()).toEqual(MEMORY_ERROR_CODES.map((c) => c.toLowerCase()).sort());
    for (const code of MEMORY_ERROR_CODES) expect(catalog).toContain(`\`${code}\``);
  });

  it('every MemoryError links to its entry', () => {
    const e = new MemoryError('DOUBLE_FREE', 'x', { allocator: 'pool "p"', request: { handle: 9 }, state: { live: 1 }, suggestion: 'free once.' });
    expect(e.docs.endsWith('docs/ERRORS.md#double_free')).toBe(true);
    expect(e.message).toBe('[DOUBLE_FREE] pool "p": x\n  request: handle=9\n  state: live=1\n  fix: free once.\n  see ' + e.docs);
  });

  it('InternalError asks for a bug report', () => {
    expect(new InternalError('top 0x40 > end 0x20').message).toMatch(/bug in nebula-memory.*report/);
  });
});
