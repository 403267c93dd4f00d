/**
 * The live frame-time graph: frame times and simulation times of the last {@link WINDOW} frames,
 * their p50 and p99, and the frames in which a simulation worker saw a GC. Rings of typed arrays
 * and a 2D canvas: recording a frame makes no garbage.
 * @module
 */

/** Frames in the sliding window. */
export const WINDOW = 240;

/** p50/p99 of one series. */
export interface Percentiles {
  /** Median, ms. */
  p50: number;
  /** 99th percentile, ms. */
  p99: number;
}

/** Sliding-window frame statistics and their graph. */
export class FrameGraph {
  private readonly frameMs = new Float64Array(WINDOW);
  private readonly simMs = new Float64Array(WINDOW);
  private readonly gc = new Uint8Array(WINDOW);
  private readonly scratch = new Float64Array(WINDOW);
  private next = 0;
  private filled = 0;
  /** Frames recorded since the start. */
  frames = 0;
  /** Frames in which a GC was seen, since the start. */
  gcFrames = 0;
  /** Percentiles of the frame time over the window (updated by {@link FrameGraph.summarize}). */
  readonly frame: Percentiles = { p50: 0, p99: 0 };
  /** Percentiles of the simulation time over the window. */
  readonly sim: Percentiles = { p50: 0, p99: 0 };
  /** Frames with a GC in the window. */
  gcInWindow = 0;

  /** @param canvas - the graph's 2D canvas. */
  constructor(private readonly canvas: HTMLCanvasElement) {}

  /** Forgets everything (a new run). */
  clear(): void {
    this.frameMs.fill(0);
    this.simMs.fill(0);
    this.gc.fill(0);
    this.next = this.filled = this.frames = this.gcFrames = 0;
  }

  /** Records one frame: its time, the slowest worker's simulation time, and whether a GC was seen in it. */
  record(frameMs: number, simMs: number, gc: boolean): void {
    const k = this.next;
    this.frameMs[k] = frameMs;
    this.simMs[k] = simMs;
    this.gc[k] = gc ? 1 : 0;
    this.next = (k + 1) % WINDOW;
    if (this.filled < WINDOW) this.filled++;
    this.frames++;
    if (gc) this.gcFrames++;
  }

  /** Recomputes the percentiles over the window. */
  summarize(): void {
    pct(this.frameMs, this.filled, this.scratch, this.frame);
    pct(this.simMs, this.filled, this.scratch, this.sim);
    let g = 0;
    for (let k = 0; k < this.filled; k++) g += this.gc[k];
    this.gcInWindow = g;
  }

  /** Draws the window: frame times (bars), simulation times (line), GC frames (red ticks), p50/p99 (lines). */
  draw(): void {
    const ctx = this.canvas.getContext('2d');
    if (ctx === null) return;
    const { width, height } = this.canvas;
    const top = Math.max(50, this.frame.p99 * 1.25);
    const y = (ms: number): number => height - (Math.min(ms, top) / top) * (height - 4);
    const bar = width / WINDOW;
    ctx.fillStyle = '#0b0f17';
    ctx.fillRect(0, 0, width, height);
    for (let i = 0; i < this.filled; i++) {
      const k = (this.next - this.filled + i + WINDOW) % WINDOW;
      const x = i * bar;
      ctx.fillStyle = '#3b5a8c';
      ctx.fillRect(x, y(this.frameMs[k]), Math.max(1, bar - 0.5), height - y(this.frameMs[k]));
      ctx.fillStyle = '#ffd166';
      ctx.fillRect(x, y(this.simMs[k]) - 1, Math.max(1, bar), 2);
      if (this.gc[k] !== 0) {
        ctx.fillStyle = '#ff4d6d';
        ctx.fillRect(x, 0, Math.max(1, bar), 6);
      }
    }
    // the reference lines, each labelled at its right end (p99 above its line, p50 below, so the
    // two labels never sit on each other)
    ctx.font = '11px monospace';
    ctx.textAlign = 'right';
    ctx.fillStyle = '#9fb3c8';
    ctx.fillRect(0, y(this.frame.p50), width, 1);
    ctx.fillText(`p50 ${this.frame.p50.toFixed(1)} ms`, width - 4, Math.min(height - 2, y(this.frame.p50) + 12));
    ctx.fillStyle = '#ff8fa3';
    ctx.fillRect(0, y(this.frame.p99), width, 1);
    ctx.fillText(`p99 ${this.frame.p99.toFixed(1)} ms`, width - 4, Math.max(11, y(this.frame.p99) - 3));
    ctx.textAlign = 'left';
    ctx.fillStyle = '#9fb3c8';
    ctx.fillText(`${top.toFixed(0)} ms (p99 of the window × 1.25; taller frames are clipped)`, 4, 16);
  }
}

/** Nearest-rank percentiles of the first `n` values, sorted in `scratch` (a typed-array sort: no garbage). */
function pct(values: Float64Array, n: number, scratch: Float64Array, out: Percentiles): void {
  if (n === 0) {
    out.p50 = out.p99 = 0;
    return;
  }
  scratch.fill(Infinity);
  scratch.set(values.subarray(0, n));
  scratch.sort();
  out.p50 = scratch[Math.min(n - 1, Math.ceil(0.5 * n) - 1)];
  out.p99 = scratch[Math.min(n - 1, Math.ceil(0.99 * n) - 1)];
}
