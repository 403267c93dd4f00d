/**
 * Scopes as functions: `memoryScope(stack, fn)` frees what `fn` pushed, `frameScope(memory, fn)`
 * runs one frame and moves the clock on. They need no `Symbol.dispose` and no wrapper object.
 * @module
 */
import { FrameArena } from '../allocators/arena/frame-arena.ts';
import type { Stack } from '../allocators/stack/stack.ts';
import type { Memory } from '../runtime/memory.ts';
import { badFrameTime } from '../memory/frame-times.ts';

/**
 * Runs `fn` and then frees everything it allocated from `allocator`: a stack is released to the
 * mark taken before (`stack.release`), a frame arena rewound (`arena.rewind`, this thread's lane
 * only). The result of `fn` is returned; an exception still frees, then propagates.
 *
 * **Safety:** offsets allocated inside become invalid when it returns. Wrong: returning
 * `stack.push(16)` out of `fn` and using it afterwards.
 *
 * Thread-safety: owner thread of the stack; for an arena, any worker through its own instance.
 * @throws whatever `fn` throws; {@link nebula-memory!MemoryError} `INVALID_MARK` when `fn` released past the
 * scope's mark (or reset the allocator).
 * @see {@link frameScope}, which runs a whole frame and advances the clock.
 * @see {@link nebula-memory!Stack.scope | Stack.scope}, the same mark for a `using` block; {@link nebula-memory!Stack.mark | Stack.mark} and {@link nebula-memory!Stack.release | Stack.release} by hand.
 * @see {@link createTemps} for gl-matrix temporaries, which start over each frame rather than at the end of a scope.
 * @example
 * ```ts
 * const area = memoryScope(scratch, (s) => {
 *   const pts = s.push(8 * n, 8);
 *   return polygonArea(memory.f64, pts >> 3, n);
 * });
 * ```
 */
export function memoryScope<R>(allocator: Stack, fn: (allocator: Stack) => R): R;
/**
 * The frame arena form of {@link memoryScope}: rewinds this thread's lane.
 *
 * Thread-safety: any worker, through its own instance.
 * @example
 * ```ts
 * memoryScope(frame, (a) => buildParticles(a));
 * ```
 */
export function memoryScope<R>(allocator: FrameArena, fn: (allocator: FrameArena) => R): R;
export function memoryScope<R>(allocator: Stack | FrameArena, fn: (allocator: never) => R): R {
  const m = allocator.mark();
  try {
    return fn(allocator as never);
  } finally {
    if (allocator instanceof FrameArena) allocator.rewind(m);
    else allocator.release(m);
  }
}

/**
 * Runs one frame: calls `fn` with the frame number, releases `scratch` to where it stood (if
 * given), then calls `memory.advance(now)`: frame arenas recycle their oldest segment and
 * temporaries ({@link TempRings}) start over. If `fn` throws, `scratch` is still released, the
 * frame does not advance, and the error propagates. `now` (optional) is the frame's end time for
 * the frame-time ring, as {@link nebula-memory!Memory.advance | Memory.advance} takes it: pass the
 * `requestAnimationFrame` timestamp and no clock is read.
 *
 * Thread-safety: the thread that runs the frame clock (usually the main thread).
 * @throws whatever `fn` throws; {@link nebula-memory!MemoryError} `LANE_LEASED` from `advance()` when a worker
 * still leases the segment to recycle (the frame then stays); `INVALID_OPTION` when `now` is
 * given but is not a finite number >= 0 (before `fn` runs).
 * @see {@link memoryScope}, which frees what one function allocated without moving the frame.
 * @see {@link createTemps}, whose temporaries start over when the frame moves on.
 * @see {@link nebula-memory!Memory.advance | Memory.advance}, what it calls at the end.
 * @example
 * ```ts
 * function tick(now: number): void {
 *   frameScope(memory, (frame) => simulate(frame), scratch, now);
 *   requestAnimationFrame(tick);
 * }
 * requestAnimationFrame(tick);
 * ```
 */
export function frameScope<R>(memory: Memory, fn: (frame: number) => R, scratch?: Stack, now?: number): R {
  if (now !== undefined && !(typeof now === 'number' && now >= 0 && now <= Number.MAX_VALUE)) badFrameTime('frameScope', now, memory.frame);
  const m = scratch === undefined ? 0 : scratch.mark();
  let result: R;
  try {
    result = fn(memory.frame);
  } finally {
    scratch?.release(m);
  }
  memory.advance(now);
  return result;
}
