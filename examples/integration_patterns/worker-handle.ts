/**
 * One shape for a started worker, whatever runs it: a module Web Worker in a browser
 * (spawn-web.ts) or a `worker_threads` Worker in Node (spawn-node.ts). The patterns in this
 * folder take a {@link Spawner}, so the same main-thread code runs on both.
 *
 * What differs between the two is only how a dead worker's thread is given back to the memory:
 * - browsers: `terminateAndReclaim(memory, worker, name)` on the worker's `error` event (and to
 *   kill it): it terminates the worker, waits until the browser has really stopped it (the
 *   worker's liveness lock), then calls `memory.reclaimThread(id)`;
 * - Node: `reclaimOnExit(memory, worker, name)` registered at start: the reclaim runs on the
 *   worker's `'exit'` event, when nothing of it runs any more.
 */
import type { Memory, ReclaimReport } from 'nebula-memory';
import type { JobIn, JobOut } from './job-work.ts';
import type { MatrixIn, MatrixOut } from './matrix-writer.ts';

/** A started worker that takes `In` messages and answers with `Out` messages. */
export interface WorkerHandle<In, Out> {
  /** The name the worker attaches with (`attachMemory(init, { name })`): reclaims find it by it. */
  readonly name: string;
  /** Posts a message to the worker. */
  post(message: In): void;
  /** The worker's next message (in order; each message is returned once). */
  next(): Promise<Out>;
  /**
   * Settles when the worker is gone (crashed, killed or stopped) and its thread was reclaimed:
   * what the reclaim released, or `[]` when the worker had detached itself first.
   */
  readonly gone: Promise<ReclaimReport[]>;
  /** The error that brought the worker down, once it crashed; else null. */
  failure(): string | null;
  /** Terminates the worker and reclaims its thread; resolves like {@link WorkerHandle.gone}. */
  kill(): Promise<ReclaimReport[]>;
}

/** Starts the workers of this folder's patterns, on one platform. */
export interface Spawner {
  /** `'browser'` (module Web Workers) or `'node'` (worker_threads). */
  readonly platform: 'browser' | 'node';
  /** The instance-matrix writer of instanced-mesh.ts (matrix-writer.ts). */
  matrix(memory: Memory, name: string): WorkerHandle<MatrixIn, MatrixOut>;
  /** A job worker of worker-pool.ts (job-work.ts). */
  job(memory: Memory, name: string): WorkerHandle<JobIn, JobOut>;
}

/**
 * The message queue behind {@link WorkerHandle.next}: messages that arrive before anyone waits
 * are kept, waiters that come first are kept. Shared by both spawners.
 */
export class Inbox<T> {
  private readonly messages: T[] = [];
  private readonly waiters: ((m: T) => void)[] = [];

  /** A message arrived from the worker. */
  push(m: T): void {
    const w = this.waiters.shift();
    if (w !== undefined) w(m);
    else this.messages.push(m);
  }

  /** The next message, now or when it arrives. */
  next(): Promise<T> {
    const m = this.messages.shift();
    if (m !== undefined) return Promise.resolve(m);
    return new Promise<T>((resolve) => { this.waiters.push(resolve); });
  }
}
