/**
 * Small paths of nebula-memory/typed the other typed tests leave out: TypedPool.alloc() (a slot
 * without initialising it) and writing the fourth element of a vec4/quat field through a cursor.
 */
import { describe, expect, it } from 'vitest';
import { createMemory } from '../src/index.ts';
import { cursor, struct, typed } from '../src/typed/index.ts';
import { expectError } from './typed-helpers.ts';

const Body = struct({ rot: 'quat', mass: 'f32' }, { name: 'Body' });

describe('TypedPool.alloc', () => {
  it('takes a slot of the pool, as pool.alloc() does, and exhausts it the same way', () => {
    const memory = createMemory({ size: 1 << 16 });
    const pool = memory.createPool('bodies', { slotSize: Body.size, align: Body.align, capacity: 2, batch: 1 });
    const bodies = typed(memory, pool, Body);
    const a = bodies.alloc();
    const b = bodies.alloc();
    expect(pool.live).toBe(2);
    expect(bodies.offsetOf(b) - bodies.offsetOf(a)).toBe(pool.offsetOf(b) - pool.offsetOf(a));
    bodies.at(a).mass = 3;
    expect(memory.f32[(pool.offsetOf(a) + Body.offsets.mass) >> 2]).toBe(3);
    expectError(() => bodies.alloc(), 'POOL_EXHAUSTED');
    bodies.free(a);
    bodies.free(b);
    expect(pool.live).toBe(0);
    pool.checkInvariants();
    memory.checkInvariants();
  });
});

describe('a vec4 field\'s w', () => {
  it('writes element 3, 12 bytes into the field', () => {
    const memory = createMemory({ size: 1 << 16 });
    const arena = memory.createArena('a', { capacity: 1024, frames: 0 });
    const p = arena.alloc(Body.size, Body.align);
    const c = cursor(memory, Body).at(p);
    c.rot.w = 0.5;
    c.rot.x = 0.25;
    expect(new DataView(memory.buffer).getFloat32(p + Body.offsets.rot + 12, true)).toBe(0.5);
    expect([c.rot.x, c.rot.y, c.rot.z, c.rot.w]).toEqual([0.25, 0, 0, 0.5]);
    memory.checkInvariants();
  });
});
