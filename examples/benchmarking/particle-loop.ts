/**
 * The frame loop being measured: a particle system on nebula-memory. Replace it with your own
 * game's frame; frame-meter.ts measures whatever `step()` does.
 *
 * Every frame it spawns `spawn` particles into a pool (32-byte structs), moves every live one,
 * frees those whose life ran out, and takes one per-frame array from the frame arena (a sort key
 * per live particle, as a renderer sorting by depth would). Nothing in `step()` allocates on the
 * JavaScript heap: the particle list is a preallocated Int32Array, the state is in the shared
 * memory.
 */
import { type FrameArena, type Memory, type Pool, createMemory } from 'nebula-memory';
import { struct } from 'nebula-memory/typed';

/** One particle: 32 bytes (pos 0, vel 12, life 24, id 28). */
export const Particle = struct({ pos: 'vec3', vel: 'vec3', life: 'f32', id: 'u32' }, { name: 'Particle' });

/** The sizes of the loop. */
export interface ParticleLoopOptions {
  /** Particles spawned per frame. @defaultValue 200 */
  readonly spawn?: number;
  /** Frames a particle lives. @defaultValue 30 */
  readonly life?: number;
  /** Pool slots. @defaultValue 8192 */
  readonly capacity?: number;
}

/** The particle system: its memory, allocators, and one frame of work in `step()`. */
export class ParticleLoop {
  readonly memory: Memory;
  readonly frame: FrameArena;
  readonly particles: Pool;
  readonly spawn: number;
  readonly life: number;
  /** Handles of the live particles, packed at [0, count). */
  private readonly live: Int32Array;
  private count = 0;
  private nextId = 0;

  constructor(options: ParticleLoopOptions = {}) {
    const { spawn = 200, life = 30, capacity = 8192 } = options;
    this.spawn = spawn;
    this.life = life;
    this.memory = createMemory({ size: 8 << 20, name: 'main' });
    // Sort keys of all live particles fit one frame: capacity x 4 bytes, with room to spare.
    // laneBytes: this thread reserves the segment 4 KiB at a time (the default, 64 KiB capped at
    // the capacity, would reserve the whole frame at the first alloc, and stats().peak counts
    // reserved lanes).
    this.frame = this.memory.createArena('frame', { capacity: 64 << 10, frames: 2, laneBytes: 4096 });
    this.particles = this.memory.createPool('particles', { slotSize: Particle.size, align: 16, capacity });
    this.live = new Int32Array(capacity);
  }

  /** Live particles now. */
  get liveCount(): number {
    return this.count;
  }

  /** One frame of game work (not the clock: the meter calls `memory.advance()`). */
  step(): void {
    const { f32, u32 } = this.memory;
    const pool = this.particles;
    const { pos, vel, life, id } = Particle.offsets;
    // spawn
    for (let k = 0; k < this.spawn; k++) {
      const h = pool.tryAlloc(); // a full pool skips the spawn instead of throwing
      if (h === 0) break;
      const p = pool.offsetOf(h);
      const n = this.nextId++;
      f32[(p + pos) >> 2] = 0; f32[((p + pos) >> 2) + 1] = 0; f32[((p + pos) >> 2) + 2] = 0;
      f32[(p + vel) >> 2] = (n % 7) - 3; f32[((p + vel) >> 2) + 1] = 10; f32[((p + vel) >> 2) + 2] = (n % 5) - 2;
      f32[(p + life) >> 2] = this.life;
      u32[(p + id) >> 2] = n;
      this.live[this.count++] = h;
    }
    // a per-frame array from the frame arena: one sort key per live particle
    const keys = this.frame.alloc(this.count * 4, 16) >> 2;
    // update, free the dead, keep the list packed
    const dt = 1 / 60;
    let kept = 0;
    for (let i = 0; i < this.count; i++) {
      const h = this.live[i];
      const p = pool.offsetOf(h);
      const x = (p + pos) >> 2;
      const v = (p + vel) >> 2;
      f32[v + 1] -= 9.81 * dt;
      f32[x] += f32[v] * dt; f32[x + 1] += f32[v + 1] * dt; f32[x + 2] += f32[v + 2] * dt;
      f32[keys + i] = f32[x + 2]; // depth
      if ((f32[(p + life) >> 2] -= 1) <= 0) pool.free(h);
      else this.live[kept++] = h;
    }
    this.count = kept;
  }

  /** Frees every live particle (the end of a level). */
  clear(): void {
    for (let i = 0; i < this.count; i++) this.particles.free(this.live[i]);
    this.count = 0;
  }
}
