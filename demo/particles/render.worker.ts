/**
 * The render worker: draws the particles from shared memory into the page's canvas, transferred
 * as an OffscreenCanvas, with WebGL2 (or, where a worker has no WebGL2, like WebKitGTK's, a CPU
 * raster into a 2D context). It waits for the clock with `Atomics.waitAsync` (it must return to its
 * event loop after each draw, or the frame is never shown), draws the frame the clock names in
 * `C_RENDER_GO` (always the last complete frame, N − 1, while the simulation writes N), and
 * stores it in `C_RENDER_DONE`. Where `Atomics.waitAsync` is missing, it polls once per animation
 * frame instead.
 * @module
 */
import { attachMemory } from '../../src/index.ts';
import { C_RENDER_DONE, C_RENDER_GO, C_STOP, type RenderInit, type WorkerReport } from './protocol.ts';
import { ParticleRenderer, createRenderer } from './renderer.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

function report(message: WorkerReport): void {
  scope.postMessage(message);
}

scope.onmessage = (event: MessageEvent<RenderInit>) => {
  try {
    const init = event.data;
    const memory = attachMemory(init.memory);
    const i32 = memory.i32;
    const ctl = init.control >> 2;
    const renderer = createRenderer(init.canvas, memory, init.control, init.workers, memory.pool('particles').capacity);
    const api = renderer instanceof ParticleRenderer ? 'WebGL2' : '2D canvas, CPU raster: no WebGL2 in this worker';
    let drawn = Atomics.load(i32, ctl + C_RENDER_DONE);
    const fail = (err: unknown): void => {
      report({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    };
    /** Draws the frame the clock asks for, if it is new. */
    const drawPending = (): void => {
      const go = Atomics.load(i32, ctl + C_RENDER_GO);
      if (go !== drawn && go >= 0) {
        renderer.draw(go);
        drawn = go;
        Atomics.store(i32, ctl + C_RENDER_DONE, go);
      }
    };
    /** `Atomics.waitAsync` (ES2024; not in this project's ES2022 lib), where the browser has it. */
    type WaitAsync = (a: Int32Array, index: number, value: number) => { async: boolean; value: Promise<unknown> | string };
    const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
    let mode: string;
    if (typeof waitAsync === 'function') {
      mode = 'Atomics.waitAsync';
      const wake = (): void => {
        try {
          if (Atomics.load(i32, ctl + C_STOP) !== 0) return;
          drawPending();
          const r = waitAsync(i32, ctl + C_RENDER_GO, drawn);
          if (typeof r.value !== 'string') void r.value.then(wake);
          else setTimeout(wake, 0); // the value changed meanwhile: draw in a new task, so this frame is shown first
        } catch (err) {
          fail(err);
        }
      };
      wake();
    } else {
      mode = 'requestAnimationFrame polling';
      const tick = (): void => {
        try {
          if (Atomics.load(i32, ctl + C_STOP) !== 0) return;
          drawPending();
          scope.requestAnimationFrame(tick);
        } catch (err) {
          fail(err);
        }
      };
      scope.requestAnimationFrame(tick);
    }
    report({ type: 'ready', threadId: memory.threadId, detail: `render worker (${api}, ${mode})` });
  } catch (err) {
    report({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
