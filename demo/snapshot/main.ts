/**
 * The snapshot viewer: a file saved by the inspector's "Download snapshot"
 * (`inspector.downloadSnapshot()`), chosen with the file input or dropped on the page, drawn with
 * `mountInspector(snapshot, element)`. It runs no game and needs no SharedArrayBuffer (the page
 * is served without COOP/COEP, `"isolated": false` in demo/pages.json). A file that is not JSON,
 * or not a snapshot this version reads (a MemoryError `INVALID_OPTION` from `mountInspector`),
 * shows its message and fix in `#error`. `globalThis.__snapshotViewer` lets a test load text and
 * read what was drawn.
 */
import '../style.css';
import './snapshot.css';
import { MemoryError } from 'nebula-memory';
import { type Inspector, type InspectorReadout, type InspectorSnapshot, mountInspector } from 'nebula-memory/inspector';

/** What the e2e tests read from the viewer. */
export interface SnapshotViewerHandle {
  /** Shows `text` as a snapshot file named `fileName`; false (and `#error` says why) when it is not one. */
  load(text: string, fileName?: string): boolean;
  /** The numbers the viewer's inspector drew, or null when nothing is loaded. */
  readout(): InspectorReadout | null;
  /** The layout of the viewer's last draw, or null when nothing is loaded. */
  layoutRects(): ReturnType<Inspector['renderer']['layoutRects']>;
}

declare global {
  var __snapshotViewer: SnapshotViewerHandle | undefined;
}

/** The inspector's first height; it grows in steps until every view and region fits. */
const FIRST_HEIGHT = 560;
const STEP = 100;
const MAX_HEIGHT = 4000;

const $ = (id: string): HTMLElement => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`#${id} missing`);
  return el;
};
const setText = (id: string, text: string | number): void => {
  $(id).textContent = String(text);
};
function setStatus(s: 'waiting' | 'loading' | 'loaded' | 'error', text: string): void {
  $('status').textContent = text;
  $('status').dataset.state = s;
}

const host = $('viewer');
const placeholder = host.firstElementChild;
let inspector: Inspector | null = null;

function clear(): void {
  inspector?.destroy();
  inspector = null;
  host.replaceChildren(...(placeholder === null ? [] : [placeholder]));
  host.dataset.state = 'empty';
  for (const id of ['taken-at', 'snap-frame', 'snap-regions', 'snap-threads', 'snap-bytes', 'user-agent']) setText(id, '…');
  $('error').textContent = '';
  delete $('error').dataset.code;
}

function showError(message: string, code: string): void {
  setStatus('error', 'not loaded');
  $('error').textContent = message;
  $('error').dataset.code = code;
}

/**
 * Mounts the viewer's inspector on `snap`, tall enough for the timeline, the thread table and
 * every region (`layoutRects().hidden === 0`): a few remounts at most. Throws what
 * `mountInspector` throws for a bad snapshot, before anything is added to the page.
 */
function mount(snap: InspectorSnapshot): Inspector {
  let height = FIRST_HEIGHT;
  for (;;) {
    const made = mountInspector(snap, host, { height });
    made.draw();
    if ((made.renderer.layoutRects()?.hidden ?? 0) === 0 || height >= MAX_HEIGHT) return made;
    made.destroy();
    height += STEP;
  }
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(bytes < 10_240 ? 1 : 0)} KiB`;
}

function load(text: string, fileName = 'snapshot.json'): boolean {
  clear();
  setText('file-name', fileName);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    showError(`this file is not JSON: ${err instanceof Error ? err.message : String(err)}\n  fix: choose a file saved by the inspector's "Download snapshot" (nebula-memory-frame-<frame>.json), unchanged.`, 'NOT_JSON');
    return false;
  }
  try {
    // mountInspector checks the snapshot (format, version, layout) and throws INVALID_OPTION for anything else
    host.replaceChildren();
    inspector = mount(parsed as InspectorSnapshot);
  } catch (err) {
    host.replaceChildren(...(placeholder === null ? [] : [placeholder]));
    if (err instanceof MemoryError) showError(err.message, err.code);
    else showError(err instanceof Error ? err.message : String(err), 'ERROR');
    return false;
  }
  const snap = parsed as InspectorSnapshot;
  host.dataset.state = 'loaded';
  setText('taken-at', snap.takenAt);
  setText('snap-frame', snap.frame);
  setText('snap-regions', snap.memory.regions.map((r) => `${r.kind} ${r.name}`).join(', '));
  setText('snap-threads', `${snap.memory.threads.length} attached`);
  setText('snap-bytes', `${kib(snap.buffer.runs.reduce((n, [, b64]) => n + Math.floor((b64.length * 3) / 4), 0))} of ${kib(snap.buffer.byteLength)}`);
  setText('user-agent', snap.userAgent);
  setStatus('loaded', 'loaded');
  return true;
}

async function loadFile(file: File): Promise<void> {
  setStatus('loading', 'reading…');
  load(await file.text(), file.name);
}

const input = $('file') as HTMLInputElement;
input.addEventListener('change', () => {
  const file = input.files?.[0];
  if (file !== undefined) void loadFile(file).finally(() => { input.value = ''; });
});

// drag and drop anywhere on the page
let depth = 0;
document.addEventListener('dragenter', (e) => {
  e.preventDefault();
  if (++depth === 1) document.body.classList.add('dragging');
});
document.addEventListener('dragleave', () => {
  if (--depth <= 0) {
    depth = 0;
    document.body.classList.remove('dragging');
  }
});
document.addEventListener('dragover', (e) => {
  e.preventDefault();
  if (e.dataTransfer !== null) e.dataTransfer.dropEffect = 'copy';
});
document.addEventListener('drop', (e) => {
  e.preventDefault();
  depth = 0;
  document.body.classList.remove('dragging');
  const file = e.dataTransfer?.files[0];
  if (file !== undefined) void loadFile(file);
});

addEventListener('error', (e) => { showError(String(e.error ?? e.message), 'ERROR'); });
addEventListener('unhandledrejection', (e) => { showError(String(e.reason), 'ERROR'); });

globalThis.__snapshotViewer = {
  load,
  readout: () => inspector?.readout() ?? null,
  layoutRects: () => inspector?.renderer.layoutRects() ?? null,
};
