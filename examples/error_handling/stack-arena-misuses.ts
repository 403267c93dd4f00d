/**
 * Stack and frame-arena mistakes: LIFO order, marks, sizes and alignments, full allocators, a
 * write past a block's end, and an offset kept after its frame was recycled.
 */
import type { Misuse } from './game-memory.ts';

export const stackArenaMisuses: readonly Misuse[] = [
  {
    title: 'stack pop out of LIFO order',
    code: 'LIFO_VIOLATION',
    checkedOnly: true,
    lesson: 'pop the newest block first, or take a mark() and release() several blocks at once.',
    trigger({ scratch }, facts) {
      facts.older = scratch.push(64, 16); // vertices
      facts.newer = scratch.push(32, 16); // indices
      scratch.pop(facts.older); // throws LIFO_VIOLATION: request.offset is the older block, request.top the newer
    },
    cleanup({ scratch }, facts) {
      scratch.pop(facts.newer);
      scratch.pop(facts.older);
    },
  },
  {
    title: 'release of a mark that is no longer current',
    code: 'INVALID_MARK',
    checkedOnly: false, // a mark above the top is caught in both builds
    lesson: 'release inner marks before outer ones; a mark dies when an older mark is released.',
    trigger({ scratch }, facts) {
      const outer = scratch.mark();
      scratch.push(32);
      const inner = scratch.mark();
      scratch.push(32);
      facts.outer = outer;
      facts.inner = inner;
      scratch.release(outer); // releases both blocks, and with them the inner mark
      scratch.release(inner); // throws INVALID_MARK: the mark is above the top now
    },
  },
  {
    title: 'stack overflow',
    code: 'STACK_OVERFLOW',
    checkedOnly: false,
    lesson: 'raise the capacity (the suggestion gives the minimum) or use tryPush() and fall back.',
    trigger({ scratch }, facts) {
      facts.tryPush = scratch.tryPush(2048); // 0: does not fit, nothing thrown
      scratch.push(2048); // throws STACK_OVERFLOW (each block also costs 8 bytes of bookkeeping)
    },
  },
  {
    title: 'one request larger than the whole frame',
    code: 'ALLOC_TOO_LARGE',
    checkedOnly: false,
    lesson: 'this can never succeed: raise the arena capacity, or split the request.',
    trigger({ frame }) {
      frame.alloc(8192, 8); // the arena has 4096 bytes per frame: throws ALLOC_TOO_LARGE
    },
  },
  {
    title: 'frame arena exhausted',
    code: 'ARENA_EXHAUSTED',
    checkedOnly: false,
    lesson: 'raise capacity above state.peak, or use tryAlloc() where skipping work is fine.',
    trigger({ frame }, facts) {
      for (let i = 0; i < 4; i++) frame.alloc(1024); // fills this frame's 4096 bytes exactly
      facts.tryAlloc = frame.tryAlloc(1024); // 0: full, nothing thrown
      frame.alloc(1024); // throws ARENA_EXHAUSTED
    },
    cleanup({ memory }) {
      // The frame clock frees everything: with frames: 2, the full segment is recycled two
      // frames later. That is the normal way memory comes back in a frame arena.
      memory.advance();
      memory.advance();
    },
  },
  {
    title: 'size 0 (an empty batch)',
    code: 'INVALID_SIZE',
    checkedOnly: true, // the fast build checks only for fractional sizes
    lesson: 'skip the allocation when there is nothing to store; sizes are whole numbers > 0.',
    trigger({ frame }) {
      const sparks = 0; // nothing spawned this frame
      frame.alloc(sparks * 16, 16); // throws INVALID_SIZE
    },
  },
  {
    title: 'alignment that is not a power of two',
    code: 'INVALID_ALIGN',
    checkedOnly: false, // the arena checks its alignment in both builds
    lesson: 'align to the element size of the view you read with (4 for f32, 16 for vec4/SIMD), not the struct size.',
    trigger({ frame }) {
      frame.alloc(24, 12); // "align to a vec3 (12 bytes)": throws INVALID_ALIGN
    },
  },
  {
    title: 'write past the end of a block',
    code: 'RED_ZONE_OVERWRITTEN',
    checkedOnly: true, // red zones exist only in the checked build
    lesson: 'allocate what you write; the message names the block, its size, and the first guard byte hit.',
    trigger({ memory, guarded }, facts) {
      const p = guarded.alloc(16, 4); // room for 4 floats
      facts.block = p;
      memory.f32[(p >> 2) + 4] = 1; // the 5th float: an off-by-one in a loop
      // Nothing can see a raw write as it happens; the guard bytes are checked when the block is
      // released. reset() completes (the arena is consistent), then throws.
      guarded.reset(); // throws RED_ZONE_OVERWRITTEN
    },
  },
  {
    title: 'offset kept after its frame was recycled',
    code: 'USE_AFTER_RESET',
    checkedOnly: true, // verify() returns the offset unchecked in the fast build
    lesson: 'frame memory lives `frames` frames: copy what must last longer into a pool.',
    trigger({ memory, frame }, facts) {
      const p = frame.alloc(16, 16);
      const epoch = frame.epoch; // read right after allocating: which segment, how often emptied
      facts.offset = p;
      facts.epoch = epoch;
      memory.advance();
      memory.advance(); // frames: 2, so p's segment is recycled here
      // A long-lived system reads p through verify() on its read path:
      frame.verify(p, epoch); // throws USE_AFTER_RESET
    },
  },
];
