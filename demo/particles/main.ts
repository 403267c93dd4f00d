/**
 * The particle demo page: the frame clock, the controls, the frame-time graph and the inspector's
 * place. The particles live in one `SharedArrayBuffer`; simulation workers update them and the
 * render worker draws them (see the other modules here). This thread never blocks: each animation
 * frame it checks, with `Atomics.load`, whether every simulation worker finished frame N and the
 * render worker drew frame N − 1; then it calls `memory.advance()` and starts N + 1 and the draw
 * of N with `Atomics.store` + `Atomics.notify`.
 *
 * Without cross-origin isolation (the fallback page), the same fountain and renderer run on this
 * thread, and the page says why and which headers are missing.
 * @module
 */
import './particles.css';
import { MemoryError, createMemory, diagnoseIsolation, type Memory } from '../../src/index.ts';
import { type Inspector, mountInspector } from '../../src/inspector/index.ts';
import { el, freshCanvas, setText } from './dom.ts';
import { FRAME_LANE_BYTES, Fountain, drawArenaBytes, frameArenaBytes, memoryBytes } from './fountain.ts';
import { FrameGraph } from './graph.ts';
import {
  CONTROL_WORDS, C_DRAWN, C_RENDER_GO_AT, C_MODE, C_PIXEL_LIT, C_PIXEL_REQUEST, C_RATE, C_RENDER_DONE, C_RENDER_GO, C_RENDER_RESCUED, C_RENDER_US, C_SIM_DONE, C_SIM_GO,
  C_STOP, C_UPLOAD, type DemoSettings, MAX_SIM_WORKERS, MODE_ARENA, MODE_PLAIN,
  SLOT_FLOATS, W_ARENA_BYTES, W_GC, W_LIVE, W_SIM_US, readSettings, wordOf,
} from './protocol.ts';
import { createRenderer } from './renderer.ts';
import type { DemoStats } from './demo-stats.ts';
import { recoveryStats, showRecovery, showThreads } from './recovery-view.ts';
import { SimCrew, startRenderer } from './workers.ts';

let status = 'starting';
function setStatus(text: string): void {
  status = text;
  const s = el('status');
  s.textContent = text;
  s.dataset.state = text;
}

function showError(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  el('error').textContent += `${message}\n`;
  setStatus('error');
}

const defaultWorkers = Math.max(1, Math.min(MAX_SIM_WORKERS, (navigator.hardwareConcurrency || 4) - 2));
const isFallbackPage = document.body.dataset.page === 'fallback';
let settings = readSettings(location.search, defaultWorkers);
if (isFallbackPage && !new URLSearchParams(location.search).has('particles')) settings = { ...settings, particles: 20_000, rate: 8_000 };

/** One run: a memory, its regions, and (when shared) its workers. */
interface Run {
  readonly memory: Memory;
  /** Int32 index of the control block. */
  readonly ctl: number;
  readonly settings: DemoSettings;
  /** The simulation workers (null on the single-thread fallback). */
  readonly crew: SimCrew | null;
  /** Runs a frame on this thread (fallback) or checks the workers (shared); true when frame N is complete. */
  readonly ready: () => boolean;
  /** Starts the frame `memory.frame` (after advance). */
  readonly start: (frame: number) => void;
  readonly stop: () => void;
  readonly label: string;
}

function makeMemory(s: DemoSettings): { memory: Memory; ctl: number } {
  const memory = createMemory({ size: memoryBytes(s.particles, s.workers), name: 'main' });
  // ?profile=1: each frame and each region's peak as User Timing measures (DevTools' Performance panel)
  if (new URLSearchParams(location.search).get('profile') === '1') memory.profileFrames(true);
  memory.createPool('particles', { slotSize: SLOT_FLOATS * 4, align: 16, capacity: s.particles });
  memory.createArena('frame', { capacity: frameArenaBytes(s.particles, s.workers), frames: 1, laneBytes: FRAME_LANE_BYTES });
  memory.createArena('draw', { capacity: drawArenaBytes(s.particles, s.workers), frames: 2 });
  const control = memory.createArena('control', { capacity: 4096, frames: 0 });
  const ctl = control.alloc(CONTROL_WORDS * 4, 64) >> 2;
  const i32 = memory.i32;
  i32.fill(0, ctl, ctl + CONTROL_WORDS);
  i32[ctl + C_SIM_GO] = -1;
  i32[ctl + C_RENDER_GO] = -1;
  i32[ctl + C_RENDER_DONE] = -1;
  i32[ctl + C_PIXEL_LIT] = -1;
  i32[ctl + C_MODE] = s.mode;
  i32[ctl + C_RATE] = s.rate;
  return { memory, ctl };
}

async function sharedRun(s: DemoSettings, memory: Memory, ctl: number): Promise<Run> {
  const i32 = memory.i32;
  const control = ctl << 2;
  const crew = await SimCrew.start(memory, ctl, s, { changed: refreshRecovery, failed: showError });
  const render = await startRenderer(s, memory, control, showError).catch((err: unknown) => {
    crew.stop();
    throw err;
  });
  return {
    memory, ctl, settings: s, crew,
    label: `${s.workers} simulation worker${s.workers > 1 ? 's' : ''} + ${render.detail}; clock on the main thread`,
    ready: () => {
      const simsDone = crew.ready(memory.frame);
      const drawn = Atomics.load(i32, ctl + C_RENDER_DONE) === Atomics.load(i32, ctl + C_RENDER_GO);
      if (!simsDone) waits.sim++;
      if (!drawn) waits.render++;
      return simsDone && drawn;
    },
    start: (frame) => {
      Atomics.store(i32, ctl + C_RENDER_GO_AT, Math.round(performance.now()));
      Atomics.store(i32, ctl + C_RENDER_GO, frame - 1);
      Atomics.notify(i32, ctl + C_RENDER_GO);
      if (render.onMain !== null && frame > 0) {
        render.onMain.draw(frame - 1);
        Atomics.store(i32, ctl + C_RENDER_DONE, frame - 1);
      }
      Atomics.store(i32, ctl + C_SIM_DONE, 0);
      Atomics.store(i32, ctl + C_SIM_GO, frame);
      Atomics.notify(i32, ctl + C_SIM_GO);
    },
    stop: () => {
      Atomics.store(i32, ctl + C_STOP, 1);
      Atomics.notify(i32, ctl + C_SIM_GO);
      Atomics.notify(i32, ctl + C_RENDER_GO);
      crew.stop();
      render.worker?.terminate();
    },
  };
}

function singleThreadRun(s: DemoSettings, memory: Memory, ctl: number): Run {
  const fountain = new Fountain(memory, ctl << 2, 0, s.particles, 1, s.seed);
  const renderer = createRenderer(freshCanvas(), memory, ctl << 2, 1, s.particles);
  const i32 = memory.i32;
  return {
    memory, ctl, settings: s, crew: null,
    label: 'single-thread fallback: simulation, WebGL2 and clock on the main thread',
    ready: () => {
      const frame = Atomics.load(i32, ctl + C_SIM_GO);
      if (frame < 0) return false;
      if (frame > 0) renderer.draw(frame - 1);
      fountain.step(frame);
      return true;
    },
    start: (frame) => {
      Atomics.store(i32, ctl + C_SIM_GO, frame);
    },
    stop: () => {
      Atomics.store(i32, ctl + C_STOP, 1);
    },
  };
}

const graph = new FrameGraph(el<HTMLCanvasElement>('graph'));
/**
 * The inspector's height in CSS pixels: the title (26), the timeline (89), a thread table of up to
 * 8 rows (127: the page, 4 simulation workers, the render worker, and room for more), the leak
 * table (49), the pool (31 and a grid of 57 px, 109 with 4 thread rows), the three arenas (243)
 * and the warnings (86; a section's last 8 px gap may touch them). Its width follows the card.
 */
const INSPECTOR_HEIGHT = 700;
let run: Run | null = null;
/** The live inspector of the run's memory (src/inspector), in `<section id="inspector">`. */
let inspector: Inspector | null = null;
let lastAdvance = 0;
let lastGc = 0;
let generation = 0;
/** `advance()` calls that met `LANE_LEASED` and were retried at the next animation frame. */
let leaseRetries = 0;
/** Animation frames in which the clock could not advance, waiting for the simulation or the renderer. */
const waits = { sim: 0, render: 0 };

function workerSum(r: Run, word: number): number {
  let sum = 0;
  for (let w = 0; w < r.settings.workers; w++) sum += Atomics.load(r.memory.i32, r.ctl + wordOf(w, word));
  return sum;
}

function workerMax(r: Run, word: number): number {
  let max = 0;
  for (let w = 0; w < r.settings.workers; w++) max = Math.max(max, Atomics.load(r.memory.i32, r.ctl + wordOf(w, word)));
  return max;
}

function stats(): DemoStats {
  const r = run;
  const i32 = r?.memory.i32;
  const word = (k: number): number => (r === null || i32 === undefined ? 0 : Atomics.load(i32, r.ctl + k));
  graph.summarize();
  return {
    frame: r?.memory.frame ?? 0, status, shared: r?.memory.shared ?? false, settings,
    frameP50: graph.frame.p50, frameP99: graph.frame.p99, simP50: graph.sim.p50, simP99: graph.sim.p99,
    gcFrames: graph.gcFrames, live: r === null ? 0 : workerSum(r, W_LIVE), drawn: word(C_DRAWN),
    lit: r === null ? -1 : word(C_PIXEL_LIT), upload: word(C_UPLOAD), frames: graph.frames, waits: { ...waits }, renderMs: word(C_RENDER_US) / 1000,
    clock: { simGo: word(C_SIM_GO), simDone: word(C_SIM_DONE), renderGo: word(C_RENDER_GO), renderDone: word(C_RENDER_DONE), renderRescued: word(C_RENDER_RESCUED), ticks },
    recovery: recoveryStats(r?.crew ?? null, leaseRetries), poolLive: r?.memory.pool('particles').live ?? 0,
    poolAllocs: r?.memory.pool('particles').stats().allocations ?? 0,
  };
}
window.nebulaDemo = {
  stats,
  inspector: () => inspector,
  threads: () => run?.memory.threads() ?? [],
  profileFrames: (on: boolean) => run?.memory.profileFrames(on) ?? false,
  resetStats: () => {
    graph.clear();
    waits.sim = waits.render = 0;
  },
};

function showStats(r: Run): void {
  graph.summarize();
  graph.draw();
  const i32 = r.memory.i32;
  setText('frame', r.memory.frame);
  setText('p50', graph.frame.p50.toFixed(1));
  setText('p99', graph.frame.p99.toFixed(1));
  setText('sim-p50', graph.sim.p50.toFixed(2));
  setText('sim-p99', graph.sim.p99.toFixed(2));
  setText('gc', graph.gcFrames);
  setText('gc-window', graph.gcInWindow);
  setText('live', workerSum(r, W_LIVE));
  setText('drawn', Atomics.load(i32, r.ctl + C_DRAWN));
  setText('render-ms', (Atomics.load(i32, r.ctl + C_RENDER_US) / 1000).toFixed(2));
  setText('arena-bytes', `${(workerSum(r, W_ARENA_BYTES) / 2 ** 20).toFixed(2)} MiB`);
  const lit = Atomics.load(i32, r.ctl + C_PIXEL_LIT);
  setText('lit', lit < 0 ? '…' : lit);
  const upload = Atomics.load(i32, r.ctl + C_UPLOAD);
  setText('upload', upload === 1 ? `WebGL2, straight from the memory's ${r.memory.shared ? 'SharedArrayBuffer' : 'ArrayBuffer'}`
    : upload === 2 ? 'WebGL2, copied to a local Float32Array first' : upload === 3 ? 'no WebGL2 there: CPU raster into 2D ImageData' : '…');
  showThreads(r.memory, r.crew);
}

/** Shows the "kill a worker" status line of the current run. */
function refreshRecovery(): void {
  showRecovery(run?.crew ?? null, run?.memory ?? null, leaseRetries);
}

/** Animation frames the clock has seen. */
let ticks = 0;
/**
 * Advances the clock; -1 when a thread still leases a lane of the frame to recycle (`LANE_LEASED`):
 * a simulation worker that died mid-frame, until its reclaim. The clock tries again at the next
 * animation frame; the frames of the other workers are done, so nothing else waits.
 */
function tryAdvance(memory: Memory, now: number): number {
  try {
    // the animation frame's timestamp ends the frame: advance() reads no clock and makes no garbage
    return memory.advance(now);
  } catch (err) {
    if (!(err instanceof MemoryError) || err.code !== 'LANE_LEASED') throw err;
    leaseRetries++;
    return -1;
  }
}

/** The frame clock: never blocks; advances when frame N is simulated and N − 1 drawn. */
function tick(now: number): void {
  requestAnimationFrame(tick);
  ticks++;
  const r = run;
  if (r === null || status === 'error' || status === 'stopped') return;
  if (!r.ready()) return;
  const frame = r.memory.frame;
  const stop = r.settings.stopAt > 0 && frame >= r.settings.stopAt;
  const next = stop ? frame : tryAdvance(r.memory, now);
  if (next < 0) return;
  if (lastAdvance !== 0) {
    const gc = workerSum(r, W_GC);
    graph.record(now - lastAdvance, workerMax(r, W_SIM_US) / 1000, gc !== lastGc);
    lastGc = gc;
  }
  lastAdvance = now;
  if (stop) {
    showStats(r);
    setStatus('stopped');
    return;
  }
  if (next % 60 === 0) Atomics.store(r.memory.i32, r.ctl + C_PIXEL_REQUEST, 1);
  r.start(next);
  if (status === 'starting') setStatus('running');
  if (next % 15 === 0) showStats(r);
}

async function begin(s: DemoSettings): Promise<void> {
  const mine = ++generation;
  run?.stop();
  run = null;
  inspector?.destroy();
  inspector = null;
  setStatus('starting');
  graph.clear();
  lastAdvance = 0;
  lastGc = 0;
  leaseRetries = 0;
  waits.sim = waits.render = 0;
  refreshRecovery();
  const { memory, ctl } = makeMemory(s);
  setText('coi', String(globalThis.crossOriginIsolated));
  setText('shared', String(memory.shared));
  setText('capacity', s.particles);
  if (!memory.shared) void showIsolation(memory);
  const r = memory.shared ? await sharedRun(s, memory, ctl) : singleThreadRun(s, memory, ctl);
  if (mine !== generation) {
    r.stop();
    return;
  }
  setText('threads', r.label);
  run = r;
  refreshRecovery();
  const host = el('inspector-view');
  host.replaceChildren();
  // the width follows the card; the height holds the timeline, the thread table, the four regions
  // and the warnings, none left out (e2e/inspector-views.spec.ts checks it at 1024 and 1280 px)
  inspector = mountInspector(memory, host, { height: INSPECTOR_HEIGHT });
  el('inspector').dataset.inspector = 'mounted';
  r.start(memory.frame);
}

/** Shows why the memory is not shared, then which headers the response lacked. */
async function showIsolation(memory: Memory): Promise<void> {
  el('isolation').hidden = false;
  setText('isolation-reason', memory.isolation.reason);
  setText('isolation-fix', memory.isolation.fix);
  const d = await diagnoseIsolation();
  setText('isolation-coop', d.coop ?? '(absent)');
  setText('isolation-coep', d.coep ?? '(absent)');
  setText('isolation-missing', d.missing.length === 0 ? '(none: a resource on the page is not CORP/CORS-enabled)' : d.missing.join(' · '));
}

// ---- controls ----
function syncControls(): void {
  el<HTMLSelectElement>('ctl-particles').value = String(settings.particles);
  el<HTMLSelectElement>('ctl-workers').value = String(settings.workers);
  el<HTMLInputElement>('ctl-rate').value = String(settings.rate);
  setText('rate-value', settings.rate);
  el<HTMLSelectElement>('ctl-mode').value = settings.mode === MODE_PLAIN ? 'plain' : 'arena';
  const q = new URLSearchParams(location.search);
  q.set('particles', String(settings.particles));
  q.set('workers', String(settings.workers));
  q.set('rate', String(settings.rate));
  q.set('mode', settings.mode === MODE_PLAIN ? 'plain' : 'arena');
  history.replaceState(null, '', `${location.pathname}?${q.toString()}`);
}

function ensureOption(select: HTMLSelectElement, value: number): void {
  if (![...select.options].some((o) => o.value === String(value))) select.add(new Option(value.toLocaleString('en'), String(value)));
}

ensureOption(el<HTMLSelectElement>('ctl-particles'), settings.particles);
syncControls();
el('ctl-particles').addEventListener('change', (e) => {
  settings = { ...settings, particles: Number((e.target as HTMLSelectElement).value) };
  syncControls();
  begin(settings).catch(showError);
});
el('ctl-workers').addEventListener('change', (e) => {
  settings = { ...settings, workers: Number((e.target as HTMLSelectElement).value) };
  syncControls();
  begin(settings).catch(showError);
});
el('ctl-rate').addEventListener('input', (e) => {
  settings = { ...settings, rate: Number((e.target as HTMLInputElement).value) };
  syncControls();
  if (run !== null) Atomics.store(run.memory.i32, run.ctl + C_RATE, settings.rate);
});
el('ctl-mode').addEventListener('change', (e) => {
  settings = { ...settings, mode: (e.target as HTMLSelectElement).value === 'plain' ? MODE_PLAIN : MODE_ARENA };
  syncControls();
  if (run !== null) Atomics.store(run.memory.i32, run.ctl + C_MODE, settings.mode);
});
// a simulation worker dies mid-frame (hung, or crashed), is terminated and reclaimed, and a replacement takes over
el('ctl-kill').addEventListener('click', () => { void run?.crew?.kill('kill'); });
el('ctl-crash').addEventListener('click', () => { void run?.crew?.kill('crash'); });

requestAnimationFrame(tick);
begin(settings).catch(showError);
