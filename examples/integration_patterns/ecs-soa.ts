/**
 * A small ECS-style world in struct-of-arrays layout: every component field is one column of the
 * shared memory (`soa(struct(...), count)`), so a system that reads positions and velocities walks
 * two contiguous arrays, the layout SIMD-minded engines and cache-friendly loops want.
 *
 * - `soa(layout, count)` computes the columns (byte offsets from the block start, each 16-aligned).
 * - The block comes from a level arena (`frames: 0`: nothing recycles it until `reset()`, at
 *   level unload). Any allocator works; the block is plain bytes of the shared buffer.
 * - Hot loops use column indexes into `memory.f32` directly (`f32[px + 3 * i]`); code that reads
 *   like a struct uses a `soaCursor` (`c.row(i).hp -= 10`): one object, moved, no garbage.
 * - The layout is frozen plain data and the block is in the shared buffer: post
 *   `{ memory: memory.share(), base, layout: Bodies }` to workers and give each a range of rows.
 */
import { type Memory, createMemory } from 'nebula-memory';
import { type SoaCursor, type StructLayout, soa, soaCursor, struct } from 'nebula-memory/typed';

/** The components of one entity. */
export const Body = struct({ pos: 'vec3', vel: 'vec3', hp: 'f32', alive: 'u8' }, { name: 'Body' });
/** Rows of the world. */
export const MAX_ENTITIES = 1000;
/** The world's columns: pos at 0, vel at 12000, hp at 24000, alive at 28000 (bytes from the block start). */
export const Bodies = soa(Body, MAX_ENTITIES);
/** Body's fields, as the cursor types want them. */
type BodyFields = typeof Body extends StructLayout<infer F> ? F : never;

/** The entities: one SoA block and a list of free rows. */
export class World {
  /** Byte offset of the block in the shared buffer. */
  readonly base: number;
  /** Rows in use so far (systems loop to here, not to MAX_ENTITIES). */
  highWater = 0;
  /** The struct view of a row: `c.row(i).pos.x`, `c.hp`. */
  readonly c: SoaCursor<BodyFields>;
  // Column indexes into memory.f32 (memory.u8 for alive): the hot loops' constants.
  readonly px: number;
  readonly vx: number;
  readonly hpx: number;
  readonly alivex: number;
  private readonly freeRows = new Int32Array(MAX_ENTITIES);
  private freeCount = 0;

  constructor(readonly memory: Memory) {
    // The level's memory: frames: 0 (manual), freed all at once by level.reset() at unload.
    const level = memory.createArena('level', { capacity: Bodies.size, frames: 0 });
    this.base = level.alloc(Bodies.size, Bodies.align);
    this.c = soaCursor(memory, Bodies, this.base);
    this.px = (this.base + Bodies.columns.pos) >> 2;
    this.vx = (this.base + Bodies.columns.vel) >> 2;
    this.hpx = (this.base + Bodies.columns.hp) >> 2;
    this.alivex = this.base + Bodies.columns.alive;
  }

  /** Adds an entity; returns its row (a freed row first). */
  spawn(pos: readonly [number, number, number], vel: readonly [number, number, number], hp: number): number {
    const row = this.freeCount > 0 ? (this.freeRows[--this.freeCount] ?? 0) : this.highWater++;
    const c = this.c.row(row);
    c.pos.copyFrom(pos);
    c.vel.copyFrom(vel);
    c.hp = hp;
    c.alive = 1;
    return row;
  }

  /** Removes the entity in `row`; the row is reused by the next spawn. */
  despawn(row: number): void {
    this.c.row(row).alive = 0;
    this.freeRows[this.freeCount++] = row;
  }

  /** Rows alive now. */
  alive(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.highWater; i++) if (this.memory.u8[this.alivex + i] === 1) out.push(i);
    return out;
  }
}

/** Movement: pos += vel * dt over two contiguous columns, with plain indexes (the fast way). */
export function movementSystem(w: World, dt: number): void {
  const { f32, u8 } = w.memory;
  for (let i = 0; i < w.highWater; i++) {
    if (u8[w.alivex + i] === 0) continue;
    const p = w.px + 3 * i;
    const v = w.vx + 3 * i;
    f32[p] += f32[v] * dt;
    f32[p + 1] += f32[v + 1] * dt;
    f32[p + 2] += f32[v + 2] * dt;
  }
}

/** Damage: entities past `x = zone` lose `dps * dt` hp and die at 0, through the SoA cursor (the readable way). */
export function damageSystem(w: World, zone: number, dps: number, dt: number): number[] {
  const died: number[] = [];
  const c = w.c;
  for (let i = 0; i < w.highWater; i++) {
    c.row(i);
    if (c.alive === 0 || c.pos.x <= zone) continue;
    c.hp -= dps * dt;
    if (c.hp <= 0) {
      w.despawn(i);
      died.push(i);
    }
  }
  return died;
}

/** What {@link runEcsSoa} observed. */
export interface EcsResult {
  readonly columns: Readonly<Record<'pos' | 'vel' | 'hp' | 'alive', number>>;
  readonly blockSize: number;
  readonly blockOffset: number;
  /** Rows that died, by step. */
  readonly deaths: readonly (readonly number[])[];
  /** The row a spawn after the deaths got: a freed one. */
  readonly respawnRow: number;
  /** Each live row's `[x, y, z, hp]` at the end. */
  readonly survivors: Readonly<Record<number, readonly number[]>>;
}

/** Spawns six entities, runs four steps of movement and damage, spawns one more. */
export function runEcsSoa(): EcsResult {
  const memory = createMemory({ size: 1 << 20, name: 'main' });
  const w = new World(memory);
  for (let i = 0; i < 6; i++) w.spawn([i, 0, 0], [i % 2 === 0 ? 1 : 2, 0.5, 0], 100);
  const dt = 0.5; // binary fractions: every float below is exact
  const deaths: number[][] = [];
  for (let step = 0; step < 4; step++) {
    movementSystem(w, dt);
    deaths.push(damageSystem(w, 5, 100, dt)); // past x = 5: 50 hp per step
  }
  const respawnRow = w.spawn([0, 0, 0], [0, 0, 0], 100);
  const survivors: Record<number, number[]> = {};
  for (const row of w.alive()) {
    const c = w.c.row(row);
    survivors[row] = [c.pos.x, c.pos.y, c.pos.z, c.hp];
  }
  return { columns: Bodies.columns, blockSize: Bodies.size, blockOffset: w.base, deaths, respawnRow, survivors };
}
