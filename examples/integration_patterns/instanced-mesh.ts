/**
 * three.js InstancedMesh over the shared memory, with no copy on the main thread.
 *
 * - The instance matrices live in a pool of the shared memory: one 64-byte slot (a mat4) per
 *   instance. A pool's slots are one contiguous array (slot i at `first + i * stride`), so with
 *   `slotSize: 64, align: 64` they are exactly the `count x 16` floats three.js wants.
 * - The mesh's `instanceMatrix` is an `InstancedBufferAttribute` over a Float32Array *view* of
 *   the shared buffer: three.js reads the bytes the worker wrote; nothing is copied into it.
 * - A worker (matrix-writer.ts) writes the matrices that changed and says which; the main thread
 *   marks those ranges with `instanceMatrix.addUpdateRange(start, count)` (three r159+) and sets
 *   `needsUpdate`, so `renderer.render()` uploads only those ranges with `bufferSubData` (and
 *   clears the ranges). Without ranges it would upload the whole array every frame.
 *
 * No renderer is needed to run it: the attribute, its ranges and `mesh.getMatrixAt()` work
 * without WebGL, and upload-recorder.ts stands in for `renderer.render(scene, camera)`: it runs
 * three's own buffer uploader against a recording GL context, so the result shows which
 * `bufferSubData` calls a real renderer would make.
 */
import { BoxGeometry, DynamicDrawUsage, InstancedBufferAttribute, InstancedMesh, Matrix4, MeshBasicMaterial } from 'three';
import { type Memory, type Pool, createMemory } from 'nebula-memory';
import { type RecordedUpload, createUploadRecorder } from './upload-recorder.ts';
import type { Spawner } from './worker-handle.ts';

/** Bytes of one instance matrix: 16 float32. */
export const MAT4_BYTES = 64;

/** The instances: their pool, their slots, and the mesh that reads them. */
export interface InstanceStore {
  readonly pool: Pool;
  /** `handles[i]` is instance i's pool slot (kept live as long as the mesh exists). */
  readonly handles: readonly number[];
  /** Byte offset of instance 0's matrix in the shared buffer. */
  readonly firstOffset: number;
  /** The view three.js reads: instance i's matrix is `matrices[16 i .. 16 i + 16)`. */
  readonly matrices: Float32Array;
  readonly mesh: InstancedMesh;
}

/**
 * Creates a pool of `count` mat4 slots, takes every slot, and builds an InstancedMesh whose
 * instance matrices are those slots. Call before posting `memory.share()` to the writer.
 */
export function createInstanceStore(memory: Memory, name: string, count: number): InstanceStore {
  // stride = slotSize rounded up to align = 64: no gaps between the matrices
  const pool = memory.createPool(name, { slotSize: MAT4_BYTES, align: MAT4_BYTES, capacity: count });
  const taken: number[] = [];
  for (let i = 0; i < count; i++) taken.push(pool.alloc());
  // The pool hands slots out in its own order; instance i is simply the slot at index i.
  const handles = taken.sort((a, b) => pool.offsetOf(a) - pool.offsetOf(b));
  const firstOffset = pool.offsetOf(handles[0] ?? 0);
  const lastOffset = pool.offsetOf(handles[count - 1] ?? 0);
  if (pool.stride !== MAT4_BYTES || lastOffset - firstOffset !== (count - 1) * MAT4_BYTES) {
    throw new Error(`pool "${name}": slots are not ${count} contiguous mat4s`);
  }

  // The view: no bytes are copied, `matrices.buffer` is the shared buffer itself.
  const matrices = new Float32Array(memory.buffer, firstOffset, count * 16);
  matrices.fill(0); // a zero matrix draws nothing: instances stay hidden until the worker writes them
  const mesh = new InstancedMesh(new BoxGeometry(1, 1, 1), new MeshBasicMaterial({ color: 0x44aa88 }), count);
  mesh.instanceMatrix = new InstancedBufferAttribute(matrices, 16);
  mesh.instanceMatrix.setUsage(DynamicDrawUsage); // rewritten often: a hint for the GL buffer
  mesh.frustumCulled = false; // instances move; or call mesh.computeBoundingSphere() after updates
  return { pool, handles, firstOffset, matrices, mesh };
}

/**
 * Marks what the worker wrote: `ranges` is `[first, count, ...]` in instances. Each becomes an
 * update range in floats. Nothing is copied; the next render uploads these ranges only.
 */
export function markWritten(mesh: InstancedMesh, ranges: readonly number[]): void {
  const attr = mesh.instanceMatrix;
  for (let k = 0; k + 1 < ranges.length; k += 2) attr.addUpdateRange((ranges[k] ?? 0) * 16, (ranges[k + 1] ?? 0) * 16);
  attr.needsUpdate = true; // bumps attr.version: the renderer re-uploads (only the ranges)
}

/** One frame as the main thread saw it. */
export interface MeshFrame {
  readonly frame: number;
  /** The update ranges as marked, in floats: `{ start, count }`. */
  readonly updateRanges: readonly { readonly start: number; readonly count: number }[];
  /** `instanceMatrix.version` after marking. */
  readonly version: number;
}

/** What {@link runInstancedMesh} observed. */
export interface InstancedMeshResult {
  readonly platform: 'browser' | 'node';
  readonly count: number;
  readonly firstOffset: number;
  /** The attribute's array is a view of the shared buffer (no copy). */
  readonly viewOfSharedBuffer: boolean;
  readonly writerThreadId: number;
  readonly frames: readonly MeshFrame[];
  /** `mesh.getMatrixAt(i)` of a few instances at the end, as plain arrays: three.js reading the worker's writes. */
  readonly samples: Readonly<Record<number, readonly number[]>>;
  /** The GL calls the renderer's uploader made: one `bufferData` at the first render, then one `bufferSubData` per merged range. */
  readonly uploads: readonly RecordedUpload[];
  readonly invariantsOk: boolean;
}

/** Options of {@link runInstancedMesh}. */
export interface InstancedMeshOptions {
  readonly count?: number;
  readonly frames?: number;
  /** Instances the worker moves per frame (a window that walks through all of them). */
  readonly perFrame?: number;
}

/**
 * The pattern end to end: memory, instance pool and mesh on the main thread, a worker that
 * attaches and writes matrices, and a frame loop that only marks ranges.
 */
export async function runInstancedMesh(spawner: Spawner, options: InstancedMeshOptions = {}): Promise<InstancedMeshResult> {
  const { count = 64, frames = 4, perFrame = 24 } = options;
  const memory = createMemory({ size: 1 << 20, name: 'main' });
  const store = createInstanceStore(memory, 'instances', count);
  const renderer = createUploadRecorder(memory.buffer); // stands in for renderer.render()
  renderer.upload(store.mesh); // the first render creates the GL buffer: the whole array, once

  // Regions first, then the worker: it finds the pool by name.
  const writer = spawner.matrix(memory, 'matrix-writer');
  writer.post({ type: 'init', memory: memory.share(), name: 'matrix-writer', pool: 'instances', handles: store.handles });
  const ready = await writer.next();
  if (ready.type !== 'ready') throw new Error(`matrix writer: expected ready, got ${ready.type}`);

  const seen: MeshFrame[] = [];
  for (let f = 0; f < frames; f++) {
    writer.post({ type: 'frame', frame: f, first: (f * perFrame) % count, count: perFrame });
    const reply = await writer.next(); // a game would not wait: it renders what is there
    if (reply.type !== 'written') throw new Error(`matrix writer: expected written, got ${reply.type}`);
    markWritten(store.mesh, reply.ranges);
    const attr = store.mesh.instanceMatrix;
    seen.push({ frame: f, updateRanges: attr.updateRanges.map((r) => ({ start: r.start, count: r.count })), version: attr.version });
    renderer.upload(store.mesh); // renderer.render(scene, camera): uploads the ranges, clears them
    memory.advance();
  }

  const m = new Matrix4();
  const samples: Record<number, number[]> = {};
  for (const i of [0, 1, count - 1]) samples[i] = store.mesh.getMatrixAt(i, m).toArray();

  writer.post({ type: 'stop' });
  await writer.next();
  await writer.kill(); // detached already: nothing to reclaim
  let invariantsOk = true;
  try { memory.checkInvariants(); } catch { invariantsOk = false; }
  return {
    platform: spawner.platform, count, firstOffset: store.firstOffset,
    viewOfSharedBuffer: store.mesh.instanceMatrix.array.buffer === memory.buffer,
    writerThreadId: ready.threadId, frames: seen, samples, uploads: renderer.calls, invariantsOk,
  };
}
