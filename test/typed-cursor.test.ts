import { mat4, vec3 } from 'gl-matrix';
import { describe, expect, it } from 'vitest';
import { CHECKS, createMemory, type Memory } from '../src/index.ts';
import { array, createTemps, cursor, soa, soaCursor, struct } from '../src/typed/index.ts';
import { Vec3Access, Vec4Access } from '../src/typed/field-access.ts';
import { expectError } from './typed-helpers.ts';
import { itChecked } from './helpers.ts';

const Particle = struct({ pos: 'vec3', vel: 'vec3', life: 'f32', color: 'u32' }, { name: 'Particle' });
const Mixed = struct({ a: 'i8', b: 'u8', c: 'i16', d: 'u16', e: 'i32', f: 'u32', g: 'f32', h: 'f64', rgba: array('u8', 4), m: 'mat4', q: 'quat', uv: 'vec2' });

function setup(): { memory: Memory; dv: DataView; base: number } {
  const memory = createMemory({ size: 1 << 16 });
  const arena = memory.createArena('a', { capacity: 1 << 14, frames: 0 });
  const base = arena.alloc(Mixed.size * 4, Mixed.align);
  return { memory, dv: new DataView(memory.buffer), base };
}

describe('cursor(): AoS accessor', () => {
  it('reads and writes every scalar type at the layout offsets, as DataView sees them', () => {
    const { memory, dv, base } = setup();
    const c = cursor(memory, Mixed).at(base);
    c.a = -5; c.b = 250; c.c = -30000; c.d = 60000; c.e = -2e9; c.f = 4e9; c.g = 1.5; c.h = Math.PI;
    const o = Mixed.offsets;
    expect(dv.getInt8(base + o.a)).toBe(-5);
    expect(dv.getUint8(base + o.b)).toBe(250);
    expect(dv.getInt16(base + o.c, true)).toBe(-30000);
    expect(dv.getUint16(base + o.d, true)).toBe(60000);
    expect(dv.getInt32(base + o.e, true)).toBe(-2e9);
    expect(dv.getUint32(base + o.f, true)).toBe(4e9);
    expect(dv.getFloat32(base + o.g, true)).toBe(1.5);
    expect(dv.getFloat64(base + o.h, true)).toBe(Math.PI);
    dv.setInt16(base + o.c, 1234, true);
    expect(c.c).toBe(1234);
    expect([c.a, c.b, c.d, c.e, c.f, c.g, c.h]).toEqual([-5, 250, 60000, -2e9, 4e9, 1.5, Math.PI]);
  });

  it('moves over an array of structs without creating objects: c.pos is the same accessor each time', () => {
    const { memory, base } = setup();
    const c = cursor(memory, Particle);
    const pos = c.at(base).pos;
    expect(pos).toBeInstanceOf(Vec3Access);
    for (let i = 0; i < 4; i++) {
      c.at(base + i * Particle.size);
      expect(c.pos).toBe(pos);
      c.pos.x = i; c.pos.y = 10 * i; c.pos.z = 100 * i;
      c.vel.copyFrom([1, 2, 3]);
      c.life = 0.5 * i;
      c.color = 0xff0000ff;
    }
    const f32 = memory.f32;
    for (let i = 0; i < 4; i++) {
      const p = (base + i * Particle.size) >> 2;
      expect([f32[p], f32[p + 1], f32[p + 2], f32[p + 3], f32[p + 4], f32[p + 5], f32[p + 6]]).toEqual([i, 10 * i, 100 * i, 1, 2, 3, 0.5 * i]);
      expect(memory.u32[p + 7]).toBe(0xff0000ff);
      expect(c.at(base + i * Particle.size).offset).toBe(base + i * Particle.size);
      expect(c.pos.index).toBe(p);
      expect(c.vel.get(2)).toBe(3);
    }
  });

  it('vector, matrix and array accessors: x y z w, get, set, copyTo, copyFrom, view, length', () => {
    const { memory, base } = setup();
    const c = cursor(memory, Mixed).at(base);
    expect(c.q).toBeInstanceOf(Vec4Access);
    c.q.copyFrom([0, 0, 0, 1]);
    expect([c.q.x, c.q.y, c.q.z, c.q.w]).toEqual([0, 0, 0, 1]);
    c.uv.x = 0.25; c.uv.y = 0.75;
    expect(c.uv.copyTo([0, 0])).toEqual([0.25, 0.75]);
    c.rgba.set(0, 255); c.rgba.set(3, 128);
    expect(c.rgba.length).toBe(4);
    expect(c.rgba.view).toBe(memory.u8);
    expect(Array.from(memory.u8.subarray(base + Mixed.offsets.rgba, base + Mixed.offsets.rgba + 4))).toEqual([255, 0, 0, 128]);
    const m = mat4.fromTranslation(mat4.create(), [1, 2, 3]);
    c.m.copyFrom(m);
    expect(c.m.get(12)).toBe(1);
    expect(c.m.copyTo(new Float32Array(16))).toEqual(m);
    const out = [9, 9, 9, 9];
    c.q.copyTo(out, 0);
    expect(out).toEqual([0, 0, 0, 1]);
  });

  it('works with gl-matrix through temporaries: integrate a particle', () => {
    const { memory, base } = setup();
    const tmp = createTemps(memory, { vec3: 16 });
    const c = cursor(memory, Particle).at(base);
    c.pos.copyFrom([0, 10, 0]);
    c.vel.copyFrom([1, 0, 0]);
    const step = vec3.scale(tmp.vec3(), c.vel.copyTo(tmp.vec3()), 0.5);
    c.pos.copyFrom(vec3.add(tmp.vec3(), c.pos.copyTo(tmp.vec3()), step));
    expect([c.pos.x, c.pos.y, c.pos.z]).toEqual([0.5, 10, 0]);
  });

  itChecked('at() rejects misaligned, zero, negative and out-of-memory offsets with STRUCT_INVALID (checked build)', () => {
    const { memory, base } = setup();
    const c = cursor(memory, Mixed);
    const e = expectError(() => c.at(base + 4), 'STRUCT_INVALID'); // Mixed is 8-aligned
    expect(e.state.align).toBe(8);
    expectError(() => c.at(0), 'STRUCT_INVALID');
    expectError(() => c.at(-8), 'STRUCT_INVALID');
    expectError(() => c.at(memory.byteLength - 8), 'STRUCT_INVALID');
    expectError(() => c.at(Number.NaN), 'STRUCT_INVALID');
    expect(c.at(base).offset).toBe(base);
  });
});

describe('soaCursor(): SoA accessor', () => {
  it('row(i) reads and writes column i of each field; columns are contiguous', () => {
    const memory = createMemory({ size: 1 << 16 });
    const P = soa(struct({ pos: 'vec3', life: 'f32', id: 'u16' }), 100);
    const block = memory.createArena('a', { capacity: 1 << 14, frames: 0 }).alloc(P.size, P.align);
    const c = soaCursor(memory, P, block);
    for (let i = 0; i < 100; i++) {
      c.row(i);
      c.pos.x = i; c.pos.y = -i; c.pos.z = 2 * i;
      c.life = i / 4;
      c.id = 1000 + i;
    }
    const f32 = memory.f32;
    const lifeCol = (block + P.columns.life) >> 2;
    const posCol = (block + P.columns.pos) >> 2;
    for (let i = 0; i < 100; i++) {
      expect(f32[lifeCol + i]).toBe(i / 4);
      expect([f32[posCol + 3 * i], f32[posCol + 3 * i + 1], f32[posCol + 3 * i + 2]]).toEqual([i, -i, 2 * i]);
      expect(new DataView(memory.buffer).getUint16(block + P.columns.id + 2 * i, true)).toBe(1000 + i);
      expect(c.row(i).life).toBe(i / 4);
      expect(c.index).toBe(i);
    }
    if (CHECKS) {
      // row() checks its index per call: the fast build drops it, like the allocators' checks
      expectError(() => c.row(100), 'STRUCT_INVALID');
      expectError(() => c.row(-1), 'STRUCT_INVALID');
    }
    expectError(() => soaCursor(memory, P, block + 4), 'STRUCT_INVALID');
    expectError(() => soaCursor(memory, P, memory.byteLength - 16), 'STRUCT_INVALID');
  });
});
