/**
 * An interleaving explorer in the spirit of Rust's loom: runs 2 or 3 logical threads against a
 * small shared Int32Array, one shared-memory operation per step, and enumerates every order of
 * those steps (depth-first). Threads are plain functions of the operations' results, so a
 * thread's state at step k is rebuilt by re-running it with the first k results replayed:
 * stateless model checking by re-execution, no generators needed in the code under test.
 *
 * `spin()` marks a thread as waiting: it is scheduled again only once another thread has taken a
 * step, or when every other thread waits or is done. A thread that can spin forever shows up as
 * schedules cut at `maxSteps` (a livelock or deadlock); correct scenarios have none.
 *
 * **Crash points.** A scenario may name one thread that can die: besides the schedules where it
 * runs to its end, the explorer runs every schedule in which it stops forever after s of its
 * steps, for every s from 0 (before its first step) to its last step (it finished, then died
 * before anyone saw it leave). The crash is placed right after the thread's s-th step: any later
 * placement is the same execution, since a dead thread does nothing. A `reclaimer` thread starts
 * at that moment and runs concurrently with the survivors; `recover` runs once every live thread
 * finished; then `check`.
 *
 * **Reduction** (opt-in, `reduce: true`): sleep sets. Two pending operations are independent
 * when they touch different words or both only read; a branch whose first step commutes with an
 * already explored sibling's is skipped, so each class of equivalent schedules (same order of
 * every pair of conflicting operations) runs once. Sleep sets never skip a reachable state, so
 * every final state is still checked; the counts then are classes, not interleavings. Spins
 * conflict with everything, and no branch is skipped while any thread waits.
 *
 * **Parking** (opt-in, `park: true`): a thread that spins after a stretch of pure reads (no
 * write-kind operation since its previous spin or its start) is parked until another thread
 * changes the value of a word read in that stretch. Re-running such a stretch earlier would read
 * the same values and spin again, so no state is lost, provided the loop iteration is a function
 * of the values it read (true of the spin loops in lockfree.ts and pool/reclaim.ts; not of a loop
 * that counts its tries). Without it, a thread polling in a loop may re-poll after every step of
 * the others, and the schedules grow exponentially with their length. When every live thread is
 * parked, nothing can wake them: the schedule is cut, like a livelock.
 */
import type { SharedOps } from '../../src/memory/shared-ops.ts';

/** A logical thread: runs from scratch each time, and returns what it observed. */
export type LogicalThread = (ops: SharedOps) => unknown;

/** Where a crash schedule stopped its crashing thread. */
export interface Crash {
  /** The thread that died. */
  readonly thread: number;
  /** Steps it took before it died. */
  readonly afterSteps: number;
}

/** A small concurrent scenario. */
export interface Scenario {
  readonly name: string;
  /** Words of shared memory. */
  readonly words: number;
  /** Writes the initial shared state. */
  readonly init: (mem: Int32Array) => void;
  readonly threads: readonly LogicalThread[];
  /**
   * Checks the final state and the threads' results: returns a description of what broke, or
   * null. In a crash schedule the dead thread's result is undefined, and the reclaimer's result
   * (if any) is `results[threads.length]`.
   */
  readonly check: (mem: Int32Array, results: readonly unknown[], crash: Crash | null) => string | null;
  /** Cut a schedule longer than this many steps (a livelock guard). @defaultValue 200 */
  readonly maxSteps?: number;
  /** Index of the thread that may die at any step. */
  readonly crashThread?: number;
  /** Runs after every surviving thread finished in a crash schedule, before check (models reclaimThread). */
  readonly recover?: (mem: Int32Array, crashed: number) => void;
  /** Starts when the crash happens and runs concurrently with the survivors (reclaimThread in another thread). */
  readonly reclaimer?: LogicalThread;
  /** Sleep-set partial-order reduction. @defaultValue false */
  readonly reduce?: boolean;
  /** Park a thread that spins after pure reads until a word it read changes. @defaultValue false */
  readonly park?: boolean;
}

/** What an exploration found. */
export interface Exploration {
  readonly name: string;
  /** Complete schedules without a crash, run to the end and checked. */
  readonly interleavings: number;
  /** Complete schedules with a crash, run to the end, recovered and checked. */
  readonly crashes: number;
  /** Schedules (with or without a crash) whose final check failed. */
  readonly violations: number;
  /** Of those, schedules with a crash. */
  readonly crashViolations: number;
  /** The first failing schedule (thread index per step, -1 = the crash) and its message. */
  readonly firstViolation: { readonly schedule: readonly number[]; readonly message: string; readonly crash: Crash | null } | null;
  /** Schedules cut at maxSteps. */
  readonly cut: number;
  /** Longest complete schedule, in steps. */
  readonly longest: number;
}

/** A schedule as text: thread digits, `x` for the crash. */
export function scheduleText(schedule: readonly number[]): string {
  return schedule.map((t) => (t < 0 ? 'x' : String(t))).join('');
}

/** Thrown to stop a thread at its next operation: one constant object, no stack trace to capture. */
const YIELD = { yield: true } as const;

/** Kinds of a pending operation, for the independence test. */
const READ = 0;
const WRITE = 1;
const SPIN = 2;

interface ThreadState {
  log: number[];
  done: boolean;
  /** Died at a crash point: never runs again. */
  dead: boolean;
  /** False for the reclaimer until the crash. */
  started: boolean;
  /** spin() calls since another thread last moved; > 0 = waiting. */
  spins: number;
  /** Parked (see `park`): the words whose change wakes it; null = not parked. */
  parkedOn: readonly number[] | null;
  result: unknown;
  /** The operation the thread asks for next: kind and word. */
  nextKind: number;
  nextWord: number;
}

interface State {
  mem: Int32Array;
  threads: ThreadState[];
  schedule: number[];
  /** Steps the crash thread took when it died, or -1. */
  crashedAt: number;
  /** The last step was the crash thread's (or nothing ran yet): a crash may go here. */
  crashPoint: boolean;
}

/** A view of `mem` on which every index read and write is one step (the plain accesses of SharedOps). */
function plainWords(mem: Int32Array, op: (kind: number, word: number, real: () => number) => number): Int32Array {
  const index = (k: string | symbol): number => (typeof k === 'string' && /^\d+$/.test(k) ? Number(k) : -1);
  return new Proxy(mem, {
    get: (target, k) => {
      const i = index(k);
      if (i < 0) throw new Error(`explorer: plain accesses are index reads and writes, not .${String(k)}`);
      return op(READ, i, () => target[i]);
    },
    set: (target, k, v: number) => {
      const i = index(k);
      if (i < 0) throw new Error(`explorer: plain accesses are index reads and writes, not .${String(k)}`);
      op(WRITE, i, () => ((target[i] = v), 0));
      return true;
    },
  });
}

/** Builds the SharedOps a thread runs on; `op(kind, word, real)` executes or replays one operation. */
function makeOps(mem: Int32Array, op: (kind: number, word: number, real: () => number) => number): SharedOps {
  return {
    load: (i) => op(READ, i, () => mem[i]),
    store: (i, v) => { op(WRITE, i, () => ((mem[i] = v), 0)); },
    cas: (i, e, v) => op(WRITE, i, () => { const o = mem[i]; if (o === e) mem[i] = v; return o; }),
    add: (i, v) => op(WRITE, i, () => { const o = mem[i]; mem[i] = (o + v) | 0; return o; }),
    or: (i, v) => op(WRITE, i, () => { const o = mem[i]; mem[i] = o | v; return o; }),
    and: (i, v) => op(WRITE, i, () => { const o = mem[i]; mem[i] = o & v; return o; }),
    words: plainWords(mem, op),
    spin: () => { op(SPIN, -1, () => 0); },
  };
}

/**
 * Runs thread `t` from scratch with its log replayed; with `execute`, performs one new operation
 * for real and records it. Stops at the next operation (noting its kind and word) or at the end.
 */
function run(s: State, fn: LogicalThread, t: number, execute: boolean, park = false): void {
  const th = s.threads[t];
  let k = 0;
  let executed = !execute;
  // with `park`: the words read since the last spin (and the values seen), whether anything was written
  let reads: number[] = [];
  let seen: number[] = [];
  let wrote = false;
  const ops = makeOps(s.mem, (kind, word, real) => {
    const replay = k < th.log.length;
    if (!replay && executed) {
      th.nextKind = kind;
      th.nextWord = word;
      throw YIELD; // eslint-disable-line @typescript-eslint/only-throw-error
    }
    const v = replay ? th.log[k] : real();
    if (park) {
      if (kind === SPIN) {
        // parked only if every word read still holds the value seen: else the wake-up already happened
        if (!replay) th.parkedOn = wrote || reads.some((w, j) => s.mem[w] !== seen[j]) ? null : reads;
        reads = [];
        seen = [];
        wrote = false;
      } else if (kind === READ) {
        reads.push(word);
        seen.push(v);
      } else wrote = true;
    }
    k++;
    if (replay) return v;
    th.log.push(v);
    executed = true;
    if (kind === SPIN) th.spins++;
    return v;
  });
  try {
    th.result = fn(ops);
    th.done = true;
  } catch (e) {
    if (e !== YIELD) throw e;
  }
}

/** Runs thread `t` to its next shared operation, executes it for real, and records the result. */
function step(s: State, fn: LogicalThread, t: number, park: boolean): void {
  const th = s.threads[t];
  const before = th.log.length;
  const word = th.nextKind === WRITE ? th.nextWord : -1;
  const old = word < 0 ? 0 : s.mem[word];
  run(s, fn, t, true, park);
  if (th.log.length !== before + 1) throw new Error(`explorer: thread ${t} was scheduled but took no step`);
  s.schedule.push(t);
  const changed = word >= 0 && s.mem[word] !== old;
  for (let u = 0; u < s.threads.length; u++) {
    if (u === t) continue;
    const other = s.threads[u];
    other.spins = 0;
    if (changed && other.parkedOn?.includes(word) === true) other.parkedOn = null;
  }
}

function clone(s: State): State {
  return {
    mem: s.mem.slice(),
    threads: s.threads.map((th) => ({ ...th, log: th.log.slice() })),
    schedule: s.schedule.slice(),
    crashedAt: s.crashedAt,
    crashPoint: s.crashPoint,
  };
}

/** The pending operations of threads a and b commute. */
function independent(a: ThreadState, b: ThreadState): boolean {
  if (a.nextKind === SPIN || b.nextKind === SPIN) return false;
  return a.nextWord !== b.nextWord || (a.nextKind === READ && b.nextKind === READ);
}

/** Enumerates every interleaving of the scenario's threads (and crash points) and checks each final state. */
export function explore(sc: Scenario): Exploration {
  const maxSteps = sc.maxSteps ?? 200;
  const k = sc.crashThread ?? -1;
  const fns: LogicalThread[] = [...sc.threads];
  const rec = sc.reclaimer === undefined ? -1 : fns.push(sc.reclaimer) - 1;
  const reduce = sc.reduce ?? false;
  const park = sc.park ?? false;
  let interleavings = 0;
  let crashes = 0;
  let violations = 0;
  let crashViolations = 0;
  let cut = 0;
  let longest = 0;
  let firstViolation: Exploration['firstViolation'] = null;
  const mem = new Int32Array(sc.words);
  sc.init(mem);
  const start: State = {
    mem,
    threads: fns.map((_, t) => ({
      log: [], done: false, dead: false, started: t !== rec, spins: 0, parkedOn: null, result: undefined, nextKind: READ, nextWord: -1,
    })),
    schedule: [],
    crashedAt: -1,
    crashPoint: true,
  };
  // a thread that finishes without touching shared memory finishes at once
  for (let t = 0; t < fns.length; t++) if (t !== rec) run(start, fns[t], t, false);

  function finish(s: State): void {
    const crash: Crash | null = s.crashedAt < 0 ? null : { thread: k, afterSteps: s.crashedAt };
    if (crash === null) interleavings++;
    else {
      crashes++;
      sc.recover?.(s.mem, k);
    }
    longest = Math.max(longest, s.schedule.length);
    const msg = sc.check(s.mem, s.threads.map((th) => (th.dead ? undefined : th.result)), crash);
    if (msg !== null) {
      violations++;
      if (crash !== null) crashViolations++;
      firstViolation ??= { schedule: s.schedule.slice(), message: msg, crash };
    }
  }

  function dfs(s: State, sleep: number): void {
    if (k >= 0 && s.crashedAt < 0 && s.crashPoint) {
      // thread k dies here: it never runs again; the reclaimer starts
      const c = clone(s);
      c.crashedAt = c.threads[k].log.length;
      c.threads[k].dead = true;
      c.crashPoint = false;
      c.schedule.push(-1);
      if (rec >= 0) {
        c.threads[rec].started = true;
        run(c, fns[rec], rec, false);
      }
      dfs(c, 0);
    }
    const live: number[] = [];
    s.threads.forEach((th, t) => { if (!th.done && !th.dead && th.started) live.push(t); });
    if (live.length === 0) {
      finish(s);
      return;
    }
    const awake = live.filter((t) => s.threads[t].parkedOn === null);
    if (s.schedule.length >= maxSteps || awake.length === 0) {
      cut++;
      return;
    }
    // a thread that waits runs again only when every other thread waits too (or is done)
    const eager = awake.filter((t) => s.threads[t].spins === 0);
    const runnable = eager.length > 0 ? eager : awake;
    let asleep = reduce && eager.length === live.length ? sleep : 0;
    for (const t of runnable) {
      if ((asleep & (1 << t)) !== 0) continue;
      let childSleep = 0;
      for (let u = 0; u < s.threads.length; u++) {
        if ((asleep & (1 << u)) !== 0 && independent(s.threads[u], s.threads[t])) childSleep |= 1 << u;
      }
      const n = runnable.length === 1 ? s : clone(s);
      step(n, fns[t], t, park);
      n.crashPoint = t === k;
      dfs(n, childSleep);
      if (reduce) asleep |= 1 << t;
    }
  }

  dfs(start, 0);
  return { name: sc.name, interleavings, crashes, violations, crashViolations, firstViolation, cut, longest };
}
