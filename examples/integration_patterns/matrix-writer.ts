/**
 * The worker side of the InstancedMesh pattern (instanced-mesh.ts): a simulation worker that
 * writes instance matrices straight into pool slots of the shared memory. The main thread never
 * copies them: three.js reads the same bytes through a Float32Array view of the shared buffer.
 *
 * The worker keeps one 16-float view per instance slot, built once at init: gl-matrix writes a
 * matrix into it as into any `mat4`, and that *is* the write into the shared memory. Its two
 * scratch values (a quat and a vec3) are made once too, so a frame allocates nothing. (A worker
 * that needs many temporaries makes its own ring: `createTemps(memory, { name: 'tmp.w1' })`,
 * see gl-matrix-temps.ts.)
 *
 * Platform-neutral: matrix.worker.ts (browsers) and matrix.node-worker.ts (Node) only wire it
 * to their message ports.
 */
import { mat4, quat, vec3 } from 'gl-matrix';
import { type SharedMemoryInit, attachMemory } from 'nebula-memory';

/** Main thread to worker. */
export type MatrixIn =
  /** Attach to the memory; `handles[i]` is the pool slot of instance i. */
  | { readonly type: 'init'; readonly memory: SharedMemoryInit; readonly name: string; readonly pool: string; readonly handles: readonly number[] }
  /** Move `count` instances from instance `first` on (wrapping around) to their pose of `frame`. */
  | { readonly type: 'frame'; readonly frame: number; readonly first: number; readonly count: number }
  /** Detach and answer `stopped`. */
  | { readonly type: 'stop' };

/** Worker to main thread. */
export type MatrixOut =
  | { readonly type: 'ready'; readonly threadId: number }
  /** The instances written, as `[first, count, first, count, ...]` in instance units. */
  | { readonly type: 'written'; readonly frame: number; readonly ranges: readonly number[] }
  | { readonly type: 'stopped' };

/** Instances per row of the grid the example lays out. */
export const GRID_WIDTH = 8;

/**
 * The pose of instance `i` at `frame`: on a grid, 2 units apart, rotated about Y and lifted a
 * little more each frame. `q` and `t` are scratch (a quat and a vec3): the worker passes
 * temporaries, a test passes its own arrays and gets the same float32 result.
 */
export function instanceMatrixAt(out: mat4, i: number, frame: number, q: quat, t: vec3): mat4 {
  quat.setAxisAngle(q, [0, 1, 0], 0.125 * (i + frame));
  vec3.set(t, 2 * (i % GRID_WIDTH), 0.25 * frame, 2 * Math.floor(i / GRID_WIDTH));
  return mat4.fromRotationTranslation(out, q, t);
}

/**
 * Builds the worker's message handler. `post` sends a message to the main thread.
 * The first message must be `init`.
 */
export function createMatrixWriter(post: (m: MatrixOut) => void): (m: MatrixIn) => void {
  let slots: Float32Array[] = [];
  let detach: () => void = () => undefined;
  const q = quat.create(); // scratch, made once
  const t = vec3.create();
  const ranges: number[] = [];

  return (m) => {
    switch (m.type) {
      case 'init': {
        const memory = attachMemory(m.memory, { name: m.name });
        const pool = memory.pool(m.pool);
        // One view per slot, made once: no view is created per frame. A slot's offset never
        // changes while the handle is live, and the main thread keeps every handle live.
        slots = m.handles.map((h) => new Float32Array(memory.buffer, pool.offsetOf(h), 16));
        detach = () => { memory.detach(); };
        post({ type: 'ready', threadId: memory.threadId });
        return;
      }
      case 'frame': {
        const n = slots.length;
        if (n === 0) throw new Error('matrix writer: "frame" before "init"');
        ranges.length = 0;
        for (let k = 0; k < m.count; k++) {
          const i = (m.first + k) % n;
          // gl-matrix writes the matrix directly into the instance's pool slot
          instanceMatrixAt(slots[i], i, m.frame, q, t);
        }
        // Which instances changed, as ranges: a run that wraps past the end is two ranges.
        const end = m.first + m.count;
        if (end <= n) ranges.push(m.first, m.count);
        else ranges.push(m.first, n - m.first, 0, end - n);
        post({ type: 'written', frame: m.frame, ranges: ranges.slice() });
        return;
      }
      case 'stop':
        detach();
        post({ type: 'stopped' });
        return;
    }
  };
}
