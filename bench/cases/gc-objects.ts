/**
 * Cases that allocate a GC object per op: the cost the library exists to avoid.
 * @module
 */
import { vec3 } from 'gl-matrix';
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
