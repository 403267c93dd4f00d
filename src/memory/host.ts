/**
 * What an allocator sees of the memory it lives in: the typed views, its thread, the frame, the
 * trace, and the slow-path checks. {@link nebula-memory!Memory} provides it; allocators depend on this and
 * never on `Memory` itself, so the memory layer can hold allocators without the two knowing each
 * other.
 * @module
 */
import type { TraceRecorder } from '../stats/trace-recorder.ts';

/**
 * The memory as an allocator uses it, implemented by {@link nebula-memory!Memory}: the contract between an
 * allocator and the memory it lives in. An allocator reads its region through the views, checks
 * {@link MemoryHost.assertLive} on its slow paths, and records trace events when `tracer` is set.
 *
 * Thread-safety: each thread has its own `Memory`, so its own host.
 * @example
 * ```ts
 * function regionWord(host: MemoryHost, offset: number): number {
 *   host.assertLive('peek', 'my allocator');
 *   return Atomics.load(host.i32, offset >> 2);
 * }
 * ```
 */
export interface MemoryHost {
  /** Int32 view of the whole buffer. */
  readonly i32: Int32Array;
  /** Byte view of the whole buffer. */
  readonly u8: Uint8Array;
  /** Float64 view of the whole buffer. */
  readonly f64: Float64Array;
  /** This thread's id. */
  readonly threadId: number;
  /** The current frame. */
  readonly frame: number;
  /** This thread's trace recorder while a trace runs, else null. */
  readonly tracer: TraceRecorder | null;
  /** Whether allocations record their call sites (checked build). */
  readonly capturingSites: boolean;
  /** The caller's call-site id in the shared call-site table (added when new), 0 when unknown; a stack trace, so only while `capturingSites`. */
  callSiteId(): number;
  /** The text of call-site id `id`, or '' for 0 and ids not in the table. */
  callSiteText(id: number): string;
  /** Throws `THREAD_RECLAIMED` when another thread reclaimed this one (slow paths only). */
  assertLive(op: string, allocator: string): void;
  /** Whether thread `t` is attached now. */
  isThreadAttached(t: number): boolean;
  /** Records the current frame as this thread's last seen frame. */
  noteFrame(): void;
}
