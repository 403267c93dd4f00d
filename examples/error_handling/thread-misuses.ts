/**
 * Thread mistakes: a stack used by a thread that does not own it, the frame clock advancing while
 * a worker still holds its lane, a reclaimed worker that keeps running, and a detached memory.
 *
 * A real game would run these workers as Web Workers (or worker_threads). Here each "worker" is a
 * second `Memory` attached in this same thread with `attachMemory(memory.share())`: it gets its own
 * thread id and behaves exactly like a worker for the memory's thread table, which is all these
 * checks look at. (integration_patterns/ runs real workers.)
 */
import { attachMemory } from 'nebula-memory';
import type { Misuse } from './game-memory.ts';

export const threadMisuses: readonly Misuse[] = [
  {
    title: 'a stack used from a thread that does not own it',
    code: 'WRONG_THREAD',
    checkedOnly: true,
    lesson: 'give each worker its own stack (created in that worker), or adopt() an empty one.',
    trigger({ memory }, facts) {
      const physics = attachMemory(memory.share(), { name: 'physics' });
      facts.worker = physics.threadId;
      try {
        physics.stack('scratch').push(16); // the main thread created (owns) "scratch": throws WRONG_THREAD
      } finally {
        physics.detach(); // a worker that stops gives its thread id back
      }
    },
  },
  {
    title: 'advance() while a worker still holds its lane',
    code: 'LANE_LEASED',
    checkedOnly: false, // checked in both builds: recycling leased memory would corrupt the worker's frame
    lesson: 'workers call arena.release() when their frame is done; the clock retries advance() next tick.',
    trigger({ memory }, facts) {
      const sim = attachMemory(memory.share(), { name: 'sim-1' });
      facts.worker = sim.threadId;
      facts.frameBefore = memory.frame;
      const simFrame = sim.arena('frame');
      simFrame.alloc(64); // the worker leases a lane in this frame's segment...
      try {
        // ...and lags: it has not called release() yet. With frames: 2 the clock may run one
        // frame ahead of it, not two:
        memory.advance();
        memory.advance(); // would recycle the worker's segment: throws LANE_LEASED, nothing changes
      } finally {
        // The fix, in the worker: release() when its frame's work is done. Then the clock moves.
        simFrame.release();
        sim.detach();
      }
    },
  },
  {
    title: 'a reclaimed worker keeps using the memory',
    code: 'THREAD_RECLAIMED',
    checkedOnly: false,
    lesson: 'reclaim only workers that are gone (terminated or crashed); a live one detaches itself.',
    trigger({ memory }, facts) {
      const audio = attachMemory(memory.share(), { name: 'audio' });
      audio.arena('frame').alloc(16); // holds a lease
      // The main thread believed "audio" had crashed and reclaimed it:
      const report = memory.reclaimThread(audio.threadId);
      facts.worker = audio.threadId;
      facts.leasesReleased = report?.leases ?? -1;
      // ...but it was alive. Its next slow path (release, refill, publish) finds out:
      audio.publishStats(); // throws THREAD_RECLAIMED
    },
  },
  {
    title: 'using a memory after detach()',
    code: 'DETACHED',
    checkedOnly: false,
    lesson: 'after detach() the Memory is done; attach again with attachMemory(init) if needed.',
    trigger({ memory }, facts) {
      const loader = attachMemory(memory.share(), { name: 'loader' });
      facts.worker = loader.threadId;
      loader.detach(); // the loader finished its level and gave its id back
      // Drop the allocator objects you got from a detached Memory too: lookups and memory
      // methods throw DETACHED, and so does an arena, pool or stack kept from before detach()
      // the next time it would touch shared state (its next lease or refill; every pool free
      // and stack push or pop in the checked build).
      loader.arena('frame'); // throws DETACHED
    },
  },
];
