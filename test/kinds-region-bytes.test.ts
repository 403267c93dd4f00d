/**
 * A custom kind whose regionBytes() returns something that is not a size: memory.create()
 * refuses with INVALID_OPTION naming the kind and the value, before any byte is reserved. The
 * kind is test/fixtures/ring-kind.ts with regionBytes replaced.
 */
import { describe, expect, it } from 'vitest';
import { createMemory } from '../src/index.ts';
import { MAX_MEMORY_BYTES } from '../src/memory/layout.ts';
import { ringKind } from './fixtures/ring-kind.ts';
import { expectCode } from './helpers.ts';

describe('a kind whose regionBytes() is not a size', () => {
  it('INVALID_OPTION for 0, a fraction, NaN, a negative, too many bytes and a string; nothing reserved', () => {
    const m = createMemory({ size: 1 << 20 });
    const unused = m.unusedBytes;
    const cases: [unknown, string][] = [
      [0, '0'], [12.5, '12.5'], [Number.NaN, 'NaN'], [-64, '-64'], [MAX_MEMORY_BYTES + 8, String(MAX_MEMORY_BYTES + 8)], ['64', '64'],
    ];
    for (const [k, [bytes, shown]] of cases.entries()) {
      const kind = Object.freeze({ ...ringKind, name: `fixture:bytes-${k}`, code: 50 + k, regionBytes: () => bytes as number });
      const e = expectCode(() => m.create(kind, `r${k}`, { capacity: 8, frames: 2 }), 'INVALID_OPTION');
      expect(e.message).toContain(`kind fixture:bytes-${k}: regionBytes() returned ${shown}`);
      expect(e.allocator).toBe(`fixture:bytes-${k} "r${k}"`);
      expect(e.state).toEqual({ bytes: shown, most: MAX_MEMORY_BYTES });
      expect(m.regions()).toEqual([]);
      expect(m.unusedBytes).toBe(unused);
      m.checkInvariants();
    }
    // the name is still free for a kind that sizes itself properly
    expect(m.create(ringKind, 'r0', { capacity: 8, frames: 2 }).push(5)).toBe(0);
    m.checkInvariants();
  });
});
