/**
 * The machine line, and how much CPU other processes took while we measured (noise).
 * @module
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Facts about the machine that go next to every result. */
export interface MachineInfo {
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly cpu: string;
  readonly cores: number;
}

/** Node and V8 versions, OS, CPU model and logical core count. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
  };
}

/** One line for the console. */
export function machineLine(m: MachineInfo): string {
  return `node ${m.node} (V8 ${m.v8}), ${m.platform}, ${m.cpu}, ${m.cores} cores`;
}

/** A CPU-time snapshot: whole machine from /proc/stat (Linux only), this process from cpuUsage(). */
export interface CpuSnapshot {
  readonly wallMs: number;
  readonly busyTicks: number;
  readonly stealTicks: number;
  readonly ownMicros: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Reads the machine's busy and steal ticks; null when /proc/stat is unavailable. */
export function cpuSnapshot(): CpuSnapshot | null {
  let line: string;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  } catch {
    return null;
  }
  if (!line.startsWith('cpu ')) return null;
  // cpu user nice system idle iowait irq softirq steal ...
  const t = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = t;
  const u = process.cpuUsage();
  return {
    wallMs: performance.now(),
    busyTicks: user + nice + system + irq + softirq,
    stealTicks: steal,
    ownMicros: u.user + u.system,
  };
}

/** CPU taken by others while we measured, in cores (1 = one core busy the whole time). */
export interface ForeignLoad {
  /** Cores used by other processes (the machine's busy time minus this process's, all threads). */
  readonly others: number;
  /** Cores stolen by the hypervisor. */
  readonly steal: number;
}

/** Cores used by other processes, and cores stolen by the hypervisor, between two snapshots. */
export function foreignLoad(a: CpuSnapshot | null, b: CpuSnapshot | null): ForeignLoad | null {
  if (a === null || b === null) return null;
  const wallS = (b.wallMs - a.wallMs) / 1000;
  if (wallS <= 0) return null;
  const busyS = (b.busyTicks - a.busyTicks) / TICKS_PER_SECOND;
  const ownS = (b.ownMicros - a.ownMicros) / 1e6;
  return {
    others: Math.max(0, (busyS - ownS) / wallS),
    steal: (b.stealTicks - a.stealTicks) / TICKS_PER_SECOND / wallS,
  };
}

/** `other processes 0.12 cores, steal 0.00`, or `n/a` without /proc/stat. */
export function loadText(load: ForeignLoad | null): string {
  return load === null ? 'n/a' : `other processes ${load.others.toFixed(2)} cores, steal ${load.steal.toFixed(2)}`;
}

/** Other processes may use up to this many cores during a measurement before it is repeated. */
export const QUIET_CORES = 0.25;

/**
 * Runs `measure` up to `tries` times, until one ran while other processes used at most
 * {@link QUIET_CORES}, and returns the quietest with the number of attempts. `mayRetry` can stop
 * the repeats early (a time budget).
 */
export function quietest<T>(tries: number, measure: (attempt: number) => T, loadOf: (x: T) => ForeignLoad | null, mayRetry: () => boolean = () => true): { best: T; tries: number } {
  const others = (x: T): number => loadOf(x)?.others ?? 0;
  let best = measure(1);
  let attempt = 1;
  while (attempt < tries && others(best) > QUIET_CORES && mayRetry()) {
    const again = measure(++attempt);
    if (others(again) < others(best)) best = again;
  }
  return { best, tries: attempt };
}
