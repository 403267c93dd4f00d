/**
 * The typed layer's temporaries on the allocation op: `tmp.vec3()` from a view ring.
 * @module
 */
import { createMemory } from '../../src/index.ts';
import { createTemps } from '../../src/typed/temps.ts';
import { BATCH, newTally, type AllocCase } from './case.ts';

/**
 * `tmp.vec3()` per op from a ring of {@link BATCH} pre-built views, `memory.advance()` per batch
 * (the ring starts over with the frame); writes 3 floats through the view and reads 1 back.
 */
export function tmpVec3Case(): AllocCase {
  const tally = newTally();
  const memory = createMemory({ size: 1 << 20 });
  const tmp = createTemps(memory, { vec3: BATCH, vec2: 0, vec4: 0, quat: 0, mat3: 0, mat4: 0 });
  return {
    id: 'tmp.vec3',
    label: 'tmp.vec3(): next pre-built view of the ring; memory.advance() per batch',
    ref: 'bump',
    hot: ['TempRings.vec3'],
    tally,
    batch: () => {
      let acc = 0;
      for (let i = 0; i < BATCH; i++) {
        const v = tmp.vec3();
        v[0] = i;
        v[1] = i * 0.5;
        v[2] = -i;
        acc += v[1];
      }
      memory.advance();
      tally.acc += acc;
      tally.batches++;
    },
    verify: () => {
      memory.checkInvariants();
      const s = tmp.stats();
      if (s.growths !== 0 || s.rings.vec3.peak < BATCH) throw new Error(`tmp rings: ${JSON.stringify(s)}`);
    },
  };
}
