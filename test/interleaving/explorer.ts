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
 */
import type { SharedOps } from '../../src/allocators/lockfree.ts';

/** A logical thread: runs from scratch each time, and returns what it observed. */
export type LogicalThread = (ops: SharedOps) => unknown;

/** A small concurrent scenario. */
export interface Scenario {
  readonly name: string;
  /** Words of shared memory. */
  readonly words: number;
  /** Writes the initial shared state. */
  readonly init: (mem: Int32Array) => void;
  readonly threads: readonly LogicalThread[];
  /** Checks the final state and the threads' results: returns a description of what broke, or null. */
  readonly check: (mem: Int32Array, results: readonly unknown[]) => string | null;
  /** Cut a schedule longer than this many steps (a livelock guard). @defaultValue 200 */
  readonly maxSteps?: number;
}

/** What an exploration found. */
export interface Exploration {
  readonly name: string;
  /** Complete interleavings run to the end and checked. */
  readonly interleavings: number;
  /** Interleavings whose final check failed. */
  readonly violations: number;
  /** The first failing schedule (thread index per step) and its message. */
  readonly firstViolation: { readonly schedule: readonly number[]; readonly message: string } | null;
  /** Schedules cut at maxSteps. */
  readonly cut: number;
  /** Longest complete schedule, in steps. */
  readonly longest: number;
}

/** Thrown to stop a thread at its next operation: one constant object, no stack trace to capture. */
const YIELD = { yield: true } as const;

interface ThreadState {
  log: number[];
  done: boolean;
  /** spin() calls since another thread last moved; > 0 = waiting. */
  spins: number;
  result: unknown;
}

interface State {
  mem: Int32Array;
  threads: ThreadState[];
  schedule: number[];
}

/** Runs thread `t` to its next shared operation, executes it for real, and records the result. */
function step(s: State, fn: LogicalThread, t: number): void {
  const th = s.threads[t];
  const before = th.log.length;
  let k = 0;
  let executed = false;
  const mem = s.mem;
  // replay the log, execute one new operation for real, then run on until the thread either
  // finishes (no further operation) or asks for the next one, where it stops
  const op = (real: () => number, isSpin = false): number => {
    if (k < th.log.length) return th.log[k++];
    if (executed) throw YIELD; // eslint-disable-line @typescript-eslint/only-throw-error
    const v = real();
    th.log.push(v);
    k++;
    executed = true;
    if (isSpin) th.spins++;
    return v;
  };
  const ops: SharedOps = {
    load: (i) => op(() => mem[i]),
    store: (i, v) => { op(() => ((mem[i] = v), 0)); },
    cas: (i, e, v) => op(() => { const o = mem[i]; if (o === e) mem[i] = v; return o; }),
    add: (i, v) => op(() => { const o = mem[i]; mem[i] = (o + v) | 0; return o; }),
    or: (i, v) => op(() => { const o = mem[i]; mem[i] = o | v; return o; }),
    and: (i, v) => op(() => { const o = mem[i]; mem[i] = o & v; return o; }),
    read: (i) => op(() => mem[i]),
    write: (i, v) => { op(() => ((mem[i] = v), 0)); },
    spin: () => { op(() => 0, true); },
  };
  try {
    th.result = fn(ops);
    th.done = true;
  } catch (e) {
    if (e !== YIELD) throw e;
  }
  if (th.log.length !== before + 1) throw new Error(`explorer: thread ${t} was scheduled but took no step`);
  s.schedule.push(t);
  for (let u = 0; u < s.threads.length; u++) if (u !== t) s.threads[u].spins = 0;
}

function clone(s: State): State {
  return {
    mem: s.mem.slice(),
    threads: s.threads.map((th) => ({ log: th.log.slice(), done: th.done, spins: th.spins, result: th.result })),
    schedule: s.schedule.slice(),
  };
}

/** Enumerates every interleaving of the scenario's threads and checks each final state. */
export function explore(sc: Scenario): Exploration {
  const maxSteps = sc.maxSteps ?? 200;
  let interleavings = 0;
  let violations = 0;
  let cut = 0;
  let longest = 0;
  let firstViolation: Exploration['firstViolation'] = null;
  const mem = new Int32Array(sc.words);
  sc.init(mem);
  const start: State = { mem, threads: sc.threads.map(() => ({ log: [], done: false, spins: 0, result: undefined })), schedule: [] };
  // a thread that finishes without touching shared memory finishes at once
  for (let t = 0; t < sc.threads.length; t++) probe(start, t);

  function probe(s: State, t: number): void {
    // re-run t with its log replayed; it either finishes (no new operation) or wants one more
    const th = s.threads[t];
    if (th.done) return;
    let k = 0;
    const replay = (): number => {
      if (k < th.log.length) return th.log[k++];
      throw YIELD; // eslint-disable-line @typescript-eslint/only-throw-error
    };
    const ops: SharedOps = {
      load: replay, store: () => { replay(); }, cas: replay, add: replay, or: replay, and: replay, read: replay,
      write: () => { replay(); }, spin: () => { replay(); },
    };
    try {
      th.result = sc.threads[t](ops);
      th.done = true;
    } catch (e) {
      if (e !== YIELD) throw e;
    }
  }

  function dfs(s: State): void {
    const live = s.threads.map((th, t) => (th.done ? -1 : t)).filter((t) => t >= 0);
    if (live.length === 0) {
      interleavings++;
      longest = Math.max(longest, s.schedule.length);
      const msg = sc.check(s.mem, s.threads.map((th) => th.result));
      if (msg !== null) {
        violations++;
        firstViolation ??= { schedule: s.schedule.slice(), message: msg };
      }
      return;
    }
    if (s.schedule.length >= maxSteps) {
      cut++;
      return;
    }
    // a thread that waits runs again only when every other thread waits too (or is done)
    const eager = live.filter((t) => s.threads[t].spins === 0);
    const runnable = eager.length > 0 ? eager : live;
    for (const t of runnable) {
      const n = runnable.length === 1 ? s : clone(s);
      step(n, sc.threads[t], t);
      dfs(n);
    }
  }

  dfs(start);
  return { name: sc.name, interleavings, violations, firstViolation, cut, longest };
}
