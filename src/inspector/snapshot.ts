/**
 * Inspector snapshots: the state of a memory as one JSON value, to attach to a bug report, and a
 * frozen copy of the memory rebuilt from it, which the inspector draws on a page with no game.
 *
 * A snapshot holds the shared buffer's bytes outside the allocators' data areas: the global
 * header, the region and thread tables, the frame-time ring, every allocator's header, slot
 * metadata and statistics block, and the part of each stack in use (its blocks carry headers).
 * Arena and pool data (temporaries, particles) and the free part of stacks are left out, so a
 * 64 MiB memory gives a snapshot of a few hundred kilobytes to a few megabytes; runs of zero
 * words are left out too. Beside the bytes, `memory` is `memory.snapshot()`: the same numbers
 * for a reader of the JSON.
 * @module
 */
import type { MemorySnapshot } from '../api-reports.ts';
import { A_CAPACITY, A_DATA, A_FRAMES } from '../allocators/arena/layout.ts';
import { P_CAPACITY, P_DATA, P_STRIDE } from '../allocators/pool/layout.ts';
import { SK_CAPACITY, SK_DATA, SK_TOP } from '../allocators/stack/layout.ts';
import { memoryError, typeName } from '../errors.ts';
import { isolationReport, unsharedOnPurposeReport } from '../memory/isolation.ts';
import { G_MAGIC, G_SIZE, G_VERSION, LAYOUT_VERSION, MAGIC, MAX_MEMORY_BYTES } from '../memory/layout.ts';
import { claimThreadId, fillThreadSlot } from '../memory/threads.ts';
import { Memory } from '../runtime/memory.ts';

/** The `format` field of every snapshot. */
export const SNAPSHOT_FORMAT = 'nebula-memory-inspector-snapshot';
/** The snapshot version this library writes and reads. */
export const SNAPSHOT_VERSION = 1;
/** Zero words between two runs that are still written as one run. */
const MERGE_ZEROS = 16;

/**
 * A memory's state as one JSON value: what {@link Inspector.snapshot} returns and
 * {@link mountInspector} draws on a page with no game. See docs/INSPECTOR.md, "Snapshots".
 *
 * Thread-safety: a plain JSON value; any worker.
 * @example
 * ```ts
 * const json = JSON.stringify(inspector.snapshot());
 * // later, on any page:
 * mountInspector(JSON.parse(json) as InspectorSnapshot, document.querySelector('#inspector')!);
 * ```
 */
export interface InspectorSnapshot {
  /** Always `'nebula-memory-inspector-snapshot'`. */
  readonly format: typeof SNAPSHOT_FORMAT;
  /** The snapshot format's version (1). */
  readonly version: number;
  /** When it was taken (ISO 8601). */
  readonly takenAt: string;
  /** Where: the browser's user agent, or the runtime's name. */
  readonly userAgent: string;
  /** The frame it was taken in. */
  readonly frame: number;
  /** `memory.snapshot()` at the same moment: the numbers, for a reader of the JSON. */
  readonly memory: MemorySnapshot;
  /** The buffer's bytes outside the data areas: its length, and `[byte offset, base64]` runs. */
  readonly buffer: {
    /** The buffer's length in bytes. */
    readonly byteLength: number;
    /** `[byte offset, base64 of the bytes]` of each run of non-zero words kept. */
    readonly runs: readonly (readonly [number, string])[];
  };
}

/** The data areas of every region, as sorted [start, end) byte ranges. */
function dataRanges(memory: Memory): [number, number][] {
  const i32 = memory.i32;
  const out: [number, number][] = [];
  for (const r of memory.regions()) {
    const w = r.offset >> 2;
    if (r.kind === 'arena') out.push([i32[w + A_DATA], i32[w + A_DATA] + i32[w + A_CAPACITY] * i32[w + A_FRAMES]]);
    else if (r.kind === 'pool') out.push([i32[w + P_DATA], i32[w + P_DATA] + i32[w + P_CAPACITY] * i32[w + P_STRIDE]]);
    // a stack's blocks carry their headers: the part in use stays, so the copy's invariants hold
    else if (r.kind === 'stack') out.push([Atomics.load(i32, w + SK_TOP), i32[w + SK_DATA] + i32[w + SK_CAPACITY]]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let k = 0; k < bytes.length; k += 0x8000) s += String.fromCharCode(...bytes.subarray(k, k + 0x8000));
  return btoa(s);
}

/** The runs of non-zero words of `memory`'s buffer outside its data areas. */
function bufferRuns(memory: Memory): [number, string][] {
  const i32 = memory.i32;
  const skip = dataRanges(memory);
  const runs: [number, string][] = [];
  const words = i32.length;
  let start = -1;
  let zeros = 0;
  let s = 0;
  const flush = (end: number): void => {
    runs.push([start << 2, toBase64(memory.u8.slice(start << 2, end << 2))]);
    start = -1;
  };
  for (let w = 0; w < words; w++) {
    while (s < skip.length && skip[s][1] >> 2 <= w) s++;
    if (s < skip.length && w >= skip[s][0] >> 2) {
      if (start >= 0) flush(w - zeros);
      w = (skip[s][1] >> 2) - 1;
      zeros = 0;
      continue;
    }
    if (Atomics.load(i32, w) !== 0) {
      if (start < 0) start = w;
      zeros = 0;
    } else if (start >= 0 && ++zeros > MERGE_ZEROS) {
      flush(w - zeros + 1);
      zeros = 0;
    }
  }
  if (start >= 0) flush(words - zeros);
  return runs;
}

/**
 * Takes a snapshot of `memory` now. Allocates (the JSON value): for a button, not for a frame.
 * @internal
 */
export function takeSnapshot(memory: Memory): InspectorSnapshot {
  const nav = (globalThis as { navigator?: { userAgent?: string } }).navigator;
  return {
    format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, takenAt: new Date().toISOString(),
    userAgent: nav?.userAgent ?? 'unknown', frame: memory.frame, memory: memory.snapshot(),
    buffer: { byteLength: memory.byteLength, runs: bufferRuns(memory) },
  };
}

function bad(what: string, request: Record<string, unknown>, fix: string): never {
  throw memoryError('INVALID_OPTION', `this is not a snapshot the inspector can load: ${what}`, {
    allocator: 'inspector', request, state: { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, layoutVersion: LAYOUT_VERSION },
    suggestion: fix,
  });
}

/** Decodes `b64` into `u8` at `at`; false when it is not base64 or does not fit. */
function writeRun(u8: Uint8Array, at: number, b64: string): boolean {
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    return false;
  }
  if (at + bin.length > u8.length) return false;
  for (let k = 0; k < bin.length; k++) u8[at + k] = bin.charCodeAt(k);
  return true;
}

/**
 * Rebuilds a frozen memory from a snapshot: an ArrayBuffer with the snapshot's bytes, which this
 * thread joins under a free thread id (the inspector leaves that id out of its thread table).
 * Throws `INVALID_OPTION` for anything that is not a snapshot of this layout.
 * @internal
 */
export function openSnapshot(snapshot: unknown): Memory {
  const fix = 'pass the parsed JSON of a file saved with inspector.snapshot() / downloadSnapshot() by this version of nebula-memory.';
  if (typeof snapshot !== 'object' || snapshot === null) bad(`got ${typeName(snapshot)}`, { snapshot: typeName(snapshot) }, fix);
  const s = snapshot as Partial<InspectorSnapshot>;
  if (s.format !== SNAPSHOT_FORMAT || s.version !== SNAPSHOT_VERSION) {
    bad(`format ${typeof s.format === 'string' ? JSON.stringify(s.format) : typeName(s.format)}, version ${String(s.version)}`, { format: s.format, version: s.version }, fix);
  }
  const b = s.buffer;
  const n = b?.byteLength;
  if (b === undefined || typeof n !== 'number' || !Number.isInteger(n) || n < 64 || n > MAX_MEMORY_BYTES || n % 8 !== 0 || !Array.isArray(b.runs)) {
    bad('its buffer field is missing or malformed', { byteLength: n }, fix);
  }
  const buffer = new ArrayBuffer(n);
  const u8 = new Uint8Array(buffer);
  for (const run of b.runs as unknown[]) {
    const at: unknown = Array.isArray(run) ? run[0] : undefined;
    const b64: unknown = Array.isArray(run) ? run[1] : undefined;
    const ok = typeof at === 'number' && Number.isInteger(at) && at >= 0 && at % 4 === 0 && typeof b64 === 'string' && writeRun(u8, at, b64);
    if (!ok) bad('a run of its buffer is malformed or out of range', { run: typeof at === 'number' ? at : typeName(run) }, fix);
  }
  const i32 = new Int32Array(buffer);
  if (i32[G_MAGIC] !== MAGIC || i32[G_SIZE] !== n) bad('its bytes are not a nebula-memory buffer', { byteLength: n }, fix);
  if (i32[G_VERSION] !== LAYOUT_VERSION) {
    bad(`its layout version is ${String(i32[G_VERSION])}, this library reads ${String(LAYOUT_VERSION)}`, { layoutVersion: i32[G_VERSION] }, 'load it with the nebula-memory version that saved it.');
  }
  const id = claimThreadId(i32);
  if (id < 0) bad('all 64 thread ids of the snapshot are taken, so no viewer can join it', { threads: 64 }, 'take the snapshot while fewer than 64 threads are attached.');
  const generation = fillThreadSlot(i32, u8, id, 'snapshot-viewer');
  return new Memory({ buffer, threadId: id, isolation: unsharedOnPurposeReport(isolationReport()), generation });
}

/** Saves `snap` as a JSON file through the browser's download; returns it. @internal */
export function saveSnapshotFile(doc: Document, snap: InspectorSnapshot, fileName?: string): InspectorSnapshot {
  const url = URL.createObjectURL(new Blob([JSON.stringify(snap)], { type: 'application/json' }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = fileName ?? `nebula-memory-frame-${String(snap.frame)}.json`;
  doc.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => { URL.revokeObjectURL(url); }, 1000);
  return snap;
}
