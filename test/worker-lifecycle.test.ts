/**
 * terminateAndReclaim and reclaimOnExit with stand-in workers: the reclaim waits for the
 * worker's liveness lock where the Web Locks API exists (browsers), the settle time elsewhere,
 * and bad arguments are MemoryErrors. Real terminated workers: test/kill.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { attachMemory, createMemory, MemoryError, reclaimOnExit, terminateAndReclaim } from '../src/index.ts';
import type { ExitEmitter } from '../src/runtime/worker-lifecycle.ts';
import { livenessLockName } from '../src/memory/liveness.ts';
import { expectMemoryError } from './helpers.ts';

interface WebLocks {
  request(name: string, cb: () => Promise<void>): Promise<unknown>;
}
const locks = (globalThis as { navigator?: { locks?: WebLocks } }).navigator?.locks;
/**
 * Tests of the liveness-lock wait: they need the Web Locks API, which the browsers have and
 * Node 20 does not (there `terminateAndReclaim` takes the settle path, tested below in every
 * project). So they run in chromium, firefox and webkit, and skip in node and node-fast.
 */
const itLocks = locks === undefined ? it.skip : it;

/** A worker stand-in that counts terminate() calls. */
function fakeWorker(): { terminate: () => void; terminated: number } {
  const w = { terminated: 0, terminate: () => { w.terminated++; } };
  return w;
}

function setup() {
  const m = createMemory({ size: 1 << 20, name: 'main' });
  m.createArena('frame', { capacity: 4096, frames: 1, laneBytes: 256 });
  const w = attachMemory(m.share(), { name: 'sim-1' });
  w.arena('frame').alloc(64); // holds a lane: the clock stops until w is reclaimed
  return { m, w };
}

describe('terminateAndReclaim', () => {
  itLocks('waits until the worker\'s liveness lock is free, then reclaims (the browser frees it when the worker has stopped)', async () => {
    const { m, w } = setup();
    // stand in for the worker: hold its lock, as attachMemory does in a Web Worker
    let stop: () => void = () => undefined;
    void locks?.request(livenessLockName(m.i32, w.threadId), () => new Promise<void>((r) => { stop = r; }));
    await new Promise((r) => setTimeout(r, 20));
    const worker = fakeWorker();
    let done = false;
    const p = terminateAndReclaim(m, worker, 'sim-1', { settleMs: 0 }).then((r) => { done = true; return r; });
    await new Promise((r) => setTimeout(r, 100));
    expect(worker.terminated).toBe(1);
    expect(done).toBe(false); // "still running": not reclaimed, whatever settleMs says
    expect(m.threads()[1].state).toBe('attached');
    stop(); // the worker has stopped
    const reports = await p;
    expect(reports).toMatchObject([{ id: 1, name: 'sim-1', leases: 1 }]);
    expect(m.advance()).toBe(1);
    m.checkInvariants();
  });

  itLocks('a real worker, idle when terminated, is reclaimed once its lock is free, not after settleMs', async () => {
    const m = createMemory({ size: 1 << 20, name: 'main' });
    m.createArena('frame', { capacity: 4096, frames: 1, laneBytes: 256 });
    const worker = new Worker(new URL('./fixtures/idle.worker.ts', import.meta.url), { type: 'module' });
    const ready = new Promise<{ threadId: number; locked: boolean }>((r) => { worker.onmessage = (e: MessageEvent<{ threadId: number; locked: boolean }>) => { r(e.data); }; });
    worker.postMessage(m.share());
    const { threadId, locked } = await ready;
    expect(locked).toBe(true);
    // an idle worker frees its lock as soon as terminate() ends it, before the reclaim could look
    // for it: the reclaim must have seen the lock before terminating, and wait for it, not settle
    const settle = new Promise<'settle'>((r) => setTimeout(() => { r('settle'); }, 30_000));
    const reclaimed = terminateAndReclaim(m, worker, threadId, { settleMs: 60_000 });
    expect(await Promise.race([reclaimed, settle])).toMatchObject([{ id: threadId, name: 'idle', leases: 1 }]);
    expect(m.advance()).toBe(1);
    m.checkInvariants();
  });

  itLocks('rejects with LOCK_TIMEOUT and reclaims nothing when the worker still runs after timeoutMs', async () => {
    const { m, w } = setup();
    let stop: () => void = () => undefined;
    void locks?.request(livenessLockName(m.i32, w.threadId), () => new Promise<void>((r) => { stop = r; }));
    await new Promise((r) => setTimeout(r, 20));
    let caught: unknown;
    await terminateAndReclaim(m, fakeWorker(), w.threadId, { timeoutMs: 50 }).catch((e: unknown) => { caught = e; });
    const err = expectMemoryError(caught, 'LOCK_TIMEOUT');
    expect(err.message).toContain('thread 1 still runs 50 ms after terminate()');
    expect(m.threads()[1].state).toBe('attached');
    stop();
    expect(await terminateAndReclaim(m, fakeWorker(), w.threadId)).toHaveLength(1);
    m.checkInvariants();
  });

  it('without a liveness lock, reclaims after settleMs', async () => {
    const { m, w } = setup();
    const t0 = performance.now();
    const reports = await terminateAndReclaim(m, fakeWorker(), w.threadId, 60);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
    expect(reports).toMatchObject([{ id: 1, leases: 1 }]);
    expect(await terminateAndReclaim(m, fakeWorker(), w.threadId)).toEqual([]); // nothing left
    m.checkInvariants();
  });

  it('bad arguments are INVALID_OPTION, and nothing is terminated or reclaimed', async () => {
    const { m, w } = setup();
    for (const bad of [null, -1, Number.NaN, 60_001, 'x', { settleMs: -1 }, { timeoutMs: Infinity }] as const) {
      const worker = fakeWorker();
      let caught: unknown;
      await terminateAndReclaim(m, worker, w.threadId, bad as unknown as number).catch((e: unknown) => { caught = e; });
      expectMemoryError(caught, 'INVALID_OPTION');
      expect(worker.terminated).toBe(0);
    }
    let caught: unknown;
    await terminateAndReclaim(m, fakeWorker(), '').catch((e: unknown) => { caught = e; });
    expect(caught).toBeInstanceOf(MemoryError);
    expect(m.threads()[1].state).toBe('attached');
    m.checkInvariants();
  });
});

describe('Memory.liveness', () => {
  it('is false outside a Web Worker (this page, Node): nothing there is terminated by another thread', async () => {
    const { m, w } = setup();
    expect(await m.liveness).toBe(false);
    expect(await w.liveness).toBe(false);
    // a worker's lock is granted once it yields: test/kill.test.ts checks every killed worker holds one
  });
});

describe('reclaimOnExit', () => {
  it('reclaims on the exit event, once, and stops watching when asked', () => {
    const { m, w } = setup();
    const listeners: ((code: number) => void)[] = [];
    const emitter: ExitEmitter = {
      on: (_e, l) => listeners.push(l),
      off: (_e, l) => listeners.splice(listeners.indexOf(l), 1),
    };
    const seen: number[] = [];
    const stop = reclaimOnExit(m, emitter, w.threadId, (r) => seen.push(r.leases));
    expect(listeners).toHaveLength(1);
    listeners[0](1);
    expect(seen).toEqual([1]);
    expect(m.advance()).toBe(1);
    stop();
    expect(listeners).toHaveLength(0);
    m.checkInvariants();
  });
});
