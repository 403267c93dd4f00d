/**
 * A frame arena's lanes: how a thread takes its share of a frame's segment (a lessee bit, then
 * chunks of the segment's shared cursor), and remembers its earlier lanes for rewind(). {@link FrameArena} allocates from them.
 * @module
 * @internal
 */
import '../../build.ts'; // defines __NEBULA_CHECKS__ where no bundler replaced it: before any check runs
import { EV } from '../../stats/chrome-trace.ts';
import { G_FRAME } from '../../memory/layout.ts';
import type { MemoryHost } from '../../memory/host.ts';
import { acquireSegment, leaseChunk } from '../lockfree.ts';
import { A_LANE_BYTES, A_PEAK } from './layout.ts';
import { ArenaChecks } from './checks.ts';
import { LANE_HISTORY } from './view.ts';

/**
 * The lane layer of a frame arena. Not created directly.
 * @internal
 */
export class ArenaLanes extends ArenaChecks {
  // the request being leased for, read by needAt (built once: no closure per lease)
  private pendingSize = 0;
  private pendingAlign = 1;
  private readonly needAt: (c: number) => number;
  private readonly out = new Int32Array(1);

  /** @internal */
  constructor(memory: MemoryHost, name: string, offset: number, statsOffset: number) {
    super(memory, name, offset, statsOffset);
    this.needAt = (c: number): number => {
      const from = this.segData + c;
      const contiguous = this.end !== 0 && from === this.end;
      const p = ((contiguous ? this.cur : from) + this.pendingAlign - 1) & -this.pendingAlign;
      return p + this.pendingSize - from;
    };
  }

  /** Registers this thread as a lessee of the current frame's segment (its bit; retried on races). */
  protected acquireSegment(): void {
    this.memory.assertLive('alloc', this.label);
    const n = Math.max(1, this.frames);
    for (;;) {
      const frame = this.frames === 0 ? 0 : Atomics.load(this.i32, G_FRAME);
      const seg = frame % n;
      if (!acquireSegment(this.ops, this.segs[seg], frame, this.frames !== 0, this.tid)) continue;
      this.seg = seg;
      this.segData = this.data + seg * this.capacity;
      this.cur = this.end = this.start = this.counted = 0;
      this.historyLen = 0;
      this.markCount = 0;
      this.marksDropped = false;
      return;
    }
  }

  /** Leases room for `size` at `align` from the shared cursor. False when the segment is full. */
  protected lease(size: number, align: number): boolean {
    this.memory.assertLive('alloc', this.label);
    this.pendingSize = size;
    this.pendingAlign = align;
    const c = leaseChunk(this.ops, this.segs[this.seg], this.capacity, this.laneBytes, this.needAt, this.out);
    if (c < 0) return false;
    const take = this.out[0];
    const from = this.segData + c;
    if (this.end !== 0 && from === this.end) {
      this.end += take; // nobody leased since our last lane: extend it
    } else {
      if (this.end !== 0) this.pushHistory();
      this.foldBytes();
      this.start = this.cur = this.counted = from;
      this.end = from + take;
    }
    const i32 = this.i32;
    const used = c + take;
    let peak = Atomics.load(i32, this.base + A_PEAK);
    while (used > peak) {
      const seen = Atomics.compareExchange(i32, this.base + A_PEAK, peak, used);
      if (seen === peak) break;
      peak = seen;
    }
    i32[this.base + A_LANE_BYTES + this.tid] += take;
    this.memory.tracer?.record(EV.LEASE, this.base << 2, take, used);
    return true;
  }

  private pushHistory(): void {
    const h = this.history;
    if (this.historyLen === LANE_HISTORY) {
      h.copyWithin(0, 2);
      this.historyLen--;
    }
    h[2 * this.historyLen] = this.start;
    h[2 * this.historyLen + 1] = this.end;
    this.historyLen++;
  }
}
