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

/** Cores used by other processes, and cores stolen by the hypervisor, between two snapshots. */
export function foreignLoad(a: CpuSnapshot | null, b: CpuSnapshot | null): { others: number; steal: number } | null {
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
