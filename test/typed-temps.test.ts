import fc from 'fast-check';
import { mat3, mat4, quat, vec2, vec3, vec4 } from 'gl-matrix';
import { describe, expect, it } from 'vitest';
import { createMemory, type Memory } from '../src/index.ts';
import { createTemps, type TempRings } from '../src/typed/index.ts';
import { DEFAULT_TEMPS, type TempKind } from '../src/typed/temp-options.ts';
import { tempStep } from '../src/typed/temp-options.ts';
import { expectError } from './typed-helpers.ts';

function mem(): Memory {
  return createMemory({ size: 4 << 20 });
}

const KINDS: readonly TempKind[] = ['vec2', 'vec3', 'vec4', 'quat', 'mat3', 'mat4'];
const FLOATS: Record<TempKind, number> = { vec2: 2, vec3: 3, vec4: 4, quat: 4, mat3: 9, mat4: 16 };

function take(tmp: TempRings, k: TempKind): Float32Array {
  return tmp[k]();
}

describe('TempRings: views built once over the shared buffer', () => {
  it('hands out distinct views of the right length over memory.buffer, none overlapping', () => {
    const memory = mem();
    const tmp = createTemps(memory, { vec2: 8, vec3: 8, vec4: 8, quat: 8, mat3: 8, mat4: 8 });
    const seen: [number, number][] = [];
    for (const k of KINDS) {
      for (let i = 0; i < 8; i++) {
        const v = take(tmp, k);
        expect(v).toBeInstanceOf(Float32Array);
        expect(v.length).toBe(FLOATS[k]);
        expect(v.buffer).toBe(memory.buffer);
        seen.push([v.byteOffset, v.byteOffset + v.byteLength]);
      }
    }
    seen.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < seen.length; i++) expect(seen[i][0]).toBeGreaterThanOrEqual(seen[i - 1][1]);
    expect(memory.regions().map((r) => r.name)).toEqual(['tmp']);
  });

  it('starts over with the frame: the same view objects come back, none made', () => {
    const memory = mem();
    const tmp = createTemps(memory, { vec3: 4 });
    const first = [tmp.vec3(), tmp.vec3(), tmp.vec3(), tmp.vec3()];
    expect(new Set(first).size).toBe(4);
    const all = new Set<Float32Array>(first);
    for (let f = 0; f < 50; f++) {
      memory.advance();
      for (let i = 0; i < 4; i++) all.add(tmp.vec3());
    }
    expect(all.size).toBe(4 + tempStep(4)); // the ring: 4 per frame plus one check step
  });

  it('throws TEMP_RING_EXHAUSTED instead of reusing a view within a frame, and recovers next frame', () => {
    const memory = mem();
    const tmp = createTemps(memory, { mat4: 10 });
    const got = new Set<Float32Array>();
    let n = 0;
    try {
      for (;;) { got.add(tmp.mat4()); n++; }
    } catch { /* exhausted */ }
    expect(n).toBeGreaterThanOrEqual(10);
    expect(got.size).toBe(n); // never the same view twice in one frame
    const e = expectError(() => tmp.mat4(), 'TEMP_RING_EXHAUSTED');
    expect(e.request).toEqual({ kind: 'mat4' });
    expect(e.state.capacity).toBe(10);
    expect(e.suggestion).toContain('mat4');
    memory.advance();
    expect(() => { for (let i = 0; i < 10; i++) tmp.mat4(); }).not.toThrow();
  });

  it('a ring with 0 views throws at once; unknown options are INVALID_OPTION', () => {
    const memory = mem();
    const tmp = createTemps(memory, { vec2: 0 });
    expectError(() => tmp.vec2(), 'TEMP_RING_EXHAUSTED');
    expectError(() => createTemps(memory, { name: 't2', vec3: -1 }), 'INVALID_OPTION');
    expectError(() => createTemps(memory, { name: 't3', vec3: 1.5 }), 'INVALID_OPTION');
    expectError(() => createTemps(memory, { name: 't4', reset: 'sometimes' as 'frame' }), 'INVALID_OPTION');
    expectError(() => createTemps(memory, { name: 't5', onExhausted: 'panic' as 'throw' }), 'INVALID_OPTION');
    const clocked = memory.createArena('clocked', { capacity: 1 << 16, frames: 2 });
    expectError(() => createTemps(memory, { arena: clocked }), 'INVALID_OPTION');
    expectError(() => createTemps(memory), 'REGION_EXISTS'); // 'tmp' exists
  });

  it("onExhausted: 'grow' adds a region and views once, and keeps every view of the frame distinct", () => {
    const memory = mem();
    const tmp = createTemps(memory, { vec3: 16, onExhausted: 'grow' });
    const got = new Set<Float32Array>();
    for (let i = 0; i < 200; i++) got.add(tmp.vec3());
    expect(got.size).toBe(200);
    const s = tmp.stats();
    expect(s.growths).toBeGreaterThan(0);
    expect(s.rings.vec3.capacity).toBeGreaterThanOrEqual(200 - tempStep(16));
    expect(memory.regions().some((r) => r.name === 'tmp.vec3.1')).toBe(true);
    memory.advance();
    const regions = memory.regions().length;
    for (let f = 0; f < 5; f++) { for (let i = 0; i < 200; i++) tmp.vec3(); memory.advance(); }
    expect(memory.regions().length).toBe(regions); // no growth in steady state
    memory.checkInvariants();
  });

  it("onExhausted: 'grow' whose growth fails (OUT_OF_MEMORY) stays consistent and works again next frame, like 'throw'", () => {
    const memory = createMemory({ size: 1 << 16 }); // small: the ring grows until the buffer is full
    const tmp = createTemps(memory, { vec2: 0, vec3: 16, vec4: 0, quat: 0, mat3: 0, mat4: 0, onExhausted: 'grow' });
    const got = new Set<Float32Array>();
    let n = 0;
    const fail = expectError(() => { for (;;) { got.add(tmp.vec3()); n++; } }, 'OUT_OF_MEMORY');
    expect(fail.message).toContain('tmp.vec3.');
    const s = tmp.stats();
    const vec3Regions = memory.regions().filter((r) => r.name.startsWith('tmp.vec3.')).length;
    expect(s.growths).toBe(vec3Regions);
    expect(s.growths).toBeGreaterThan(0);
    // every view was handed out once in this frame, and the stats say exactly that (they said 2x views)
    expect(got.size).toBe(n);
    expect(s.rings.vec3).toEqual({ capacity: n - tempStep(16), views: n, step: tempStep(16), used: n, peak: n });
    // the same frame: it tries again and fails the same way, changing nothing
    expectError(() => tmp.vec3(), 'OUT_OF_MEMORY');
    expect(tmp.stats()).toEqual(s);
    memory.checkInvariants();
    for (let f = 0; f < 3; f++) {
      memory.advance(); // before the fix every later frame's first vec3() threw OUT_OF_MEMORY
      const frame = new Set<Float32Array>();
      for (let i = 0; i < s.rings.vec3.capacity; i++) frame.add(tmp.vec3());
      expect(frame.size).toBe(s.rings.vec3.capacity); // the guarantee holds: capacity distinct views
      const r = tmp.stats().rings.vec3;
      expect(r.used).toBeLessThanOrEqual(r.views);
      expect([r.capacity, r.views, tmp.stats().growths]).toEqual([s.rings.vec3.capacity, n, s.growths]);
    }
    memory.checkInvariants();
  });

  it("reset: 'manual' ignores the frame clock; reset() starts over", () => {
    const memory = mem();
    const tmp = createTemps(memory, { vec4: 4, reset: 'manual' });
    for (let i = 0; i < 4; i++) tmp.vec4();
    memory.advance();
    const extra: Float32Array[] = [];
    try { for (;;) extra.push(tmp.vec4()); } catch (e) { expect((e as { code: string }).code).toBe('TEMP_RING_EXHAUSTED'); }
    expect(extra.length).toBeLessThanOrEqual(tempStep(4)); // the frame change did not start it over
    tmp.reset();
    expect(() => { for (let i = 0; i < 4; i++) tmp.vec4(); }).not.toThrow();
    expect(tmp.stats().resets).toBe(1);
  });

  it('poison fills dead views with NaN', () => {
    const memory = mem();
    const tmp = createTemps(memory, { vec3: 4, poison: true, reset: 'manual' });
    const a = tmp.vec3();
    a.set([1, 2, 3]);
    tmp.reset();
    expect(Array.from(a).every(Number.isNaN)).toBe(true);
  });

  it('stats() reports capacity, views, step, used and peak', () => {
    const memory = mem();
    const tmp = createTemps(memory, { quat: 100 });
    for (let i = 0; i < 30; i++) tmp.quat();
    const r = tmp.stats().rings.quat;
    expect(r).toEqual({ capacity: 100, views: 100 + tempStep(100), step: tempStep(100), used: 30, peak: 30 });
    expect(tmp.stats().rings.vec3.capacity).toBe(DEFAULT_TEMPS.vec3);
    expect(Object.isFrozen(tmp.stats())).toBe(true);
  });

  it('model: within a frame no view is handed out twice, and n views per frame never throw', () => {
    const op = fc.oneof(
      { arbitrary: fc.record({ t: fc.constant('take' as const), k: fc.constantFrom(...KINDS), n: fc.integer({ min: 1, max: 40 }) }), weight: 6 },
      { arbitrary: fc.constant({ t: 'advance' as const }), weight: 2 },
      { arbitrary: fc.constant({ t: 'reset' as const }), weight: 1 },
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 60 }), fc.integer({ min: 1, max: 24 }), (ops, n) => {
      const memory = mem();
      const tmp = createTemps(memory, { vec2: n, vec3: n, vec4: n, quat: n, mat3: n, mat4: n });
      let live = new Map<TempKind, Set<Float32Array>>(KINDS.map((k) => [k, new Set()]));
      for (const o of ops) {
        if (o.t === 'advance') { memory.advance(); live = new Map(KINDS.map((k) => [k, new Set()])); continue; }
        if (o.t === 'reset') { tmp.reset(); live = new Map(KINDS.map((k) => [k, new Set()])); continue; }
        const set = live.get(o.k) ?? new Set();
        for (let i = 0; i < o.n; i++) {
          let v: Float32Array;
          try {
            v = take(tmp, o.k);
          } catch (e) {
            expect((e as { code: string }).code).toBe('TEMP_RING_EXHAUSTED');
            expect(set.size).toBeGreaterThanOrEqual(n); // the guarantee: n per frame
            break;
          }
          expect(set.has(v)).toBe(false); // never twice in one frame
          set.add(v);
        }
      }
    }), { numRuns: 150 });
  });
});

describe('gl-matrix works on ring views unchanged', () => {
  const memory = mem();
  const tmp = createTemps(memory);

  it('vec3: add, scale, sub, cross, normalize, dot, transformMat4, transformQuat', () => {
    const a = vec3.set(tmp.vec3(), 1, 2, 3);
    const b = vec3.set(tmp.vec3(), -4, 0.5, 2);
    expect(Array.from(vec3.add(tmp.vec3(), a, b))).toEqual([-3, 2.5, 5]);
    expect(Array.from(vec3.scale(tmp.vec3(), a, 2))).toEqual([2, 4, 6]);
    expect(Array.from(vec3.sub(tmp.vec3(), a, b))).toEqual([5, 1.5, 1]);
    const c = vec3.cross(tmp.vec3(), a, b);
    expect(Array.from(c)).toEqual(Array.from(vec3.cross(vec3.create(), [1, 2, 3], [-4, 0.5, 2])));
    expect(vec3.dot(a, b)).toBe(3);
    const n = vec3.normalize(tmp.vec3(), a);
    expect(vec3.length(n)).toBeCloseTo(1, 6);
    const m = mat4.fromTranslation(tmp.mat4(), [10, 0, 0]);
    expect(Array.from(vec3.transformMat4(tmp.vec3(), a, m))).toEqual([11, 2, 3]);
    const q = quat.setAxisAngle(tmp.quat(), [0, 0, 1], Math.PI / 2);
    const r = tmp.vec3();
    vec3.transformQuat(r, [1, 0, 0], q);
    expect(r[0]).toBeCloseTo(0, 6);
    expect(r[1]).toBeCloseTo(1, 6);
    expect(r.buffer).toBe(memory.buffer);
  });

  it('mat4: perspective, lookAt, multiply, invert, as on gl-matrix arrays', () => {
    const proj = mat4.perspective(tmp.mat4(), Math.PI / 3, 16 / 9, 0.1, 100);
    const view = mat4.lookAt(tmp.mat4(), [0, 2, 5], [0, 0, 0], [0, 1, 0]);
    const mvp = mat4.multiply(tmp.mat4(), proj, view);
    const ref = mat4.multiply(mat4.create(), mat4.perspective(mat4.create(), Math.PI / 3, 16 / 9, 0.1, 100),
      mat4.lookAt(mat4.create(), [0, 2, 5], [0, 0, 0], [0, 1, 0]));
    expect(Array.from(mvp)).toEqual(Array.from(ref));
    const inv = mat4.invert(tmp.mat4(), mvp);
    expect(inv).not.toBeNull();
    const id = mat4.multiply(tmp.mat4(), mvp, inv ?? mat4.create());
    for (let i = 0; i < 16; i++) expect(id[i]).toBeCloseTo(i % 5 === 0 ? 1 : 0, 4);
  });

  it('quat, mat3, vec4, vec2', () => {
    const q1 = quat.setAxisAngle(tmp.quat(), [0, 1, 0], 0.3);
    const q2 = quat.setAxisAngle(tmp.quat(), [0, 1, 0], 0.4);
    const q = quat.multiply(tmp.quat(), q1, q2);
    expect(quat.getAxisAngle(tmp.vec3(), q)).toBeCloseTo(0.7, 5);
    const model = mat4.fromRotationTranslationScale(tmp.mat4(), q, [1, 2, 3], [2, 2, 2]);
    const normal = mat3.normalFromMat4(tmp.mat3(), model);
    expect(normal).not.toBeNull();
    expect(Array.from(normal)).toEqual(Array.from(mat3.normalFromMat4(mat3.create(), model)));
    const p = vec4.transformMat4(tmp.vec4(), [0, 0, 0, 1], model);
    expect(Array.from(p)).toEqual([1, 2, 3, 1]);
    const v2 = vec2.rotate(tmp.vec2(), [1, 0], [0, 0], Math.PI);
    expect(v2[0]).toBeCloseTo(-1, 6);
  });
});
