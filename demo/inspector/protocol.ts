/** Messages between the inspector demo page and its workload workers, and the seeded random numbers both use. */
import type { SharedMemoryInit } from 'nebula-memory';

/** Page to worker. */
export type ToWorkload =
  | {
    readonly type: 'init'; readonly memory: SharedMemoryInit; readonly index: number; readonly seed: number;
    /** Record call sites (`memory.captureCallSites(true)`): the page's `?sites=1`. Off by default: a stack trace per allocation. */
    readonly sites: boolean;
  }
  | { readonly type: 'frame'; readonly frame: number };

/** Worker to page. */
export type FromWorkload =
  | { readonly type: 'ready'; readonly threadId: number }
  | { readonly type: 'done'; readonly frame: number; readonly live: number }
  | { readonly type: 'error'; readonly message: string };

/** The regions of the demo memory. */
export const REGIONS = Object.freeze({
  frame: { capacity: 1 << 20, frames: 2, laneBytes: 16 << 10 },
  particles: { slotSize: 32, align: 16, capacity: 200_000 },
  bullets: { slotSize: 16, capacity: 256, batch: 8 },
  scratch: { capacity: 64 << 10 },
});

/** Frames between two deliberate failures (worker 1 runs the bullet pool dry). */
export const FAILURE_EVERY = 120;

/**
 * Frames between two bullets leaked on purpose: worker 0's `fireAndForget` allocates a bullet
 * and never frees it, so the inspector's leak table has a leak to find (docs/INSPECTOR.md,
 * "Finding a leak").
 */
export const LEAK_EVERY = 30;
/** Bullets leaked at most (of 256): the pool keeps room for the deliberate failure of worker 1. */
export const LEAK_MAX = 128;

/** mulberry32: a small seeded generator, so every run does the same work. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
