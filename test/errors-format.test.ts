/**
 * How a MemoryError's message shows request values that JSON cannot write (a circular object, a
 * BigInt): by their Object.prototype.toString tag, while `request` keeps the value itself.
 */
import { describe, expect, it } from 'vitest';
import { createMemory } from '../src/index.ts';
import { expectCode, itChecked } from './helpers.ts';

describe('MemoryError messages with values JSON cannot write', () => {
  it('a circular object appears by its tag', () => {
    const m = createMemory({ size: 1 << 16 });
    const a = m.createArena('a', { capacity: 1024 });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const e = expectCode(() => { a.rewind(circular as never); }, 'INVALID_MARK');
    expect(e.message).toContain('\n  request: mark=[object Object]\n');
    expect(e.request.mark).toBe(circular);
    a.checkInvariants();
    m.checkInvariants();
  });

  // the fast build does not check pop()'s offset, so there is no error to format there
  itChecked('a BigInt appears by its tag', () => {
    const m = createMemory({ size: 1 << 16 });
    const s = m.createStack('s', { capacity: 256 });
    const e = expectCode(() => { s.pop(8n as never); }, 'INVALID_OFFSET');
    expect(e.message).toContain('\n  request: offset=[object BigInt]\n');
    expect(e.request.offset).toBe(8n);
    s.checkInvariants();
    m.checkInvariants();
  });
});
