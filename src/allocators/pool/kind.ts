/**
 * The pool as a region kind: how the memory sizes, initialises, opens, reclaims and reports
 * pools (see memory/kinds.ts for the contract).
 * @module
 * @internal
 */
import type { PoolOptions } from '../../api.ts';
import type { AllocatorKind } from '../../memory/kinds.ts';
import { KIND_POOL } from '../../memory/layout.ts';
import { initPool, poolRegionBytes } from './layout.ts';
import { Pool } from './pool.ts';
import { reclaimPoolThread } from './reclaim.ts';

/** The pool kind: `memory.createPool()` and `memory.pool()` serve it. @internal */
export const poolKind = Object.freeze<AllocatorKind<Pool, PoolOptions>>({
  name: 'pool',
  code: KIND_POOL,
  methods: Object.freeze({ create: 'createPool', open: 'pool' }),
  regionBytes: poolRegionBytes,
  init: (i32: Int32Array, offset: number, o: PoolOptions) => { initPool(i32, offset, o); },
  open: (host, name, offset, statsOffset) => new Pool(host, name, offset, statsOffset),
  reclaimThread: reclaimPoolThread,
  detach: (a) => { a.flush(); },
  leaks: (a, o) => a.leaks(o),
});
