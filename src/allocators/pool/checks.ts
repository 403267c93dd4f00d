/**
 * A pool's checks: the errors of alloc, free and offsetOf (exhausted, invalid, stale, double
 * and foreign handles), the checked build's poisoning, birth frames and call-site ids, the leak
 * report and the leak-hunting reads (site counts, one slot's state), and the invariants of the
 * header, the free list and the slots.
 * @module
 * @internal
 */
import '../../build.ts'; // defines __NEBULA_CHECKS__ where no bundler replaced it: before any check runs
import type { Handle } from '../../api.ts';
import { G_FRAME } from '../../memory/layout.ts';
import { poison, poisonWords } from '../poison.ts';
import { type LeakEntry, type LeakReport, leakReport } from '../../memory/leak-report.ts';
import { badOutArray, hex, CORRUPTION_FIX, memoryError, typeName } from '../../errors.ts';
import { MAX_SITES, siteCount } from '../../memory/call-sites.ts';
import { EV } from '../../stats/chrome-trace.ts';
import { MAX_THREADS } from '../../memory/layout.ts';
import {
  CACHE_TAG, CACHED_STRIDE, isLiveMeta, L_CACHE_TAG, L_FLIP, L_MAX, P_BATCH, P_CACHED, P_CAPACITY, P_DATA, P_BORN, P_FREE, P_HEAD, P_META, P_NEXT, P_SITE, P_SLOT_SIZE, P_STRIDE,
} from './layout.ts';
import { PoolView } from './view.ts';

/**
 * A pool's checks, between its read side ({@link PoolView}) and its allocation paths
 * ({@link Pool}). Not created directly.
 *
 * Thread-safety: the instance of one thread.
 * @internal
 */
export class PoolChecks extends PoolView {
  protected exhausted(throws: boolean): 0 {
    this.failures++;
    if (!throws) return 0;
    const st = this.describe();
    throw this.raised(memoryError('POOL_EXHAUSTED', `all ${this.capacity} slots are taken or held in other threads' caches`, {
      allocator: `pool "${this.name}"`, request: { op: 'alloc' }, state: st,
      suggestion: `raise capacity above ${this.capacity}, free slots sooner, or call flush() in idle workers (${st.cached} slots sit in caches).`,
    }));
  }

  protected handleError(op: string, h: Handle): never {
    const state = this.describe();
    if (typeof h !== 'number' || (h | 0) !== h || h <= 0 || (h & this.indexMask) >= this.capacity || h >>> this.genShift === 0) {
      throw this.raised(memoryError('INVALID_HANDLE', `${op}(${String(h)}) is not a handle of this pool`, {
        allocator: `pool "${this.name}"`, request: { op, handle: h }, state,
        suggestion: 'pass a value returned by alloc() of this same pool; 0 is the "no slot" result of tryAlloc().',
      }));
    }
    if ((h & this.tagField) !== this.tagIdx) {
      const tag = (h & this.tagField) >>> this.indexBits;
      throw this.raised(memoryError('FOREIGN_HANDLE', `${op}(${h}): the handle carries pool tag ${tag}, this pool's tag is ${this.tagIdx >>> this.indexBits}`, {
        allocator: `pool "${this.name}"`, request: { op, handle: h }, state: { ...state, handleTag: tag, poolTag: this.tagIdx >>> this.indexBits },
        suggestion: 'the handle comes from another pool: free it with the pool that allocated it (keep handles with their pool).',
      }));
    }
    const i = h & this.indexMask;
    const g = h >>> this.genShift;
    const m = this.i32[this.meta + i];
    const slot = { ...state, slot: i, offset: hex(this.data + i * this.stride), handleGeneration: g, slotGeneration: m >>> 8, slotLive: isLiveMeta(m) };
    const nextGen = g === this.genMask ? 1 : g + 1;
    if (op === 'free' && (m >>> 8) === nextGen && !isLiveMeta(m)) {
      throw this.raised(memoryError('DOUBLE_FREE', `free(${h}): slot ${i} was already freed`, {
        allocator: `pool "${this.name}"`, request: { op, handle: h }, state: slot,
        suggestion: 'free each handle once; set your copy to 0 after free(), and check isAlive() where ownership is shared.',
      }));
    }
    throw this.raised(memoryError('STALE_HANDLE', `${op}(${h}): slot ${i} is at generation ${m >>> 8}${isLiveMeta(m) ? '' : ' and free'}, the handle is from generation ${g}`, {
      allocator: `pool "${this.name}"`, request: { op, handle: h }, state: slot,
      suggestion: 'the slot was freed (and maybe reused) since this handle was taken; drop the handle, or check isAlive() first.',
    }));
  }

  /**
   * Checked build: true unless `h` is a live handle of this pool; throws `DETACHED` or
   * `THREAD_RECLAIMED` first when this thread may no longer use the pool (`op` names the call).
   * Split in small methods so each inlines under SpiderMonkey's 130-byte limit (chains of small
   * methods inline).
   */
  protected stale(h: Handle, op: string): boolean {
    this.memory.assertLive(op, this.label);
    return typeof h !== 'number' || this.staleGeneration(h) || this.notOurs(h);
  }

  /** The slot's meta word is not live at `h`'s generation (`m` is a scratch parameter, not a local). */
  private staleGeneration(h: Handle, m?: number): boolean {
    return ((m = this.metas[h & this.indexMask]) >>> 8) !== h >>> this.genShift || (((m & 0xff) - 1) >>> 0) >= MAX_THREADS;
  }

  /** `h` is not a handle of this pool at all: another pool's tag, an index past the end, or not a positive int32. */
  private notOurs(h: Handle): boolean {
    return (h & this.tagField) !== this.tagIdx || (h & this.indexMask) >= this.capacity || (h | 0) !== h || h <= 0;
  }

  /**
   * Checked build: poisons slot `i`. Trace events, rare, go to freedNote(), so this stays small
   * enough to inline into free().
   */
  protected freed(i: number, p?: number): void {
    this.poisonSlot((p = this.data + i * this.stride));
    if (this.memory.tracer !== null) this.freedNote(i, p);
  }

  private poisonSlot(p: number): void {
    if (this.wholeWords) poisonWords(this.i32, p >> 2, (p + this.slotSize) >> 2);
    else poison(this.u8, this.i32, this.f64, p, p + this.slotSize);
  }

  private freedNote(i: number, p: number): void {
    this.memory.tracer?.record(EV.FREE, this.base << 2, i, p);
  }

  /**
   * Checked build: the slot's birth frame and call-site id (0 unless capture is on); the site's
   * lookup and the trace event, when on, in allocNote(). `i` is a scratch parameter, not a local.
   */
  protected noteAlloc(h: Handle, i?: number): void {
    this.i32[this.born + (i = h & this.indexMask)] = this.i32[G_FRAME];
    this.i32[this.site + i] = this.memory.capturingSites || this.memory.tracer !== null ? this.allocNote(i) : 0;
  }

  /** Records slot `i`'s allocation in the trace; returns its call-site id (0 while capture is off). */
  private allocNote(i: number): number {
    this.memory.tracer?.record(EV.ALLOC, this.base << 2, i, this.data + i * this.stride);
    return this.memory.capturingSites ? this.memory.callSiteId() : 0;
  }

  /**
   * What the pool still holds: every live slot with its handle, owner thread and the frame it was
   * allocated in, grouped by call site when {@link Memory.captureCallSites} was on in the thread
   * that allocated it (any thread: the sites are read from the shared call-site table). Take it
   * at shutdown, or at any frame to find what outlives its frame.
   *
   * Thread-safety: any worker (a read; exact while no other thread allocates).
   * @param options - `bornBefore`: only slots allocated before this frame; `limit`: most entries listed (default 100).
   * @see {@link Pool.siteCountsInto}, the same counts by site without building a report, and {@link Pool.slotInfo} for one slot.
   * @example
   * ```ts
   * const r = bullets.leaks({ bornBefore: memory.frame - 60 });
   * if (r.count > 0) console.warn(r.text);
   * ```
   */
  leaks(options: { readonly bornBefore?: number; readonly limit?: number } = {}): LeakReport {
    const entries: LeakEntry[] = [];
    const i32 = this.i32;
    for (let i = 0; i < this.capacity; i++) {
      const m = i32[this.meta + i];
      if (!isLiveMeta(m)) continue;
      const frame = i32[this.born + i];
      if (options.bornBefore !== undefined && frame >= options.bornBefore) continue;
      entries.push({
        offset: this.data + i * this.stride, size: this.slotSize, handle: ((m >>> 8) << this.genShift) | this.tagIdx | i,
        thread: (m & 0xff) - 1, frame: __NEBULA_CHECKS__ ? frame : -1, site: __NEBULA_CHECKS__ ? this.siteOf(i) : null,
      });
    }
    return leakReport(`pool "${this.name}"`, entries, options.limit ?? 100);
  }

  /** The call-site text of slot `i`'s last allocation, or null when unknown. */
  private siteOf(i: number): string | null {
    const id = this.i32[this.site + i];
    return id === 0 ? null : this.memory.callSiteText(id) || null;
  }

  /**
   * Counts the pool's live slots by call-site id, for leak hunting without building a report:
   * zeroes the first `n` entries of `live` and `old`, then adds each live slot to `live[id]`
   * and, when it was allocated before frame `bornBefore`, to `old[id]`, where `id` is the site
   * of its last allocation (0: unknown; text from {@link Memory.callSiteText}). `n` is the
   * number of sites in the memory's call-site table + 1, at most the arrays' length; a slot whose
   * id does not fit counts under 0, so `live` always sums to the live slots. Fast build: no birth
   * frames or sites are recorded, so every live slot counts under 0, `old` stays 0 and `n` is 1.
   * Allocates nothing (the inspector counts a 200,000-slot pool every 10 frames).
   *
   * Thread-safety: any worker (a racy read while others allocate: a glimpse, not a proof).
   * @param live - receives the live slots per site id; `MAX_SITES + 1` (1025) entries hold every id.
   * @param old - receives the live slots born before `bornBefore` per site id, as long as `live`.
   * @param bornBefore - a frame number: slots allocated before it count as old (`memory.frame - 600`: older than 600 frames).
   * @returns `n`: the entries written in both arrays.
   * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` when `live` or `old` is not a non-empty `Int32Array`, or `bornBefore` is not a number.
   * @see {@link Pool.leaks}, the same counts as a report with texts.
   * @example
   * ```ts
   * const live = new Int32Array(1025); // once
   * const old = new Int32Array(1025);
   * const n = bullets.siteCountsInto(live, old, memory.frame - 600);
   * for (let id = 1; id < n; id++) if (old[id] > 0) console.log(old[id], 'old bullets from', memory.callSiteText(id));
   * ```
   */
  siteCountsInto(live: Int32Array, old: Int32Array, bornBefore: number): number {
    if (!(live instanceof Int32Array) || live.length === 0) throw this.raised(badOutArray(this.label, 'siteCountsInto', live, 'Int32Array', MAX_SITES + 1));
    if (!(old instanceof Int32Array) || old.length === 0) throw this.raised(badOutArray(this.label, 'siteCountsInto', old, 'Int32Array', MAX_SITES + 1));
    if (typeof bornBefore !== 'number' || Number.isNaN(bornBefore)) this.badBornBefore(bornBefore);
    const n = __NEBULA_CHECKS__ ? Math.min(siteCount(this.i32) + 1, live.length, old.length) : 1;
    live.fill(0, 0, n);
    old.fill(0, 0, n);
    const i32 = this.i32;
    const meta = this.meta;
    const site = this.site;
    const born = this.born;
    const cap = this.capacity;
    const owners = MAX_THREADS; // a local: the loop reads no imported binding
    for (let i = 0; i < cap; i++) {
      const tag = i32[meta + i] & 0xff;
      if (tag === 0 || tag > owners) continue; // free: listed (0) or cached (CACHE_TAG | t)
      if (!__NEBULA_CHECKS__) {
        live[0]++;
        continue;
      }
      let id = i32[site + i];
      if (id < 0 || id >= n) id = 0;
      live[id]++;
      if (i32[born + i] < bornBefore) old[id]++;
    }
    return n;
  }

  private badBornBefore(bornBefore: unknown): never {
    throw this.raised(memoryError('INVALID_OPTION', `siteCountsInto(live, old, ${typeof bornBefore === 'number' ? String(bornBefore) : typeName(bornBefore)}): bornBefore must be a frame number`, {
      allocator: this.label, request: { bornBefore: typeof bornBefore === 'number' ? bornBefore : typeName(bornBefore) }, state: { capacity: this.capacity, frame: this.memory.frame },
      suggestion: 'pass a frame number, such as memory.frame - 600 for slots older than 600 frames (any number; NaN is refused).',
    }));
  }

  /**
   * One slot's state, read from the shared buffer: whether it is live, its handle and owner
   * thread, its birth frame and the call site of its allocation. For a tool that shows a slot
   * (the inspector's grid, when a cell is clicked); a new object.
   *
   * Thread-safety: any worker (a racy read while others allocate: a glimpse, not a proof).
   * @param slot - the slot index, 0..capacity - 1 (the order of {@link Pool.slotOwnersInto}).
   * @returns `live`; `handle` (0 when free); `offset` (the slot's bytes); `thread` (the id of the
   * thread that allocated it, -1 when free); `frame` (its birth frame in the checked build, else
   * -1); `site` (the call site's text, or null when unknown or free).
   * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` when `slot` is not a whole number from 0 to capacity - 1.
   * @example
   * ```ts
   * const s = particles.slotInfo(42);
   * if (s.live) console.log(`slot 42: thread ${s.thread}, born in frame ${s.frame}`, s.site ?? 'unknown site');
   * ```
   */
  slotInfo(slot: number): {
    /** The slot index asked for. */
    readonly slot: number;
    /** True while the slot is allocated (false when free: listed, or cached by a thread). */
    readonly live: boolean;
    /** The live slot's handle, 0 when free. */
    readonly handle: number;
    /** Byte offset of the slot's data. */
    readonly offset: number;
    /** Id of the thread that allocated it, -1 when free. */
    readonly thread: number;
    /** Frame of its allocation (checked build), else -1. */
    readonly frame: number;
    /** The text of its allocation's call site (as {@link Memory.callSiteText} gives it), or null when unknown or free. */
    readonly site: string | null;
  } {
    if (typeof slot !== 'number' || !Number.isInteger(slot) || slot < 0 || slot >= this.capacity) this.badSlot(slot);
    const m = Atomics.load(this.i32, this.meta + slot);
    const offset = this.data + slot * this.stride;
    if (!isLiveMeta(m)) return Object.freeze({ slot, live: false, handle: 0, offset, thread: -1, frame: -1, site: null });
    return Object.freeze({
      slot, live: true, handle: ((m >>> 8) << this.genShift) | this.tagIdx | slot, offset, thread: (m & 0xff) - 1,
      frame: __NEBULA_CHECKS__ ? this.i32[this.born + slot] : -1, site: __NEBULA_CHECKS__ ? this.siteOf(slot) : null,
    });
  }

  private badSlot(slot: unknown): never {
    const shown = typeof slot === 'number' ? String(slot) : typeName(slot);
    throw this.raised(memoryError('INVALID_OPTION', `slotInfo(${shown}): the slot must be a whole number from 0 to ${this.capacity - 1}`, {
      allocator: this.label, request: { slot: typeof slot === 'number' ? slot : typeName(slot) }, state: { capacity: this.capacity },
      suggestion: `pass a slot index from 0 to ${this.capacity - 1} (the pool's capacity is ${this.capacity}).`,
    }));
  }

  /**
   * Checks the pool's invariants and throws `INVARIANT_VIOLATED` with the actual values: the free
   * list is acyclic and holds only free slots, every slot is live, listed or cached exactly once,
   * and the counts agree.
   *
   * Thread-safety: any worker, while no other thread is using the pool.
   * @example
   * ```ts
   * pool.checkInvariants();
   * ```
   */
  checkInvariants(): void {
    const i32 = this.i32;
    const cap = this.capacity;
    const b = this.base;
    const fail = (what: string, state: Record<string, number>): never => {
      throw this.raised(memoryError('INVARIANT_VIOLATED', what, { allocator: `pool "${this.name}"`, request: {}, state, suggestion: CORRUPTION_FIX }));
    };
    const batch = i32[b + P_BATCH];
    if (i32[b + P_CAPACITY] !== cap || i32[b + P_STRIDE] !== this.stride || i32[b + P_SLOT_SIZE] !== this.slotSize || batch !== this.batch ||
      batch < 1 || batch > 1024 || i32[b + P_META] !== this.meta || i32[b + P_NEXT] !== this.next || i32[b + P_DATA] !== this.data ||
      i32[b + P_BORN] !== this.born || i32[b + P_SITE] !== this.site) {
      fail('the header\'s constants changed or are out of range', { capacity: i32[b + P_CAPACITY], stride: i32[b + P_STRIDE], batch, data: i32[b + P_DATA] });
    }
    if (this.data + cap * this.stride > this.statsWord << 2) fail(`slots end at ${hex(this.data + cap * this.stride)}, past the region`, { data: this.data, capacity: cap });
    const seen = new Uint8Array(cap);
    let listed = 0;
    let link = Atomics.load(i32, b + P_HEAD) & this.linkMask;
    while (link !== 0) {
      if (link > cap) fail(`free list link ${link} is beyond capacity ${cap}`, { link, listed });
      const i = link - 1;
      if (seen[i] !== 0) fail(`free list visits slot ${i} twice (cycle)`, { slot: i, listed });
      seen[i] = 1;
      const m = i32[this.meta + i];
      if ((m & 0xff) !== 0) fail(`slot ${i} is in the free list but its tag is ${m & 0xff} (live or cached)`, { slot: i, meta: m });
      listed++;
      link = i32[this.next + i];
    }
    const free = Atomics.load(i32, b + P_FREE);
    if (listed !== free) fail(`free list holds ${listed} slots, counter says ${free}`, { listed, free });
    const c = this.cell;
    if (c[L_FLIP] !== (this.ownerTag ^ this.cacheTag) || c[L_CACHE_TAG] !== this.cacheTag || c[L_MAX] !== this.cache.length) {
      fail(`this thread's line lost its constants (flip ${c[L_FLIP]}, cache tag ${c[L_CACHE_TAG]}, capacity ${c[L_MAX]})`, { flip: c[L_FLIP], cacheTag: c[L_CACHE_TAG], max: c[L_MAX] });
    }
    if (this.count < 0 || this.count > this.cache.length) fail(`cache count ${this.count} is not between 0 and ${this.cache.length}`, { count: this.count });
    for (let k = 0; k < this.count; k++) {
      const h = this.cache[k];
      const i = h & this.indexMask;
      if (i >= cap) fail(`cache entry ${k} is slot ${i}, outside the pool`, { entry: k, slot: i });
      if (seen[i] !== 0) fail(`slot ${i} is both cached and listed (or cached twice)`, { slot: i });
      seen[i] = 2;
      const m = i32[this.meta + i];
      if ((m & 0xff) !== this.cacheTag) fail(`cached slot ${i} has tag ${m & 0xff}, not this thread's cache tag ${this.cacheTag}`, { slot: i, meta: m });
      if (m >>> 8 !== h >>> this.genShift || (h & this.tagField) !== this.tagIdx) fail(`cached handle ${h} has generation ${h >>> this.genShift}, slot ${i} has ${m >>> 8}`, { slot: i, handle: h, meta: m });
    }
    const cachedBy = new Int32Array(MAX_THREADS);
    const sites = siteCount(i32);
    let live = 0;
    for (let i = 0; i < cap; i++) {
      const m = i32[this.meta + i];
      const g = m >>> 8;
      const tag = m & 0xff;
      if (g < 1 || g > this.genMask) fail(`slot ${i} has generation ${g} outside 1..${this.genMask}`, { slot: i, generation: g });
      const site = i32[this.site + i];
      if (site < 0 || site > sites) fail(`slot ${i} has call-site id ${site}, the call-site table holds ${sites}`, { slot: i, site, sites });
      if (isLiveMeta(m)) live++;
      else if ((tag & CACHE_TAG) !== 0 && (tag & ~CACHE_TAG) < MAX_THREADS) cachedBy[tag & ~CACHE_TAG]++;
      else if (tag !== 0) fail(`slot ${i} has tag ${tag}, which is neither live, cached nor listed`, { slot: i, meta: m });
      else if (seen[i] !== 1) fail(`slot ${i} is free but neither listed nor cached (lost)`, { slot: i, meta: m });
    }
    for (let t = 0; t < MAX_THREADS; t++) {
      const published = i32[b + P_CACHED + t * CACHED_STRIDE];
      if (cachedBy[t] !== published) fail(`thread ${t} publishes ${published} cached slots, ${cachedBy[t]} slots carry its cache tag`, { thread: t, published, tagged: cachedBy[t] });
      if (published !== 0 && !this.memory.isThreadAttached(t)) fail(`thread ${t} caches ${published} slots but is not attached`, { thread: t, published });
    }
    if (live + listed + this.cachedTotal() !== cap) fail(`live ${live} + listed ${listed} + cached ${this.cachedTotal()} != capacity ${cap}`, { live, listed, cap });
  }
}
