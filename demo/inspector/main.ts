/**
 * The inspector demo: a synthetic workload on two workers and this page, and the inspector next
 * to it, on the page (default) or in a worker (`?mode=worker`). `?frames=N` stops the workload
 * after N frames (the e2e tests use it); the stop button does the same at any time. Worker 0
 * leaks a bullet every 30 frames on purpose, for the leak table; `?sites=1` makes the workers
 * record call sites, so the table names the leaking function. The
 * Inspector card pauses and resumes the picture and downloads a snapshot (opened by
 * demo/snapshot.html). The page shows the inspector's readout in elements with ids, and exposes
 * `globalThis.__inspectorTest` so a test can compare them with `memory.snapshot()`, pause, scrub
 * and read the layout.
 */
import '../style.css';
import './inspector.css';
import { type MemorySnapshot, createMemory } from 'nebula-memory';
import { type Inspector, type InspectorReadout, type InspectorSnapshot, mountInspector, mountInspectorInWorker } from 'nebula-memory/inspector';
import { type FromWorkload, REGIONS, type ToWorkload } from './protocol.ts';

/** Where the parts of the inspector's canvas are, as its last draw laid them out (CSS pixels). */
export type InspectorLayoutRects = NonNullable<ReturnType<Inspector['renderer']['layoutRects']>>;

/** What the e2e tests read from the page. */
export interface InspectorDemoHandle {
  readonly mode: 'page' | 'worker';
  /** `memory.snapshot()`: the numbers, read on this page now. */
  snapshot(): MemorySnapshot;
  /** The numbers the inspector last drew. */
  readout(): Promise<InspectorReadout>;
  /** Stops the workload; resolves once the memory is quiet and the readout shown. */
  stop(): Promise<void>;
  /** Pauses the picture (the game runs on); resolves with the readout after. */
  pause(): Promise<InspectorReadout>;
  /** Resumes the picture; resolves with the readout after. */
  resume(): Promise<InspectorReadout>;
  /** Pauses with the timeline's cursor on `frame`; resolves with the readout after. */
  scrub(frame: number): Promise<InspectorReadout>;
  /** The layout of the last draw, on the page (`null` in worker mode: the worker lays out). */
  layoutRects(): InspectorLayoutRects | null;
  /** What is at CSS point (x, y) of the canvas, on the page (`null` in worker mode). */
  hitTest(x: number, y: number): ReturnType<Inspector['hitTest']>;
  /** The inspector's snapshot of the memory now (what "Download snapshot" saves). */
  inspectorSnapshot(): InspectorSnapshot;
  /** The thread id of the thread that draws: this page's, or the inspector worker's. */
  inspectorThread(): Promise<number>;
}

declare global {
  var __inspectorTest: InspectorDemoHandle | undefined;
}

const WORKERS = 2;
/**
 * The inspector's height in CSS pixels: the title, the timeline, the thread table (this page,
 * two workers and, in worker mode, the inspector's worker), the leak table, the four regions with
 * room for the two pool grids, and the warnings: 556 px are enough (the grids get 24 px each),
 * 660 give them 76. Its width follows its column.
 */
const INSPECTOR_HEIGHT = 660;
const params = new URLSearchParams(location.search);
const mode: 'page' | 'worker' = params.get('mode') === 'worker' ? 'worker' : 'page';
const maxFrames = Number(params.get('frames') ?? 'Infinity');
/** `?sites=1`: the workers record call sites, for the leak table (a stack trace per allocation, so off by default). */
const sites = params.get('sites') === '1';

const $ = (id: string): HTMLElement => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`#${id} missing`);
  return el;
};
const setStatus = (s: string): void => {
  $('status').textContent = s;
  $('status').dataset.state = s;
};

function fail(err: unknown): void {
  setStatus('error');
  $('error').textContent = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
}
addEventListener('error', (e) => { fail(e.error ?? e.message); });
addEventListener('unhandledrejection', (e) => { fail(e.reason); });

const memory = createMemory({ size: 64 << 20, name: 'page' });
if (!memory.shared) {
  // the workload runs on workers: without shared memory there is nothing to inspect live
  throw new Error(`this page needs cross-origin isolation: ${memory.isolation.reason} ${memory.isolation.fix}`);
}
$('mode').textContent = mode;
$('shared').textContent = String(memory.shared);
$('sites').textContent = sites ? 'recorded (?sites=1)' : 'off (?sites=1 records them)';
const arena = memory.createArena('frame', REGIONS.frame);
memory.createPool('particles', REGIONS.particles);
memory.createPool('bullets', REGIONS.bullets);
const stack = memory.createStack('scratch', REGIONS.scratch);

/** The inspector as this page drives it, the same in both modes. */
interface InspectorView {
  readonly readout: () => Promise<InspectorReadout>;
  readonly pause: () => void;
  readonly resume: () => void;
  readonly scrub: (frame: number) => void;
  readonly snapshot: () => InspectorSnapshot;
  readonly download: () => InspectorSnapshot;
  readonly thread: () => Promise<number>;
  readonly page: Inspector | null;
}

// the inspector, next to the workload
const host = $('inspector');
const size = { height: INSPECTOR_HEIGHT };
let view: InspectorView;
if (mode === 'worker') {
  // `new Worker(new URL(..., import.meta.url))` written out here, so Vite bundles the worker
  // (a bare URL passed to a library function would be copied as a raw .ts asset)
  const worker = new Worker(new URL('./inspector.worker.ts', import.meta.url), { type: 'module' });
  const remote = mountInspectorInWorker(memory, host, worker, size);
  remote.ready.catch(fail);
  view = {
    readout: () => remote.readout(), pause: () => { remote.pause(); }, resume: () => { remote.resume(); },
    scrub: (f) => { remote.scrub(f); }, snapshot: () => remote.snapshot(), download: () => remote.downloadSnapshot(),
    thread: () => remote.ready, page: null,
  };
} else {
  const inspector = mountInspector(memory, host, size);
  view = {
    readout: () => Promise.resolve(inspector.readout()), pause: () => { inspector.pause(); }, resume: () => { inspector.resume(); },
    scrub: (f) => { inspector.scrub(f); }, snapshot: () => inspector.snapshot(), download: () => inspector.downloadSnapshot(),
    thread: () => Promise.resolve(memory.threadId), page: inspector,
  };
}

// the workload: two workers, this page's stack, and the frame clock
const workers: Worker[] = [];
let pending = 0;
let frame = 0;
let stopping = Number.isFinite(maxFrames) && maxFrames <= 0;
let stopped = false;
let onStopped: (() => void) | null = null;
const stoppedPromise = new Promise<void>((resolve) => { onStopped = resolve; });
// the stack's long-lived outer mark and block ("level data"), below each frame's nested marks
stack.mark();
stack.push(4096, 16);
let frameMark = -1;

function send(w: Worker, m: ToWorkload): void {
  w.postMessage(m);
}

function onMessage(e: MessageEvent<FromWorkload>): void {
  const m = e.data;
  if (m.type === 'error') fail(new Error(`workload worker: ${m.message}`));
  else if (m.type === 'done' && --pending === 0 && stopping) void finish();
}

async function start(): Promise<void> {
  const ready: Promise<number>[] = [];
  for (let i = 0; i < WORKERS; i++) {
    const w = new Worker(new URL('./workload.worker.ts', import.meta.url), { type: 'module', name: `work-${i}` });
    workers.push(w);
    ready.push(new Promise<number>((resolve) => {
      w.addEventListener('message', (e: MessageEvent<FromWorkload>) => { if (e.data.type === 'ready') resolve(e.data.threadId); }, { once: true });
    }));
    w.addEventListener('message', onMessage);
    send(w, { type: 'init', memory: memory.share(), index: i, seed: 1234 + i, sites });
  }
  $('workers').textContent = (await Promise.all(ready)).map((t, i) => `thread ${t} (work-${i})`).join(', ');
  setStatus('running');
  requestAnimationFrame(tick);
}

function tick(): void {
  if (stopped) return;
  if (pending === 0 && !stopping) {
    // this page's frame work: nested stack marks left open until the next frame, a few temporaries
    if (frameMark >= 0) stack.release(frameMark);
    frameMark = stack.mark();
    stack.push(1024 + (frame % 7) * 64, 16);
    stack.mark();
    stack.push(512, 16);
    stack.mark();
    stack.push(128 + (frame % 13) * 16, 16);
    for (let k = 0; k < 16; k++) arena.alloc(256, 16);
    memory.advance();
    frame++;
    $('frame').textContent = String(frame);
    pending = WORKERS;
    for (const w of workers) send(w, { type: 'frame', frame });
    if (frame >= maxFrames) stopping = true;
    if (frame % 10 === 0) void showReadout();
  }
  requestAnimationFrame(tick);
}

async function finish(): Promise<void> {
  if (stopped) return;
  stopped = true;
  memory.publishStats(); // this page's counts since its last advance(), for a worker-mode inspector
  // let the inspector draw the quiet memory a few times, then show what it drew
  await new Promise<void>((resolve) => { let n = 4; const f = (): void => { if (--n === 0) resolve(); else requestAnimationFrame(f); }; requestAnimationFrame(f); });
  await showReadout();
  ($('stop') as HTMLButtonElement).disabled = true;
  if ($('status').dataset.state !== 'error') setStatus('stopped');
  onStopped?.();
}

const FIELDS = ['used', 'peak', 'capacity', 'allocations', 'frees', 'failures', 'errors', 'lastError'] as const;

/** One warning of the readout as the card lists it. */
function warningText(w: InspectorReadout['warnings'][number]): string {
  if (w.kind === 'lag') return `thread ${w.thread} lags ${w.value} frames`;
  return `${w.region} ${w.kind}${w.lastError ? ` ${w.lastError}` : ''}`;
}

/** Shows whether the picture is paused, and where the timeline's cursor is, from a readout. */
function showPause(r: InspectorReadout): void {
  const paused = r.timeline.paused;
  const button = $('inspector-pause');
  button.textContent = paused ? 'Resume' : 'Pause';
  button.setAttribute('aria-pressed', String(paused));
  $('ro-paused').textContent = paused ? `paused at frame ${r.frame}` : 'live';
  $('ro-paused').dataset.paused = String(paused);
  $('ro-scrub').textContent = r.timeline.scrub >= 0 ? `frame ${r.timeline.scrub}` : 'none';
}

/** Writes the inspector's readout into the table: one row per region, cells `#rg-<region>-<field>`. */
async function showReadout(): Promise<InspectorReadout> {
  const r = await view.readout();
  showPause(r);
  $('ro-frame').textContent = String(r.frame);
  $('ro-drawn').textContent = String(r.drawn);
  $('ro-warnings').textContent = r.warnings.map(warningText).join(', ') || 'none';
  const table = $('readout');
  if (table.childElementCount === 0) {
    const head = document.createElement('tr');
    for (const t of ['region', ...FIELDS, 'live / depth']) {
      const th = document.createElement('th');
      th.textContent = t;
      head.append(th);
    }
    table.append(head);
  }
  for (const reg of r.regions) {
    let row = document.getElementById(`rg-${reg.name}`);
    if (row === null) {
      row = document.createElement('tr');
      row.id = `rg-${reg.name}`;
      const th = document.createElement('th');
      th.textContent = `${reg.kind} ${reg.name}`;
      row.append(th);
      for (const f of [...FIELDS, 'extra']) {
        const td = document.createElement('td');
        td.id = `rg-${reg.name}-${f}`;
        row.append(td);
      }
      table.append(row);
    }
    for (const f of FIELDS) {
      const td = $(`rg-${reg.name}-${f}`);
      td.textContent = String(reg[f] ?? '');
      td.className = (f === 'failures' || f === 'errors') && reg[f] > 0 ? 'warn' : '';
    }
    $(`rg-${reg.name}-extra`).textContent = reg.kind === 'pool' ? `${reg.live} live` : reg.kind === 'stack' ? `${reg.depth} deep, ${reg.marks.length} marks` : `${reg.leases} leases`;
  }
  return r;
}

$('stop').addEventListener('click', () => {
  stopping = true;
  if (pending === 0) void finish();
});

// the Inspector card: pause / resume (the label follows clicks on the timeline too), and the snapshot
$('inspector-pause').addEventListener('click', () => {
  if ($('inspector-pause').getAttribute('aria-pressed') === 'true') view.resume();
  else view.pause();
  void showReadout();
});
// a click on the canvas may pause, scrub or resume: the inspector handled it first (the canvas
// is the target, this is its parent), and a worker gets the readout request after the click
host.addEventListener('pointerdown', () => { void view.readout().then(showPause); });
host.addEventListener('pointerup', () => { void view.readout().then(showPause); });
$('download-snapshot').addEventListener('click', () => {
  const s = view.download();
  $('snapshot-info').textContent = `frame ${s.frame}, ${s.memory.regions.length} regions, ${s.takenAt}`;
});

const withReadout = async (act: () => void): Promise<InspectorReadout> => {
  act();
  return showReadout();
};

globalThis.__inspectorTest = {
  mode,
  snapshot: () => memory.snapshot(),
  readout: () => view.readout(),
  stop: () => {
    stopping = true;
    if (pending === 0) void finish();
    return stoppedPromise;
  },
  pause: () => withReadout(view.pause),
  resume: () => withReadout(view.resume),
  scrub: (f) => withReadout(() => { view.scrub(f); }),
  layoutRects: () => view.page?.renderer.layoutRects() ?? null,
  hitTest: (x, y) => view.page?.hitTest(x, y) ?? null,
  inspectorSnapshot: () => view.snapshot(),
  inspectorThread: () => view.thread(),
};

start().catch(fail);
