/**
 * Leak reports: what a pool or stack still holds, grouped by call site.
 * @module
 */

/**
 * One block still held.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * for (const e of pool.leaks().entries) console.log(e.offset, e.thread, e.site);
 * ```
 */
export interface LeakEntry {
  /** Byte offset of the block. */
  readonly offset: number;
  /** Bytes of the block (a stack block's size includes its alignment padding). */
  readonly size: number;
  /** The pool handle, or -1 for a stack block. */
  readonly handle: number;
  /** Thread id that allocated it. */
  readonly thread: number;
  /** Frame of the allocation (checked build), or -1. */
  readonly frame: number;
  /**
   * The allocating call site (its first three stack lines), when capture was on in the thread that
   * allocated it, else null. Pool slots: read from the shared call-site table, so sites recorded by
   * any thread show; stack blocks: recorded by the stack's owner thread, seen in that thread.
   */
  readonly site: string | null;
}

/**
 * The blocks of a {@link LeakReport} that one call site allocated.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * for (const g of memory.leaks().bySite) console.log(g.count, g.site);
 * ```
 */
export interface LeakSite {
  /** The allocating frame (first line of the call site), or `unknown site`. */
  readonly site: string;
  /** Blocks it allocated that are still held. */
  readonly count: number;
  /** Their bytes. */
  readonly bytes: number;
}

/**
 * What an allocator still holds. Returned by `Pool.leaks()`, `Stack.leaks()` and
 * `Memory.leaks()`.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * const r = memory.leaks();
 * if (r.count) console.warn(r.text);
 * ```
 */
export interface LeakReport {
  /** Who holds it, as `kind "name"` (or `memory`). */
  readonly allocator: string;
  /** Blocks held. */
  readonly count: number;
  /** Bytes held. */
  readonly bytes: number;
  /** The first `limit` blocks. */
  readonly entries: readonly LeakEntry[];
  /** Blocks per allocating frame (a call site's first line), most first; blocks without a known site count under `unknown site`. */
  readonly bySite: readonly LeakSite[];
  /** A readable summary, one line per site. */
  readonly text: string;
}

/** Stack lines kept of a call site: the allocating frame and its two callers (the call-site table stores these). @internal */
export const SITE_LINES = 3;

/** The caller's stack, less the runtime's own frames: a leak report's call site (its first SITE_LINES lines). @internal */
export function callSite(): string {
  return siteFromStack(new Error().stack ?? '');
}

/**
 * A frame of a method a game calls to allocate (V8 `at x.alloc (`, `at alloc (`; SpiderMonkey and
 * JavaScriptCore `alloc@`). Method names survive minification, file names and function names
 * do not: in a bundle, the library's frames are those up to the outermost of these.
 */
const ENTRY_FRAME = /(?:^|\s|\.)(?:alloc|tryAlloc|take|push|tryPush)(?:@| \(| \[as )/;
/** A frame in the library's own sources (unbundled: dev servers, tests, Node). */
const OWN_FRAME = /nebula-memory|src\/allocators|src\/memory/;

/**
 * The call site in an `Error().stack` taken inside the library: the frames after the outermost
 * allocation method (`alloc`, `take`, `push`, ...), less any frame of the library's own files,
 * its first SITE_LINES lines; `unknown` when none is left. @internal
 */
export function siteFromStack(stack: string): string {
  const lines = stack.split('\n').slice(1);
  let from = lines.findIndex((l) => ENTRY_FRAME.test(l));
  if (from >= 0) while (from + 1 < lines.length && ENTRY_FRAME.test(lines[from + 1])) from++;
  return lines.slice(from + 1).filter((l) => !OWN_FRAME.test(l)).slice(0, SITE_LINES).join('\n').trim() || 'unknown';
}

/** Builds a frozen report. @internal */
export function leakReport(allocator: string, entries: readonly LeakEntry[], limit: number): LeakReport {
  const groups = new Map<string, { count: number; bytes: number }>();
  let bytes = 0;
  for (const e of entries) {
    bytes += e.size;
    // group by the allocating frame (the first line); the rest of the stack is context
    const key = e.site?.split('\n', 1)[0] ?? 'unknown site (memory.captureCallSites(true) records where blocks come from)';
    const g = groups.get(key) ?? { count: 0, bytes: 0 };
    g.count++;
    g.bytes += e.size;
    groups.set(key, g);
  }
  const bySite = [...groups.entries()].map(([site, g]) => Object.freeze({ site, ...g })).sort((a, b) => b.count - a.count);
  const text = entries.length === 0
    ? `${allocator}: nothing held`
    : `${allocator}: ${entries.length} block(s), ${bytes} bytes held\n` +
      bySite.map((g) => `  ${g.count} x (${g.bytes} B) from ${g.site.split('\n').join('\n      ')}`).join('\n');
  return Object.freeze({
    allocator, count: entries.length, bytes, entries: Object.freeze(entries.slice(0, limit).map((e) => Object.freeze(e))),
    bySite: Object.freeze(bySite), text,
  });
}
