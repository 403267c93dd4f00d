/**
 * A simulation worker: attaches to the page's memory and simulates its partition of the particles
 * once per frame of the clock. The handshake is all `Atomics` on the control block: the worker
 * sleeps in `Atomics.wait` until the clock stores a new frame in `C_SIM_GO`, simulates it, and
 * adds 1 to `C_SIM_DONE`. No message is sent per frame.
 *
 * After each frame the worker returns to its event loop once (a `setTimeout(0)`), so that a
 * `FinalizationRegistry` sentinel can report GCs: the sentinel is a young object with no
 * reference; when a GC collects it, the registry's callback counts one and plants the next one.
 * That counts frames with at least one GC (a lower bound, in every browser); the e2e suite
 * counts every GC in Chromium through the DevTools protocol.
 * @module
 */
import { attachMemory } from '../../src/index.ts';
import { Fountain } from './fountain.ts';
import { C_SIM_DONE, C_SIM_GO, C_STOP, type SimInit, W_GC, type WorkerReport, wordOf } from './protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

function report(message: WorkerReport): void {
  scope.postMessage(message);
}

scope.onmessage = (event: MessageEvent<SimInit>) => {
  try {
    const init = event.data;
    const memory = attachMemory(init.memory);
    const { settings } = init;
    const fountain = new Fountain(memory, init.control, init.index, settings.particles, settings.workers, settings.seed);
    const i32 = memory.i32;
    const ctl = init.control >> 2;
    const gcWord = ctl + wordOf(init.index, W_GC);
    let gcs = 0;
    const registry = new FinalizationRegistry<number>(() => {
      gcs++;
      Atomics.store(i32, gcWord, gcs);
      registry.register({}, 0);
    });
    registry.register({}, 0);
    let seen = Atomics.load(i32, ctl + C_SIM_GO);
    const loop = (): void => {
      try {
        for (;;) {
          Atomics.wait(i32, ctl + C_SIM_GO, seen, 1000);
          if (Atomics.load(i32, ctl + C_STOP) !== 0) return;
          const go = Atomics.load(i32, ctl + C_SIM_GO);
          if (go === seen) continue;
          seen = go;
          fountain.step(go);
          Atomics.add(i32, ctl + C_SIM_DONE, 1);
          Atomics.notify(i32, ctl + C_SIM_DONE);
          setTimeout(loop, 0); // yield once per frame: the GC sentinel's callback may run
          return;
        }
      } catch (err) {
        report({ type: 'error', message: err instanceof Error ? err.message : String(err) });
      }
    };
    report({ type: 'ready', threadId: memory.threadId, detail: `sim worker ${init.index}` });
    loop();
  } catch (err) {
    report({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
