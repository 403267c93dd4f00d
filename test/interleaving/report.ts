/** Runs a scenario through the explorer and prints its counts, as the interleaving tests do. */
import { type Exploration, type Scenario, explore, scheduleText } from './explorer.ts';

/** Explores `sc`, prints one line, and adds the result to `report`. */
export function runScenario(sc: Scenario, report: Exploration[]): Exploration {
  const r = explore(sc);
  report.push(r);
  const first = r.firstViolation;
  console.log(`interleavings[${r.name}]: ${r.interleavings} explored + ${r.crashes} with a crash, ${r.violations} violations` +
    ` (${r.crashViolations} after a crash), longest ${r.longest} steps, ${r.cut} cut` +
    (first ? `; first: ${first.message} after [${scheduleText(first.schedule)}]` +
      (first.crash ? ` (thread ${first.crash.thread} died after ${first.crash.afterSteps} steps)` : '') : ''));
  return r;
}

/** Prints the totals of `report`; returns [normal, crash] schedules. */
export function printTotals(label: string, report: readonly Exploration[]): [number, number] {
  const normal = report.reduce((n, r) => n + r.interleavings, 0);
  const crash = report.reduce((n, r) => n + r.crashes, 0);
  console.log(`interleavings total (${label}): ${normal} schedules + ${crash} crash schedules across ${report.length} scenarios`);
  return [normal, crash];
}
