import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemory } from '../src/index.ts';
import { GpuStaging, copyBytes, fillBytes, fillF32, zeroBytes } from '../src/typed/index.ts';
import { expectError, inBrowser } from './typed-helpers.ts';

const SIZE = 1 << 16;

describe('bulk helpers: the same bytes as a byte loop would write', () => {
  it('fillBytes / zeroBytes on random ranges and values (0xff included)', () => {
    const memory = createMemory({ size: SIZE });
    const model = new Uint8Array(SIZE);
    fc.assert(fc.property(fc.integer({ min: 0, max: 4096 }), fc.integer({ min: 0, max: 2000 }), fc.oneof(fc.constant(0), fc.constant(0xff), fc.integer({ min: 0, max: 255 })), (at, n, v) => {
      const offset = 8192 + at;
      fillBytes(memory, offset, n, v);
      model.fill(v, offset, offset + n);
      if (n % 3 === 0) { zeroBytes(memory, offset, n); model.fill(0, offset, offset + n); }
      expect(memory.u8.subarray(8000, 16000)).toEqual(model.subarray(8000, 16000));
    }), { numRuns: 200 });
  });

  it('fillBytes / fillF32 on a single-thread (ArrayBuffer) memory write the same bytes through plain fills', () => {
    const memory = createMemory({ size: SIZE, shared: false });
    fillBytes(memory, 8193, 3000, 0xcd);
    expect(memory.u8[8192]).toBe(0);
    expect(memory.u8.subarray(8193, 11193).every((b) => b === 0xcd)).toBe(true);
    expect(memory.u8[11193]).toBe(0);
    fillF32(memory, 12004, 1001, 2.5);
    expect(memory.f32[3000]).toBe(0);
    expect(memory.f32.subarray(3001, 4002).every((f) => f === 2.5)).toBe(true);
    expect(memory.f32[4002]).toBe(0);
  });

  it('copyBytes is a memmove (overlap both ways)', () => {
    const memory = createMemory({ size: SIZE });
    for (let i = 0; i < 4096; i++) memory.u8[8192 + i] = i * 7;
    const model = memory.u8.slice();
    fc.assert(fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 2000 }), (s, d, n) => {
      copyBytes(memory, 8192 + d, 8192 + s, n);
      model.copyWithin(8192 + d, 8192 + s, 8192 + s + n);
      expect(memory.u8).toEqual(model);
    }), { numRuns: 100 });
  });

  it('fillF32 writes float32 values (odd starts, odd counts, non-finite)', () => {
    const memory = createMemory({ size: SIZE });
    for (const [at, count, v] of [[8192, 100, 1.5], [8196, 33, -0.1], [8200, 1, 3], [8204, 64, Number.NaN], [8192, 17, Number.POSITIVE_INFINITY], [8196, 1000, 1e39]] as const) {
      memory.f32.fill(7, 2000, 2000 + 2000);
      fillF32(memory, at, count, v);
      const i = at >> 2;
      expect(memory.f32[i - 1]).toBe(7);
      for (let k = 0; k < count; k++) expect(memory.f32[i + k]).toBe(Math.fround(v));
      expect(memory.f32[i + count]).toBe(7);
    }
  });

  it('rejects ranges outside the memory, misaligned floats and bad values', () => {
    const memory = createMemory({ size: SIZE });
    expectError(() => { zeroBytes(memory, SIZE - 4, 8); }, 'INVALID_OFFSET');
    expectError(() => { zeroBytes(memory, -1, 8); }, 'INVALID_OFFSET');
    expectError(() => { copyBytes(memory, 0, SIZE - 2, 4); }, 'INVALID_OFFSET');
    expectError(() => { fillF32(memory, 8194, 4, 1); }, 'INVALID_OFFSET');
    expectError(() => { zeroBytes(memory, 8192, -1); }, 'INVALID_SIZE');
    expectError(() => { fillBytes(memory, 8192, 4, 256); }, 'INVALID_OPTION');
    zeroBytes(memory, SIZE, 0); // an empty range at the end is fine
  });
});

describe('GpuStaging: shared data into a plain buffer', () => {
  it('copies the range into a non-shared ArrayBuffer, grows, and reuses its source views', () => {
    const memory = createMemory({ size: SIZE });
    for (let i = 0; i < 4096; i++) memory.f32[2048 + i] = i;
    const staging = new GpuStaging(memory, 1024);
    const data = staging.stage(8192, 4096);
    expect(data.buffer).toBeInstanceOf(ArrayBuffer);
    expect(typeof SharedArrayBuffer === 'undefined' || !(data.buffer instanceof SharedArrayBuffer)).toBe(true);
    expect(data.byteLength).toBeGreaterThanOrEqual(4096);
    expect(Array.from(staging.f32.subarray(0, 8))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(staging.stageF32(8192 + 40, 3).subarray(0, 3)).toEqual(new Float32Array([10, 11, 12]));
    memory.f32[2048] = 99;
    expect(staging.stageF32(8192, 1024)[0]).toBe(99);
    expectError(() => staging.stage(SIZE - 8, 16), 'INVALID_OFFSET');
    expectError(() => staging.stageF32(8194, 2), 'INVALID_OFFSET');
  });

  it('browsers: ImageData (the texImage2D / createImageBitmap source) refuses a shared view, takes the staged copy', () => {
    if (!inBrowser) return;
    const memory = createMemory({ size: SIZE });
    for (let i = 0; i < 64; i++) memory.u8[8192 + i] = i;
    // TypeScript's DOM types already refuse a shared view here; the browsers do too
    const shared = new Uint8ClampedArray(memory.buffer, 8192, 64) as unknown as Uint8ClampedArray<ArrayBuffer>;
    if (memory.shared) expect(() => new ImageData(shared, 4, 4)).toThrow(TypeError);
    const staging = new GpuStaging(memory);
    const img = new ImageData(new Uint8ClampedArray(staging.stage(8192, 64).buffer, 0, 64), 4, 4);
    expect(img.data[63]).toBe(63);
  });

  it('feeds WebGL2 bufferSubData where a context exists (browsers)', () => {
    if (!inBrowser) return;
    const gl = document.createElement('canvas').getContext('webgl2');
    if (gl === null) {
      console.warn('no WebGL2 context here: the upload half of this test did not run');
      return;
    }
    const memory = createMemory({ size: SIZE });
    memory.f32.fill(2.5, 2048, 2048 + 64);
    const staging = new GpuStaging(memory);
    const buf = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, buf);
    gl.bufferData(gl.ARRAY_BUFFER, 256, gl.DYNAMIC_DRAW);
    gl.bufferSubData(gl.ARRAY_BUFFER, 0, staging.stage(8192, 256), 0, 256);
    expect(gl.getError()).toBe(gl.NO_ERROR);
  });
});
