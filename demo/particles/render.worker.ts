/**
 * The render worker: draws the particles from shared memory into the page's canvas, transferred
 * as an OffscreenCanvas, with WebGL2 (or, where a worker has no WebGL2, like WebKitGTK's, a CPU
 * raster into a 2D context). It waits for the clock with `Atomics.waitAsync` (it must return to its
 * event loop after each draw, or the frame is never shown), draws the frame the clock names in
 * `C_RENDER_GO` (always the last complete frame, N − 1, while the simulation writes N), and
 * stores it in `C_RENDER_DONE`. The wait has a 250 ms timeout, a guard against a notify the engine
 * loses (counted in `C_RENDER_RESCUED`). Where `Atomics.waitAsync` is missing, it polls once per
 * animation frame instead.
 * @module
 */
import { attachMemory } from '../../src/index.ts';
import { C_RENDER_DONE, C_RENDER_GO, C_RENDER_GO_AT, C_RENDER_RESCUED, C_STOP, type RenderInit, type WorkerReport } from './protocol.ts';
import { ParticleRenderer, createRenderer } from './renderer.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

/** The render wait's timeout, ms: long enough never to fire in a running game, short enough to recover a lost notify. */
const WAIT_GUARD_MS = 250;
/**
 * A frame published less than this before the wait's timeout was due may have raced the timeout
 * (the wait ended, then the clock stored and notified): that is a slow frame, not a lost notify.
 */
const RACE_MS = 50;

function report(message: WorkerReport): void {
  scope.postMessage(message);
}

scope.onmessage = (event: MessageEvent<RenderInit>) => {
  try {
    const init = event.data;
    const memory = attachMemory(init.memory, { name: 'render' });
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
        // reports this thread's frame (and its counts): the inspector's thread table shows it on time, not lagging
        memory.publishStats();
        Atomics.store(i32, ctl + C_RENDER_DONE, go);
      }
    };
    /** `Atomics.waitAsync` (ES2024; not in this project's ES2022 lib), where the browser has it. */
    type WaitAsync = (a: Int32Array, index: number, value: number, timeoutMs: number) => { async: boolean; value: Promise<unknown> | string };
    const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
    let mode: string;
    if (typeof waitAsync === 'function') {
      mode = 'Atomics.waitAsync';
      /** Now on the page's clock (ms since its timeOrigin), as the clock writes C_RENDER_GO_AT. */
      const pageNow = (): number => performance.timeOrigin + performance.now() - init.timeOrigin;
      let waitStart = 0;
      /** Called when the wait ends: `'ok'` (notified), `'timed-out'`, or `'not-equal'`. */
      const wake = (how: unknown): void => {
        try {
          if (Atomics.load(i32, ctl + C_STOP) !== 0) return;
          // a frame waiting after a timeout is a lost notify only if it was published while the wait still ran
          if (how === 'timed-out' && Atomics.load(i32, ctl + C_RENDER_GO) !== drawn
            && Atomics.load(i32, ctl + C_RENDER_GO_AT) < waitStart + WAIT_GUARD_MS - RACE_MS) Atomics.add(i32, ctl + C_RENDER_RESCUED, 1);
          drawPending();
          // the timeout only guards against a lost notify: the clock notifies every frame
          waitStart = pageNow();
          const r = waitAsync(i32, ctl + C_RENDER_GO, drawn, WAIT_GUARD_MS);
          if (typeof r.value !== 'string') void r.value.then(wake);
          else setTimeout(wake, 0, r.value); // the value changed meanwhile: draw in a new task, so this frame is shown first
        } catch (err) {
          fail(err);
        }
      };
      wake('ok');
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
