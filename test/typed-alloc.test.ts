import { vec3 } from 'gl-matrix';
import { describe, expect, it } from 'vitest';
import { itChecked } from './helpers.ts';
import { createMemory, type Memory } from '../src/index.ts';
import { struct, typed } from '../src/typed/index.ts';
import { TypedArena, TypedPool, TypedStack } from '../src/typed/typed-alloc.ts';
import { expectError } from './typed-helpers.ts';

const Particle = struct({ pos: 'vec3', vel: 'vec3', life: 'f32', color: 'u32' }, { name: 'Particle' });
const Hit = struct({ t: 'f64', normal: 'vec3', id: 'u16' }, { name: 'Hit' });

function setup(): Memory {
  return createMemory({ size: 1 << 20 });
}

describe('typed(): structs in arenas, pools and stacks', () => {
  it('arena: alloc, allocInit zeroes then writes, allocArray is AoS, at() moves the cursor', () => {
    const memory = setup();
    const arena = memory.createArena('frame', { capacity: 1 << 16, frames: 1 });
    const hits = typed(memory, arena, Hit);
    expect(hits).toBeInstanceOf(TypedArena);
    const p = hits.alloc();
    expect(p % Hit.align).toBe(0);
    memory.u8.fill(0xab, p, p + Hit.size); // stale bytes
    const q = hits.allocInit({ t: 0.5, normal: [0, 1, 0] });
    memory.u8.fill(0xab, q, q + Hit.size);
    const r = hits.allocInit({ t: 0.25, normal: vec3.fromValues(0, 0, 1) });
    const c = hits.at(r);
    expect([c.t, c.normal.x, c.normal.y, c.normal.z, c.id]).toEqual([0.25, 0, 0, 1, 0]);
    const row = hits.allocArray(10);
    for (let i = 0; i < 10; i++) hits.at(row + i * Hit.size).id = i;
    for (let i = 0; i < 10; i++) expect(new DataView(memory.buffer).getUint16(row + i * Hit.size + Hit.offsets.id, true)).toBe(i);
    expectError(() => hits.allocInit({ nope: 1 } as never), 'STRUCT_INVALID');
    arena.checkInvariants();
  });

  itChecked('pool: handles, allocInit, free, offsetOf; allocArray is all or nothing', () => {
    const memory = setup();
    const pool = memory.createPool('particles', { slotSize: Particle.size, align: 16, capacity: 8, batch: 2 });
    const particles = typed(memory, pool, Particle);
    expect(particles).toBeInstanceOf(TypedPool);
    const h = particles.allocInit({ life: 1, color: 0xffffffff, pos: [1, 2, 3] });
    const c = particles.at(h);
    expect([c.life, c.color, c.pos.y, c.vel.x]).toEqual([1, 0xffffffff, 2, 0]);
    expect(particles.offsetOf(h)).toBe(pool.offsetOf(h));
    const out = new Int32Array(10);
    expectError(() => { particles.allocArray(out); }, 'POOL_EXHAUSTED'); // 7 left, 10 asked
    expect(pool.live).toBe(1); // nothing kept
    particles.allocArray(out, 7);
    expect(new Set(out.subarray(0, 7)).size).toBe(7);
    expect(pool.live).toBe(8);
    expectError(() => { particles.allocArray(out, 11); }, 'INVALID_SIZE');
    for (let i = 0; i < 7; i++) particles.free(out[i]);
    particles.free(h);
    expectError(() => { particles.free(h); }, 'DOUBLE_FREE');
    expectError(() => particles.at(h), 'STALE_HANDLE');
    expect(pool.live).toBe(0);
    pool.checkInvariants();
  });

  it('pool: allocInit with a bad field frees the slot it took', () => {
    const memory = setup();
    const pool = memory.createPool('p', { slotSize: 32, capacity: 2 });
    const t = typed(memory, pool, Particle);
    expectError(() => t.allocInit({ mass: 3 } as never), 'STRUCT_INVALID');
    expect(pool.live).toBe(0);
  });

  itChecked('stack: alloc, allocArray, free pops in LIFO order', () => {
    const memory = setup();
    const stack = memory.createStack('scratch', { capacity: 4096 });
    const hits = typed(memory, stack, Hit);
    expect(hits).toBeInstanceOf(TypedStack);
    const a = hits.allocInit({ t: 1 });
    const b = hits.allocArray(4);
    expect(hits.at(a).t).toBe(1);
    expectError(() => { hits.free(a); }, 'LIFO_VIOLATION');
    hits.free(b);
    hits.free(a);
    expect(stack.depth).toBe(0);
    stack.checkInvariants();
  });

  it('checks the pairing: another memory\'s allocator, and pool slots too small or too loosely aligned', () => {
    const memory = setup();
    const other = setup();
    expectError(() => typed(memory, other.createArena('a', { capacity: 1024 }), Hit), 'INVALID_OPTION');
    const small = memory.createPool('small', { slotSize: 16, capacity: 4 });
    const e = expectError(() => typed(memory, small, Particle), 'STRUCT_INVALID');
    expect(e.suggestion).toContain('slotSize >= 32');
    const loose = memory.createPool('loose', { slotSize: 64, capacity: 4, align: 4 });
    expectError(() => typed(memory, loose, Hit), 'STRUCT_INVALID'); // Hit needs 8
  });
});
