/**
 * Bulk copy, fill and zero of memory regions at memory speed, and staging of shared data into a
 * plain buffer for GPU uploads. On a SharedArrayBuffer V8's `fill` writes one element at a time
 * (PERF-BASELINE.md D: `Uint8Array.fill` 3.3 GB/s), while copies (`copyWithin`, `set`) run at
 * about 25 GB/s whatever the type: so fills write a small seed and copy it, doubling.
 *
 * Every helper checks its range in both builds (they are not per-element hot): it must lie
 * inside the memory's regions, `[DATA_START, brk)`, so offset 0 (a failed `tryAlloc`) and the
 * header that workers attach through can never be overwritten. Counts must be whole numbers.
 * @module
 */
import type { Offset } from '../api.ts';
import { memoryError, type MemoryError } from '../errors.ts';
import { DATA_START, G_BRK, MAX_MEMORY_BYTES } from '../memory/layout.ts';
import type { Memory } from '../runtime/memory.ts';

/** Below this many bytes a plain loop beats the call overhead. */
const SMALL = 64;

/** Most bytes a {@link GpuStaging} may hold: a memory is never larger. */
const MAX_STAGING_BYTES = MAX_MEMORY_BYTES;

/**
 * True when `[offset, offset + bytes)` lies inside the memory's regions, `[DATA_START, brk)`,
 * with `offset` a multiple of `align` (a power of two) and `bytes` a whole number, 0 or more.
 * Offset 0 (what a failed `tryAlloc` returns) and the header below DATA_START are outside.
 * Allocates nothing: the hot half of every bulk helper's check, in both builds.
 */
function inRegions(memory: Memory, offset: number, bytes: number, align: number): boolean {
  return Number.isInteger(bytes) && bytes >= 0 && Number.isInteger(offset) && offset >= DATA_START &&
    offset + bytes <= Atomics.load(memory.i32, G_BRK) && (offset & (align - 1)) === 0;
}

/**
 * The cold half of the checks: the error for a count (`what`: 'byte count' or 'float count')
 * that is not a whole number 0 or more, or for a range outside the regions.
 */
function rangeError(memory: Memory, op: string, offset: unknown, count: unknown, what: string, align: number): MemoryError {
  const brk = Atomics.load(memory.i32, G_BRK);
  const state = { dataStart: DATA_START, brk, byteLength: memory.byteLength };
  const request = { op, offset, [what === 'byte count' ? 'bytes' : 'count']: count };
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    return memoryError('INVALID_SIZE', `${op}: ${what} ${String(count)} is not a whole number, 0 or more`, {
      allocator: 'memory', request, state, suggestion: `pass a whole number (${what === 'byte count' ? 'bytes' : 'floats'}), 0 or more.`,
    });
  }
  const bytes = what === 'byte count' ? count : count * 4;
  const o = typeof offset === 'number' ? offset : Number.NaN;
  const range = `[${String(offset)}, ${String(o + bytes)})`;
  const why = o === 0 ? 'offset 0 is "no block" (what a failed tryAlloc returns); it is the memory\'s header'
    : !Number.isInteger(o) ? 'the offset is not a whole number'
      : o < DATA_START ? `it starts in the memory's header and region table (below ${DATA_START})`
        : o + bytes > brk ? `it passes the end of the regions (${brk})`
          : `the offset is not a multiple of ${align}`;
  return memoryError('INVALID_OFFSET', `${op}: ${range} is not ${align > 1 ? `a ${align}-aligned range ` : 'a range '}inside the memory's regions: ${why}`, {
    allocator: 'memory', request, state,
    suggestion: `pass the offset of an allocation (not 0) and at most its size${align > 1 ? `; the offset must be a multiple of ${align}` : ''}.`,
  });
}

/** Throws unless `[offset, offset + bytes)` is inside the regions (see {@link inRegions}). */
function checkBytes(memory: Memory, op: string, offset: number, bytes: number): void {
  if (!inRegions(memory, offset, bytes, 1)) throw rangeError(memory, op, offset, bytes, 'byte count', 1);
}

/** Throws unless `count` floats from the 4-aligned `offset` are inside the regions. */
function checkFloats(memory: Memory, op: string, offset: number, count: number): void {
  if (!Number.isInteger(count) || !inRegions(memory, offset, count * 4, 4)) throw rangeError(memory, op, offset, count, 'float count', 4);
}

/** INVALID_OPTION for a fill value of the wrong kind. */
function valueError(op: string, value: unknown, what: string, fix: string): MemoryError {
  return memoryError('INVALID_OPTION', `${op}: value ${String(value)} is not ${what}`, {
    allocator: 'memory', request: { op, value: typeof value === 'number' ? value : String(value) }, state: {}, suggestion: fix,
  });
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
 * @param bytes - a whole number, 0 or more.
 * @param value - 0 to 255.
 * @throws {@link nebula-memory!MemoryError} `INVALID_OFFSET` for a range outside the memory's regions (offset 0,
 * the header, past the last region), `INVALID_SIZE` for a byte count that is not a whole number
 * 0 or more, `INVALID_OPTION` for another value.
 * @example
 * ```ts
 * fillBytes(memory, p, 4096, 0xcd); // poison a block
 * ```
 */
export function fillBytes(memory: Memory, offset: Offset, bytes: number, value: number): void {
  checkBytes(memory, 'fillBytes', offset, bytes);
  if (!Number.isInteger(value) || value < 0 || value > 255) throw valueError('fillBytes', value, 'a byte', 'pass 0 to 255.');
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
 * @throws {@link nebula-memory!MemoryError} `INVALID_OFFSET` (offset 0, outside the regions), `INVALID_SIZE`.
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
 * @param count - floats, a whole number 0 or more (1.5 is `INVALID_SIZE`).
 * @throws {@link nebula-memory!MemoryError} `INVALID_OFFSET` for a misaligned range or one outside the regions
 * (offset 0 included), `INVALID_SIZE` for a bad count, `INVALID_OPTION` for a value that is not a number.
 * @example
 * ```ts
 * fillF32(memory, lifeColumn, n, 1); // every particle's life = 1
 * ```
 */
export function fillF32(memory: Memory, offset: Offset, count: number, value: number): void {
  checkFloats(memory, 'fillF32', offset, count);
  if (typeof value !== 'number') throw valueError('fillF32', value, 'a number', 'pass a number (any float, NaN included).');
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
 * @throws {@link nebula-memory!MemoryError} `INVALID_OFFSET` when either range is outside the regions (offset 0
 * included), `INVALID_SIZE`.
 * @example
 * ```ts
 * copyBytes(memory, next, prev, Particle.size * n); // double-buffered state
 * ```
 */
export function copyBytes(memory: Memory, dst: Offset, src: Offset, bytes: number): void {
  checkBytes(memory, 'copyBytes', src, bytes);
  checkBytes(memory, 'copyBytes', dst, bytes);
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
   * @param bytes - initial size of the staging buffer: a whole number up to 2^30 (smaller than
   * 64 means 64). @defaultValue 65536
   * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` for any other `bytes` (NaN, Infinity, fractional, negative).
   */
  constructor(memory: Memory, bytes = 65536) {
    if (!Number.isInteger(bytes) || bytes < 0 || bytes > MAX_STAGING_BYTES) {
      throw memoryError('INVALID_OPTION', `GpuStaging: initial size ${String(bytes)} is not a whole number of bytes from 0 to ${MAX_STAGING_BYTES}`, {
        allocator: 'memory', request: { op: 'GpuStaging', bytes: typeof bytes === 'number' ? bytes : String(bytes) }, state: { byteLength: memory.byteLength },
        suggestion: 'pass the largest upload in bytes (it grows when needed), or omit it for 64 KiB.',
      });
    }
    this.memory = memory;
    this.buffer = new ArrayBuffer(Math.max(64, bytes));
    this.u8 = new Uint8Array(this.buffer);
    this.f32 = new Float32Array(this.buffer);
  }

  /**
   * Copies `[offset, offset + bytes)` of the memory to the start of the staging buffer.
   *
   * Thread-safety: owner thread.
   * @param bytes - a whole number, 0 or more.
   * @returns {@link GpuStaging.u8} (length >= bytes; the data is its first `bytes` bytes).
   * @throws {@link nebula-memory!MemoryError} `INVALID_OFFSET` for a range outside the memory's regions (offset 0
   * included), `INVALID_SIZE` for a byte count that is not a whole number 0 or more.
   * @example
   * ```ts
   * gl.bufferSubData(gl.ARRAY_BUFFER, 0, staging.stage(p, n), 0, n);
   * ```
   */
  stage(offset: Offset, bytes: number): Uint8Array<ArrayBuffer> {
    checkBytes(this.memory, 'stage', offset, bytes);
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
   * @throws {@link nebula-memory!MemoryError} `INVALID_OFFSET` (also for an offset that is not a multiple of 4), `INVALID_SIZE`.
   * @example
   * ```ts
   * gl.uniformMatrix4fv(loc, false, staging.stageF32(model, 16), 0, 16);
   * ```
   */
  stageF32(offset: Offset, count: number): Float32Array<ArrayBuffer> {
    checkFloats(this.memory, 'stageF32', offset, count);
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
    let n = Math.max(64, this.buffer.byteLength); // bytes <= 2^30 (inside a memory): at most 24 doublings
    while (n < bytes) n *= 2;
    this.buffer = new ArrayBuffer(n);
    this.u8 = new Uint8Array(this.buffer);
    this.f32 = new Float32Array(this.buffer);
  }
}
