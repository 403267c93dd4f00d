/**
 * A thread's scheduler statistics from /proc/.../schedstat (Linux): nanoseconds on a CPU and
 * nanoseconds waiting for one. Read with a kept descriptor and buffer and parsed by hand (no
 * strings), so a read per frame makes (almost) no garbage.
 *
 * The kernel brings the run time up to date when the thread is scheduled in or out and at timer
 * ticks, so read another thread's run time while it sleeps; the wait time is exact for a thread
 * reading its own (it is added when the thread gets a CPU).
 * @module
 */
import { closeSync, openSync, readlinkSync, readSync } from 'node:fs';

/** This thread's Linux thread id (from /proc/thread-self), or -1 where there is none. */
export function threadId(): number {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return -1;
  }
}

/** A reader of one thread's schedstat; `sample()` refreshes `runNs` and `waitNs`. */
export class ThreadSchedStat {
  /** Nanoseconds this thread ran on a CPU, at the last sample. */
  runNs = 0;
  /** Nanoseconds this thread waited in the run queue (runnable, no CPU free), at the last sample. */
  waitNs = 0;
  private readonly buf = Buffer.alloc(128);
  private constructor(private readonly fd: number) {}

  /** Opens the schedstat of this thread, or of thread `tid` of this process; null where there is none (not Linux, no procfs). */
  static open(tid?: number): ThreadSchedStat | null {
    try {
      const s = new ThreadSchedStat(openSync(tid === undefined ? '/proc/thread-self/schedstat' : `/proc/self/task/${tid}/schedstat`, 'r'));
      return s.sample() ? s : null;
    } catch {
      return null;
    }
  }

  /** Reads the file again ("run_ns wait_ns slices"); false when it did not parse. */
  sample(): boolean {
    const b = this.buf;
    const len = readSync(this.fd, b, 0, b.length, 0);
    let k = 0;
    let run = 0;
    let wait = 0;
    for (; k < len && b[k] >= 0x30 && b[k] <= 0x39; k++) run = run * 10 + (b[k] - 0x30);
    if (k === 0 || b[k] !== 0x20) return false;
    const w = ++k;
    for (; k < len && b[k] >= 0x30 && b[k] <= 0x39; k++) wait = wait * 10 + (b[k] - 0x30);
    if (k === w) return false;
    this.runNs = run;
    this.waitNs = wait;
    return true;
  }

  /** Closes the descriptor. */
  close(): void {
    closeSync(this.fd);
  }
}
