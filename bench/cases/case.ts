/**
 * What every allocation case shares: the batch size, the shape of a case, and the per-case
 * tally that keeps the work observable (and checks that every op wrote and read what it should).
 * @module
 */

/** Ops per tinybench iteration: one "frame" of temporaries, as in PERF-BASELINE.md. */
export const BATCH = 4096;

/**
 * What one batch adds to its case's accumulator. Op `i` writes `[i, i * 0.5, -i]` and reads the
 * middle float back, so a batch sums `0.5 * (0 + 1 + ... + BATCH - 1)`, exact in float32 and float64.
 */
export const BATCH_SUM = 0.5 * (BATCH * (BATCH - 1)) / 2;

/** Accumulator and batch count of one case; printed at the end so no op is dead code. */
export interface Tally {
  /** Sum of every float read back. */
  acc: number;
  /** Batches run, warm-up included. */
  batches: number;
}

/**
 * One benchmarked allocation strategy. Each case writes its own loop (the op's lines repeat
 * from case to case): a loop shared by cases that run in one process would see several
 * allocators at one call site, and measure V8's polymorphic inline caches instead.
 */
export interface AllocCase {
  /** Short id for the table and the JSON. */
  readonly id: string;
  /** One line on what one op does. */
  readonly label: string;
  /** Id of the hand-written case this one is compared with in the "x ref" column, if not `bump`. */
  readonly ref?: string;
  /**
   * The library methods the op calls, `Class.method` (e.g. `Stack.push`): the ones that must stay
   * under an engine's inlining limit. The Firefox gap report names them.
   */
  readonly hot?: readonly string[];
  /** Runs BATCH ops and adds what they read to `tally`. */
  readonly batch: () => void;
  /** The case's accumulator. */
  readonly tally: Tally;
  /** Optional post-run check of the allocator's own invariants; throws when broken. */
  readonly verify?: () => void;
}

/** Returns a fresh, zeroed tally. */
export function newTally(): Tally {
  return { acc: 0, batches: 0 };
}

/**
 * Module-level sink for variants that return an object: each op stores its object here, so
 * escape analysis cannot remove the allocation.
 */
export const objectSink: { last: unknown } = { last: null };

/** Throws when a case's accumulator does not equal `batches * BATCH_SUM` (a skipped or wrong op). */
export function checkTally(c: AllocCase): void {
  const want = c.tally.batches * BATCH_SUM;
  if (c.tally.acc !== want) {
    throw new Error(`case ${c.id}: accumulator ${c.tally.acc} != ${want} (${c.tally.batches} batches)`);
  }
}
