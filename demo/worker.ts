/**
 * The demo's module worker: attaches to the page's memory, finds the allocators by name, and
 * runs the particle spawner once per frame the page asks for. It posts back counts only.
 * @module
 */
import { attachMemory } from '../src/index.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import { ParticleSpawner } from './sim.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let spawner: ParticleSpawner | undefined;

function send(message: FromWorker): void {
  scope.postMessage(message);
}

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  try {
    const message = event.data;
    if (message.type === 'init') {
      const memory = attachMemory(message.memory);
      spawner = new ParticleSpawner(memory);
      send({ type: 'ready', threadId: memory.threadId });
      return;
    }
    if (spawner === undefined) throw new Error('the worker got a frame before init');
    send({ type: 'done', ...spawner.step(message.frame, message.table) });
  } catch (err) {
    send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
