import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemory, type Memory } from '../src/index.ts';
import { G_BRK } from '../src/memory/layout.ts';
import { GpuStaging, copyBytes, fillBytes, fillF32, zeroBytes } from '../src/typed/index.ts';
import { expectError, inBrowser } from './typed-helpers.ts';

const SIZE = 1 << 16;
/** Bytes of the block the tests work in: a frames-0 arena allocation (the helpers refuse bytes outside the regions). */
const BLOCK = 12288;

/** A memory of SIZE bytes and the offset of a BLOCK-byte block, 64-aligned, inside its regions. */
function setup(shared?: boolean): { memory: Memory; base: number } {
  const memory = createMemory({ size: SIZE, ...(shared === false ? { shared } : {}) });
  const base = memory.createArena('data', { capacity: BLOCK + 64, frames: 0 }).alloc(BLOCK, 64);
  return { memory, base };
}

/** The first index where `a` and `b` differ in [from, to), or -1: a plain loop (toEqual on 64 KiB views took seconds). */
function firstDiff(a: Uint8Array, b: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('bulk helpers: the same bytes as a byte loop would write', () => {
  it('fillBytes / zeroBytes on random ranges and values (0xff included)', () => {
    const { memory, base } = setup();
    const model = memory.u8.slice();
    fc.assert(fc.property(fc.integer({ min: 0, max: 4096 }), fc.integer({ min: 0, max: 2000 }), fc.oneof(fc.constant(0), fc.constant(0xff), fc.integer({ min: 0, max: 255 })), (at, n, v) => {
      const offset = base + 1024 + at;
      fillBytes(memory, offset, n, v);
      model.fill(v, offset, offset + n);
      if (n % 3 === 0) { zeroBytes(memory, offset, n); model.fill(0, offset, offset + n); }
      expect(firstDiff(memory.u8, model, base, base + BLOCK)).toBe(-1);
    }), { numRuns: 200 });
  });

  it('fillBytes / fillF32 on a single-thread (ArrayBuffer) memory write the same bytes through plain fills', () => {
    const { memory, base } = setup(false);
    fillBytes(memory, base + 1, 3000, 0xcd);
    expect(memory.u8[base]).toBe(0);
    expect(memory.u8.subarray(base + 1, base + 3001).every((b) => b === 0xcd)).toBe(true);
    expect(memory.u8[base + 3001]).toBe(0);
    const i = (base >> 2) + 1001;
    fillF32(memory, 4 * i, 1001, 2.5);
    expect(memory.f32[i - 1]).toBe(0);
    expect(memory.f32.subarray(i, i + 1001).every((f) => f === 2.5)).toBe(true);
    expect(memory.f32[i + 1001]).toBe(0);
  });

  it('copyBytes is a memmove (overlap both ways)', () => {
    // Every (src % 8, dst % 8) alignment class, overlapping forward (dst inside the source, after
    // its start) and backward (dst before the source, overlapping its start), for lengths on both
    // sides of the small-copy and seed sizes, plus disjoint and identical ranges: about 600
    // copies, each checked over the whole block with a plain loop. It was 100 random cases, each
    // compared over 64 KiB with toEqual: 17 s idle, 64-74 s on a loaded machine.
    const { memory, base } = setup();
    const u8 = memory.u8;
    for (let i = 0; i < BLOCK; i++) u8[base + i] = (i * 7 + (i >> 8)) & 0xff;
    const model = u8.slice();
    const mid = base + 4096;
    const copy = (dst: number, src: number, n: number): void => {
      copyBytes(memory, dst, src, n);
      model.copyWithin(dst, src, src + n);
      expect(firstDiff(u8, model, base, base + BLOCK), `copyBytes(${dst - mid}, ${src - mid}, ${n})`).toBe(-1);
    };
    let cases = 0;
    for (const n of [17, 64, 65, 1000, 2500]) {
      for (let a = 0; a < 8; a++) {
        for (let b = 0; b < 8; b++) {
          const src = mid + a;
          const ahead = ((b - a) & 7) + 8; // dst - src: positive, below n, dst % 8 === b
          copy(src + ahead, src, n); // forward overlap: dst after src
          copy(src - ahead, src, n); // backward overlap: dst before src (dst % 8 === (2a - b) % 8 covers every class over b)
          cases += 2;
        }
      }
    }
    for (const n of [0, 1, 3, 7, 8, 15, 16, 63]) { // short copies, both ways, by 1 to 3 bytes
      for (const d of [-3, -1, 1, 3]) { copy(mid + 1 + d, mid + 1, n); cases++; }
    }
    for (const n of [1, 100, 3000]) { copy(mid + 3000, mid - 3000, n); copy(mid - 3000, mid + 3000, n); copy(mid, mid, n); cases += 3; } // disjoint, identical
    expect(cases).toBeGreaterThan(600);
  });

  it('fillF32 writes float32 values (odd starts, odd counts, non-finite)', () => {
    const { memory, base } = setup();
    const at0 = base + 4096;
    for (const [at, count, v] of [[at0, 100, 1.5], [at0 + 4, 33, -0.1], [at0 + 8, 1, 3], [at0 + 12, 64, Number.NaN], [at0, 17, Number.POSITIVE_INFINITY], [at0 + 4, 1000, 1e39]] as const) {
      memory.f32.fill(7, (at0 >> 2) - 8, (at0 >> 2) + 2000);
      fillF32(memory, at, count, v);
      const i = at >> 2;
      expect(memory.f32[i - 1]).toBe(7);
      for (let k = 0; k < count; k++) expect(memory.f32[i + k]).toBe(Math.fround(v));
      expect(memory.f32[i + count]).toBe(7);
    }
  });

  it('rejects ranges outside the regions, misaligned floats and bad values (tests of every bad input: typed-bad-input.test.ts)', () => {
    const { memory, base } = setup();
    const brk = Atomics.load(memory.i32, G_BRK);
    expectError(() => { zeroBytes(memory, SIZE - 4, 8); }, 'INVALID_OFFSET');
    expectError(() => { zeroBytes(memory, -1, 8); }, 'INVALID_OFFSET');
    expectError(() => { zeroBytes(memory, 0, 8); }, 'INVALID_OFFSET');
    expectError(() => { copyBytes(memory, base, brk - 2, 4); }, 'INVALID_OFFSET');
    expectError(() => { fillF32(memory, base + 2, 4, 1); }, 'INVALID_OFFSET');
    expectError(() => { zeroBytes(memory, base, -1); }, 'INVALID_SIZE');
    expectError(() => { fillF32(memory, base, 1.5, 1); }, 'INVALID_SIZE');
    expectError(() => { fillBytes(memory, base, 4, 256); }, 'INVALID_OPTION');
    zeroBytes(memory, brk, 0); // an empty range at the end of the regions is fine
  });
});

describe('GpuStaging: shared data into a plain buffer', () => {
  it('copies the range into a non-shared ArrayBuffer, grows, and reuses its source views', () => {
    const { memory, base } = setup();
    const f = base >> 2;
    for (let i = 0; i < BLOCK / 4; i++) memory.f32[f + i] = i;
    const staging = new GpuStaging(memory, 1024);
    const data = staging.stage(base, 4096);
    expect(data.buffer).toBeInstanceOf(ArrayBuffer);
    expect(typeof SharedArrayBuffer === 'undefined' || !(data.buffer instanceof SharedArrayBuffer)).toBe(true);
    expect(data.byteLength).toBeGreaterThanOrEqual(4096);
    expect(Array.from(staging.f32.subarray(0, 8))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(staging.stageF32(base + 40, 3).subarray(0, 3)).toEqual(new Float32Array([10, 11, 12]));
    memory.f32[f] = 99;
    expect(staging.stageF32(base, 1024)[0]).toBe(99);
    expectError(() => staging.stage(SIZE - 8, 16), 'INVALID_OFFSET');
    expectError(() => staging.stageF32(base + 2, 2), 'INVALID_OFFSET');
  });

  it('browsers: ImageData (the texImage2D / createImageBitmap source) refuses a shared view, takes the staged copy', () => {
    if (!inBrowser) return;
    const { memory, base } = setup();
    for (let i = 0; i < 64; i++) memory.u8[base + i] = i;
    // TypeScript's DOM types already refuse a shared view here; the browsers do too
    const shared = new Uint8ClampedArray(memory.buffer, base, 64) as unknown as Uint8ClampedArray<ArrayBuffer>;
    if (memory.shared) expect(() => new ImageData(shared, 4, 4)).toThrow(TypeError);
    const staging = new GpuStaging(memory);
    const img = new ImageData(new Uint8ClampedArray(staging.stage(base, 64).buffer, 0, 64), 4, 4);
    expect(img.data[63]).toBe(63);
  });

  it('feeds WebGL2 bufferSubData where a context exists (browsers)', () => {
    if (!inBrowser) return;
    const gl = document.createElement('canvas').getContext('webgl2');
    if (gl === null) {
      console.warn('no WebGL2 context here: the upload half of this test did not run');
      return;
    }
    const { memory, base } = setup();
    memory.f32.fill(2.5, base >> 2, (base >> 2) + 64);
    const staging = new GpuStaging(memory);
    const buf = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, buf);
    gl.bufferData(gl.ARRAY_BUFFER, 256, gl.DYNAMIC_DRAW);
    gl.bufferSubData(gl.ARRAY_BUFFER, 0, staging.stage(base, 256), 0, 256);
    expect(gl.getError()).toBe(gl.NO_ERROR);
  });
});
