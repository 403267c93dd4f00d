/**
 * What `renderer.render()` would send to WebGL for the instance matrices, without a GPU.
 *
 * three.js uploads buffer attributes through its `WebGLAttributes` helper: the first time it
 * creates the GL buffer with `bufferData` (the whole array), afterwards, when the attribute's
 * version moved on, it sorts and merges `updateRanges` and calls `bufferSubData` once per range,
 * then clears the ranges. This file drives that very helper (three's own source) with a stand-in
 * GL context that records the calls, so the example can show that only the marked ranges go to
 * the GPU, straight from the shared buffer (`srcData.buffer` is the memory's buffer: no copy).
 *
 * In a real app there is nothing to write here: `renderer.render(scene, camera)` does it. WebGL2
 * accepts views of a SharedArrayBuffer in `bufferSubData`; for an API that refuses shared views
 * (some WebGPU paths), copy through `GpuStaging` from 'nebula-memory/typed' instead.
 */
import type { InstancedMesh } from 'three';
// An internal module of three.js (its package exports ./src/*): the renderer's buffer uploader.
import { WebGLAttributes } from 'three/src/renderers/webgl/WebGLAttributes.js';

/** One recorded GL upload of the instance matrices. */
export interface RecordedUpload {
  readonly call: 'bufferData' | 'bufferSubData';
  /** Where in the GL buffer, in bytes. */
  readonly dstByte: number;
  /** Where in the source view, in floats. */
  readonly srcOffset: number;
  /** Floats uploaded. */
  readonly count: number;
  /** The source is a view of `buffer` (the shared memory): uploaded without a copy. */
  readonly fromShared: boolean;
}

/** A renderer stand-in: `upload(mesh)` is what `renderer.render()` does for the instance matrices. */
export interface UploadRecorder {
  upload(mesh: InstancedMesh): void;
  readonly calls: RecordedUpload[];
}

const ARRAY_BUFFER = 0x8892;
const FLOAT = 0x1406;

/** Records uploads whose source is `buffer` (the memory's buffer). */
export function createUploadRecorder(buffer: ArrayBufferLike): UploadRecorder {
  const calls: RecordedUpload[] = [];
  const gl = {
    ARRAY_BUFFER, FLOAT,
    createBuffer: () => ({}),
    bindBuffer: () => undefined,
    deleteBuffer: () => undefined,
    bufferData: (_target: number, src: Float32Array) => {
      calls.push({ call: 'bufferData', dstByte: 0, srcOffset: 0, count: src.length, fromShared: src.buffer === buffer });
    },
    bufferSubData: (_target: number, dstByte: number, src: Float32Array, srcOffset = 0, count = src.length - srcOffset) => {
      calls.push({ call: 'bufferSubData', dstByte, srcOffset, count, fromShared: src.buffer === buffer });
    },
  };
  const attributes = new WebGLAttributes(gl as unknown as WebGL2RenderingContext);
  return {
    calls,
    upload: (mesh) => { attributes.update(mesh.instanceMatrix, ARRAY_BUFFER); },
  };
}
