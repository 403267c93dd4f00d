/**
 * A liveness signal for browser workers, from the Web Locks API: every Web Worker that attaches
 * a shared memory where `navigator.locks` exists holds a lock named after the memory and its
 * thread id until it detaches. The browser releases a worker's locks only once the worker has
 * really stopped, so `terminateAndReclaim` waits for that lock instead of guessing how long a
 * terminated worker runs on (Chromium lets it run until it yields, up to about 2 s). Cold paths.
 * @module
 * @internal
 */
import { G_MEMORY_ID } from './layout.ts';

/** The part of the Web Locks API used here (`navigator.locks`). */
interface Locks {
  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<void>): Promise<unknown>;
  query(): Promise<{ held?: readonly { name?: string }[]; pending?: readonly { name?: string }[] }>;
}

/** How long a reclaim looks for a worker's liveness lock to appear, in milliseconds. */
const APPEAR_MS = 100;

/** Whether this code runs in a Web Worker (a page's main thread is never terminated by another thread). */
function inWorker(): boolean {
  return typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'function';
}

/** `navigator.locks`, where this context has it. */
function locks(): Locks | null {
  const nav = (globalThis as { navigator?: { locks?: Partial<Locks> } }).navigator;
  const l = nav?.locks;
  return l !== undefined && typeof l.request === 'function' && typeof l.query === 'function' ? l as Locks : null;
}

/** Writes a random id into a new memory's header: lock names of two memories never collide. */
export function stampMemoryId(i32: Int32Array): void {
  i32[G_MEMORY_ID] = (Math.random() * 0x7fffffff) | 0;
  i32[G_MEMORY_ID + 1] = Date.now() & 0x7fffffff;
}

/** The lock thread `t` of the memory in `i32` holds while it is attached. */
export function livenessLockName(i32: Int32Array, t: number): string {
  return `nebula-memory:${Atomics.load(i32, G_MEMORY_ID).toString(36)}.${Atomics.load(i32, G_MEMORY_ID + 1).toString(36)}:thread-${t}`;
}

/** A thread's liveness lock: `granted` settles once the lock manager holds it for this thread. */
export interface Liveness {
  /** True once the lock is held (the page can then tell when this thread stops); false where there is none. */
  readonly granted: Promise<boolean>;
  /** Releases the lock (detach). */
  readonly release: () => void;
}

/**
 * Asks for thread `t`'s liveness lock (in a Web Worker, where the Web Locks API exists). The
 * request is granted only once this thread returns to its event loop: a worker that attaches
 * and then never yields holds no lock yet (`granted` still pending).
 */
export function holdLiveness(i32: Int32Array, t: number): Liveness {
  const l = inWorker() ? locks() : null;
  if (l === null) return { granted: Promise.resolve(false), release: () => undefined };
  let release: (() => void) | null = null;
  const held = new Promise<void>((resolve) => { release = resolve; });
  const granted = new Promise<boolean>((resolve) => {
    l.request(livenessLockName(i32, t), {}, () => { resolve(true); return held; }).catch(() => { resolve(false); });
  });
  return { granted, release: () => { release?.(); } };
}

/**
 * Whether thread `t` of the memory in `i32` holds (or has asked for) its liveness lock: `null`
 * when there is no Web Locks API. Ask before terminating a worker: a worker that is idle when
 * terminated drops its lock at once, and asked afterwards it would look like one that never held
 * a lock.
 */
export async function holdsLiveness(i32: Int32Array, t: number): Promise<boolean | null> {
  const l = locks();
  if (l === null) return null;
  const name = livenessLockName(i32, t);
  const has = (list: readonly { name?: string }[] | undefined): boolean => (list ?? []).some((h) => h.name === name);
  // held, or asked for and not granted yet; a worker asks as it attaches, and its request may
  // reach the lock manager a little after this thread's query (separate channels): look again
  // for up to APPEAR_MS before deciding it holds none
  const t0 = Date.now();
  for (;;) {
    const state = await l.query();
    if (has(state.held) || has(state.pending)) return true;
    if (Date.now() - t0 >= APPEAR_MS) return false;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * Waits until thread `t`, which {@link holdsLiveness} found holding its liveness lock, has
 * stopped, by taking the lock: `true` once it has, `false` when `timeoutMs` passed first (it
 * still runs).
 */
export async function awaitStopped(i32: Int32Array, t: number, timeoutMs: number): Promise<boolean> {
  const l = locks();
  if (l === null) return false;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    await l.request(livenessLockName(i32, t), { signal }, () => Promise.resolve());
    return true;
  } catch {
    return false;
  }
}
