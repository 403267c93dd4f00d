/**
 * The pool and stack models of the fuzz.
 *
 * Pool: at most `capacity` live handles; a handle is live in both views; each view caches at most
 * 2 × batch free slots and a refill takes at most `batch` (docs/ARCHITECTURE.md), so the model keeps
 * an upper bound of each view's cache and an alloc may fail only when every free slot can be in the
 * other view's cache. After flushing both views the stats are exact.
 *
 * Stack: LIFO blocks at exact offsets (8 bytes of bookkeeping before each block, aligned to at least
 * 4), marks that are block boundaries, one owner per stack; the other view gets WRONG_THREAD.
 */
import type { Pool, Stack } from '../src/index.ts';
import { STACK_HEADER_BYTES } from '../src/allocators/stack/stack.ts';
import { type Ctx, type Rng, Weighted, bump, hex, isCode } from './model-fuzz-harness.ts';

export interface PoolConfig { readonly slotSize: number; readonly capacity: number; readonly align: number; readonly batch: number }

const POOL_OPS = new Weighted([['alloc', 10], ['tryAlloc', 4], ['free', 12], ['flush', 2], ['stats', 1], ['invalid', 3]] as const);

export class PoolModel {
  private readonly pools: readonly [Pool, Pool];
  /** live handle -> [offset, stamp id] */
  private readonly live = new Map<number, readonly [number, number]>();
  /** Freed handles with their slot's allocation count at the free: DOUBLE_FREE while it is unchanged. */
  private dead: { h: number; off: number; allocs: number }[] = [];
  private readonly allocs = new Map<number, number>();
  /** Upper bound of each view's cached free slots. */
  private readonly cached = [0, 0];
  private readonly lo: number;
  private readonly hi: number;

  constructor(private readonly ctx: Ctx, readonly config: PoolConfig) {
    this.pools = [ctx.a.createPool('pl', config), ctx.b.pool('pl')];
    const r = ctx.region('pl');
    this.lo = r.offset;
    this.hi = r.offset + r.byteLength;
  }

  step(rng: Rng): string {
    const kind = POOL_OPS.pick(rng);
    const v = rng.int(2);
    if (kind === 'alloc' || kind === 'tryAlloc') this.alloc(v, kind === 'tryAlloc');
    else if (kind === 'free') this.free(v, rng);
    else if (kind === 'flush') this.flush(v);
    else if (kind === 'stats') this.exactStats();
    else this.invalid(v, rng);
    return kind;
  }

  /** After every operation: live counts and the stats' sum, from both views. */
  check(): void {
    const { capacity } = this.config;
    for (const p of this.pools) {
      const s = p.stats();
      if (p.live !== this.live.size || s.live !== this.live.size) this.ctx.fail('pool-live', `live ${p.live} (stats ${s.live}), model ${this.live.size}`);
      if (s.live + s.free + s.cached !== capacity) this.ctx.fail('pool-stats', `live ${s.live} + free ${s.free} + cached ${s.cached} != ${capacity}`);
      if (s.cached > this.cached[0] + this.cached[1]) this.ctx.fail('pool-cache', `${s.cached} slots cached, the views can hold at most ${this.cached[0]} + ${this.cached[1]}`);
    }
  }

  private alloc(v: number, soft: boolean): void {
    const { capacity, batch, slotSize, align } = this.config;
    const pool = this.pools[v];
    const n = this.live.size;
    let h = 0;
    if (soft) {
      h = pool.tryAlloc();
    } else {
      try {
        h = pool.alloc();
      } catch (e) {
        if (!isCode(e, 'POOL_EXHAUSTED')) throw e;
        bump(this.ctx.counts.errors, 'POOL_EXHAUSTED');
      }
    }
    this.ctx.note(`${'ab'[v]} pool.${soft ? 'tryAlloc' : 'alloc'}() -> ${h}`);
    if (h === 0) {
      // this view's cache was empty and the shared list too: every free slot sits in the other cache
      if (capacity - n > this.cached[1 - v]) {
        this.ctx.fail('pool-exhausted-early', `alloc failed with ${n} of ${capacity} live; the other view caches at most ${this.cached[1 - v]}`);
      }
      this.cached[v] = 0;
      return;
    }
    if (n === capacity) this.ctx.fail('pool-overcommit', `alloc returned ${h} with all ${capacity} slots live`);
    if (!Number.isInteger(h) || h <= 0 || this.live.has(h)) this.ctx.fail('pool-handle', `alloc returned ${h}, not a fresh positive integer handle`);
    const off = pool.offsetOf(h);
    const other = this.pools[1 - v].offsetOf(h);
    if (other !== off) this.ctx.fail('pool-offset', `offsetOf(${h}) is ${hex(off)} in one view, ${hex(other)} in the other`);
    if (off % align !== 0 || off < this.lo || off + slotSize > this.hi) this.ctx.fail('pool-offset', `slot ${hex(off)} misaligned (${align}) or outside [${hex(this.lo)}, ${hex(this.hi)})`);
    if (!this.pools[0].isAlive(h) || !this.pools[1].isAlive(h)) this.ctx.fail('pool-alive', `isAlive(${h}) false right after alloc`);
    this.live.set(h, [off, this.ctx.stamp(off, slotSize, `pool slot ${h}`)]);
    this.allocs.set(off, (this.allocs.get(off) ?? 0) + 1);
    this.cached[v] = Math.min(Math.max(this.cached[v], batch) - 1, capacity - this.live.size);
  }

  private free(v: number, rng: Rng): void {
    if (this.live.size === 0) {
      this.alloc(v, true);
      return;
    }
    const { capacity, batch } = this.config;
    const h = rng.pick([...this.live.keys()]);
    const [off, id] = this.live.get(h) ?? [0, 0];
    this.ctx.checkFull(id);
    this.ctx.note(`${'ab'[v]} pool.free(${h}) slot ${hex(off)}`);
    this.pools[v].free(h); // either view frees, whoever allocated
    this.live.delete(h);
    this.ctx.expectPoisoned(this.ctx.unstamp(id), 'pool.free');
    this.dead.push({ h, off, allocs: this.allocs.get(off) ?? 0 });
    if (this.dead.length > 64) this.dead = this.dead.slice(-32);
    this.cached[v] = Math.min(this.cached[v] + 1, 2 * batch, capacity - this.live.size);
    if (this.pools[0].isAlive(h) || this.pools[1].isAlive(h)) this.ctx.fail('pool-alive', `isAlive(${h}) true after free`);
  }

  private flush(v: number): void {
    this.ctx.note(`${'ab'[v]} pool.flush()`);
    this.pools[v].flush();
    this.cached[v] = 0;
  }

  /** Flushes both views: then nothing is cached and the stats are exact. */
  private exactStats(): void {
    this.flush(0);
    this.flush(1);
    const { capacity } = this.config;
    for (const p of this.pools) {
      const s = p.stats();
      if (s.live !== this.live.size || s.free !== capacity - this.live.size || s.cached !== 0) {
        this.ctx.fail('pool-stats', `after flushing both views: live ${s.live}, free ${s.free}, cached ${s.cached}; model ${this.live.size} live of ${capacity}`);
      }
    }
  }

  private invalid(v: number, rng: Rng): void {
    const pool = this.pools[v];
    const who = `${'ab'[v]} pool`;
    const d = this.dead.length > 0 ? rng.pick(this.dead) : null;
    if (d !== null && !this.live.has(d.h) && rng.chance(0.7)) {
      if (pool.isAlive(d.h)) this.ctx.fail('pool-alive', `isAlive(${d.h}) of a freed handle`);
      const reused = this.allocs.get(d.off) !== d.allocs;
      if (!this.ctx.checks) {
        this.ctx.note(`${who}.isAlive(${d.h}) of a freed handle`);
      } else if (rng.chance(0.3)) {
        this.ctx.note(`${who}.offsetOf(${d.h}) of a freed handle`);
        this.ctx.expectCode('STALE_HANDLE', `offsetOf(${d.h}) after free`, () => pool.offsetOf(d.h));
      } else {
        // DOUBLE_FREE while the slot was not handed out again since, STALE_HANDLE once it was
        this.ctx.note(`${who}.free(${d.h}) again, slot ${reused ? 'reused since' : 'still free'}`);
        this.ctx.expectCode(reused ? 'STALE_HANDLE' : 'DOUBLE_FREE', `free(${d.h}) again`, () => { pool.free(d.h); });
      }
      return;
    }
    const h = rng.pick([0, -1, 1, 0.5, NaN, 2 ** 31]);
    if (pool.isAlive(h)) this.ctx.fail('pool-alive', `isAlive(${h}) of a non-handle`);
    if (!this.ctx.checks) {
      this.ctx.note(`${who}.isAlive(${h}) of a non-handle`);
    } else if (rng.chance(0.3)) {
      this.ctx.note(`${who}.offsetOf(${h}) of a non-handle`);
      this.ctx.expectCode('INVALID_HANDLE', `offsetOf(${h})`, () => pool.offsetOf(h));
    } else {
      this.ctx.note(`${who}.free(${h}) of a non-handle`);
      this.ctx.expectCode('INVALID_HANDLE', `free(${h})`, () => { pool.free(h); });
    }
  }
}

const STACK_OPS = new Weighted([
  ['push', 10], ['tryPush', 3], ['pop', 6], ['mark', 3], ['release', 3], ['reset', 1], ['invalid', 4],
] as const);
const ALIGNS = [1, 2, 4, 8, 16, 32];

interface SBlock { readonly p: number; readonly size: number; readonly prevTop: number; readonly id: number }

export class StackModel {
  /** The stack as each view sees it; `owner` indexes the owner's instance. */
  private readonly inst: readonly [Stack, Stack];
  private readonly blocks: SBlock[] = [];
  private marks: number[] = [];
  readonly data: number;
  readonly cap: number;

  constructor(private readonly ctx: Ctx, readonly name: string, readonly owner: number, capacity: number) {
    const views = [ctx.a, ctx.b] as const;
    const own = views[owner].createStack(name, { capacity });
    this.inst = owner === 0 ? [own, ctx.b.stack(name)] : [ctx.a.stack(name), own];
    this.data = ctx.region(name).offset + STACK_HEADER_BYTES;
    this.cap = own.capacity;
    if (own.mark() !== this.data) ctx.fail('stack-mark', `an empty stack's mark ${hex(own.mark())} is not its data start ${hex(this.data)}`);
  }

  private top(): number {
    const b = this.blocks.at(-1);
    return b === undefined ? this.data : b.p + b.size;
  }

  step(rng: Rng): string {
    const kind = STACK_OPS.pick(rng);
    const s = this.inst[this.owner];
    const who = `${'ab'[this.owner]} ${this.name}`;
    if (kind === 'push' || kind === 'tryPush') {
      const size = rng.chance(0.05) ? this.cap + rng.int(64) : 1 + rng.int(rng.chance(0.7) ? 24 : 160);
      this.push(size, rng.pick(ALIGNS), kind === 'tryPush');
    } else if (kind === 'pop') {
      const b = this.blocks.at(-1);
      if (b === undefined) return this.step(rng);
      this.ctx.checkFull(b.id);
      this.ctx.note(`${who}.pop(${hex(b.p)})`);
      s.pop(b.p);
      this.blocks.pop();
      this.ctx.expectPoisoned(this.ctx.unstamp(b.id), 'pop');
    } else if (kind === 'mark') {
      const m = s.mark();
      this.ctx.note(`${who}.mark() -> ${hex(m)}`);
      if (m !== this.top()) this.ctx.fail('stack-mark', `mark() is ${hex(m)}, top is ${hex(this.top())}`);
      this.marks.push(m);
    } else if (kind === 'release') {
      this.release(rng);
    } else if (kind === 'reset') {
      this.ctx.note(`${who}.reset()`);
      for (const b of this.blocks) this.ctx.checkFull(b.id);
      s.reset();
      this.freeFrom(0, 'reset');
    } else {
      this.invalid(rng);
    }
    return kind;
  }

  /** After every operation: depth and bytes in use, read through both views. */
  check(): void {
    for (const s of this.inst) {
      if (s.depth !== this.blocks.length || s.used !== this.top() - this.data) {
        this.ctx.fail('stack-state', `${this.name}: depth ${s.depth}, used ${s.used}; model ${this.blocks.length}, ${this.top() - this.data}`);
      }
    }
  }

  private push(size: number, align: number, soft: boolean): void {
    const s = this.inst[this.owner];
    const prevTop = this.top();
    const p = (prevTop + 8 + Math.max(4, align) - 1) & -Math.max(4, align);
    const fits = p + size <= this.data + this.cap;
    this.ctx.note(`${'ab'[this.owner]} ${this.name}.${soft ? 'tryPush' : 'push'}(${size}, ${align}) expect ${fits ? hex(p) : 'overflow'}`);
    if (!fits && !soft) {
      this.ctx.expectCode('STACK_OVERFLOW', `push(${size}, ${align}) at top ${hex(prevTop)}`, () => s.push(size, align));
    } else if (!fits) {
      const got = s.tryPush(size, align);
      if (got !== 0) this.ctx.fail('stack-push', `tryPush(${size}, ${align}) that cannot fit returned ${hex(got)}`);
    }
    if (!fits) return;
    const got = soft ? s.tryPush(size, align) : s.push(size, align);
    if (got !== p) this.ctx.fail('stack-push', `push(${size}, ${align}) at top ${hex(prevTop)} returned ${hex(got)}, expected ${hex(p)}`);
    this.blocks.push({ p, size, prevTop, id: this.ctx.stamp(p, size, `${this.name} block`) });
  }

  private freeFrom(k: number, how: string): void {
    for (const b of this.blocks.splice(k)) this.ctx.expectPoisoned(this.ctx.unstamp(b.id), how);
    this.marks = this.marks.filter((m) => m <= this.top());
  }

  /** release(mark): valid iff the mark is the top or a recorded previous top of a live block. */
  private release(rng: Rng): void {
    const s = this.inst[this.owner];
    const top = this.top();
    const b = this.blocks.length > 0 ? rng.pick(this.blocks) : null;
    const cands = [...this.marks, ...this.marks, top, top + 8, this.data - 8, ...(b === null ? [] : [b.p + 1, b.prevTop])];
    const m = rng.pick(cands);
    const k = this.blocks.findIndex((x) => x.prevTop === m);
    this.ctx.note(`${'ab'[this.owner]} ${this.name}.release(${hex(m)}) top ${hex(top)}`);
    if (m === top) {
      s.release(m); // nothing above the mark
    } else if (k < 0) {
      this.ctx.expectCode('INVALID_MARK', `release(${hex(m)}) with top ${hex(top)}`, () => { s.release(m); });
    } else {
      for (const x of this.blocks.slice(k)) this.ctx.checkFull(x.id);
      s.release(m);
      this.freeFrom(k, 'release');
    }
  }

  private invalid(rng: Rng): void {
    const ctx = this.ctx;
    const s = this.inst[this.owner];
    const other = this.inst[1 - this.owner];
    const who = `${'ab'[this.owner]} ${this.name}`;
    const kind = rng.int(ctx.checks ? 6 : 2);
    if (kind === 0) {
      ctx.note(`${'ab'[1 - this.owner]} ${this.name}.release/reset() from the other view`);
      if (rng.chance(0.5)) ctx.expectCode('WRONG_THREAD', 'reset() from the non-owner', () => { other.reset(); });
      else ctx.expectCode('WRONG_THREAD', 'release() from the non-owner', () => { other.release(this.data); });
    } else if (kind === 1) {
      const size = this.cap + 1 + rng.int(64);
      ctx.note(`${who}.push(${size}) larger than the stack`);
      ctx.expectCode('STACK_OVERFLOW', `push(${size})`, () => s.push(size, 8));
    } else if (kind === 2) {
      ctx.note(`${'ab'[1 - this.owner]} ${this.name}.push/pop() from the other view`);
      const b = this.blocks.at(-1);
      if (rng.chance(0.5) || b === undefined) ctx.expectCode('WRONG_THREAD', 'push() from the non-owner', () => other.push(8, 8));
      else ctx.expectCode('WRONG_THREAD', 'pop() from the non-owner', () => { other.pop(b.p); });
    } else if (kind === 3) {
      // pop of anything but the newest block: an older block is a LIFO_VIOLATION, the rest INVALID_OFFSET
      const b = this.blocks.length > 0 ? rng.pick(this.blocks) : null;
      const x = b === null ? this.data + 8 : rng.pick([b.p, b.p + 4, this.top() + 8]);
      if (x === this.blocks.at(-1)?.p) return;
      const older = this.blocks.some((y) => y.p === x);
      ctx.note(`${who}.pop(${hex(x)}) of ${older ? 'an older block' : 'a non-block'}`);
      ctx.expectCode(older ? 'LIFO_VIOLATION' : 'INVALID_OFFSET', `pop(${hex(x)})`, () => { s.pop(x); });
    } else if (kind === 4) {
      const size = rng.pick([0, -1, 1.5, NaN]);
      ctx.note(`${who}.push(${size})`);
      ctx.expectCode('INVALID_SIZE', `push(${size})`, () => s.push(size, 8));
    } else {
      const align = rng.pick([0, 3, 12, -4, 1.5]);
      ctx.note(`${who}.tryPush(8, ${align})`);
      ctx.expectCode('INVALID_ALIGN', `tryPush(8, ${align})`, () => s.tryPush(8, align));
    }
  }
}
