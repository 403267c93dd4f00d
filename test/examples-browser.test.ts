/**
 * The worker parts of examples/integration_patterns on module Web Workers, in a
 * cross-origin-isolated page (the browser projects serve COOP/COEP): the InstancedMesh whose
 * matrices a worker writes into the shared memory, and the worker pool whose crashed worker is
 * given back with terminateAndReclaim. Browser projects only (vitest.config.ts `browserOnly`);
 * test/examples.test.ts runs the same patterns on worker_threads in Node.
 */
import { mat4, quat, vec3 } from 'gl-matrix';
import { describe, expect, it } from 'vitest';
import { runInstancedMesh } from '../examples/integration_patterns/instanced-mesh.ts';
import { instanceMatrixAt } from '../examples/integration_patterns/matrix-writer.ts';
import { webSpawner } from '../examples/integration_patterns/spawn-web.ts';
import { runWorkerPool } from '../examples/integration_patterns/worker-pool.ts';
import { expectWorkerPool } from './fixtures/examples-expect.ts';

describe('examples/integration_patterns on module Web Workers', () => {
  it('runs in a cross-origin-isolated page, where the memory is a SharedArrayBuffer', () => {
    expect(globalThis.crossOriginIsolated).toBe(true);
    expect(typeof SharedArrayBuffer).toBe('function');
  });

  it('InstancedMesh: the worker writes pool slots, three.js reads them through a view, only the ranges upload', async () => {
    const r = await runInstancedMesh(webSpawner);
    expect(r.platform).toBe('browser');
    expect(r.viewOfSharedBuffer).toBe(true);
    expect(r.firstOffset % 64).toBe(0);
    expect(r.writerThreadId).toBe(1);
    expect(r.frames.map((f) => [f.version, f.updateRanges])).toEqual([
      [1, [{ start: 0, count: 384 }]],
      [2, [{ start: 384, count: 384 }]],
      [3, [{ start: 768, count: 256 }, { start: 0, count: 128 }]],
      [4, [{ start: 128, count: 384 }]],
    ]);
    expect(r.uploads.map((u) => [u.call, u.dstByte, u.srcOffset, u.count, u.fromShared])).toEqual([
      ['bufferData', 0, 0, 1024, true],
      ['bufferSubData', 0, 0, 384, true],
      ['bufferSubData', 1536, 384, 384, true],
      ['bufferSubData', 0, 0, 128, true],
      ['bufferSubData', 3072, 768, 256, true],
      ['bufferSubData', 512, 128, 384, true],
    ]);
    for (const i of [0, 1, 63]) {
      expect(r.samples[i], `instance ${i}`).toEqual(Array.from(instanceMatrixAt(mat4.create(), i, 2, quat.create(), vec3.create())));
    }
    expect(r.invariantsOk).toBe(true);
  });

  it('worker pool: the crashed worker is terminated and reclaimed (terminateAndReclaim), its id reused', async () => {
    const r = await runWorkerPool(webSpawner);
    expect(r.platform).toBe('browser');
    expectWorkerPool(r);
  });
});
