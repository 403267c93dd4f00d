/**
 * Opening the buffer: a new one with its global header (createMemory), or one made elsewhere,
 * checked before a thread joins it (attachMemory). Cold paths, once per thread.
 * @module
 * @internal
 */
import type { AttachOptions, MemoryOptions, SharedMemoryInit } from '../api.ts';
import { memoryError, typeName } from '../errors.ts';
import { type IsolationReport, ISOLATION_FIX, isolationReport, unsharedOnPurposeReport } from './isolation.ts';
import { stampMemoryId } from './liveness.ts';
import { DATA_START, G_ATTACHES, G_BRK, G_MAGIC, G_SHARED, G_SIZE, G_VERSION, LAYOUT_VERSION, MAGIC, MAX_MEMORY_BYTES, MAX_THREADS } from './layout.ts';
import { claimThreadId, fillThreadSlot, initThreadTable, validateThreadName } from './threads.ts';

/** Smallest memory: the header, the tables and the frame-time ring (DATA_START, 8,512 bytes), and room for a few regions. */
export const MIN_MEMORY_BYTES = 16384;

/** A buffer this thread has joined: what a memory's constructor takes. */
export interface OpenedBuffer {
  /** The buffer. */
  readonly buffer: SharedArrayBuffer | ArrayBuffer;
  /** This thread's id. */
  readonly threadId: number;
  /** Why the buffer is or is not shared. */
  readonly isolation: IsolationReport;
  /** This thread's generation of its id. */
  readonly generation: number;
}

/**
 * createMemory()'s work: validates the options, makes the buffer (shared when this context can
 * share memory), writes the global header and claims thread id 0. Errors as createMemory documents.
 */
export function newMemoryBuffer(options: MemoryOptions): OpenedBuffer {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw memoryError('INVALID_OPTION', `createMemory(${typeName(options)}) needs an options object`, {
      allocator: 'memory', request: { options: typeName(options) }, state: {},
      suggestion: 'pass an object such as { size: 16 << 20 }.',
    });
  }
  validateThreadName(options.name);
  const size = options.size;
  if (!Number.isInteger(size) || size < MIN_MEMORY_BYTES || size > MAX_MEMORY_BYTES || size % 8 !== 0) {
    throw memoryError('INVALID_OPTION', `memory size ${String(size)} is not allowed`, {
      allocator: 'memory', request: { size }, state: {},
      suggestion: `use a multiple of 8 from ${MIN_MEMORY_BYTES} to ${MAX_MEMORY_BYTES} bytes (1 GiB).`,
    });
  }
  const warn = (options as { warnIfNotShared?: unknown }).warnIfNotShared;
  if (warn !== undefined && typeof warn !== 'boolean') {
    throw memoryError('INVALID_OPTION', `warnIfNotShared ${typeName(warn)} is not a boolean`, {
      allocator: 'memory', request: { warnIfNotShared: typeName(warn) }, state: {},
      suggestion: 'pass true (the default: warn once when the memory falls back to an ArrayBuffer) or false.',
    });
  }
  const report = isolationReport();
  const want = options.shared ?? 'auto';
  if (want === true && !report.shared) {
    throw memoryError('NOT_SHARED', `shared memory was required, but ${report.reason}`, {
      allocator: 'memory', request: { size, shared: true }, state: { environment: report.environment, crossOriginIsolated: String(report.crossOriginIsolated) },
      suggestion: report.fix,
    });
  }
  const useShared = want === false ? false : report.shared;
  const buffer = useShared ? new SharedArrayBuffer(size) : new ArrayBuffer(size);
  const isolation = useShared || want !== false ? report : unsharedOnPurposeReport(report);
  const i32 = new Int32Array(buffer);
  i32[G_MAGIC] = MAGIC;
  i32[G_VERSION] = LAYOUT_VERSION;
  i32[G_SIZE] = size;
  i32[G_BRK] = DATA_START;
  i32[G_SHARED] = useShared ? 1 : 0;
  stampMemoryId(i32);
  initThreadTable(i32);
  const tid = claimThreadId(i32); // 0: the creator
  const gen = fillThreadSlot(i32, new Uint8Array(buffer), tid, options.name ?? 'main');
  return { buffer, threadId: tid, isolation, generation: gen };
}

/**
 * attachMemory()'s work: validates what memory.share() posted, checks the header, and claims
 * the lowest free thread id. Errors as attachMemory documents.
 */
export function attachBuffer(init: SharedMemoryInit, options: AttachOptions = {}): OpenedBuffer {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw memoryError('INVALID_OPTION', `attachMemory options ${typeName(options)} is not an object`, {
      allocator: 'memory', request: { options: typeName(options) }, state: {}, suggestion: 'pass { name: "sim-1" } or leave the options out.',
    });
  }
  validateThreadName(options.name);
  const buffer = (init as Partial<SharedMemoryInit> | null)?.buffer as unknown;
  const fail = (code: 'BAD_BUFFER' | 'NOT_SHARED' | 'BAD_MAGIC' | 'BAD_VERSION' | 'TOO_MANY_THREADS', what: string, state: Record<string, unknown>, fix: string): never => {
    throw memoryError(code, what, { allocator: 'memory', request: { op: 'attachMemory' }, state, suggestion: fix });
  };
  if (typeof ArrayBuffer === 'function' && buffer instanceof ArrayBuffer) {
    fail('NOT_SHARED', 'attachMemory() got an ArrayBuffer: the worker would have a copy, not shared memory', {},
      'the creating page is not cross-origin isolated; ' + ISOLATION_FIX);
  }
  if (typeof SharedArrayBuffer !== 'function' || !(buffer instanceof SharedArrayBuffer)) {
    fail('BAD_BUFFER', 'attachMemory() needs the object returned by memory.share()', { got: typeof buffer },
      'post memory.share() to the worker and pass the received object to attachMemory().');
  }
  const sab = buffer as SharedArrayBuffer;
  if (sab.byteLength < MIN_MEMORY_BYTES || sab.byteLength % 8 !== 0) {
    fail('BAD_BUFFER', `a buffer of ${sab.byteLength} bytes cannot hold a nebula-memory header`, { byteLength: sab.byteLength },
      'pass the buffer of memory.share(), not another SharedArrayBuffer.');
  }
  const i32 = new Int32Array(sab);
  if (i32[G_MAGIC] !== MAGIC) {
    fail('BAD_MAGIC', `the buffer starts with 0x${(i32[G_MAGIC] >>> 0).toString(16)}, not the nebula-memory magic 0x${MAGIC.toString(16)}`,
      { magic: i32[G_MAGIC] }, 'pass the buffer of memory.share(); this one was not made by createMemory() or was overwritten.');
  }
  if (i32[G_VERSION] !== LAYOUT_VERSION || init.version !== LAYOUT_VERSION) {
    fail('BAD_VERSION', `layout version ${i32[G_VERSION]} (message says ${String(init.version)}), this build reads ${LAYOUT_VERSION}`,
      { version: i32[G_VERSION] }, 'load the same nebula-memory build in the page and in its workers.');
  }
  if (i32[G_SIZE] !== sab.byteLength || i32[G_BRK] < DATA_START || i32[G_BRK] > sab.byteLength) {
    fail('BAD_BUFFER', 'the header contradicts the buffer (size or region end)', { size: i32[G_SIZE], byteLength: sab.byteLength, brk: i32[G_BRK] },
      'the buffer is corrupt; create a new memory.');
  }
  const tid = claimThreadId(i32);
  if (tid < 0) {
    fail('TOO_MANY_THREADS', `all ${MAX_THREADS} thread ids are attached`, { threads: MAX_THREADS },
      'call memory.detach() in workers that stop, and memory.reclaimThread(id) for workers that were terminated or crashed; or use fewer workers.');
  }
  Atomics.add(i32, G_ATTACHES, 1);
  const gen = fillThreadSlot(i32, new Uint8Array(sab), tid, options.name);
  return { buffer: sab, threadId: tid, isolation: isolationReport(), generation: gen };
}
