/**
 * The in-flight reclaim as it was before the crash-point exploration (deliberately broken, for
 * the tests only): it scanned before announcing itself, bumping its sequence word only after
 * the second read of everyone's words, so two reclaims whose scans overlap both see the other
 * quiet and both push the same in-flight slots; and a reclaim that found no quiet moment left
 * the dead thread's sequence word odd for the next thread with that id.
 */
import { type SharedOps, pushChain } from '../../src/allocators/lockfree.ts';
import type { PoolShape } from '../../src/allocators/pool-reclaim.ts';

function pushSlots(ops: SharedOps, p: PoolShape, slots: readonly number[]): void {
  if (slots.length === 0) return;
  for (let k = 0; k < slots.length; k++) {
    ops.write(p.meta + slots[k], ops.read(p.meta + slots[k]) & ~0xff);
    if (k + 1 < slots.length) ops.write(p.next + slots[k], slots[k + 1] + 1);
  }
  pushChain(ops, p, slots[0], slots[slots.length - 1]);
}

/** The former reclaimPoolThread, over SharedOps (its retries spin instead of polling a clock). */
export function reclaimPreFix(ops: SharedOps, p: PoolShape, dead: number, self: number, attached: (t: number) => boolean): number {
  const seq = (t: number): number => p.lines + t * p.stride + 1;
  const bump = (): void => { ops.store(seq(self), (ops.load(seq(self)) + 1) & 0x3fffffff); };
  const cached: number[] = [];
  for (let i = 0; i < p.capacity; i++) if ((ops.read(p.meta + i) & 0xff) === (0x80 | dead)) cached.push(i);
  bump();
  pushSlots(ops, p, cached);
  ops.add(p.free, cached.length);
  ops.store(p.lines + dead * p.stride, 0);
  bump();
  const s1 = new Int32Array(p.threads);
  for (;;) {
    for (let t = 0; t < p.threads; t++) s1[t] = ops.load(seq(t));
    let busy = false;
    for (let t = 0; t < p.threads; t++) if (t !== dead && t !== self && (s1[t] & 1) !== 0 && attached(t)) busy = true;
    if (busy) {
      ops.spin();
      continue;
    }
    const listed = new Uint8Array(p.capacity);
    let count = 0;
    let link = ops.load(p.head) & ((1 << p.linkBits) - 1);
    while (link !== 0 && link <= p.capacity && listed[link - 1] === 0) {
      listed[link - 1] = 1;
      count++;
      link = ops.read(p.next + link - 1);
    }
    const freeSeen = ops.load(p.free);
    const limbo: number[] = [];
    for (let i = 0; i < p.capacity; i++) if ((ops.read(p.meta + i) & 0xff) === 0 && listed[i] === 0) limbo.push(i);
    let moved = false;
    for (let t = 0; t < p.threads; t++) if (t !== self && ops.load(seq(t)) !== s1[t]) moved = true;
    if (moved) {
      ops.spin();
      continue;
    }
    bump();
    pushSlots(ops, p, limbo);
    ops.add(p.free, limbo.length + (count - freeSeen));
    bump();
    ops.store(seq(dead), 0);
    return cached.length + limbo.length;
  }
}
