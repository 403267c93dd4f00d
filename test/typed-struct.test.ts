import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { array, soa, struct } from '../src/typed/index.ts';
import type { FieldType, StructFields } from '../src/typed/struct.ts';
import { expectError } from './typed-helpers.ts';

describe('struct(): C-like packing', () => {
  it('lays out the issue\'s particle: 32 bytes, align 4', () => {
    const Particle = struct({ pos: 'vec3', vel: 'vec3', life: 'f32', color: 'u32' }, { name: 'Particle' });
    expect(Particle.size).toBe(32);
    expect(Particle.align).toBe(4);
    expect(Particle.offsets).toEqual({ pos: 0, vel: 12, life: 24, color: 28 });
    expect(Particle.fields.map((f) => [f.name, f.type, f.element, f.length, f.offset, f.size, f.align])).toEqual([
      ['pos', 'vec3', 'f32', 3, 0, 12, 4], ['vel', 'vec3', 'f32', 3, 12, 12, 4],
      ['life', 'f32', 'f32', 1, 24, 4, 4], ['color', 'u32', 'u32', 1, 28, 4, 4],
    ]);
    expect(Object.isFrozen(Particle) && Object.isFrozen(Particle.offsets) && Object.isFrozen(Particle.fields[0])).toBe(true);
  });

  it('pads each field to its alignment and the size to the struct alignment', () => {
    // u8 at 0, f64 at 8 (7 bytes padding), u16 at 16, vec3 at 20 (2 bytes padding), ends at 32
    const S = struct({ flag: 'u8', t: 'f64', id: 'u16', dir: 'vec3' });
    expect(S.offsets).toEqual({ flag: 0, t: 8, id: 16, dir: 20 });
    expect(S.align).toBe(8);
    expect(S.size).toBe(32);
    // a trailing u8 pads the struct to the next multiple of 8
    expect(struct({ t: 'f64', flag: 'u8' }).size).toBe(16);
  });

  it('packs small fields without padding and keeps declaration order', () => {
    const S = struct({ a: 'u8', b: 'i8', c: 'i16', d: 'u8' });
    expect(S.offsets).toEqual({ a: 0, b: 1, c: 2, d: 4 });
    expect(S.size).toBe(6);
    expect(S.align).toBe(2);
  });

  it('arrays align to their element; matrices to 4', () => {
    const V = struct({ rgba: array('u8', 4), uv: array('f32', 2), model: 'mat4', normal: 'mat3', q: 'quat', w: array('i16', 3) });
    expect(V.offsets).toEqual({ rgba: 0, uv: 4, model: 12, normal: 76, q: 112, w: 128 });
    expect(V.size).toBe(136);
    expect(V.fields[0].type).toBe('u8[4]');
  });

  it('honours a larger align option (GPU-friendly 16-byte structs)', () => {
    const L = struct({ pos: 'vec3', range: 'f32', color: 'vec3' }, { align: 16 });
    expect(L.size).toBe(32);
    expect(L.align).toBe(16);
  });

  it('property: every field aligned, in order, without overlap or needless padding', () => {
    const types: FieldType[] = ['f32', 'f64', 'i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'vec2', 'vec3', 'vec4', 'quat', 'mat3', 'mat4'];
    const field = fc.oneof(fc.constantFrom(...types), fc.tuple(fc.constantFrom<'u8' | 'i16' | 'f32' | 'f64'>('u8', 'i16', 'f32', 'f64'), fc.integer({ min: 1, max: 9 })).map(([e, n]) => array(e, n)));
    fc.assert(fc.property(fc.array(field, { minLength: 1, maxLength: 12 }), fc.constantFrom(1, 2, 4, 8, 16, 64), (fs, minAlign) => {
      const spec: Record<string, FieldType> = {};
      fs.forEach((t, i) => { spec[`f${i}`] = t; });
      const S = struct(spec as StructFields, { align: minAlign });
      let end = 0;
      let maxAlign: number = minAlign;
      for (const f of S.fields) {
        expect(f.offset % f.align).toBe(0);
        expect(f.offset).toBe(Math.ceil(end / f.align) * f.align); // the first aligned offset after the previous field
        end = f.offset + f.size;
        maxAlign = Math.max(maxAlign, f.align);
      }
      expect(S.align).toBe(maxAlign);
      expect(S.size % S.align).toBe(0);
      expect(S.size).toBe(Math.ceil(end / S.align) * S.align);
    }));
  });
});

describe('struct(): STRUCT_INVALID', () => {
  it('rejects no fields, bad names, reserved names, bad types, bad arrays and bad align', () => {
    expectError(() => struct({}), 'STRUCT_INVALID');
    const badNames: StructFields[] = [{ '0': 'f32' }, { 'a-b': 'f32' }, { __x: 'f32' }, { offset: 'f32' }, JSON.parse('{"toString": "f32"}') as StructFields, { at: 'u8' }];
    for (const fields of badNames) expectError(() => struct(fields), 'STRUCT_INVALID');
    const e = expectError(() => struct({ pos: 'vec5' } as unknown as StructFields, { name: 'Bad' }), 'STRUCT_INVALID');
    expect(e.message).toContain('struct "Bad"');
    expect(e.message).toContain('"pos"');
    expectError(() => array('vec3' as 'f32', 2), 'STRUCT_INVALID');
    expectError(() => array('f32', 0), 'STRUCT_INVALID');
    expectError(() => array('f32', 1.5), 'STRUCT_INVALID');
    expectError(() => struct({ a: 'f32' }, { align: 3 }), 'STRUCT_INVALID');
    const huge: Record<string, FieldType> = {};
    for (let i = 0; i < 33; i++) huge[`f${i}`] = array('f64', 65536); // 33 x 512 KiB > 16 MiB
    expectError(() => struct(huge as StructFields), 'STRUCT_INVALID');
  });
});

describe('soa()', () => {
  it('puts each field in its own 16-aligned column of count values', () => {
    const P = soa(struct({ pos: 'vec3', life: 'f32', flags: 'u8' }), 10);
    expect(P.columns).toEqual({ pos: 0, life: 128, flags: 176 });
    expect(P.size).toBe(192);
    expect(P.align).toBe(16);
    expect(P.count).toBe(10);
  });

  it('rejects bad counts and alignments', () => {
    const S = struct({ t: 'f64' });
    expectError(() => soa(S, 0), 'STRUCT_INVALID');
    expectError(() => soa(S, 2.5), 'STRUCT_INVALID');
    expectError(() => soa(S, 4, 4), 'STRUCT_INVALID'); // below the struct's alignment 8
    expectError(() => soa(S, 4, 24), 'STRUCT_INVALID');
  });
});
