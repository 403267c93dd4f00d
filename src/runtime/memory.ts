/**
 * The public memory: {@link MemoryCore} with the three built-in kinds by name (`createArena`,
 * `arena`, `createPool`, `pool`, `createStack`, `stack`), and the two ways in: createMemory and
 * attachMemory. The built-in kinds are registered here, when this module loads.
 * @module
 */
import type { ArenaOptions, AttachOptions, MemoryOptions, PoolOptions, SharedMemoryInit, StackOptions } from '../api.ts';
import type { MemorySnapshot } from '../api-reports.ts';
import { arenaKind } from '../allocators/arena/kind.ts';
import type { FrameArena } from '../allocators/arena/frame-arena.ts';
import { poolKind } from '../allocators/pool/kind.ts';
import type { Pool } from '../allocators/pool/pool.ts';
import { stackKind } from '../allocators/stack/kind.ts';
import type { Stack } from '../allocators/stack/stack.ts';
import { MemoryCore } from '../memory/core.ts';
import type { LeakReport } from '../memory/leak-report.ts';
import { checkRegions, memoryLeaks, memorySnapshot } from '../memory/reports.ts';
import { registerBuiltinKind } from '../memory/kinds.ts';
import { warnIfFellBack } from '../memory/isolation.ts';
import { attachBuffer, newMemoryBuffer } from '../memory/open.ts';
import { memoryError, typeName } from '../errors.ts';
import { FrameProfiler, userTimingAvailable } from './frame-profile.ts';

registerBuiltinKind(arenaKind);
registerBuiltinKind(poolKind);
registerBuiltinKind(stackKind);

/**
 * One buffer holding every arena, pool and stack, in this thread. The main thread makes it with
 * {@link createMemory}; each worker gets its own `Memory` over the same buffer with
 * {@link attachMemory}. Allocators are created once, by name, and found by name everywhere.
 *
 * Thread-safety: any worker, each through its own `Memory` (never post a `Memory` itself; post
 * {@link Memory.share}).
 * @example
 * ```ts
 * const memory = createMemory({ size: 8 << 20 });
 * const frame = memory.createArena('frame', { capacity: 1 << 20 });
 * const p = frame.alloc(16, 16);
 * memory.f32[p >> 2] = 1;
 * worker.postMessage(memory.share());
 * ```
 */
export class Memory extends MemoryCore {
  /**
   * Creates a frame arena named `name`.
   *
   * Thread-safety: any worker (the region table is locked briefly).
   * @throws {@link nebula-memory!MemoryError} `REGION_EXISTS`, `INVALID_NAME`, `INVALID_OPTION`, `OUT_OF_MEMORY`, `REGION_TABLE_FULL`.
   * @example
   * ```ts
   * const frame = memory.createArena('frame', { capacity: 1 << 20, frames: 2 });
   * ```
   */
  createArena(name: string, options: ArenaOptions): FrameArena {
    return this.create(arenaKind, name, options);
  }

  /**
   * Creates a pool named `name`.
   *
   * Thread-safety: any worker (the region table is locked briefly).
   * @throws {@link nebula-memory!MemoryError} `REGION_EXISTS`, `INVALID_NAME`, `INVALID_OPTION`, `OUT_OF_MEMORY`, `REGION_TABLE_FULL`.
   * @example
   * ```ts
   * const bullets = memory.createPool('bullets', { slotSize: 16, capacity: 4096 });
   * ```
   */
  createPool(name: string, options: PoolOptions): Pool {
    return this.create(poolKind, name, options);
  }

  /**
   * Creates a stack named `name`, owned by the calling thread.
   *
   * Thread-safety: any worker; the creator owns the stack.
   * @throws {@link nebula-memory!MemoryError} `REGION_EXISTS`, `INVALID_NAME`, `INVALID_OPTION`, `OUT_OF_MEMORY`, `REGION_TABLE_FULL`.
   * @example
   * ```ts
   * const scratch = memory.createStack('scratch', { capacity: 64 << 10 });
   * ```
   */
  createStack(name: string, options: StackOptions): Stack {
    return this.create(stackKind, name, options);
  }

  /**
   * This thread's instance of the frame arena named `name` (the same object on every call).
   *
   * Thread-safety: any worker.
   * @throws {@link nebula-memory!MemoryError} `REGION_NOT_FOUND` or `REGION_KIND_MISMATCH`.
   * @example
   * ```ts
   * const frame = memory.arena('frame'); // in a worker
   * ```
   */
  arena(name: string): FrameArena {
    return this.region(arenaKind, name);
  }

  /**
   * This thread's instance of the pool named `name` (the same object on every call).
   *
   * Thread-safety: any worker.
   * @throws {@link nebula-memory!MemoryError} `REGION_NOT_FOUND` or `REGION_KIND_MISMATCH`.
   * @example
   * ```ts
   * const particles = memory.pool('particles');
   * ```
   */
  pool(name: string): Pool {
    return this.region(poolKind, name);
  }

  /**
   * This thread's instance of the stack named `name` (the same object on every call).
   *
   * Thread-safety: any worker may look it up; only the owner pushes and pops.
   * @throws {@link nebula-memory!MemoryError} `REGION_NOT_FOUND` or `REGION_KIND_MISMATCH`.
   * @example
   * ```ts
   * const scratch = memory.stack('scratch');
   * ```
   */
  stack(name: string): Stack {
    return this.region(stackKind, name);
  }

  /**
   * Switches User Timing entries for the frames this thread advances, so they show in the
   * browser's profiler. While on, every `advance()` adds a `performance.measure()` named
   * `'nebula-memory frame'` from the previous `advance()` to this one (detail: `frame`, `ms`),
   * and one per arena, pool and stack named `'nebula-memory <kind> <name>'` over the same span
   * whose detail holds the region's high water in that frame (`region`, `kind`, `frame`,
   * `peakBytes`, `capacityBytes`; pools also `peakSlots`, `capacitySlots`). Each detail carries
   * Chrome DevTools' extensibility fields (`detail.devtools`, `dataType: 'track-entry'`), so
   * Chrome's Performance panel draws a `nebula-memory` track group with a `frames` track and one
   * track per region, coloured by how full it got (75 %: warning, 100 %: error); Firefox's
   * profiler shows them as plain measures, and Node lists them in `performance.getEntriesByType('measure')`.
   *
   * Off by default; while off, `advance()` pays one check. Only the thread that calls `advance()`
   * (the frame clock) adds entries. The entries stay in the performance timeline until
   * `performance.clearMeasures()`: a profiling session left on for hours grows it by one entry
   * per region and frame, so switch it on around a recording.
   *
   * Thread-safety: per thread; each thread switches its own.
   * @param on - true to start, false to stop.
   * @returns whether it is on now: false after `profileFrames(true)` where `performance.measure`
   * does not exist (nothing is recorded there).
   * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` when `on` is not a boolean; `DETACHED` after `detach()`.
   * @see {@link Memory.frameTimesInto}, the frame durations every thread reads from the buffer.
   * @example
   * ```ts
   * memory.profileFrames(true); // then record in DevTools' Performance panel
   * for (let k = 0; k < 120; k++) { step(); memory.advance(); }
   * memory.profileFrames(false);
   * const frames = performance.getEntriesByName('nebula-memory frame');
   * ```
   */
  profileFrames(on: boolean): boolean {
    this.assertAttached('profileFrames');
    if (typeof on !== 'boolean') {
      throw memoryError('INVALID_OPTION', `profileFrames(${typeName(on)}) needs true or false`, {
        allocator: 'memory', request: { on: typeName(on) }, state: { profiling: this.frameObserver !== null },
        suggestion: 'pass true to add User Timing entries at every advance(), false to stop.',
      });
    }
    if (!on || !userTimingAvailable()) this.frameObserver = null;
    else this.frameObserver ??= new FrameProfiler(this);
    return this.frameObserver !== null;
  }

  /**
   * What every pool and stack still holds: one report over all of them. Call it at shutdown or
   * at a chosen frame (`bornBefore`) to find blocks that outlived their purpose.
   *
   * Thread-safety: any worker; exact while no other thread allocates.
   * @param options - `bornBefore`: only pool slots allocated before this frame; `limit`: most entries listed.
   * @example
   * ```ts
   * const r = memory.leaks();
   * if (r.count > 0) console.warn(r.text);
   * ```
   */
  leaks(options: { readonly bornBefore?: number; readonly limit?: number } = {}): LeakReport {
    return memoryLeaks(this, options);
  }

  /**
   * Checks the global header and every region's invariants (through this thread's instances).
   *
   * Thread-safety: any worker, while no other thread is allocating.
   * @throws {@link nebula-memory!MemoryError} `INVARIANT_VIOLATED` with the actual values.
   * @example
   * ```ts
   * memory.checkInvariants();
   * ```
   */
  checkInvariants(): void {
    checkRegions(this);
  }

  /**
   * A frozen, JSON-serializable picture of the whole memory: every region with its allocator's
   * stats and (arenas) its per-frame high-water history. Read from the shared buffer, so it shows
   * what every thread did. A new object; not for the frame path.
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * const s = memory.snapshot();
   * console.log(s.frame, s.regions.map((r) => `${r.kind} ${r.name}`).join(', '));
   * ```
   */
  snapshot(): MemorySnapshot {
    this.assertAttached('snapshot');
    return memorySnapshot(this);
  }
}

/**
 * Makes a new memory of `options.size` bytes. It is a SharedArrayBuffer when this context is
 * cross-origin isolated (or Node); otherwise an ArrayBuffer in single-thread mode, and
 * `memory.isolation` says why and what to set. That fallback also warns once per realm on the
 * console, naming the missing headers (`warnIfNotShared: false` turns this off; `shared: false`
 * never warns).
 *
 * Thread-safety: any thread; the caller becomes thread 0.
 * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` for a bad size or a `warnIfNotShared` that is not
 * a boolean; `NOT_SHARED` when `shared: true` was asked and this context cannot share memory.
 * @see {@link attachMemory} to open the same memory in a worker, from {@link Memory.share}.
 * @see {@link createFromConfig} to create the memory and its allocators from one config.
 * @example
 * ```ts
 * const memory = createMemory({ size: 16 << 20 });
 * if (!memory.shared) console.warn(memory.isolation.reason);
 * ```
 */
export function createMemory(options: MemoryOptions): Memory {
  const opened = newMemoryBuffer(options);
  if (options.warnIfNotShared !== false) warnIfFellBack(opened.isolation);
  return new Memory(opened);
}

/**
 * Attaches a worker to a memory made elsewhere, from what {@link Memory.share} returned. The
 * allocators are then found by name: `memory.arena('frame')`.
 *
 * Thread-safety: call once per thread; the thread gets its own id.
 * @throws {@link nebula-memory!MemoryError} `NOT_SHARED` for an ArrayBuffer, `BAD_BUFFER`, `BAD_MAGIC`,
 * `BAD_VERSION`, `TOO_MANY_THREADS`.
 * @see {@link createMemory}, which makes the memory this attaches to.
 * @see {@link Memory.share} for what to post to the worker, and {@link Memory.detach} to give the thread id back.
 * @see {@link attachFromConfig} to attach and find every allocator of a config by name.
 * @example
 * ```ts
 * self.onmessage = (e) => {
 *   const memory = attachMemory(e.data);
 *   const frame = memory.arena('frame');
 * };
 * ```
 */
export function attachMemory(init: SharedMemoryInit, options: AttachOptions = {}): Memory {
  return new Memory(attachBuffer(init, options));
}
