/**
 * The frame arena as a region kind: how the memory sizes, initialises, opens, clocks, reclaims
 * and reports arenas (see memory/kinds.ts for the contract).
 * @module
 * @internal
 */
import type { ArenaOptions } from '../../api.ts';
import type { AllocatorKind } from '../../memory/kinds.ts';
import { KIND_ARENA } from '../../memory/layout.ts';
import { abortAdvance, bytesToRecycle, commitAdvance, describeBlockers, lockForAdvance, reclaimArenaThread } from './clock.ts';
import { FrameArena } from './frame-arena.ts';
import { arenaRegionBytes, initArena } from './layout.ts';

/** The frame arena kind: `memory.createArena()` and `memory.arena()` serve it. @internal */
export const arenaKind = Object.freeze<AllocatorKind<FrameArena, ArenaOptions>>({
  name: 'arena',
  code: KIND_ARENA,
  methods: Object.freeze({ create: 'createArena', open: 'arena' }),
  regionBytes: arenaRegionBytes,
  init: (i32: Int32Array, offset: number, o: ArenaOptions, at: { readonly frame: number }) => { initArena(i32, offset, o, at.frame); },
  open: (host, name, offset, statsOffset) => new FrameArena(host, name, offset, statsOffset),
  clock: {
    lock: lockForAdvance,
    commit: (v, offset, next) => { commitAdvance(v.i32, v.u8, v.f64, offset, next); },
    abort: abortAdvance,
    bytesToRecycle,
    blockers: (i32, u8, offset, next) => describeBlockers(i32, u8, offset, next, next - 1),
    advice: 'have every worker call arena.release() when its frame work is done, and retry advance() (or wait for the workers); keep more frames alive to let workers lag; reclaim a thread that is gone with memory.reclaimThread(id).',
  },
  reclaimThread: (i32, offset, dead) => reclaimArenaThread(i32, offset, dead),
  endFrame: (a) => { a.release(); },
  detach: (a) => { a.release(); },
  lanes: (a) => a.laneUsage(),
});
