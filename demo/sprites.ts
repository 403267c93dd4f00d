/**
 * Particle sprites, made once per hue and kept in an asset cache: an `AsyncCache` under a byte
 * budget behind `withDedup`, so the hundreds of particles that ask for the same sprite in the
 * first frame share one computation. Drawing reads the cache with `peek()`, which allocates
 * nothing; a particle whose sprite is not ready yet is drawn as a plain square.
 * @module
 */

import { AsyncCache, type CacheStats, withDedup } from '../src/cache/index.ts';
import type { DedupLoader, DedupStats } from '../src/cache/dedup.ts';

/** Hue buckets: one sprite each. */
export const SPRITE_HUES = 25;
/** Sprite edge in pixels. */
export const SPRITE_SIZE = 12;

/** The hue (degrees) of bucket `k`. */
export function hueOf(k: number): number {
  return 180 + k * 6;
}

/** Draws a soft round sprite of hue bucket `k` and turns it into an ImageBitmap. */
async function makeSprite(k: number): Promise<ImageBitmap> {
  const canvas = new OffscreenCanvas(SPRITE_SIZE, SPRITE_SIZE);
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('no 2d context on an OffscreenCanvas');
  const r = SPRITE_SIZE / 2;
  const g = ctx.createRadialGradient(r, r, 0, r, r, r);
  g.addColorStop(0, `hsla(${hueOf(k)}, 95%, 80%, 1)`);
  g.addColorStop(0.45, `hsla(${hueOf(k)}, 85%, 62%, 0.85)`);
  g.addColorStop(1, `hsla(${hueOf(k)}, 85%, 50%, 0)`);
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, SPRITE_SIZE, SPRITE_SIZE);
  return createImageBitmap(canvas);
}

/** The sprite cache of the demo page. */
export class Sprites {
  private readonly cache = new AsyncCache<number, ImageBitmap>({
    name: 'sprites',
    maxBytes: SPRITE_HUES * SPRITE_SIZE * SPRITE_SIZE * 4,
    sizeOf: (b) => b.width * b.height * 4,
    onEvict: (_k, b) => { b.close(); },
  });
  private readonly loader: DedupLoader<number, ImageBitmap> = withDedup(this.cache);
  private readonly onError: (e: unknown) => void;

  /** @param onError - where a failed sprite is reported (the page's error box). */
  constructor(onError: (e: unknown) => void) {
    this.onError = onError;
  }

  /** The sprite of bucket `k`, or undefined while it is made (it is asked for at most once at a time). */
  get(k: number): ImageBitmap | undefined {
    const s = this.loader.peek(k);
    if (s === undefined) this.loader.get(k, makeSprite).catch(this.onError);
    return s;
  }

  /** The core cache's counters: hits, misses, computes, bytes. */
  stats(): CacheStats {
    return this.cache.stats();
  }

  /** The dedup layer's counters: computations started and misses that joined one. */
  dedupStats(): DedupStats {
    return this.loader.stats();
  }
}
