/**
 * The stack as a region kind: how the memory sizes, initialises, opens, reclaims and reports
 * stacks (see memory/kinds.ts for the contract).
 * @module
 * @internal
 */
import type { StackOptions } from '../../api.ts';
import type { AllocatorKind } from '../../memory/kinds.ts';
import { KIND_STACK } from '../../memory/layout.ts';
import { initStack, reclaimStackThread, stackRegionBytes } from './layout.ts';
import { Stack } from './stack.ts';

/** The stack kind: `memory.createStack()` and `memory.stack()` serve it. @internal */
export const stackKind = Object.freeze<AllocatorKind<Stack, StackOptions>>({
  name: 'stack',
  code: KIND_STACK,
  methods: Object.freeze({ create: 'createStack', open: 'stack' }),
  regionBytes: stackRegionBytes,
  init: (i32: Int32Array, offset: number, o: StackOptions, at: { readonly threadId: number }) => { initStack(i32, offset, o, at.threadId); },
  open: (host, name, offset, statsOffset) => new Stack(host, name, offset, statsOffset),
  reclaimThread: (i32, offset, dead) => reclaimStackThread(i32, offset, dead),
  forgetSites: (a) => { a.forgetSites(); },
  leaks: (a, o) => a.leaks(o.limit),
});
