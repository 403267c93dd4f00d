/**
 * The inspector's views above the regions: the layout of the timeline and the thread table (and
 * how they give way to the regions), the thread table's rows, the timeline's frames, pausing and
 * scrubbing, and the tooltips of both.
 */
import { describe, expect, it } from 'vitest';
import { attachMemory, createMemory } from '../src/index.ts';
import { GAP, LABEL_H, LINE_H, PAD, type Rect, TIMELINE_SECTION_H, TITLE_H, TL_H, TIMES_H, THREAD_ROWS_MAX, layoutCanvas } from '../src/inspector/layout.ts';
import { InspectorRenderer } from '../src/inspector/renderer.ts';
import { applyView } from '../src/inspector/view-state.ts';
import { StubContext } from './fixtures/inspector-stub-context.ts';
import { filledMemory } from './fixtures/inspector-setup.ts';

const VIEWS = { timeline: true, threadRows: 3 };

/** A renderer of `w` x `h` with both views on. */
function rendererOf(memory: ReturnType<typeof filledMemory>['memory'], w = 1024, h = 720) {
  const ctx = new StubContext();
  return { ctx, renderer: new InspectorRenderer(memory, ctx.asContext(), { width: w, height: h, dpr: 1 }) };
}

describe('inspector views: layout', () => {
  it('puts the timeline and the thread table between the title and the regions, with exact rectangles', () => {
    const l = layoutCanvas(1024, 720, ['arena', 'pool', 'stack'], VIEWS);
    const w = 1024 - 2 * PAD;
    expect(l.timeline.shown).toBe(true);
    expect(l.timeline.label).toEqual({ x: 8, y: 26, w, h: LABEL_H });
    expect(l.timeline.bytes).toEqual({ x: 8, y: 41, w, h: TL_H });
    expect(l.timeline.times).toEqual({ x: 8, y: 41 + TL_H + 2, w, h: TIMES_H });
    expect(TIMELINE_SECTION_H).toBe(15 + 40 + 2 + 24 + 8);
    expect(l.threads.header).toEqual({ x: 8, y: 26 + 89, w, h: LABEL_H });
    expect(l.threads.rows).toEqual({ x: 8, y: 26 + 89 + 15, w, h: 3 * LINE_H });
    expect(l.threads.section.h).toBe(15 + 3 * 13 + GAP);
    expect(l.regions[0].label.y).toBe(26 + 89 + 62);
    expect(l.hidden).toBe(0);
    // at most THREAD_ROWS_MAX rows
    expect(layoutCanvas(1024, 720, ['pool'], { timeline: true, threadRows: 40 }).threads.rowCount).toBe(THREAD_ROWS_MAX);
  });

  it('gives way to the regions: first the thread table, then the timeline; the title counts them', () => {
    // 300 px: the warnings at 214; the three regions need 26 + 147 + 24 = 197, the timeline 89 more
    const tight = layoutCanvas(640, 300, ['arena', 'pool', 'stack'], VIEWS);
    expect([tight.timeline.shown, tight.threads.shown]).toEqual([false, false]);
    expect(tight.regions.every((r) => r.shown)).toBe(true);
    expect(tight.hidden).toBe(2);
    expect(tight.regions[0].label.y).toBe(PAD + TITLE_H);
    // 390 px: warnings at 304; timeline + regions = 26 + 89 + 171 = 286 fit, the thread table (62) does not
    const some = layoutCanvas(640, 390, ['arena', 'pool', 'stack'], VIEWS);
    expect([some.timeline.shown, some.threads.shown]).toEqual([true, false]);
    expect(some.hidden).toBe(1);
    expect(some.regions[0].label.y).toBe(PAD + TITLE_H + TIMELINE_SECTION_H);
  });

  it('no two parts overlap with the views on, on any canvas from 120 x 80 to 1400 x 1200', () => {
    const kinds = ['arena', 'stack', 'pool'] as const;
    const overlap = (a: Rect, b: Rect): boolean => a.h > 0 && b.h > 0 && a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
    let seed = 11;
    const next = (n: number): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n; };
    for (let round = 0; round < 400; round++) {
      const width = 120 + next(1280);
      const height = 80 + next(1120);
      const list = Array.from({ length: next(9) }, () => kinds[next(3)]);
      const l = layoutCanvas(width, height, list, { timeline: next(2) === 1, threadRows: next(12) });
      const parts: Rect[] = [l.title, l.warnings, l.timeline.label, l.timeline.bytes, l.timeline.times, l.threads.header, l.threads.rows];
      for (const r of l.regions) if (r.shown) parts.push(r.label, r.bar, r.lanes, r.graph, r.grid);
      for (let i = 0; i < parts.length; i++) {
        for (let j = i + 1; j < parts.length; j++) expect(overlap(parts[i], parts[j]), `${String(width)}x${String(height)} [${list.join(',')}] ${String(i)}/${String(j)}`).toBe(false);
      }
      // a view is shown only when every region is
      if (l.timeline.shown || l.threads.shown) expect(l.regions.every((r) => r.shown)).toBe(true);
    }
  });
});

describe('inspector views: timeline', () => {
  it('reads the last frames: each frame\'s time and each region\'s high water in bytes, aligned', () => {
    const { memory, pool } = filledMemory(); // 5 frames ended
    const { renderer } = rendererOf(memory);
    renderer.draw();
    const t = renderer.readout().timeline;
    expect(t.frames).toEqual([0, 1, 2, 3, 4]);
    expect(t.frameTimes).toHaveLength(5);
    for (const ms of t.frameTimes) expect(ms).toBeGreaterThanOrEqual(0);
    const times = new Float64Array(64);
    expect(memory.frameTimesInto(times)).toBe(5);
    expect(t.frameTimes).toEqual(Array.from(times.subarray(0, 5)));
    const snap = memory.snapshot();
    expect(t.regions.map((r) => r.name)).toEqual(['frame', 'slots', 'scratch']);
    expect(t.regions[0].bytes).toEqual(snap.regions[0].frameHistory);
    expect(t.regions[1].bytes).toEqual(snap.regions[1].frameHistory.map((n) => n * pool.slotSize));
    expect(t.regions[2].bytes).toEqual(snap.regions[2].frameHistory);
    expect([t.paused, t.scrub]).toEqual([false, -1]);
  });

  it('pausing freezes the picture while the memory moves on; scrubbing picks a frame; resuming reads again', () => {
    const { memory, arena } = filledMemory();
    const { ctx, renderer } = rendererOf(memory);
    renderer.draw();
    applyView(renderer.view, renderer.model, true, 3);
    for (let f = 0; f < 4; f++) { arena.alloc(100); memory.advance(); }
    ctx.clear();
    renderer.draw();
    const paused = renderer.readout();
    expect(paused.frame).toBe(5);
    expect(paused.timeline).toMatchObject({ paused: true, scrub: 3 });
    // the label row describes frame 3 and says the picture is paused
    expect(ctx.texts).toContain('  PAUSED (click to resume)');
    expect(ctx.texts.join('')).toContain('  frame 3 took ');
    // a frame outside the window clears the cursor but stays paused
    applyView(renderer.view, renderer.model, true, 99);
    expect(renderer.readout().timeline).toMatchObject({ paused: true, scrub: -1 });
    applyView(renderer.view, renderer.model, false, -1);
    renderer.draw();
    expect(renderer.readout().frame).toBe(9);
    expect(renderer.readout().timeline).toMatchObject({ paused: false, scrub: -1, frames: [0, 1, 2, 3, 4, 5, 6, 7, 8] });
  });

  it('a click on the graphs pauses on the frame under the pointer; a click on its label row resumes', () => {
    const { memory } = filledMemory();
    const { renderer } = rendererOf(memory);
    renderer.draw();
    const w = 1024 - 2 * PAD;
    // 64 columns over w px; 5 frames recorded -> columns 59..63 are frames 0..4
    const colX = (col: number): number => PAD + Math.floor(((col + 0.5) * w) / 64);
    expect(renderer.click(colX(61), 60)).toBe(true);
    expect(renderer.readout().timeline).toMatchObject({ paused: true, scrub: 2 });
    expect(renderer.click(colX(63), 100, true)).toBe(true); // a drag over the frame-time graph moves the cursor
    expect(renderer.readout().timeline.scrub).toBe(4);
    expect(renderer.click(colX(10), 60)).toBe(false); // before the first frame: paused already, no frame there
    expect(renderer.click(100, 30)).toBe(true); // the label row resumes
    expect(renderer.readout().timeline).toMatchObject({ paused: false, scrub: -1 });
    expect(renderer.click(100, 700)).toBe(false); // elsewhere: nothing
    // the tooltip of a column
    const hit = renderer.hitTest(colX(63), 60);
    expect(hit).toMatchObject({ part: 'timeline', index: 4 });
    expect(hit?.lines[0]).toMatch(/^frame 4: \d+\.\d ms$/);
    expect(hit?.lines.slice(2)).toEqual(['arena "frame": 5000 B', 'pool "slots": 0 B (0 slots)', 'stack "scratch": 0 B']);
  });
});

describe('inspector views: thread table', () => {
  it('lists every thread slot in use with its state, lag, leases and cached slots, and warns of lag', () => {
    const { memory } = filledMemory();
    if (!memory.shared) return; // a second thread needs a SharedArrayBuffer
    const sim = attachMemory(memory.share(), { name: 'sim-1' });
    const simArena = sim.arena('frame');
    const simPool = sim.pool('slots');
    simArena.alloc(64);
    const h = simPool.alloc();
    simPool.free(h);
    const { renderer } = rendererOf(memory);
    renderer.draw();
    let table = renderer.readout().threadTable;
    expect(table.map((t) => [t.id, t.name, t.state])).toEqual([[0, 'main', 'attached'], [1, 'sim-1', 'attached']]);
    // sim's one alloc refilled its cache with a batch of 8 (7 left), its free put one back: 8;
    // main's 300 allocs took 38 batches (304 slots): 4 left in its cache
    expect(table[1]).toMatchObject({ lastFrame: 5, lag: 0, leases: 1, leaseSince: 5, cachedSlots: 8, reclaimedAt: -1 });
    expect(table[0]).toMatchObject({ lastFrame: 5, lag: 0, leases: 0, leaseSince: -1, cachedSlots: 4 }); // advance() ended main's lanes
    expect(simPool.stats().cached).toBe(12);
    simArena.release();
    for (let f = 0; f < 3; f++) memory.advance();
    renderer.draw();
    table = renderer.readout().threadTable;
    expect(table[1]).toMatchObject({ lag: 3, leases: 0, leaseSince: -1 });
    expect(renderer.readout().warnings.filter((w) => w.kind === 'lag')).toEqual([{ region: '', thread: 1, kind: 'lag', value: 3, lastError: null }]);
    // the row's tooltip
    const rowY = 26 + 89 + 15 + LINE_H + 4;
    const hit = renderer.hitTest(40, rowY);
    expect(hit).toMatchObject({ part: 'threads', index: 1 });
    expect(hit?.lines.slice(0, 3)).toEqual(['thread 1 "sim-1": attached', `generation ${String(renderer.model.threads.generation[1])}, attached in frame 5`, 'last frame 5, 3 behind the clock (frame 8)']);
    sim.publishStats();
    renderer.draw();
    expect(renderer.readout().warnings.filter((w) => w.kind === 'lag')).toEqual([]);
    sim.detach();
    renderer.draw();
    expect(renderer.readout().threadTable[1]).toMatchObject({ state: 'detached', lag: 0 });
  });

  it('a reclaimed thread shows as reclaimed, with the frame and what the reclaim released', () => {
    const memory = createMemory({ size: 4 << 20 });
    if (!memory.shared) return;
    memory.createPool('p', { slotSize: 8, capacity: 64, batch: 4 });
    memory.advance();
    const dead = attachMemory(memory.share(), { name: 'doomed' });
    dead.pool('p').alloc();
    dead.pool('p').alloc();
    memory.advance();
    const report = memory.reclaimThread(dead.threadId);
    const { renderer } = rendererOf(memory);
    renderer.draw();
    const row = renderer.readout().threadTable.find((t) => t.id === dead.threadId);
    expect(row).toMatchObject({ name: 'doomed', state: 'reclaimed', reclaimedAt: 2 });
    expect(row?.released).toEqual({ leases: report?.leases, slots: report?.slots, stacks: report?.stacks });
    expect(memory.threads().find((t) => t.id === dead.threadId)).toMatchObject({ state: 'reclaimed' });
    memory.checkInvariants();
  });
});
