/**
 * A simulation worker: attaches to the page's memory (as `sim-<index>`) and simulates its
 * partition of the particles once per frame of the clock. The handshake is all `Atomics` on the
 * control block: the worker sleeps in `Atomics.wait` until the clock stores a new frame in
 * `C_SIM_GO`, simulates it, stores it in its `W_DONE` word and adds 1 to `C_SIM_DONE`. No message
 * is sent per frame.
 *
 * A replacement worker (the page killed or lost the one before it) adopts the particles its
 * predecessor left in the pool, and simulates only from the frame the page names in its
 * `W_JOIN_AT` word: the clock ran on without this share meanwhile.
 *
 * After each frame the worker returns to its event loop once (a `setTimeout(0)`), so that a
 * `FinalizationRegistry` sentinel can report GCs: the sentinel is a young object with no
 * reference; when a GC collects it, the registry's callback counts one and plants the next one.
 * That counts frames with at least one GC (a lower bound, in every browser); the e2e suite
 * counts every GC in Chromium through the DevTools protocol. An error thrown while simulating is
 * not caught: the page sees the worker's `error` event, terminates it, reclaims its thread and
 * starts a replacement.
 * @module
 */
import { attachMemory } from '../../src/index.ts';
import { Fountain } from './fountain.ts';
import {
  C_KILL, C_KILL_MODE, C_PARKED, C_SIM_DONE, C_SIM_GO, C_STOP, KILL_CRASH, MAX_SIM_WORKERS, type SimInit, W_DONE, W_GC, W_JOIN_AT,
  type WorkerReport, wordOf,
} from './protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

function report(message: WorkerReport): void {
  scope.postMessage(message);
}

/** A word nobody notifies: a parked worker waits on it until it is terminated. */
const never = new Int32Array(new SharedArrayBuffer(4));

scope.onmessage = (event: MessageEvent<SimInit>) => {
  let loop: (() => void) | null = null;
  try {
    const init = event.data;
    const w = init.index;
    const memory = attachMemory(init.memory, { name: `sim-${w}` });
    const { settings } = init;
    const seed = settings.seed + init.generation * MAX_SIM_WORKERS;
    const fountain = new Fountain(memory, init.control, w, settings.particles, settings.workers, seed, init.adopt);
    const i32 = memory.i32;
    const ctl = init.control >> 2;
    const gcWord = ctl + wordOf(w, W_GC);
    const doneWord = ctl + wordOf(w, W_DONE);
    const joinWord = ctl + wordOf(w, W_JOIN_AT);
    // the "kill a worker" controls: this worker stops here, mid-frame, holding its arena lanes
    fountain.midFrame = (frameNo) => {
      if (Atomics.load(i32, ctl + C_KILL) !== w + 1) return;
      if (Atomics.load(i32, ctl + C_KILL_MODE) === KILL_CRASH) {
        throw new Error(`sim-${w} crashed on purpose in frame ${frameNo}, mid-frame ("crash a worker")`);
      }
      Atomics.store(i32, ctl + C_PARKED, w + 1);
      for (;;) Atomics.wait(never, 0, 0); // hung: only terminate() ends this
    };
    let gcs = Atomics.load(i32, gcWord); // a replacement counts on from its predecessor's count
    const registry = new FinalizationRegistry<number>(() => {
      gcs++;
      Atomics.store(i32, gcWord, gcs);
      registry.register({}, 0);
    });
    registry.register({}, 0);
    let seen = Atomics.load(i32, ctl + C_SIM_GO);
    const step = (): void => {
      for (;;) {
        Atomics.wait(i32, ctl + C_SIM_GO, seen, 1000);
        if (Atomics.load(i32, ctl + C_STOP) !== 0) return;
        const go = Atomics.load(i32, ctl + C_SIM_GO);
        if (go === seen) continue;
        seen = go;
        if (go < Atomics.load(i32, joinWord)) continue; // a replacement: the clock does not count this share yet
        fountain.step(go);
        Atomics.store(i32, doneWord, go);
        Atomics.add(i32, ctl + C_SIM_DONE, 1);
        Atomics.notify(i32, ctl + C_SIM_DONE);
        setTimeout(step, 0); // yield once per frame: the GC sentinel's callback may run
        return;
      }
    };
    loop = step;
    report({ type: 'ready', threadId: memory.threadId, detail: `sim worker ${w}`, adopted: fountain.adopted });
  } catch (err) {
    report({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
  // outside the try: an error while simulating is the worker's `error` event (the page restarts it)
  if (loop !== null) setTimeout(loop, 0);
};
