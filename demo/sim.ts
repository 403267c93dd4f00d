/**
 * The particle spawner: the frame work of the demo. The worker runs it on its attached memory;
 * in single-thread fallback mode the page runs it itself.
 * @module
 */
import type { FrameArena, Memory, Pool } from '../src/index.ts';
import { type FrameReport, LIFETIME, SPAWN_PER_FRAME } from './protocol.ts';

/**
 * Spawns {@link SPAWN_PER_FRAME} particles per frame into the pool `particles`, using the frame
 * arena `frame` for temporaries, and frees particles older than {@link LIFETIME} frames.
 */
export class ParticleSpawner {
  private readonly memory: Memory;
  private readonly arena: FrameArena;
  private readonly pool: Pool;
  /** Handles by frame, a ring of LIFETIME frames. */
  private readonly ring = new Int32Array(LIFETIME * SPAWN_PER_FRAME);
  private totalSpawned = 0;
  private totalFreed = 0;

  /**
   * Looks the allocators up by name in this thread's view of the memory.
   * @param memory - this thread's `Memory` (from `createMemory` or `attachMemory`).
   */
  constructor(memory: Memory) {
    this.memory = memory;
    this.arena = memory.arena('frame');
    this.pool = memory.pool('particles');
  }

  /**
   * Runs one frame: frees expired particles, builds the new ones in arena temporaries, copies
   * them into fresh pool slots, writes their handles at `table`, then releases the arena lane.
   * @param frame - the frame number the page asked for; must equal `memory.frame`.
   * @param table - byte offset of an Int32 table with room for {@link SPAWN_PER_FRAME} handles.
   * @returns the frame's counts.
   */
  step(frame: number, table: number): FrameReport {
    const { memory, arena, pool, ring } = this;
    if (memory.frame !== frame) throw new Error(`frame mismatch: page says ${frame}, memory says ${memory.frame}`);
    const f32 = memory.f32;
    const i32 = memory.i32;
    const slot = (frame % LIFETIME) * SPAWN_PER_FRAME;

    // 1. particles spawned LIFETIME frames ago die: free their slots
    let freed = 0;
    if (frame >= LIFETIME) {
      for (let k = 0; k < SPAWN_PER_FRAME; k++) {
        pool.free(ring[slot + k]);
        freed++;
      }
    }

    // 2. temporaries for this frame only: ids and a vec4 staging buffer
    const ids = arena.alloc(SPAWN_PER_FRAME * 4, 4);
    const staging = arena.alloc(SPAWN_PER_FRAME * 16, 16);
    const first = this.totalSpawned;
    for (let k = 0; k < SPAWN_PER_FRAME; k++) f32[(ids >> 2) + k] = first + k;
    for (let k = 0; k < SPAWN_PER_FRAME; k++) {
      const s = (staging >> 2) + 4 * k;
      const angle = (k / SPAWN_PER_FRAME) * 2 * Math.PI;
      f32[s] = Math.cos(angle);
      f32[s + 1] = Math.sin(angle);
      f32[s + 2] = LIFETIME;
      f32[s + 3] = 0;
    }

    // 3. the particles themselves live in the pool; the page finds them through the table
    for (let k = 0; k < SPAWN_PER_FRAME; k++) {
      const h = pool.alloc();
      const p = pool.offsetOf(h) >> 2;
      const id = f32[(ids >> 2) + k];
      f32[p] = id;
      f32[p + 1] = 2 * id;
      f32[p + 2] = frame;
      f32[p + 3] = k;
      // vx, vy, life, spare (FLOATS_PER_PARTICLE = 8 floats = one 32-byte slot)
      f32.copyWithin(p + 4, (staging >> 2) + 4 * k, (staging >> 2) + 4 * k + 4);
      ring[slot + k] = h;
      i32[(table >> 2) + k] = h;
    }

    const arenaBytes = arena.used;
    // 4. done with this frame's temporaries: give the lane back so the page can advance()
    arena.release();
    this.totalSpawned += SPAWN_PER_FRAME;
    this.totalFreed += freed;
    return {
      frame, spawned: SPAWN_PER_FRAME, freed, totalSpawned: this.totalSpawned, totalFreed: this.totalFreed,
      arenaAllocs: 2, arenaBytes, released: true,
    };
  }
}
