/**
 * The frame-arena model of the fuzz: what a user can observe, not the implementation restated.
 * A block allocated in a segment holding frame E lives until advance() reaches E + frames, or until
 * reset() empties its segment, or rewind() to an earlier mark of its thread's current lease frees it.
 * A thread's lease lasts until it calls release() (advance() releases the clock's own): while a
 * thread holds a block in a segment, advance() and another thread's reset() of that segment
 * must throw LANE_LEASED. Exhaustion is judged conservatively (see `upper`).
 */
import type { FrameArena } from '../src/index.ts';
import { ARENA_HEADER_BYTES } from '../src/allocators/arena/frame-arena.ts';
import { type Ctx, type Rng, Weighted, hex, isCode, bump } from './model-fuzz-harness.ts';

interface Block { readonly id: number; readonly p: number; readonly size: number; readonly seg: number; readonly view: number; readonly gen: number; readonly seq: number; readonly epoch: number }
interface Mark { readonly raw: number; readonly gen: number; readonly frame: number; readonly seq: number }
interface View {
  readonly arena: FrameArena;
  readonly name: string;
  /** Lease generation: moves on at every release (explicit, by reset(), by advance() for view a). */
  gen: number;
  /** Allocations of this view so far; block and mark order within a lease. */
  seq: number;
  /** Frame of the lease's first alloc attempt, -1 without a lease. */
  leaseFrame: number;
  /** Segments where the view got a block since its release: it must still lease them. */
  readonly must: Set<number>;
  /** Segments where an alloc attempt failed: the view may lease them (a lease without a lane). */
  readonly may: Set<number>;
  marks: Mark[];
  /** mark() as the model knows it, -1 when unknown. */
  cur: number;
}

export interface ArenaConfig { readonly frames: number; readonly capacity: number; readonly laneBytes: number }

const OPS = new Weighted([
  ['alloc', 30], ['tryAlloc', 10], ['reserve', 4], ['mark', 6], ['rewind', 7], ['release', 8], ['reset', 3],
  ['advance', 9], ['verify', 4], ['invalid', 5],
] as const);
const ALIGNS = [1, 2, 4, 8, 8, 16, 64, 256];

export class ArenaModel {
  private blocks: Block[] = [];
  /** Recently recycled blocks with their epochs, for verify(): USE_AFTER_RESET in the checked build. */
  private expired: { p: number; epoch: number }[] = [];
  /** Per segment, an upper bound of its shared cursor: each alloc leases at most one lane of max(laneBytes, size + align - 1 rounded to 64). */
  private readonly upper: number[];
  private readonly views: View[];
  private readonly vepoch = new Map<number, number>();
  private frame = 0;
  readonly n: number;
  readonly data: number;
  readonly cap: number;
  readonly lane: number;

  constructor(private readonly ctx: Ctx, readonly config: ArenaConfig) {
    const a = ctx.a.createArena('fa', config);
    const b = ctx.b.arena('fa');
    this.data = ctx.region('fa').offset + ARENA_HEADER_BYTES;
    this.cap = a.capacity;
    this.lane = a.laneBytes;
    this.n = Math.max(1, config.frames);
    this.upper = new Array<number>(this.n).fill(0);
    const view = (arena: FrameArena, name: string): View => ({ arena, name, gen: 0, seq: 0, leaseFrame: -1, must: new Set(), may: new Set(), marks: [], cur: 0 });
    this.views = [view(a, 'a'), view(b, 'b')];
  }

  /** Runs one random operation; returns its kind. */
  step(rng: Rng): string {
    const kind = OPS.pick(rng);
    const v = rng.int(2);
    const size = rng.chance(0.1) ? 1 + rng.int(this.cap >> 1) : 1 + rng.int(rng.chance(0.5) ? 16 : 120);
    switch (kind) {
      case 'alloc': case 'tryAlloc': this.alloc(v, size, rng.pick(ALIGNS), kind === 'tryAlloc'); break;
      case 'reserve': this.reserve(v, size); break;
      case 'mark': this.mark(v); break;
      case 'rewind': this.rewind(v, rng); break;
      case 'release': this.note(v, 'release()'); this.views[v].arena.release(); this.released(v); break;
      case 'reset': this.reset(v); break;
      case 'advance': this.advance(); break;
      case 'verify': this.verify(v, rng); break;
      case 'invalid': this.invalid(v, rng); break;
    }
    return kind;
  }

  /** After every operation: the frame as every view sees it. */
  check(): void {
    if (this.ctx.a.frame !== this.frame || this.ctx.b.frame !== this.frame) {
      this.ctx.fail('arena-frame', `frame is ${this.ctx.a.frame} (a) / ${this.ctx.b.frame} (b), model ${this.frame}`);
    }
  }

  private note(v: number, s: string): void {
    this.ctx.note(`${this.views[v].name} arena.${s}`);
  }

  private curSeg(): number {
    return this.config.frames === 0 ? 0 : this.frame % this.n;
  }

  private alloc(v: number, size: number, align: number, soft: boolean): void {
    const view = this.views[v];
    const ctx = this.ctx;
    const frame = this.frame;
    const cur = this.curSeg();
    let p = 0;
    if (soft) {
      p = view.arena.tryAlloc(size, align);
    } else {
      try {
        p = view.arena.alloc(size, align);
      } catch (e) {
        if (!isCode(e, 'ARENA_EXHAUSTED')) throw e;
        bump(ctx.counts.errors, 'ARENA_EXHAUSTED');
      }
    }
    this.note(v, `${soft ? 'tryAlloc' : 'alloc'}(${size}, ${align}) -> ${p === 0 ? 'full' : hex(p)}`);
    if (p === 0) {
      // full: some segment this view may allocate in must really be close to full
      const segs = [cur, ...view.must, ...view.may];
      if (!segs.some((s) => this.upper[s] + size + align - 1 > this.cap)) {
        ctx.fail('arena-exhausted-early', `view ${view.name}: ${size} bytes at ${align} refused, but at most ${segs.map((s) => `${this.upper[s]} (segment ${s})`).join(', ')} of ${this.cap} can be reserved`);
      }
      view.may.add(cur);
      if (view.leaseFrame < 0) view.leaseFrame = frame;
      return;
    }
    const seg = Math.floor((p - this.data) / this.cap);
    if (p % align !== 0) ctx.fail('arena-align', `alloc(${size}, ${align}) returned ${hex(p)}`);
    if (p < this.data || seg >= this.n || p + size > this.data + (seg + 1) * this.cap) {
      ctx.fail('arena-bounds', `alloc(${size}) returned ${hex(p)}, outside the ${this.n} segments of ${this.cap} bytes at ${hex(this.data)}`);
    }
    if (seg !== cur && !view.must.has(seg) && !view.may.has(seg)) {
      ctx.fail('arena-old-segment', `view ${view.name} got ${hex(p)} in segment ${seg} (frame ${frame} uses ${cur}), which it does not lease`);
    }
    const epoch = this.config.frames === 0 ? -1 : frame - ((((frame - seg) % this.n) + this.n) % this.n);
    const id = ctx.stamp(p, size, `arena block of ${view.name} (frame ${epoch}, segment ${seg})`);
    if (view.must.size === 0 && seg === cur) view.leaseFrame = frame;
    else if (view.leaseFrame < 0) view.leaseFrame = epoch;
    view.must.add(seg);
    view.cur = p + size;
    this.blocks.push({ id, p, size, seg, view: v, gen: view.gen, seq: ++view.seq, epoch });
    this.vepoch.set(id, view.arena.epoch);
    this.upper[seg] = Math.min(this.cap, this.upper[seg] + Math.max(this.lane, (size + align - 1 + 63) & -64));
  }

  /** reserve(): a lease with room for `bytes`, or ARENA_EXHAUSTED only when a segment it may use is close to full. */
  private reserve(v: number, bytes: number): void {
    const view = this.views[v];
    const held = view.must.size + view.may.size > 0;
    const segs = held ? [this.curSeg(), ...view.must, ...view.may] : [this.curSeg()];
    let full = false;
    try {
      view.arena.reserve(bytes);
    } catch (e) {
      if (!isCode(e, 'ARENA_EXHAUSTED')) throw e;
      bump(this.ctx.counts.errors, 'ARENA_EXHAUSTED');
      full = true;
    }
    this.note(v, `reserve(${bytes}) -> ${full ? 'full' : 'ok'}`);
    if (full && !segs.some((s) => this.upper[s] + bytes + 7 > this.cap)) {
      this.ctx.fail('arena-exhausted-early', `view ${view.name}: reserve(${bytes}) refused, but at most ${segs.map((s) => `${this.upper[s]} (segment ${s})`).join(', ')} of ${this.cap} can be reserved`);
    }
    // like an allocation, a reserve leases: the current segment when the view held nothing (for
    // sure when it succeeded), else the segment of the lease it holds
    if (!held) {
      if (full) view.may.add(segs[0]);
      else view.must.add(segs[0]);
      view.leaseFrame = this.frame;
    }
    if (full) return;
    view.cur = -1; // the lane may have moved: mark() is exact again after the next alloc
    for (const s of segs) this.upper[s] = Math.min(this.cap, this.upper[s] + Math.max(this.lane, (bytes + 7 + 63) & -64));
  }

  private mark(v: number): void {
    const view = this.views[v];
    const raw = view.arena.mark();
    this.note(v, `mark() -> ${hex(raw)}`);
    const exact = view.leaseFrame < 0 || (view.leaseFrame === this.frame && view.cur >= 0);
    if (exact && raw !== view.cur) this.ctx.fail('arena-mark', `view ${view.name}: mark() is ${hex(raw)}, the lane cursor is ${hex(view.cur)}`);
    view.marks.push({ raw, gen: view.gen, frame: this.frame, seq: view.seq });
  }

  private rewind(v: number, rng: Rng): void {
    const view = this.views[v];
    // marks of the current lease, taken in this frame, while the lease is of this frame
    const ok = view.leaseFrame < 0 || view.leaseFrame === this.frame;
    const usable = view.marks.filter((m) => ok && m.gen === view.gen && m.frame === this.frame);
    if (usable.length === 0) {
      this.mark(v);
      return;
    }
    const m = rng.pick(usable);
    const freed = this.blocks.filter((b) => b.view === v && b.gen === view.gen && b.seq > m.seq);
    for (const b of freed) this.ctx.checkFull(b.id);
    this.note(v, `rewind(${hex(m.raw)}) frees ${freed.length}`);
    view.arena.rewind(m.raw);
    // checked build: the freed blocks are poisoned ("rewound arena bytes", docs/SAFETY.md). Found
    // failing: rewind(0) and a rewind into an earlier lane of the lease do not poison (rewindTo()).
    this.free(freed, 'rewind');
    view.marks = view.marks.filter((x) => x.gen !== view.gen || x.seq <= m.seq);
    if (m.raw !== 0) view.cur = m.raw;
    else if (view.leaseFrame >= 0) view.cur = -1; // rewind(0) goes back to the first lane's start
  }

  /** The view released its lease (explicitly, by reset() or by advance()). */
  private released(v: number): void {
    const view = this.views[v];
    view.gen++;
    view.leaseFrame = -1;
    view.must.clear();
    view.may.clear();
    view.marks = [];
    view.cur = 0;
  }

  private free(freed: readonly Block[], how: string): void {
    const gone = new Set(freed.map((b) => b.id));
    this.blocks = this.blocks.filter((b) => !gone.has(b.id));
    for (const b of freed) this.ctx.expectPoisoned(this.ctx.unstamp(b.id), how);
  }

  /** Segment `seg` was emptied (reset or recycle): its blocks are gone. */
  private emptied(seg: number, how: string): void {
    const freed = this.blocks.filter((b) => b.seg === seg);
    for (const b of freed) this.expired.push({ p: b.p, epoch: this.vepoch.get(b.id) ?? -1 });
    for (const b of freed) this.vepoch.delete(b.id);
    if (this.expired.length > 64) this.expired = this.expired.slice(-32);
    this.free(freed, how);
    this.upper[seg] = 0;
  }

  private reset(v: number): void {
    const w = this.views[1 - v];
    const seg = this.curSeg();
    const leased = w.must.has(seg);
    for (const b of this.blocks) if (b.seg === seg) this.ctx.checkFull(b.id);
    const threw = this.ctx.threw('LANE_LEASED', () => { this.views[v].arena.reset(); });
    this.note(v, `reset() segment ${seg} -> ${threw ? 'LANE_LEASED' : 'ok'}`);
    this.released(v); // reset() releases the caller's lane first, also when it then refuses
    if (leased && !threw) this.ctx.fail('arena-reset-under-lease', `reset() emptied segment ${seg} while view ${w.name} still leases it`);
    if (!leased && !w.may.has(seg) && threw) this.ctx.fail('arena-reset-refused', `reset() threw LANE_LEASED, but view ${w.name} leases nothing in segment ${seg}`);
    if (!threw) {
      w.may.delete(seg);
      this.emptied(seg, 'reset');
    }
  }

  private advance(): void {
    const b = this.views[1];
    const next = this.frame + 1;
    const seg = this.config.frames === 0 ? -1 : next % this.n;
    const leased = seg >= 0 && b.must.has(seg);
    for (const blk of this.blocks) if (blk.seg === seg) this.ctx.checkFull(blk.id);
    let got = -1;
    const threw = this.ctx.threw('LANE_LEASED', () => { got = this.ctx.a.advance(); });
    this.ctx.note(`a advance() to ${next}${seg >= 0 ? ` recycling segment ${seg}` : ''} -> ${threw ? 'LANE_LEASED' : 'ok'}`);
    this.released(0); // advance() releases the clock thread's own lanes first
    if (leased && !threw) {
      // KNOWN BUG (being fixed in src/allocators/arena/frame-arena.ts): a view a frame behind whose lane
      // fills drops its old lease (allocSlow: release() + acquireSegment() in the new frame) while
      // it still uses the blocks of that lease, so this advance() recycles them. The correct
      // behaviour: the lease lasts until the view calls release(), and advance() throws LANE_LEASED.
      this.ctx.fail('arena-advance-recycled-leased', `advance() to ${next} recycled segment ${seg} while view b still leases it (b allocated there since its last release())`);
    }
    if (!leased && !(seg >= 0 && b.may.has(seg)) && threw) this.ctx.fail('arena-advance-refused', `advance() threw LANE_LEASED, but view b leases nothing in segment ${seg}`);
    if (threw) return;
    if (got !== next) this.ctx.fail('arena-advance', `advance() returned ${got}, expected ${next}`);
    this.frame = next;
    if (seg >= 0) {
      b.may.delete(seg);
      this.emptied(seg, 'advance');
    }
  }

  private verify(v: number, rng: Rng): void {
    const arena = this.views[v].arena;
    if (this.expired.length > 0 && rng.chance(0.4)) {
      const x = rng.pick(this.expired);
      this.note(v, `verify(${hex(x.p)}, ${x.epoch}) of a recycled block`);
      if (this.ctx.checks) this.ctx.expectCode('USE_AFTER_RESET', 'verify() of a recycled block', () => arena.verify(x.p, x.epoch));
      else if (arena.verify(x.p, x.epoch) !== x.p) this.ctx.fail('arena-verify', 'fast-build verify() changed the offset');
      return;
    }
    if (this.blocks.length === 0) return;
    const b = rng.pick(this.blocks);
    const e = this.vepoch.get(b.id) ?? -1;
    this.note(v, `verify(${hex(b.p)}, ${e}) of a live block`);
    const got = arena.verify(b.p, e);
    if (got !== b.p) this.ctx.fail('arena-verify', `verify(${hex(b.p)}, ${e}) of a live block returned ${hex(got)}`);
  }

  /** Invalid inputs: exact codes, nothing changes (checked by the stamps and checkInvariants()). */
  private invalid(v: number, rng: Rng): void {
    const arena = this.views[v].arena;
    const ctx = this.ctx;
    const kind = rng.int(ctx.checks ? 5 : 2);
    if (kind === 0) {
      const size = this.cap + 1 + rng.int(this.cap);
      const reserve = rng.chance(0.3);
      this.note(v, `${reserve ? 'reserve' : 'alloc'}(${size}) larger than the arena`);
      ctx.expectCode('ALLOC_TOO_LARGE', `${reserve ? 'reserve' : 'alloc'}(${size}) on a ${this.cap}-byte arena`, () => { if (reserve) arena.reserve(size); else arena.alloc(size, 8); });
    } else if (kind === 1) {
      const mark = rng.chance(0.5) ? 8 : this.data + this.n * this.cap + 8 * (1 + rng.int(4));
      this.note(v, `rewind(${hex(mark)}) to a position no lane has`);
      ctx.expectCode('INVALID_MARK', `rewind(${hex(mark)})`, () => { arena.rewind(mark); });
    } else if (kind === 2) {
      const size = rng.pick([0, -8, 2.5, NaN]);
      const how = rng.pick(['alloc', 'tryAlloc', 'reserve'] as const);
      this.note(v, `${how}(${size})`);
      ctx.expectCode('INVALID_SIZE', `${how}(${size})`, () => { if (how === 'tryAlloc') arena.tryAlloc(size, 8); else if (how === 'alloc') arena.alloc(size, 8); else arena.reserve(size); });
    } else if (kind === 3) {
      const align = rng.pick([0, 3, 12, -8, 1.5]);
      this.note(v, `alloc(8, ${align})`);
      ctx.expectCode('INVALID_ALIGN', `alloc(8, ${align})`, () => arena.alloc(8, align));
    } else {
      this.note(v, 'verify(8, 0) of an offset outside the arena');
      ctx.expectCode('INVALID_OFFSET', 'verify(8, 0)', () => arena.verify(8, 0));
    }
  }
}
