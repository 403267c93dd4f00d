/**
 * The memory every misuse of this example runs against: one small game's memory, created once.
 * All cases share it on purpose: after each caught error the walkthrough calls
 * `memory.checkInvariants()`, and at the end the same memory, having refused two dozen misuses,
 * still passes and still allocates.
 *
 * Sizes are tiny so that "full" is easy to reach: a 4 KiB frame arena, 8-slot pools, a 1 KiB stack.
 */
import { type FrameArena, type Memory, type MemoryErrorCode, type Pool, type Stack, createMemory } from 'nebula-memory';

/** The regions of the example game. */
export interface GameMemory {
  readonly memory: Memory;
  /** Per-frame temporaries, alive for 2 frames (frame N-1 may still be read while N is written). */
  readonly frame: FrameArena;
  /** Bullets: 8 slots of 16 bytes (x, y, vx, vy as float32). */
  readonly bullets: Pool;
  /** Debris: another pool of the same shape, to show a handle given to the wrong pool. */
  readonly debris: Pool;
  /** Scratch memory of the main thread, LIFO. */
  readonly scratch: Stack;
  /** A manual arena (frames: 0) with 8 guard bytes after every block (checked build). */
  readonly guarded: FrameArena;
}

/** Creates the game's memory (1 MiB, shared with workers where the page is cross-origin isolated). */
export function createGameMemory(): GameMemory {
  const memory = createMemory({ size: 1 << 20, name: 'main' });
  return {
    memory,
    // Each thread bumps a private lane of laneBytes, leased from the frame's segment (default
    // 64 KiB, capped at the capacity). Four 1 KiB lanes per frame here, so one worker's lane
    // does not take the whole frame.
    frame: memory.createArena('frame', { capacity: 4096, frames: 2, laneBytes: 1024 }),
    bullets: memory.createPool('bullets', { slotSize: 16, align: 16, capacity: 8 }),
    scratch: memory.createStack('scratch', { capacity: 1024 }),
    // Each pool's handles carry a 4-bit tag derived from the region's offset (15 values), so two
    // pools may share a tag; then a mix-up shows as STALE_HANDLE at best. These two do not.
    debris: memory.createPool('debris', { slotSize: 16, align: 16, capacity: 8 }),
    // redZone is a checked-build debugging aid: N bytes of 0xFD after each block, verified when
    // the block is released. The fast build ignores it.
    guarded: memory.createArena('guarded', { capacity: 1024, frames: 0, redZone: 8 }),
  };
}

/** Numbers a case wants to show next to the error (offsets it got, handles, ...). */
export type Facts = Record<string, number>;

/** One common mistake, as code that makes it. */
export interface Misuse {
  /** What the game code did wrong. */
  readonly title: string;
  /** The code the checked build reports for it. */
  readonly code: MemoryErrorCode;
  /**
   * True when only the checked build detects it. The fast build (`__NEBULA_CHECKS__ = false`)
   * compiles that check away for speed: the mistake would then corrupt the allocator silently,
   * so the walkthrough does not run these cases there.
   */
  readonly checkedOnly: boolean;
  /** One sentence: how to avoid it. */
  readonly lesson: string;
  /** Makes the mistake; must throw. Writes what it allocated into `facts`. */
  trigger(game: GameMemory, facts: Facts): void;
  /** Gives back what `trigger` took, so the next case starts from a clean game. */
  cleanup?(game: GameMemory, facts: Facts): void;
}
