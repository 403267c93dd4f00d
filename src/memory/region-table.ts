/**
 * The region table in the global header: create a region by name under a short lock, and find
 * one by name from any thread. Cold paths only.
 * @module
 * @internal
 */
import { memoryError } from '../errors.ts';
import {
  DATA_START, E_BYTES, E_KIND, E_NAME, E_OFFSET, E_STATE, E_STATS, ENTRY_BYTES, ENTRY_READY, G_BRK,
  G_REGION_COUNT, G_SIZE, G_TABLE_LOCK, KIND_ARENA, KIND_POOL, KIND_STACK, MAX_NAME, MAX_REGIONS,
  REGION_ALIGN, TABLE_START, alignUp, entryWordOf,
} from './layout.ts';
import type { RegionInfo, RegionKind } from '../api.ts';
import { STATS_BYTES } from './stats-block.ts';


/** Kind code to name. */
export function kindName(k: number): RegionKind {
  if (k === KIND_ARENA) return 'arena';
  if (k === KIND_POOL) return 'pool';
  if (k === KIND_STACK) return 'stack';
  throw memoryError('BAD_BUFFER', `region table holds an unknown kind ${k}`, {
    allocator: 'memory', request: {}, state: { kind: k },
    suggestion: 'attach only buffers made by createMemory(); this one is corrupt.',
  });
}

/** Throws INVALID_NAME unless `name` is 1..31 characters of [A-Za-z0-9_.-]. */
export function validateName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME || !/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw memoryError('INVALID_NAME', `region name ${JSON.stringify(name)} is not allowed`, {
      allocator: 'memory', request: { name }, state: {},
      suggestion: `use 1 to ${MAX_NAME} characters from A-Z a-z 0-9 _ . -`,
    });
  }
}

/** Reads entry `i`'s name. */
export function readName(u8: Uint8Array, i: number): string {
  const at = TABLE_START + i * ENTRY_BYTES + E_NAME * 4;
  let s = '';
  for (let k = 0; k < MAX_NAME + 1; k++) {
    const c = u8[at + k];
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

function nameEquals(u8: Uint8Array, i: number, name: string): boolean {
  const at = TABLE_START + i * ENTRY_BYTES + E_NAME * 4;
  for (let k = 0; k < name.length; k++) if (u8[at + k] !== name.charCodeAt(k)) return false;
  return u8[at + name.length] === 0;
}

/** Index of the ready entry named `name`, or -1. Any thread. */
export function findRegion(i32: Int32Array, u8: Uint8Array, name: string): number {
  const n = Atomics.load(i32, G_REGION_COUNT);
  for (let i = 0; i < n; i++) {
    if (Atomics.load(i32, entryWordOf(i) + E_STATE) === ENTRY_READY && nameEquals(u8, i, name)) return i;
  }
  return -1;
}

/** Every ready region. */
export function listRegions(i32: Int32Array, u8: Uint8Array): RegionInfo[] {
  const n = Atomics.load(i32, G_REGION_COUNT);
  const out: RegionInfo[] = [];
  for (let i = 0; i < n; i++) {
    const w = entryWordOf(i);
    if (Atomics.load(i32, w + E_STATE) !== ENTRY_READY) continue;
    out.push(Object.freeze({
      name: readName(u8, i), kind: kindName(i32[w + E_KIND]), offset: i32[w + E_OFFSET], byteLength: i32[w + E_BYTES],
    }));
  }
  return out;
}

function lock(i32: Int32Array, threadId: number): void {
  // Held for microseconds while one region is written; never held across user code.
  while (Atomics.compareExchange(i32, G_TABLE_LOCK, 0, threadId + 1) !== 0) {
    /* spin: the main thread may not Atomics.wait */
  }
}

/**
 * Creates a region of `bytes` named `name` (plus its statistics block at the end), runs
 * `init(offset)` to write the allocator's header, and only then publishes the entry, so no
 * thread ever attaches a half-written region. Returns the entry's index.
 */
export function createRegion(
  i32: Int32Array, u8: Uint8Array, threadId: number, name: string, kind: number, bytes: number,
  init: (offset: number) => void,
): number {
  validateName(name);
  lock(i32, threadId);
  try {
    if (findRegion(i32, u8, name) >= 0) {
      throw memoryError('REGION_EXISTS', `a region named "${name}" already exists`, {
        allocator: 'memory', request: { name, kind: kindName(kind) }, state: { regions: Atomics.load(i32, G_REGION_COUNT) },
        suggestion: `attach to it with memory.${kindName(kind)}("${name}"), or pick another name.`,
      });
    }
    const count = Atomics.load(i32, G_REGION_COUNT);
    if (count >= MAX_REGIONS) {
      throw memoryError('REGION_TABLE_FULL', `the region table holds at most ${MAX_REGIONS} regions`, {
        allocator: 'memory', request: { name }, state: { regions: count },
        suggestion: 'share one allocator between subsystems, or use fewer, larger regions.',
      });
    }
    const brk = Atomics.load(i32, G_BRK);
    const size = i32[G_SIZE];
    const body = alignUp(bytes, REGION_ALIGN);
    const need = body + STATS_BYTES;
    if (need > size - brk) {
      throw memoryError('OUT_OF_MEMORY', `a ${kindName(kind)} of ${need} bytes does not fit in the memory`, {
        allocator: 'memory', request: { name, bytes: need }, state: { size, used: brk, free: size - brk, regionsStart: DATA_START },
        suggestion: `create the memory with size >= ${brk + need}, or make the ${kindName(kind)} smaller.`,
      });
    }
    const w = entryWordOf(count);
    const at = TABLE_START + count * ENTRY_BYTES;
    u8.fill(0, at, at + ENTRY_BYTES);
    for (let k = 0; k < name.length; k++) u8[at + k] = name.charCodeAt(k);
    i32[w + E_KIND] = kind;
    i32[w + E_OFFSET] = brk;
    i32[w + E_BYTES] = need;
    i32[w + E_STATS] = brk + body;
    i32.fill(0, (brk + body) >> 2, (brk + need) >> 2);
    init(brk);
    Atomics.store(i32, G_BRK, brk + need);
    Atomics.store(i32, w + E_STATE, ENTRY_READY);
    Atomics.store(i32, G_REGION_COUNT, count + 1);
    return count;
  } finally {
    Atomics.store(i32, G_TABLE_LOCK, 0);
  }
}
