/**
 * Cases that allocate a GC object per op: the cost the library exists to avoid.
 * @module
 */
import { mat4, vec3 } from 'gl-matrix';
import { BATCH, newTally, objectSink, type AllocCase } from './case.ts';

/** `new Float32Array(4)` per op, kept in a module-level sink. */
export function float32ArrayCase(): AllocCase {
  const tally = newTally();
  return {
    id: 'new-f32',
    label: 'new Float32Array(4) per op (GC)',
    tally,
    batch: () => {
      let acc = 0;
      for (let i = 0; i < BATCH; i++) {
        const v = new Float32Array(4);
        v[0] = i;
        v[1] = i * 0.5;
        v[2] = -i;
        acc += v[1];
        objectSink.last = v;
      }
      tally.acc += acc;
      tally.batches++;
    },
  };
}

/** gl-matrix `vec3.create()` per op, kept in a module-level sink. */
export function glMatrixCase(label = 'gl-matrix vec3.create() per op (GC)'): AllocCase {
  const tally = newTally();
  return {
    id: 'vec3.create',
    label,
    tally,
    batch: () => {
      let acc = 0;
      for (let i = 0; i < BATCH; i++) {
        const v = vec3.create();
        v[0] = i;
        v[1] = i * 0.5;
        v[2] = -i;
        acc += v[1];
        objectSink.last = v;
      }
      tally.acc += acc;
      tally.batches++;
    },
  };
}

/** An object literal `{ x, y, z }` per op, kept in a module-level sink so it escapes. */
export function objectLiteralCase(): AllocCase {
  const tally = newTally();
  return {
    id: 'object',
    label: 'object literal { x, y, z } per op (GC), kept in a module-level sink',
    tally,
    batch: () => {
      let acc = 0;
      for (let i = 0; i < BATCH; i++) {
        const v = { x: i, y: i * 0.5, z: -i };
        acc += v.y;
        objectSink.last = v;
      }
      tally.acc += acc;
      tally.batches++;
    },
  };
}

/** gl-matrix `mat4.create()` (64 bytes, identity) per op, kept in a module-level sink. */
export function mat4Case(): AllocCase {
  const tally = newTally();
  return {
    id: 'mat4.create',
    label: 'gl-matrix mat4.create() per op (GC, 64 B)',
    tally,
    batch: () => {
      let acc = 0;
      for (let i = 0; i < BATCH; i++) {
        const m = mat4.create();
        m[0] = i;
        m[1] = i * 0.5;
        m[2] = -i;
        acc += m[1];
        objectSink.last = m;
      }
      tally.acc += acc;
      tally.batches++;
    },
  };
}
