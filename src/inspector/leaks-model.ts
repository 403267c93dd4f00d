/**
 * Leak hunting: for each pool, how many live slots each call site allocated, and how many of
 * them are older than `oldFrames` frames, from the slots' birth frames and call-site ids in the
 * shared buffer (the checked build records them; call sites while a thread captures them,
 * `memory.captureCallSites(true)`). Counted every LEAK_EVERY frames into typed arrays made once;
 * the top sites of each pool are kept as site ids, their texts made once per site. And the
 * selected slot: clicked in a pool's grid, described with its birth frame, owner and site.
 * @module
 * @internal
 */
import type { Pool } from '../allocators/pool/pool.ts';
import { memoryError, typeName } from '../errors.ts';
import { MAX_SITES } from '../memory/call-sites.ts';
import type { Memory } from '../runtime/memory.ts';

/** What the leak table reads of a region (the model's RegionModel has it). */
export interface LeakRegion {
  /** The region's name. */
  readonly name: string;
  /** Its kind: only pools have leak counts. */
  readonly kind: 'arena' | 'pool' | 'stack';
  /** This thread's allocator instance (a Pool for pools). */
  readonly source: unknown;
}

/** Frames after which a live slot counts as old, unless the options say otherwise. */
export const DEFAULT_OLD_FRAMES = 120;
/** Frames between two counts. */
export const LEAK_EVERY = 10;
/** Characters of a site as the table draws it (cut with '~'); the readout keeps the whole short form. */
export const SITE_CHARS = 40;
/** Sites listed per pool and per kind (live, old). */
export const TOP_SITES = 2;

/** One pool's counts by call-site id (0: unknown site) and its top sites. @internal */
export class PoolLeaks {
  readonly live = new Int32Array(MAX_SITES + 1);
  readonly old = new Int32Array(MAX_SITES + 1);
  /** Site ids of the most live slots, most first; -1 past the end. */
  readonly topLive = new Int32Array(TOP_SITES).fill(-1);
  /** Site ids of the most old slots, most first; -1 past the end. */
  readonly topOld = new Int32Array(TOP_SITES).fill(-1);
  liveTotal = 0;
  oldTotal = 0;
}

/** The slot a click selected. Strings made at the click and at each count, never per frame. */
export interface SelectedSlot {
  /** The pool's region index. */
  readonly region: number;
  /** The slot. */
  readonly slot: number;
  /** The line drawn for it. */
  readonly text: string;
  /** The details, for the readout and the tooltip. */
  readonly live: boolean;
  /** Owner thread id, or -1 when free. */
  readonly thread: number;
  /** Birth frame (checked build), or -1. */
  readonly frame: number;
  /** The full call site, or null. */
  readonly site: string | null;
}

/** The short form of a call site: its first frame, the file's last path segment with line and column. */
export function shortSite(site: string): string {
  const first = site.split('\n', 1)[0].trim().replace(/^at\s+/, '');
  return first.replace(/(^|[\s(@])(?:[a-z]+:\/\/)?[^\s()@]*\/([^/\s()@]+:\d+(?::\d+)?)/g, '$1$2');
}

function top(counts: Int32Array, n: number, out: Int32Array): void {
  out.fill(-1);
  for (let id = 0; id < n; id++) {
    const c = counts[id];
    if (c === 0) continue;
    for (let k = 0; k < out.length; k++) {
      if (out[k] < 0 || c > counts[out[k]]) {
        out.copyWithin(k + 1, k, out.length - 1);
        out[k] = id;
        break;
      }
    }
  }
}

/**
 * Every pool's leak counts and the selected slot.
 * @internal
 */
export class LeaksModel {
  /** Live slots older than this many frames count as old. */
  oldFrames = DEFAULT_OLD_FRAMES;
  /** Per region index: the pool's counts, or null (arenas, stacks). */
  pools: (PoolLeaks | null)[] = [];
  /** Short site texts by id, made once per id ('' not made yet). */
  private readonly texts: (string | undefined)[] = [];
  /** The same, cut to SITE_CHARS characters. */
  private readonly cut: (string | undefined)[] = [];
  /** The selected slot, or null. */
  selected: SelectedSlot | null = null;
  private reads = 0;

  /** Sets {@link LeaksModel.oldFrames}; throws INVALID_OPTION unless it is a whole number from 1 to 2^31 - 1. */
  setOldFrames(n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > 0x7fffffff) {
      throw memoryError('INVALID_OPTION', `oldFrames ${typeof n === 'number' ? String(n) : typeName(n)} is not a frame count`, {
        allocator: 'inspector', request: { oldFrames: typeof n === 'number' ? n : typeName(n) }, state: { oldFrames: this.oldFrames },
        suggestion: `pass a whole number of frames from 1 up, e.g. ${String(DEFAULT_OLD_FRAMES)} (2 s at 60 fps).`,
      });
    }
    this.oldFrames = n;
  }

  /** Makes the per-pool arrays for a new region list. Allocates (at rebuild only). */
  rebuild(regions: readonly LeakRegion[]): void {
    this.pools = regions.map((r) => (r.kind === 'pool' ? new PoolLeaks() : null));
    this.selected = null;
  }

  /** Counts every LEAK_EVERY calls (and at the first); `force` counts now. Allocates nothing but new site texts. */
  read(memory: Memory, regions: readonly LeakRegion[], force = false): void {
    if (!force && this.reads++ % LEAK_EVERY !== 0) return;
    const bornBefore = memory.frame - this.oldFrames;
    for (let k = 0; k < regions.length; k++) {
      const p = this.pools[k];
      if (p === null) continue;
      const n = (regions[k].source as Pool).siteCountsInto(p.live, p.old, bornBefore);
      let live = 0;
      let old = 0;
      for (let id = 0; id < n; id++) { live += p.live[id]; old += p.old[id]; }
      p.liveTotal = live;
      p.oldTotal = old;
      top(p.live, n, p.topLive);
      top(p.old, n, p.topOld);
    }
    if (this.selected !== null) this.select(memory, regions, this.selected.region, this.selected.slot);
  }

  /** The short form of site `id` (0: unknown), made once; `drawn`: cut to SITE_CHARS for the table. */
  siteText(memory: Memory, id: number, drawn = false): string {
    if (id === 0) return 'unknown site';
    let t = this.texts[id];
    if (t === undefined) {
      const full = memory.callSiteText(id);
      t = full === '' ? `site ${String(id)}` : shortSite(full);
      this.texts[id] = t;
      this.cut[id] = t.length > SITE_CHARS ? `${t.slice(0, SITE_CHARS - 1)}~` : t;
    }
    return drawn ? this.cut[id] ?? t : t;
  }

  /** Selects `slot` of the pool at region index `region` (or clears with -1) and describes it. Allocates: on clicks. */
  select(memory: Memory, regions: readonly LeakRegion[], region: number, slot: number): void {
    const r = region >= 0 && region < regions.length ? regions[region] : null;
    if (r?.kind !== 'pool') { this.selected = null; return; }
    const info = (r.source as Pool).slotInfo(slot);
    const name = memory.threads().find((t) => t.id === info.thread)?.name ?? '';
    const site = info.site === null ? null : shortSite(info.site);
    const text = !info.live
      ? `${r.name} slot ${String(slot)}: free`
      : `${r.name} slot ${String(slot)}: live, thread ${String(info.thread)}${name === '' ? '' : ` ${name}`}` +
        (info.frame < 0 ? ' (birth frames: checked build)' : `, born frame ${String(info.frame)} (${String(memory.frame - info.frame)} ago)`) +
        `, ${site ?? 'unknown site'}`;
    this.selected = { region, slot, text, live: info.live, thread: info.thread, frame: info.frame, site: info.site };
  }
}
