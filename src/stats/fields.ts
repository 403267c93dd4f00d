/**
 * Indexes of the numbers `statsInto(out)` writes: the allocation-free form of `stats()`, for
 * code that reads every allocator every frame (the inspector, a HUD). One layout for all three
 * allocator kinds; a field that does not apply to a kind is 0.
 * @module
 */

/**
 * Where each number sits in the `Float64Array` that {@link FrameArena.statsInto},
 * {@link Pool.statsInto} and {@link Stack.statsInto} fill. The array needs {@link STAT_COUNT} entries.
 *
 * | index | arena | pool | stack |
 * | --- | --- | --- | --- |
 * | ALLOCATIONS | allocs | allocs | pushes |
 * | FREES | 0 | frees | pops and released blocks |
 * | BYTES | bytes handed out | allocs x slot size | bytes pushed |
 * | FAILURES | failed allocs | failed allocs | overflows |
 * | ERRORS | errors raised | errors raised | errors raised |
 * | USED | bytes reserved this frame | live slots | bytes in use |
 * | PEAK | most bytes in one frame | most live slots | most bytes in use |
 * | CAPACITY | bytes per frame | slots | bytes |
 * | DEPTH | lanes leased | slots in thread caches | blocks |
 * | FREE | 0 | slots in the shared free list | 0 |
 * | RESETS | resets and recycles | 0 | 0 |
 * | LAST_ERROR | index + 1 of the last error's code in the runtime's (internal) list of codes, 0 for none; `stats().lastError` is the code |||
 * | LAST_ERROR_FRAME | frame of the last error |||
 *
 * Thread-safety: constants; any worker.
 * @example
 * ```ts
 * const s = new Float64Array(STAT_COUNT);
 * pool.statsInto(s);
 * hud.text = `${s[STAT.USED]} / ${s[STAT.CAPACITY]}`;
 * ```
 */
export const STAT = Object.freeze({
  /** Allocations (arena allocs, pool allocs, stack pushes), all threads. */
  ALLOCATIONS: 0,
  /** Pool frees; stack pops and blocks freed by release/reset; 0 for arenas. */
  FREES: 1,
  /** Bytes handed out (pools: allocations x slot size). */
  BYTES: 2,
  /** Failed requests, thrown or returned as 0. */
  FAILURES: 3,
  /** MemoryErrors the region raised, in any thread. */
  ERRORS: 4,
  /** Arena: bytes reserved this frame; pool: live slots; stack: bytes in use. */
  USED: 5,
  /** Arena: most bytes in one frame; pool: most live slots; stack: most bytes in use. */
  PEAK: 6,
  /** Arena: bytes per frame; pool: slots; stack: bytes. */
  CAPACITY: 7,
  /** Arena: lanes leased now; pool: free slots in thread caches; stack: blocks. */
  DEPTH: 8,
  /** Pool: slots in the shared free list; 0 otherwise. */
  FREE: 9,
  /** Arena: resets and frame recycles; 0 otherwise. */
  RESETS: 10,
  /** Index + 1 of the last error code in the runtime's (internal) list of codes; 0 for none. `stats().lastError` is the code itself. */
  LAST_ERROR: 11,
  /** Frame of the last error. */
  LAST_ERROR_FRAME: 12,
} as const);

/**
 * Entries a `statsInto` array needs.
 *
 * Thread-safety: a constant; any worker.
 * @example
 * ```ts
 * const s = new Float64Array(STAT_COUNT);
 * ```
 */
export const STAT_COUNT = 16;
