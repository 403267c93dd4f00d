/**
 * The liveness lock a Web Worker takes as it attaches (memory/liveness.ts): held while attached,
 * given back by detach(), and `memory.liveness` false when the lock manager refuses. Run on this
 * thread posing as a worker (`WorkerGlobalScope` stubbed), since code inside a real Worker is
 * not seen by coverage; the lock manager is a stand-in with the Web Locks API's shape in every
 * project, and the browser's own `navigator.locks` where there is one.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { attachMemory, createMemory } from '../src/index.ts';
import { livenessLockName } from '../src/memory/liveness.ts';

/** A stand-in lock manager: grants each request on the next microtask, holds the lock until the callback's promise settles. */
class FakeLocks {
  readonly held = new Set<string>();
  readonly requested: string[] = [];
  request(name: string, _options: object, callback: () => Promise<void>): Promise<void> {
    this.requested.push(name);
    return Promise.resolve().then(async () => {
      this.held.add(name);
      try {
        await callback();
      } finally {
        this.held.delete(name);
      }
    });
  }
  query(): Promise<{ held: { name: string }[]; pending: { name: string }[] }> {
    return Promise.resolve({ held: [...this.held].map((name) => ({ name })), pending: [] });
  }
}

/** Makes this thread look like a Web Worker to the runtime. */
function poseAsWorker(): void {
  vi.stubGlobal('WorkerGlobalScope', function WorkerGlobalScope() { /* a constructor, as in a worker */ });
}

const realLocks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('a worker\'s liveness lock', () => {
  it('is requested as the worker attaches, held while attached, and given back by detach()', async () => {
    const m = createMemory({ size: 1 << 18 });
    const locks = new FakeLocks();
    poseAsWorker();
    vi.stubGlobal('navigator', { locks });
    const w = attachMemory(m.share());
    const name = livenessLockName(m.i32, w.threadId);
    expect(name).toMatch(new RegExp(`^nebula-memory:[0-9a-z-]+\\.[0-9a-z]+:thread-${w.threadId}$`));
    expect(locks.requested).toEqual([name]);
    expect(await w.liveness).toBe(true);
    expect([...locks.held]).toEqual([name]);
    w.detach();
    await vi.waitFor(() => { expect(locks.held.size).toBe(0); });
    m.checkInvariants();
  });

  it('is false when the lock manager refuses the request, and detach() still works', async () => {
    const m = createMemory({ size: 1 << 18 });
    poseAsWorker();
    vi.stubGlobal('navigator', {
      locks: { request: () => Promise.reject(new DOMException('locks are disabled', 'SecurityError')), query: () => Promise.resolve({}) },
    });
    const w = attachMemory(m.share());
    expect(await w.liveness).toBe(false);
    const id = w.threadId;
    w.detach();
    expect(m.threads()[id]).toMatchObject({ state: 'detached' });
    m.checkInvariants();
  });

  it('is not asked for on a page\'s own thread (it is never terminated by another)', async () => {
    const m = createMemory({ size: 1 << 18 });
    const locks = new FakeLocks();
    vi.stubGlobal('navigator', { locks });
    const w = attachMemory(m.share());
    expect(await w.liveness).toBe(false);
    expect(locks.requested).toEqual([]);
    w.detach();
    m.checkInvariants();
  });

  it.skipIf(realLocks === undefined)('with the browser\'s own Web Locks (browsers only: Node 20 has no navigator.locks)', async () => {
    if (realLocks === undefined) return;
    const m = createMemory({ size: 1 << 18 });
    poseAsWorker();
    const w = attachMemory(m.share());
    const name = livenessLockName(m.i32, w.threadId);
    expect(await w.liveness).toBe(true);
    const heldNames = async (): Promise<(string | undefined)[]> => ((await realLocks.query()).held ?? []).map((l) => l.name);
    expect(await heldNames()).toContain(name);
    w.detach();
    await vi.waitFor(async () => { expect(await heldNames()).not.toContain(name); }, { timeout: 30_000, interval: 10 });
    m.checkInvariants();
  });
});
