/**
 * Bulk copy, fill and zero of memory regions at memory speed, and staging of shared data into a
 * plain buffer for GPU uploads. On a SharedArrayBuffer V8's `fill` writes one element at a time
 * (PERF-BASELINE.md D: `Uint8Array.fill` 3.3 GB/s), while copies (`copyWithin`, `set`) run at
 * about 25 GB/s whatever the type: so fills write a small seed and copy it, doubling.
 * @module
 */
import type { Offset } from '../api.ts';
import { memoryError } from '../errors.ts';
import type { Memory } from '../memory/memory.ts';

/** Below this many bytes a plain loop beats the call overhead. */
const SMALL = 64;

function checkRange(memory: Memory, op: string, offset: number, bytes: number, align = 1): void {
  if (!Number.isInteger(bytes) || bytes < 0) {
    throw memoryError('INVALID_SIZE', `${op}: byte count ${String(bytes)} is not a whole number`, {
      allocator: 'memory', request: { op, offset, bytes }, state: { byteLength: memory.byteLength }, suggestion: 'pass a whole number of bytes, 0 or more.',
    });
  }
  if (!Number.isInteger(offset) || offset < 0 || offset + bytes > memory.byteLength || offset % align !== 0) {
    throw memoryError('INVALID_OFFSET', `${op}: [${String(offset)}, ${String(offset + bytes)}) is not ${align > 1 ? `a ${align}-aligned range ` : 'a range '}inside the memory`, {
      allocator: 'memory', request: { op, offset, bytes }, state: { byteLength: memory.byteLength },
      suggestion: `pass an offset of an allocation and at most its size${align > 1 ? `; the offset must be a multiple of ${align}` : ''}.`,
    });
  }
}

/** Bytes written by a plain `fill` before {@link doubleUp} copies them: below this, one `fill` is as fast. */
const SEED_BYTES = 1024;

/**
 * Fills `[from + seeded, from + count)` of `view` by copying its first `seeded` elements over and
 * over, doubling the copied run each time (`copyWithin`, a memmove: about 25 GB/s on a
 * SharedArrayBuffer, where V8's `fill` writes one element at a time). Passes no value to a
 * builtin, so nothing is boxed: a float64 argument would be a heap number on every call.
 */
function doubleUp(view: Uint8Array | Float32Array, from: number, seeded: number, count: number): void {
  let filled = seeded;
  while (filled < count) {
    const run = filled < count - filled ? filled : count - filled;
    view.copyWithin(from + filled, from, from + run);
    filled += run;
  }
}

/**
 * Fills `[offset, offset + bytes)` with the byte `value`: the first kilobyte with one `fill`,
 * the rest by doubling copies of it (`copyWithin`: 4-8x a `Uint8Array.fill` on a
 * SharedArrayBuffer, where V8 writes one byte at a time; docs/PERFORMANCE.md). Allocates nothing.
 *
 * Thread-safety: any worker, on memory it owns (the writes are not atomic).
 * @param value - 0 to 255.
 * @throws {@link MemoryError} `INVALID_OFFSET` for a range outside the memory, `INVALID_SIZE`.
 * @example
 * ```ts
 * fillBytes(memory, p, 4096, 0xcd); // poison a block
 * ```
 */
export function fillBytes(memory: Memory, offset: Offset, bytes: number, value: number): void {
  checkRange(memory, 'fillBytes', offset, bytes);
  if (!Number.isInteger(value) || value < 0 || value > 255) {
    throw memoryError('INVALID_OPTION', `fillBytes: value ${String(value)} is not a byte`, {
      allocator: 'memory', request: { op: 'fillBytes', value }, state: {}, suggestion: 'pass 0 to 255.',
    });
  }
  const u8 = memory.u8;
  // an ArrayBuffer (single-thread mode) fills bytes at full speed; the copies are for
  // SharedArrayBuffers, which V8 writes one element at a time (PERF-BASELINE, conclusion 6)
  if (!memory.shared || bytes <= SEED_BYTES) { u8.fill(value, offset, offset + bytes); return; }
  u8.fill(value, offset, offset + SEED_BYTES);
  doubleUp(u8, offset, SEED_BYTES, bytes);
}

/**
 * Zeroes `[offset, offset + bytes)`: {@link fillBytes} with 0.
 *
 * Thread-safety: any worker, on memory it owns.
 * @throws {@link MemoryError} `INVALID_OFFSET`, `INVALID_SIZE`.
 * @example
 * ```ts
 * zeroBytes(memory, block, Particle.size * n);
 * ```
 */
export function zeroBytes(memory: Memory, offset: Offset, bytes: number): void {
  fillBytes(memory, offset, bytes, 0);
}

/**
 * Writes `value` (as float32) into `count` floats from `offset` (4-aligned): the first 256 with
 * one `fill`, the rest by doubling copies of them, as {@link fillBytes} does. Any value, NaN
 * included, is copied bit for bit. Allocates nothing.
 *
 * Thread-safety: any worker, on memory it owns.
 * @throws {@link MemoryError} `INVALID_OFFSET` for a misaligned or outside range, `INVALID_SIZE`.
 * @example
 * ```ts
 * fillF32(memory, lifeColumn, n, 1); // every particle's life = 1
 * ```
 */
export function fillF32(memory: Memory, offset: Offset, count: number, value: number): void {
  checkRange(memory, 'fillF32', offset, count * 4, 4);
  const f32 = memory.f32;
  const i = offset >> 2;
  const seed = SEED_BYTES / 4;
  if (!memory.shared || count <= seed) { f32.fill(value, i, i + count); return; }
  f32.fill(value, i, i + seed);
  doubleUp(f32, i, seed, count);
}

/**
 * Copies `bytes` bytes from `src` to `dst` inside the memory (overlap allowed, like memmove),
 * with one `copyWithin`.
 *
 * Thread-safety: any worker, on memory it owns.
 * @throws {@link MemoryError} `INVALID_OFFSET`, `INVALID_SIZE`.
 * @example
 * ```ts
 * copyBytes(memory, next, prev, Particle.size * n); // double-buffered state
 * ```
 */
export function copyBytes(memory: Memory, dst: Offset, src: Offset, bytes: number): void {
  checkRange(memory, 'copyBytes', src, bytes);
  checkRange(memory, 'copyBytes', dst, bytes);
  memory.u8.copyWithin(dst, src, src + bytes);
}

/** Source views kept by a {@link GpuStaging}: the ranges staged every frame hit it. */
const SOURCE_CACHE = 8;

/**
 * A plain (non-shared) buffer that shared data is copied into for GPU uploads that reject
 * shared views (WebGPU `writeBuffer`, WebGL `texImage2D`/`bufferSubData` in some browsers).
 * `stage()` copies and returns the staging view, which keeps its full length: pass the byte count
 * to the upload call. Those calls copy synchronously, so one staging buffer serves every upload.
 *
 * Garbage: none when the same ranges are staged each frame (their source views are cached, 8 of
 * them), and none below 64 bytes; a new range costs one view object, growth one buffer.
 *
 * Thread-safety: owner thread.
 * @example
 * ```ts
 * const staging = new GpuStaging(memory, 1 << 20);
 * const data = staging.stage(particlesBase, bytes);
 * device.queue.writeBuffer(gpuBuffer, 0, data, 0, bytes);
 * ```
 */
export class GpuStaging {
  /** The plain buffer; replaced by a larger one when a stage does not fit. */
  buffer: ArrayBuffer;
  /** Byte view of the whole staging buffer. */
  u8: Uint8Array<ArrayBuffer>;
  /** Float32 view of the whole staging buffer. */
  f32: Float32Array<ArrayBuffer>;
  private readonly memory: Memory;
  private readonly keys = new Float64Array(2 * SOURCE_CACHE).fill(-1);
  private readonly views: Uint8Array[] = Array.from({ length: SOURCE_CACHE }, () => new Uint8Array(0));
  private victim = 0;

  /**
   * @param memory - the memory to stage from.
   * @param bytes - initial size of the staging buffer. @defaultValue 65536
   */
  constructor(memory: Memory, bytes = 65536) {
    this.memory = memory;
    this.buffer = new ArrayBuffer(Math.max(64, bytes));
    this.u8 = new Uint8Array(this.buffer);
    this.f32 = new Float32Array(this.buffer);
  }

  /**
   * Copies `[offset, offset + bytes)` of the memory to the start of the staging buffer.
   *
   * Thread-safety: owner thread.
   * @returns {@link GpuStaging.u8} (length >= bytes; the data is its first `bytes` bytes).
   * @throws {@link MemoryError} `INVALID_OFFSET`, `INVALID_SIZE`.
   * @example
   * ```ts
   * gl.bufferSubData(gl.ARRAY_BUFFER, 0, staging.stage(p, n), 0, n);
   * ```
   */
  stage(offset: Offset, bytes: number): Uint8Array<ArrayBuffer> {
    checkRange(this.memory, 'stage', offset, bytes);
    if (bytes > this.buffer.byteLength) this.growTo(bytes);
    const dst = this.u8;
    if (bytes < SMALL) {
      const src = this.memory.u8;
      for (let k = 0; k < bytes; k++) dst[k] = src[offset + k];
      return dst;
    }
    dst.set(this.source(offset, bytes));
    return dst;
  }

  /**
   * Like {@link GpuStaging.stage} for `count` floats at a 4-aligned offset.
   *
   * Thread-safety: owner thread.
   * @returns {@link GpuStaging.f32} (the data is its first `count` floats).
   * @example
   * ```ts
   * gl.uniformMatrix4fv(loc, false, staging.stageF32(model, 16), 0, 16);
   * ```
   */
  stageF32(offset: Offset, count: number): Float32Array<ArrayBuffer> {
    checkRange(this.memory, 'stageF32', offset, count * 4, 4);
    this.stage(offset, count * 4);
    return this.f32;
  }

  private source(offset: number, bytes: number): Uint8Array {
    const keys = this.keys;
    for (let k = 0; k < SOURCE_CACHE; k++) {
      if (keys[2 * k] === offset && keys[2 * k + 1] === bytes) return this.views[k];
    }
    const k = this.victim;
    this.victim = (k + 1) % SOURCE_CACHE;
    keys[2 * k] = offset;
    keys[2 * k + 1] = bytes;
    const v = new Uint8Array(this.memory.buffer, offset, bytes);
    this.views[k] = v;
    return v;
  }

  private growTo(bytes: number): void {
    let n = this.buffer.byteLength;
    while (n < bytes) n *= 2;
    this.buffer = new ArrayBuffer(n);
    this.u8 = new Uint8Array(this.buffer);
    this.f32 = new Float32Array(this.buffer);
  }
}
