/**
 * gl-matrix temporaries from the shared memory: `tmp.vec3()`, `tmp.mat4()`, ... return
 * Float32Array views of the shared buffer, built once by `createTemps` and handed out again every
 * frame. gl-matrix takes them like its own arrays, so per-frame math allocates nothing:
 * `vec3.create()` / `mat4.create()` in a frame loop is what fills the young generation and makes
 * the GC stall a frame (`npm run bench:typed`: about 6.8x the cost of `tmp.vec3()`, 13 scavenges
 * per million).
 *
 * The rule: a temporary lives until the ring starts over, which is the next frame
 * (`memory.advance()`). Keep what must last longer in your own storage: here the camera's
 * view-projection goes into a pool slot, and each entity's screen position into a struct field.
 */
import { mat4, quat, vec3, vec4 } from 'gl-matrix';
import { createMemory } from 'nebula-memory';
import { createTemps, struct, typed } from 'nebula-memory/typed';

/** An entity of this example: a position and a spin, and where it ended up on screen. */
const Entity = struct({ pos: 'vec3', spin: 'f32', clip: 'vec4' }, { name: 'Entity' });

/** Where the eye is in frame `frame`: circling the origin. */
function eyeAt(out: vec3, frame: number): vec3 {
  const a = frame * 0.1;
  return vec3.set(out, 10 * Math.cos(a), 4, 10 * Math.sin(a));
}

/** One frame's math, written once: `v3`/`m4`/`q4`/`v4` supply the values it needs. */
function frameMath(
  frame: number, pos: vec3, spin: number,
  v3: () => vec3, m4: () => mat4, q4: () => quat, v4: () => vec4,
): vec4 {
  const view = mat4.lookAt(m4(), eyeAt(v3(), frame), [0, 0, 0], [0, 1, 0]);
  const proj = mat4.perspective(m4(), Math.PI / 3, 16 / 9, 0.1, 100);
  const viewProj = mat4.multiply(m4(), proj, view);
  const model = mat4.fromRotationTranslation(m4(), quat.setAxisAngle(q4(), [0, 1, 0], spin * frame), pos);
  const mvp = mat4.multiply(m4(), viewProj, model);
  return vec4.transformMat4(v4(), [0, 0.5, 0, 1], mvp); // the top of the entity, in clip space
}

/** What {@link runGlMatrixTemps} observed. */
export interface GlMatrixTempsResult {
  readonly frames: number;
  readonly entities: number;
  /** Every temporary is a view of the shared buffer. */
  readonly viewsOfSharedBuffer: boolean;
  /** Clip-space positions (x, y, z, w per entity) after the last frame, from the struct fields. */
  readonly clip: readonly number[];
  /** The same math with `vec3.create()`-style arrays gives exactly the same floats. */
  readonly matchesPlainGlMatrix: boolean;
  /** Views of each ring used in one frame at most, and the views guaranteed per frame. */
  readonly ringUse: Readonly<Record<'vec3' | 'mat4' | 'quat' | 'vec4', { readonly peak: number; readonly capacity: number }>>;
}

/** Runs `frames` frames of camera and entity math on temporaries. */
export function runGlMatrixTemps(frames = 3, entities = 4): GlMatrixTempsResult {
  const memory = createMemory({ size: 1 << 20, name: 'main' });
  // Views guaranteed per frame for each kind (the ring holds a few more); 0 for kinds not used.
  // Per entity and frame this loop takes 5 mat4, 1 vec3, 1 quat, 1 vec4.
  const tmp = createTemps(memory, { vec3: 16, mat4: 64, quat: 16, vec4: 16, vec2: 0, mat3: 0 });
  const pool = memory.createPool('entities', { slotSize: Entity.size, align: 16, capacity: 64 });
  const world = typed(memory, pool, Entity);
  const handles: number[] = [];
  for (let i = 0; i < entities; i++) handles.push(world.allocInit({ pos: [i * 2 - 3, 0, 0], spin: 0.25 * (i + 1) }));

  let shared = true;
  const check = <T extends Float32Array>(v: T): T => {
    shared &&= v.buffer === memory.buffer; // (a check for the example; a game just uses them)
    return v;
  };
  const v3 = (): vec3 => check(tmp.vec3());
  const m4 = (): mat4 => check(tmp.mat4());
  const q4 = (): quat => check(tmp.quat());
  const v4 = (): vec4 => check(tmp.vec4());
  const pos = vec3.create(); // read the struct field into this (made once, outside the loop)

  for (let f = 0; f < frames; f++) {
    for (const h of handles) {
      const e = world.at(h); // the pool's one cursor, moved: nothing allocated
      const clip = frameMath(f, e.pos.copyTo(pos), e.spin, v3, m4, q4, v4);
      e.clip.copyFrom(clip); // keep the result: the temporary is reused next frame
    }
    memory.advance(); // next frame: every temporary is free again
  }

  // The same math on plain gl-matrix arrays (what a game without the library writes):
  let same = true;
  const clip: number[] = [];
  for (const h of handles) {
    const e = world.at(h);
    const plain = frameMath(frames - 1, e.pos.copyTo(vec3.create()), e.spin, vec3.create, mat4.create, quat.create, vec4.create);
    for (let k = 0; k < 4; k++) {
      const stored = e.clip.get(k);
      clip.push(stored);
      same &&= stored === plain[k];
    }
  }
  const rings = tmp.stats().rings;
  const use = (k: 'vec3' | 'mat4' | 'quat' | 'vec4') => ({ peak: rings[k].peak, capacity: rings[k].capacity });
  return {
    frames, entities, viewsOfSharedBuffer: shared, clip, matchesPlainGlMatrix: same,
    ringUse: { vec3: use('vec3'), mat4: use('mat4'), quat: use('quat'), vec4: use('vec4') },
  };
}
