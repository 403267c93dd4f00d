/**
 * What the fountain page shows of the "kill a worker" control: the status line next to the
 * buttons, the thread list (`memory.threads()`), and the numbers `nebulaDemo.stats().recovery`
 * gives tests.
 * @module
 */
import type { Memory } from '../../src/index.ts';
import { el, setText } from './dom.ts';
import type { Recovery, SimCrew } from './workers.ts';

/** `nebulaDemo.stats().recovery`. */
export interface RecoveryStats {
  /** Simulation workers the clock counts now. */
  readonly workers: number;
  /** Workers the "kill a worker" button killed (hung mid-frame, then terminated). */
  readonly kills: number;
  /** Workers that crashed: the "crash a worker" button, or an `error` event. */
  readonly crashes: number;
  /** Threads `terminateAndReclaim` reclaimed (one per kill or crash). */
  readonly reclaims: number;
  /** Replacement workers that joined the clock. */
  readonly restarts: number;
  /** True while a loss is being handled. */
  readonly busy: boolean;
  /** `advance()` calls that met `LANE_LEASED` (a dead worker's lanes, until its reclaim); the clock retried at the next animation frame. */
  readonly leaseRetries: number;
  /** The last loss: the frame it died in, what came back, particles adopted, milliseconds until its replacement joined, or why it has none. */
  readonly last: {
    readonly share: number; readonly cause: string; readonly frame: number; readonly leases: number; readonly slots: number;
    readonly adopted: number; readonly ms: number; readonly failure: string;
  } | null;
}

/** The numbers for `stats()`. */
export function recoveryStats(crew: SimCrew | null, leaseRetries: number): RecoveryStats {
  const last = crew?.last ?? null;
  return {
    workers: crew?.alive ?? 0, ...(crew?.counts ?? { kills: 0, crashes: 0, reclaims: 0, restarts: 0 }), busy: crew?.busy ?? false, leaseRetries,
    last: last === null ? null : {
      share: last.share, cause: last.cause, frame: last.frame, leases: last.reclaimed?.leases ?? -1, slots: last.reclaimed?.slots ?? -1,
      adopted: last.adopted, ms: last.ms, failure: last.failure,
    },
  };
}

function describe(last: Recovery): string {
  const how = last.cause === 'kill' ? 'killed mid-frame' : 'crashed in frame';
  const r = last.reclaimed;
  const back = r === null ? 'reclaiming…' : `${r.leases} lease${r.leases === 1 ? '' : 's'}, ${r.slots} slot${r.slots === 1 ? '' : 's'} back`;
  const joined = last.failure !== '' ? `; share lost: ${last.failure}` : last.thread < 0 ? (r === null ? '' : '; replacement starting…')
    : `; replacement (thread ${last.thread}) adopted ${last.adopted.toLocaleString('en')} particles, joined after ${last.ms} ms`;
  return `last: sim-${last.share}${r === null ? '' : ` (thread ${r.id})`} ${how} ${last.frame}: ${back}${joined}`;
}

/** Updates the status line and the buttons. */
export function showRecovery(crew: SimCrew | null, memory: Memory | null, leaseRetries: number): void {
  const kill = el<HTMLButtonElement>('ctl-kill');
  const crash = el<HTMLButtonElement>('ctl-crash');
  if (crew === null) {
    kill.disabled = crash.disabled = true;
    setText('recovery', memory === null || memory.shared ? 'workers: starting' : 'single-thread fallback: no worker to kill');
    return;
  }
  kill.disabled = crash.disabled = crew.busy || crew.alive === 0;
  const { kills, crashes, reclaims } = crew.counts;
  const parts = [`workers: ${crew.alive}${crew.busy ? ' (replacing one)' : ''}`, `kills: ${kills}`, `crashes: ${crashes}`, `reclaimed: ${reclaims}`];
  if (leaseRetries > 0) parts.push(`advance() retried ${leaseRetries}× on LANE_LEASED`);
  if (crew.last !== null) parts.push(describe(crew.last));
  setText('recovery', parts.join(' · '));
  if (memory !== null) showThreads(memory, crew);
}

/** The thread table, as `memory.threads()` has it: id, name, state, and how far a simulation worker lags. */
export function showThreads(memory: Memory, crew: SimCrew | null): void {
  const sims = new Set(crew?.threadIds ?? []);
  const text = memory.threads().map((t) => {
    const name = t.name === '' ? '(no name)' : t.name;
    const lag = t.state === 'attached' && sims.has(t.id) ? `, lag ${t.lag}` : '';
    return `${t.id} ${name}: ${t.state}${lag}`;
  }).join(' · ');
  setText('thread-list', text);
}
