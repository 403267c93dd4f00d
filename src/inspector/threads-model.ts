/**
 * The thread table as the inspector draws it: for every thread slot in use, its state, name,
 * last frame and lag, the arena leases and cached pool slots it holds, and what a reclaim gave
 * back. Read each frame from the shared buffer into typed arrays made once; a name string is made
 * only when its slot's generation changes (an attach or a reclaim).
 * @module
 * @internal
 */
import { G_FRAME, MAX_THREADS, THREAD_ATTACHED, THREAD_FREE, T_ATTACHED_AT, T_FRAME, T_GEN, T_STATE, threadWordOf } from '../memory/layout.ts';
import { threadName, threadReclaimedAt, threadReleasedLeasesAt, threadReleasedSlotsAt, threadReleasedStacksAt } from '../memory/threads.ts';

/** Characters of the thread table's name column: longer names are cut (the tooltip has them whole). */
export const NAME_CHARS = 14;

/** A thread that is attached and this many frames or more behind the clock is warned about. */
export const LAG_WARN_FRAMES = 3;

/**
 * Every thread slot's numbers at the last read.
 * @internal
 */
export class ThreadsModel {
  /** State code per thread id (THREAD_* of memory/layout.ts). */
  readonly state = new Int32Array(MAX_THREADS);
  /** Generation per thread id. */
  readonly generation = new Int32Array(MAX_THREADS);
  /** Last frame the thread reported. */
  readonly lastFrame = new Int32Array(MAX_THREADS);
  /** Frames behind the clock while attached, else 0. */
  readonly lag = new Int32Array(MAX_THREADS);
  /** The frame the thread attached in. */
  readonly attachedAt = new Int32Array(MAX_THREADS);
  /** Arena leases held (arenas in which it holds at least one segment) per thread. */
  readonly leases = new Int32Array(MAX_THREADS);
  /** Oldest frame of any lease it holds, or -1. */
  readonly leaseSince = new Int32Array(MAX_THREADS);
  /** Free pool slots in its private caches, summed over the pools. */
  readonly cached = new Int32Array(MAX_THREADS);
  /** The reclaim record: frame reclaimed in (-1 never), and what it released. */
  readonly reclaimedAt = new Int32Array(MAX_THREADS).fill(-1);
  readonly releasedLeases = new Int32Array(MAX_THREADS);
  readonly releasedSlots = new Int32Array(MAX_THREADS);
  readonly releasedStacks = new Int32Array(MAX_THREADS);
  /** Thread ids of the slots in use (state other than free), ascending; `rowCount` valid. */
  readonly rows = new Int32Array(MAX_THREADS);
  rowCount = 0;
  /** Attached threads that lag by LAG_WARN_FRAMES or more. */
  lagging = 0;
  /** Names per thread id, remade when the generation changes ('' for none). */
  readonly names: string[] = new Array<string>(MAX_THREADS).fill('');
  /** The names as drawn: '-' for none, cut to NAME_CHARS - 1 characters and '~' when longer. */
  readonly labels: string[] = new Array<string>(MAX_THREADS).fill('-');
  /** A thread id left out of the table (a snapshot's viewer), or -1. */
  hidden = -1;
  private readonly namedGen = new Int32Array(MAX_THREADS).fill(-1);

  /** Reads every slot of the table. Allocates only when a slot's generation changed (its name). */
  read(i32: Int32Array, u8: Uint8Array): void {
    const frame = Atomics.load(i32, G_FRAME);
    let rows = 0;
    let lagging = 0;
    for (let t = 0; t < MAX_THREADS; t++) {
      const w = threadWordOf(t);
      const st = Atomics.load(i32, w + T_STATE);
      this.state[t] = st;
      if (st === THREAD_FREE || t === this.hidden) { this.lag[t] = 0; continue; }
      const gen = Atomics.load(i32, w + T_GEN);
      this.generation[t] = gen;
      if (gen !== this.namedGen[t]) this.rename(u8, t, gen);
      const last = Atomics.load(i32, w + T_FRAME);
      this.lastFrame[t] = last;
      this.attachedAt[t] = Atomics.load(i32, w + T_ATTACHED_AT);
      this.reclaimedAt[t] = threadReclaimedAt(i32, t);
      this.releasedLeases[t] = threadReleasedLeasesAt(i32, t);
      this.releasedSlots[t] = threadReleasedSlotsAt(i32, t);
      this.releasedStacks[t] = threadReleasedStacksAt(i32, t);
      const lag = st === THREAD_ATTACHED ? Math.max(0, frame - last) : 0;
      this.lag[t] = lag;
      if (lag >= LAG_WARN_FRAMES) lagging++;
      this.rows[rows++] = t;
    }
    this.rowCount = rows;
    this.lagging = lagging;
  }

  private rename(u8: Uint8Array, t: number, gen: number): void {
    const name = threadName(u8, t);
    this.names[t] = name;
    this.labels[t] = name === '' ? '-' : name.length > NAME_CHARS ? `${name.slice(0, NAME_CHARS - 1)}~` : name;
    this.namedGen[t] = gen;
  }

  /** Clears the per-thread sums the regions add to ({@link ThreadsModel.addLeases}, {@link ThreadsModel.addCached}). */
  clearSums(): void {
    this.leases.fill(0);
    this.leaseSince.fill(-1);
    this.cached.fill(0);
  }

  /** Adds one arena's lease frames (per thread, the oldest frame held there, or -1). */
  addLeases(since: Int32Array): void {
    for (let t = 0; t < MAX_THREADS; t++) {
      const f = since[t];
      if (f < 0) continue;
      this.leases[t]++;
      if (this.leaseSince[t] < 0 || f < this.leaseSince[t]) this.leaseSince[t] = f;
    }
  }

  /** Adds one pool's cached slots per thread. */
  addCached(cached: Int32Array): void {
    for (let t = 0; t < MAX_THREADS; t++) this.cached[t] += cached[t];
  }
}
