/**
 * Pool mistakes: handles freed twice, kept after free, never allocated, given to the wrong pool,
 * and a pool that is simply full.
 *
 * A pool handle is a small integer: slot index, a tag of the pool, and the slot's generation.
 * Every free moves the slot's generation on, so the checked build can tell a double free from a
 * stale handle from a handle of another pool, and says which in `code`.
 */
import type { Misuse } from './game-memory.ts';

export const poolMisuses: readonly Misuse[] = [
  {
    title: 'double free',
    code: 'DOUBLE_FREE',
    checkedOnly: true,
    lesson: 'free each handle once, and set your copy to 0 right after free().',
    trigger({ bullets }, facts) {
      const h = bullets.alloc();
      facts.handle = h;
      bullets.free(h);
      // ...later, another code path still holds `h` and frees it again:
      bullets.free(h); // throws DOUBLE_FREE: state.slotGeneration is handleGeneration + 1, slotLive false
    },
  },
  {
    title: 'stale handle used after free',
    code: 'STALE_HANDLE',
    checkedOnly: true,
    lesson: 'drop handles when you free them; where ownership is shared, ask pool.isAlive(h) first.',
    trigger({ bullets }, facts) {
      const old = bullets.alloc();
      bullets.free(old);
      // The next bullet gets the same slot (the thread's cache is LIFO), one generation on:
      const current = bullets.alloc();
      facts.stale = old;
      facts.current = current;
      facts.aliveOld = bullets.isAlive(old) ? 1 : 0; // 0: the safe question to ask
      // The slot's offset is the same, but the handle is from generation 1 and the slot is at 2:
      bullets.offsetOf(old); // throws STALE_HANDLE, with both generations and slotLive: true
    },
    cleanup({ bullets }, facts) {
      bullets.free(facts.current);
    },
  },
  {
    title: 'free of 0, the "no slot" result of tryAlloc()',
    code: 'INVALID_HANDLE',
    checkedOnly: true,
    lesson: 'check tryAlloc() results for 0 before storing them; 0 is never a handle.',
    trigger({ bullets }) {
      const target = 0; // e.g. an entity whose bullet never got a slot (tryAlloc returned 0)
      bullets.free(target); // throws INVALID_HANDLE
    },
  },
  {
    title: 'handle freed on the wrong pool',
    code: 'FOREIGN_HANDLE',
    checkedOnly: true,
    lesson: 'keep each handle with the pool that issued it (a tag in the handle names its pool).',
    trigger({ bullets, debris }, facts) {
      const rock = debris.alloc();
      facts.handle = rock;
      bullets.free(rock); // throws FOREIGN_HANDLE: state.handleTag differs from state.poolTag
    },
    cleanup({ debris }, facts) {
      debris.free(facts.handle);
    },
  },
  {
    title: 'pool exhausted',
    code: 'POOL_EXHAUSTED',
    checkedOnly: false, // reported in both builds
    lesson: 'size the pool for the worst case, free sooner, or use tryAlloc() and skip the spawn.',
    trigger({ bullets }, facts) {
      const held: number[] = [];
      facts.capacity = bullets.capacity;
      try {
        for (let i = 0; i <= bullets.capacity; i++) held.push(bullets.alloc()); // one too many: throws
      } finally {
        // tryAlloc() is the non-throwing variant: 0 means "no slot" (a failure in the stats, not an error)
        facts.tryAlloc = bullets.tryAlloc();
        facts.held = held.length;
        for (const h of held) bullets.free(h);
      }
    },
  },
];
