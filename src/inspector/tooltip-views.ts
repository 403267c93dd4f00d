/**
 * Tooltip text of the views above the regions: a timeline column (its frame, time and bytes per
 * region) and a thread table row (everything the table knows of the thread). Built on pointer
 * moves only.
 * @module
 * @internal
 */
import { HISTORY_FRAMES } from '../stats/block.ts';
import { THREAD_ATTACHED, THREAD_RECLAIMED, THREAD_RECLAIMING } from '../memory/layout.ts';
import { inside, LINE_H, type CanvasLayout } from './layout.ts';
import type { InspectorModel } from './model.ts';
import { frameOfColumn, frameTimeAt, regionBytesAt } from './timeline-graphics.ts';

/** The part and the tooltip of a view hit: `index` is the frame (timeline) or the thread id (threads). */
export interface ViewHit {
  readonly part: 'timeline' | 'threads';
  readonly index: number;
  readonly lines: string[];
}

const STATE = ['free', 'attached', 'detached', 'reclaimed', 'reclaiming'];

/** The timeline column or thread row at CSS point (x, y), with its tooltip lines; null elsewhere. */
export function viewHit(layout: CanvasLayout, model: InspectorModel, x: number, y: number): ViewHit | null {
  const t = layout.timeline;
  if (t.shown && inside(t.section, x, y)) {
    if (inside(t.label, x, y)) return { part: 'timeline', index: -1, lines: ['timeline: the last 64 frames', 'click a frame to pause and look at it; click here to pause or resume'] };
    const col = Math.min(HISTORY_FRAMES - 1, Math.max(0, Math.floor(((x - t.bytes.x) / t.bytes.w) * HISTORY_FRAMES)));
    const f = frameOfColumn(model, col);
    if (f < 0) return { part: 'timeline', index: -1, lines: ['no frame recorded here yet'] };
    const lines = [`frame ${f}: ${frameTimeAt(model, f).toFixed(1)} ms`];
    let total = 0;
    model.regions.forEach((r, k) => {
      const b = regionBytesAt(model, k, f);
      total += b;
      lines.push(`${r.kind} "${r.name}": ${b} B${r.kind === 'pool' ? ` (${b / r.unitBytes} slots)` : ''}`);
    });
    lines.splice(1, 0, `${total} B in all regions (high water)`);
    return { part: 'timeline', index: f, lines };
  }
  const th = layout.threads;
  if (th.shown && inside(th.rows, x, y)) {
    const row = Math.floor((y - th.rows.y) / LINE_H);
    const m = model.threads;
    if (row >= m.rowCount) return null;
    const id = m.rows[row];
    const st = m.state[id];
    const lines = [`thread ${id} "${m.names[id]}": ${STATE[st] ?? 'free'}`, `generation ${m.generation[id]}, attached in frame ${m.attachedAt[id]}`,
      `last frame ${m.lastFrame[id]}${st === THREAD_ATTACHED ? `, ${m.lag[id]} behind the clock (frame ${model.frame})` : ''}`];
    if (st === THREAD_ATTACHED) {
      lines.push(m.leases[id] === 0 ? 'holds no arena lease' : `holds leases in ${m.leases[id]} arena(s), the oldest since frame ${m.leaseSince[id]}`,
        `${m.cached[id]} free pool slots in its caches`);
    } else if ((st === THREAD_RECLAIMED || st === THREAD_RECLAIMING) && m.reclaimedAt[id] >= 0) {
      lines.push(`reclaimed in frame ${m.reclaimedAt[id]}: released ${m.releasedLeases[id]} leases, ${m.releasedSlots[id]} slots, ${m.releasedStacks[id]} stacks`);
    }
    return { part: 'threads', index: id, lines };
  }
  if (th.shown && inside(th.header, x, y)) return { part: 'threads', index: -1, lines: ['threads: every thread slot in use', 'colours: each thread\'s hue is its lanes\' and slots\' colour', 'live, cached, free: pool slots; peak: high-water ticks; warning: past 90% or failing'] };
  return null;
}
