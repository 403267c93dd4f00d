/**
 * The demo page: makes the memory and its allocators, hands the memory to a module worker, and
 * reads what the worker allocated straight from shared memory, one frame at a time.
 * @module
 */
import './style.css';
import { createMemory } from '../src/index.ts';
import {
  FLOATS_PER_PARTICLE, FRAME_COUNT, type FrameReport, type FromWorker, LIFETIME, SPAWN_PER_FRAME,
  type ToWorker, expectedChecksum,
} from './protocol.ts';
import { ParticleSpawner } from './sim.ts';
import { SPRITE_HUES, SPRITE_SIZE, Sprites, hueOf } from './sprites.ts';

/** Runs one frame of particle work somewhere (the worker, or this thread in fallback mode). */
interface Backend {
  /** Where the work runs, for the page. */
  readonly label: string;
  /** Runs frame `frame`, writing the new handles at byte offset `table`. */
  step(frame: number, table: number): Promise<FrameReport>;
}

function el(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found;
}

function setText(id: string, text: string | number): void {
  el(id).textContent = String(text);
}

function setStatus(text: string, state: 'running' | 'ok' | 'fallback' | 'error'): void {
  const s = el('status');
  s.textContent = text;
  s.dataset.state = state;
}

function showError(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  el('error').textContent = message;
  setStatus('error', 'error');
}

const kib = (bytes: number): string => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`);

function nextAnimationFrame(): Promise<void> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => {
      resolve();
    });
  });
}

/** Builds the memory, starts the worker and runs {@link FRAME_COUNT} verified frames. */
async function main(): Promise<void> {
  // ---- the memory and its allocators, made once on the main thread ----
  const memory = createMemory({ size: 8 << 20 });
  const arena = memory.createArena('frame', { capacity: 256 << 10, frames: 2, laneBytes: 4096 });
  const pool = memory.createPool('particles', { slotSize: FLOATS_PER_PARTICLE * 4, align: 16, capacity: 10_000 });
  const stack = memory.createStack('scratch', { capacity: 64 << 10 });

  setText('coi', String(globalThis.crossOriginIsolated));
  setText('shared', String(memory.shared));
  setText('pool-capacity', pool.capacity);
  setText('arena-capacity', kib(arena.capacity));
  setText('frame-count', FRAME_COUNT);
  if (!memory.shared) {
    el('isolation').hidden = false;
    setText('isolation-reason', memory.isolation.reason);
    setText('isolation-fix', memory.isolation.fix);
  }

  /** Starts the worker, attaches it, and returns a backend that posts frames to it. */
  function startWorker(): Promise<Backend> {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'nebula-demo' });
    let pending: { resolve: (r: FrameReport) => void; reject: (e: Error) => void } | undefined;
    const post = (message: ToWorker): void => {
      worker.postMessage(message);
    };
    return new Promise((resolveReady, rejectReady) => {
      const fail = (e: Error): void => {
        if (pending) pending.reject(e);
        else rejectReady(e);
        pending = undefined;
      };
      worker.onerror = (event) => {
        event.preventDefault();
        fail(new Error(`worker error: ${event.message || 'the worker script failed to load'}`));
      };
      worker.onmessageerror = () => {
        fail(new Error('worker message could not be deserialized'));
      };
      worker.onmessage = (event: MessageEvent<FromWorker>) => {
        const message = event.data;
        if (message.type === 'error') {
          fail(new Error(`worker: ${message.message}`));
        } else if (message.type === 'ready') {
          resolveReady({
            label: `module worker (thread ${message.threadId})`,
            step(frame, table) {
              return new Promise((resolve, reject) => {
                pending = { resolve, reject };
                post({ type: 'frame', frame, table });
              });
            },
          });
        } else {
          const p = pending;
          pending = undefined;
          p?.resolve(message);
        }
      };
      post({ type: 'init', memory: memory.share() });
    });
  }

  /** Fallback when the page is not cross-origin isolated: the same work, on this thread. */
  function singleThread(): Backend {
    const spawner = new ParticleSpawner(memory);
    return {
      label: 'single-thread fallback on the main thread',
      step: (frame, table) => Promise.resolve(spawner.step(frame, table)),
    };
  }

  // ---- what the page reads back from shared memory ----
  let verified = 0;
  let checksum = 0;
  /** Handles of the particles alive, by spawn frame (the page's own copy of the tables: numbers only). */
  const alive = new Int32Array(LIFETIME * SPAWN_PER_FRAME);

  /** Reads the frame's new particles from the pool, through the handle table the worker filled. */
  function verifyFrame(report: FrameReport, table: number): void {
    const { i32, f32 } = memory;
    if (report.spawned !== SPAWN_PER_FRAME) throw new Error(`frame ${report.frame}: spawned ${report.spawned}, expected ${SPAWN_PER_FRAME}`);
    const ring = (report.frame % LIFETIME) * SPAWN_PER_FRAME;
    for (let k = 0; k < report.spawned; k++) {
      const h = i32[(table >> 2) + k];
      if (!pool.isAlive(h)) throw new Error(`frame ${report.frame}: table[${k}] = ${h} is not a live slot of the pool`);
      const p = pool.offsetOf(h) >> 2;
      const id = f32[p];
      if (id !== verified || f32[p + 1] !== 2 * id || f32[p + 2] !== report.frame || f32[p + 3] !== k) {
        throw new Error(`frame ${report.frame}: slot of particle ${verified} holds [${Array.from(f32.subarray(p, p + 4)).join(', ')}]`);
      }
      alive[ring + k] = h;
      checksum += id;
      verified++;
    }
    const live = pool.live;
    if (live !== report.totalSpawned - report.totalFreed) {
      throw new Error(`pool.live reads ${live}, the worker spawned ${report.totalSpawned} and freed ${report.totalFreed}`);
    }
  }

  const sprites = new Sprites((e: unknown) => { showError(e); });
  const canvas = el('view') as HTMLCanvasElement;
  const ctx = canvas.getContext('2d');

  /** Draws every live particle, reading its slot in the pool directly. */
  function draw(frame: number): void {
    if (ctx === null) return;
    const { width, height } = canvas;
    ctx.fillStyle = '#0b0f17';
    ctx.fillRect(0, 0, width, height);
    const f32 = memory.f32;
    const cx = width / 2;
    const cy = height / 2;
    for (const h of alive) {
      if (h === 0 || !pool.isAlive(h)) continue;
      const p = pool.offsetOf(h) >> 2;
      const age = frame - f32[p + 2];
      const k = f32[p + 3];
      const turn = f32[p + 2] * 0.021;
      const speed = 2.4 + (k % 5) * 0.7;
      const c = Math.cos(turn);
      const s = Math.sin(turn);
      const vx = f32[p + 4] * c - f32[p + 5] * s;
      const vy = f32[p + 4] * s + f32[p + 5] * c;
      const fade = 1 - age / f32[p + 6];
      const x = cx + vx * age * speed;
      const y = cy + vy * age * speed;
      const sprite = sprites.get(k % SPRITE_HUES);
      if (sprite === undefined) {
        ctx.fillStyle = `hsla(${hueOf(k % SPRITE_HUES)}, 85%, 64%, ${Math.max(0.15, fade).toFixed(2)})`;
        ctx.fillRect(x - 2, y - 2, 4, 4);
      } else {
        ctx.globalAlpha = Math.max(0.15, fade);
        ctx.drawImage(sprite, x - SPRITE_SIZE / 2, y - SPRITE_SIZE / 2);
        ctx.globalAlpha = 1;
      }
    }
    const cs = sprites.stats();
    setText('sprite-hits', cs.hits);
    setText('sprite-misses', cs.misses);
    setText('sprite-made', sprites.dedupStats().started);
    setText('sprite-joined', sprites.dedupStats().joined);
    setText('sprite-bytes', kib(cs.bytes));
  }

  function render(report: FrameReport): void {
    const a = arena.stats();
    setText('frame', memory.frame);
    setText('pool-live', pool.live);
    el('pool-bar').style.width = `${((100 * pool.live) / pool.capacity).toFixed(1)}%`;
    setText('arena-used', kib(a.used));
    setText('arena-peak', kib(a.peak));
    setText('arena-leases', a.leases);
    setText('freed', report.totalFreed);
    setText('worker-allocs', verified);
    setText('checksum', checksum);
    draw(report.frame);
  }

  setStatus('starting', 'running');
  const backend = memory.shared ? await startWorker() : singleThread();
  setText('mode', backend.label);
  for (let n = 0; n < FRAME_COUNT; n++) {
    await nextAnimationFrame();
    const frame = memory.frame;
    // the handle table lives on the page's stack for the duration of the frame
    const mark = stack.mark();
    const table = stack.push(SPAWN_PER_FRAME * 4, 4);
    const report = await backend.step(frame, table);
    if (!report.released) throw new Error(`frame ${frame}: the worker did not release its arena lane`);
    verifyFrame(report, table);
    render(report);
    stack.release(mark);
    // the worker released its lane before it answered, so this never meets LANE_LEASED
    memory.advance();
    setStatus(`running ${n + 1}/${FRAME_COUNT}`, 'running');
  }
  if (checksum !== expectedChecksum(verified)) throw new Error(`checksum ${checksum} != expected ${expectedChecksum(verified)}`);
  setText('frame', memory.frame);
  if (memory.shared) setStatus('ok', 'ok');
  else setStatus('single-thread', 'fallback');
}

main().catch(showError);
