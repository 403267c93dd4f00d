/**
 * Runs every misuse against one game memory: triggers it, catches the MemoryError, reads its
 * fields, and checks that the memory's invariants still hold. Returns what it observed, so a
 * test can assert it, and prints a walkthrough when given a `log` function.
 *
 * Checked and fast builds: the checked build is the default (no bundler define, or Vite without
 * one). A production bundle that defines `__NEBULA_CHECKS__ = false` is the fast build: most
 * misuse checks are compiled out there (`checkedOnly` cases below) and the mistake goes unnoticed
 * or corrupts the allocator. Exhaustion, setup and thread-lifecycle errors are reported in both.
 * Develop and test with the checked build; ship the fast one once the tests pass.
 */
import { CHECKS, type MemoryErrorCode } from 'nebula-memory';
import { type Facts, type GameMemory, type Misuse, createGameMemory } from './game-memory.ts';
import { poolMisuses } from './pool-misuses.ts';
import { type ErrorReading, formatReading, readMemoryError } from './read-error.ts';
import { setupMisuses } from './setup-misuses.ts';
import { stackArenaMisuses } from './stack-arena-misuses.ts';
import { threadMisuses } from './thread-misuses.ts';

/** Every misuse of the example, in the order the walkthrough runs them. */
export const allMisuses: readonly Misuse[] = [...poolMisuses, ...stackArenaMisuses, ...threadMisuses, ...setupMisuses];

/** What one misuse did. */
export interface Observation {
  readonly title: string;
  /** The code the checked build reports. */
  readonly expected: MemoryErrorCode;
  readonly checkedOnly: boolean;
  /** `caught`: the MemoryError came; `skipped`: fast build, check compiled out, case not run. */
  readonly outcome: 'caught' | 'skipped';
  /** The error's fields (null when skipped). */
  readonly error: ErrorReading | null;
  /** Numbers the case recorded (offsets, handles), to compare with the error's request and state. */
  readonly facts: Readonly<Facts>;
  /** `memory.checkInvariants()` passed after the error (and after the case's cleanup). */
  readonly invariantsOk: boolean;
  readonly lesson: string;
}

/** What the whole walkthrough observed. */
export interface ErrorHandlingResult {
  /** True in the checked build. */
  readonly checkedBuild: boolean;
  readonly observations: readonly Observation[];
  /** Each region's `errors` counter and `lastError` code from `memory.snapshot()` at the end. */
  readonly errorsByRegion: Readonly<Record<string, { errors: number; lastError: MemoryErrorCode | null }>>;
  /** The memory still allocates after all of it: a bullet's handle and a frame offset. */
  readonly afterwards: { readonly bullet: number; readonly frameOffset: number; readonly invariantsOk: boolean };
}

/** Runs one misuse: expects exactly its MemoryError, then checks the invariants. */
function observe(game: GameMemory, m: Misuse): Observation {
  const base = { title: m.title, expected: m.code, checkedOnly: m.checkedOnly, lesson: m.lesson };
  const facts: Facts = {};
  if (m.checkedOnly && !CHECKS) {
    return { ...base, outcome: 'skipped', error: null, facts, invariantsOk: invariantsHold(game) };
  }
  let caught: unknown = null;
  try {
    m.trigger(game, facts);
  } catch (e) {
    caught = e;
  }
  const error = readMemoryError(caught);
  if (error === null) throw new Error(`"${m.title}" should throw MemoryError ${m.code}, got ${String(caught)}`);
  if (error.code !== m.code) throw new Error(`"${m.title}" should throw ${m.code}, got ${error.code}:\n${error.summary}`);
  m.cleanup?.(game, facts);
  return { ...base, outcome: 'caught', error, facts, invariantsOk: invariantsHold(game) };
}

function invariantsHold(game: GameMemory): boolean {
  try {
    game.memory.checkInvariants(); // throws INVARIANT_VIOLATED with the actual values if not
    return true;
  } catch {
    return false;
  }
}

/**
 * The example: every misuse, one after the other, on one memory.
 * @param log - where the walkthrough goes (`console.log` from main.ts); nothing is printed without it.
 */
export function runErrorHandling(log?: (line: string) => void): ErrorHandlingResult {
  const game = createGameMemory();
  const out = log ?? (() => undefined);
  out(`nebula-memory error handling: ${allMisuses.length} common misuses, ${CHECKS ? 'checked build (the default)' : 'FAST build: checks compiled out'}`);
  out('');
  const observations: Observation[] = [];
  allMisuses.forEach((m, i) => {
    const o = observe(game, m);
    observations.push(o);
    out(`${String(i + 1).padStart(2)}. ${m.title}  -> ${m.code}${m.checkedOnly ? '  (checked build only)' : ''}`);
    if (o.error === null) {
      out('    skipped: the fast build compiles this check out; the mistake would go unnoticed here.');
    } else {
      for (const line of formatReading(o.error)) out(`    ${line}`);
      if (Object.keys(o.facts).length > 0) out(`    the case:   ${Object.entries(o.facts).map(([k, v]) => `${k}=${v}`).join(', ')}`);
    }
    out(`    avoid it:   ${m.lesson}`);
    out(`    memory.checkInvariants(): ${o.invariantsOk ? 'passes, the allocator is intact' : 'FAILED'}`);
    out('');
  });

  // Every region counts the errors it raised, in any thread, and remembers the last code: the
  // inspector and your telemetry read them from the snapshot.
  const errorsByRegion: Record<string, { errors: number; lastError: MemoryErrorCode | null }> = {};
  for (const r of game.memory.snapshot().regions) errorsByRegion[r.name] = { errors: r.stats.errors, lastError: r.stats.lastError };
  out('errors counted per region (memory.snapshot().regions[i].stats.errors / lastError):');
  for (const [name, e] of Object.entries(errorsByRegion)) out(`    ${name.padEnd(8)} ${e.errors} error(s), last ${e.lastError ?? '-'}`);

  // And it still works:
  const bullet = game.bullets.alloc();
  const frameOffset = game.frame.alloc(64, 16);
  game.bullets.free(bullet);
  const afterwards = { bullet, frameOffset, invariantsOk: invariantsHold(game) };
  out('');
  out(`afterwards: bullets.alloc() -> handle ${bullet}, frame.alloc(64, 16) -> offset ${frameOffset}, checkInvariants() ${afterwards.invariantsOk ? 'passes' : 'FAILS'}`);
  return { checkedBuild: CHECKS, observations, errorsByRegion, afterwards };
}
