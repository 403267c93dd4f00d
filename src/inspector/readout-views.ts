/**
 * The readout of the views above the regions: the thread table and the timeline, as frozen
 * plain objects (see {@link InspectorReadout}).
 * @module
 */
import type { ThreadState } from '../api-reports.ts';
import type { InspectorModel } from './model.ts';
import type { LeaksModel } from './leaks-model.ts';
import { frameTimeAt, regionBytesAt } from './timeline-graphics.ts';
import type { ViewState } from './view-state.ts';

const STATES: readonly ThreadState[] = ['free', 'attached', 'detached', 'reclaimed', 'reclaiming'];

/**
 * One row of the inspector's thread table.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * for (const t of inspector.readout().threadTable) if (t.lag > 2) console.warn(t.name, t.lag);
 * ```
 */
export interface InspectorThreadReadout {
  /** Thread id, 0..63. */
  readonly id: number;
  /** Its name ('' for none). */
  readonly name: string;
  /** Its slot's state. */
  readonly state: ThreadState;
  /** The last frame it reported. */
  readonly lastFrame: number;
  /** Frames behind the clock while attached, else 0. */
  readonly lag: number;
  /** Arenas in which it holds a lease. */
  readonly leases: number;
  /** The oldest frame of a lease it holds, or -1. */
  readonly leaseSince: number;
  /** Free pool slots in its private caches. */
  readonly cachedSlots: number;
  /** The frame it was reclaimed in, or -1. */
  readonly reclaimedAt: number;
  /** What the reclaim released: arena leases, pool slots, stacks emptied. */
  readonly released: {
    /** Arena leases released. */
    readonly leases: number;
    /** Pool slots given back. */
    readonly slots: number;
    /** Stacks emptied. */
    readonly stacks: number;
  };
}

/**
 * The timeline's numbers: the last frames (up to 64), each with its time and each region's bytes.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * const { frames, frameTimes } = inspector.readout().timeline;
 * console.log(`frame ${frames.at(-1)} took ${frameTimes.at(-1)} ms`);
 * ```
 */
export interface InspectorTimelineReadout {
  /** Frame numbers, oldest first. */
  readonly frames: readonly number[];
  /** Each frame's duration in ms (`memory.frameTimesInto`). */
  readonly frameTimes: readonly number[];
  /** Per region (creation order): its name and its high water in bytes in each frame. */
  readonly regions: readonly {
    /** The region's name. */
    readonly name: string;
    /** Its high water in bytes in each frame of `frames`. */
    readonly bytes: readonly number[];
  }[];
  /** The picture is paused. */
  readonly paused: boolean;
  /** The frame the cursor is on, or -1. */
  readonly scrub: number;
}

/** The thread table of `model` as last read. */
export function threadTableReadout(model: InspectorModel): readonly InspectorThreadReadout[] {
  const th = model.threads;
  const rows: InspectorThreadReadout[] = [];
  for (let i = 0; i < th.rowCount; i++) {
    const t = th.rows[i];
    rows.push(Object.freeze({
      id: t, name: th.names[t], state: STATES[th.state[t]] ?? 'free', lastFrame: th.lastFrame[t], lag: th.lag[t],
      leases: th.leases[t], leaseSince: th.leaseSince[t], cachedSlots: th.cached[t], reclaimedAt: th.reclaimedAt[t],
      released: Object.freeze({ leases: th.releasedLeases[t], slots: th.releasedSlots[t], stacks: th.releasedStacks[t] }),
    }));
  }
  return Object.freeze(rows);
}

/** The timeline of `model` as last read, with `view`'s pause and cursor. */
export function timelineReadout(model: InspectorModel, view: ViewState): InspectorTimelineReadout {
  const n = model.frameTimeCount;
  const frames = Array.from({ length: n }, (_, k) => model.frame - n + k);
  return Object.freeze({
    frames: Object.freeze(frames),
    frameTimes: Object.freeze(frames.map((f) => frameTimeAt(model, f))),
    regions: Object.freeze(model.regions.map((r, k) => Object.freeze({ name: r.name, bytes: Object.freeze(frames.map((f) => regionBytesAt(model, k, f))) }))),
    paused: view.paused, scrub: view.scrub,
  });
}

/**
 * A call site and how many slots it allocated (in one of the leak table's lists).
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * const [worst] = inspector.readout().leaks.pools[0].topOld;
 * if (worst) console.warn(`${worst.count} old slots from ${worst.site}`);
 * ```
 */
export interface InspectorSiteCount {
  /** The call site's short form (first frame, file:line:column), or 'unknown site'. */
  readonly site: string;
  /** Slots it allocated that are live (topLive) or live and old (topOld). */
  readonly count: number;
}

/**
 * The leak table: per pool, its live slots and those older than `oldFrames` frames, with the
 * call sites that allocated most of them; and the slot selected in a grid. Counted every 10 frames.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * for (const p of inspector.readout().leaks.pools) if (p.old > 0) console.warn(p.name, p.old, p.topOld);
 * ```
 */
export interface InspectorLeaksReadout {
  /** Live slots older than this many frames count as old. */
  readonly oldFrames: number;
  /** Per pool, in creation order. */
  readonly pools: readonly {
    /** The pool's name. */
    readonly name: string;
    /** Live slots at the last count. */
    readonly live: number;
    /** Live slots born more than `oldFrames` frames before the last count (checked build; 0 in the fast build). */
    readonly old: number;
    /** The sites of the most live slots, most first (up to 2). */
    readonly topLive: readonly InspectorSiteCount[];
    /** The sites of the most old slots, most first (up to 2). */
    readonly topOld: readonly InspectorSiteCount[];
  }[];
  /** The slot selected by a click in a grid, or null. */
  readonly selected: {
    /** The pool's name. */
    readonly region: string;
    /** The slot (the first of the cell clicked). */
    readonly slot: number;
    /** Whether it is live. */
    readonly live: boolean;
    /** Owner thread id, or -1 when free. */
    readonly thread: number;
    /** Birth frame (checked build), else -1. */
    readonly frame: number;
    /** The full call site, or null when unknown. */
    readonly site: string | null;
    /** The line the leak table draws for it. */
    readonly text: string;
  } | null;
}

function sites(model: InspectorModel, leaks: LeaksModel, ids: Int32Array, counts: Int32Array): readonly InspectorSiteCount[] {
  const out: InspectorSiteCount[] = [];
  for (const id of ids) if (id >= 0) out.push(Object.freeze({ site: leaks.siteText(model.memory, id), count: counts[id] }));
  return Object.freeze(out);
}

/** The leak table of `model` as last counted. */
export function leaksReadout(model: InspectorModel): InspectorLeaksReadout {
  const leaks = model.leaks;
  const pools = model.regions.flatMap((r, k) => {
    const p = k < leaks.pools.length ? leaks.pools[k] : null;
    return p === null ? [] : [Object.freeze({
      name: r.name, live: p.liveTotal, old: p.oldTotal, topLive: sites(model, leaks, p.topLive, p.live), topOld: sites(model, leaks, p.topOld, p.old),
    })];
  });
  const s = leaks.selected;
  return Object.freeze({
    oldFrames: leaks.oldFrames, pools: Object.freeze(pools),
    selected: s === null ? null : Object.freeze({ region: model.regions[s.region].name, slot: s.slot, live: s.live, thread: s.thread, frame: s.frame, site: s.site, text: s.text }),
  });
}
