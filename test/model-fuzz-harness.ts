/**
 * The harness of the model-based fuzz (test/model-fuzz.test.ts, scripts/fuzz.ts): a seeded PRNG,
 * stamped blocks, exact error expectations, counters and the operation trace. No vitest here, so
 * the script runs the same code in both builds.
 */
import { MemoryError, type Memory, type MemoryErrorCode } from '../src/index.ts';

/** mulberry32: small, fast, and the same sequence in every engine. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** A uniform 32-bit unsigned integer. */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** 0 .. n-1. */
  int(n: number): number {
    return this.next() % n;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p * 2 ** 32;
  }
}

/** A weighted choice among names, built once. */
export class Weighted<K extends string> {
  private readonly names: K[] = [];
  private readonly cum: number[] = [];
  constructor(entries: readonly (readonly [K, number])[]) {
    let total = 0;
    for (const [k, w] of entries) {
      total += w;
      this.names.push(k);
      this.cum.push(total);
    }
  }
  pick(rng: Rng): K {
    const r = rng.int(this.cum[this.cum.length - 1]);
    let i = 0;
    while (this.cum[i] <= r) i++;
    return this.names[i];
  }
}

/** A difference between the model and the runtime. `kind` groups them in the counts. */
export class Mismatch extends Error {
  constructor(readonly kind: string, message: string) {
    super(`[${kind}] ${message}`);
  }
}

export type Allocator = 'arena' | 'pool' | 'stack';

/** What a campaign did: operations per allocator and kind, expected errors by code, mismatches by kind. */
export interface Counts {
  runs: number;
  allocators: Record<Allocator, number>;
  ops: Record<string, number>;
  errors: Record<string, number>;
  mismatches: Record<string, number>;
}

export function newCounts(): Counts {
  return { runs: 0, allocators: { arena: 0, pool: 0, stack: 0 }, ops: {}, errors: {}, mismatches: {} };
}

export function bump(r: Record<string, number>, k: string, by = 1): void {
  r[k] = (r[k] ?? 0) + by;
}

/** True when `e` is a MemoryError with `code`. */
export function isCode(e: unknown, code: MemoryErrorCode): boolean {
  return e instanceof MemoryError && e.code === code;
}

export const hex = (n: number): string => `0x${n.toString(16)}`;

/** A live block of any allocator: stamped with its id in every byte position (id byte k & 3). */
export interface Stamped {
  readonly id: number;
  readonly p: number;
  readonly size: number;
  readonly what: string;
}

const POISON = 0xdd;
const TRACE_KEEP = 80;

/** One run's shared state: the two views, every live block's stamp, the trace, the counts. */
export class Ctx {
  readonly live = new Map<number, Stamped>();
  private nextId = 0x11223344;
  private readonly trace: string[] = [];
  private traced = 0;
  /** Index of the operation running now (for messages). */
  op = 0;

  constructor(readonly a: Memory, readonly b: Memory, readonly counts: Counts, readonly checks: boolean, private readonly echo?: (line: string) => void) {}

  /** Records one operation of the trace (the last TRACE_KEEP are kept; all are echoed in a replay). */
  note(line: string): void {
    const l = `#${this.op} ${line}`;
    this.trace[this.traced++ % TRACE_KEEP] = l;
    this.echo?.(l);
  }

  /** The kept trace, oldest first. */
  lastTrace(): string[] {
    const n = Math.min(this.traced, TRACE_KEEP);
    const out: string[] = [];
    for (let k = this.traced - n; k < this.traced; k++) out.push(this.trace[k % TRACE_KEEP]);
    return out;
  }

  fail(kind: string, message: string): never {
    throw new Mismatch(kind, message);
  }

  /** Stamps a new block after checking it overlaps no live block of any allocator; returns its id. */
  stamp(p: number, size: number, what: string): number {
    for (const q of this.live.values()) {
      if (p < q.p + q.size && q.p < p + size) {
        this.fail('overlap', `${what} [${hex(p)}, +${size}) overlaps live ${q.what} [${hex(q.p)}, +${q.size}) (id ${hex(q.id)})`);
      }
    }
    const id = this.nextId++;
    const u8 = this.a.u8;
    for (let k = 0; k < size; k++) u8[p + k] = (id >>> ((k & 3) << 3)) & 0xff;
    this.live.set(id, { id, p, size, what });
    return id;
  }

  /** Checks every byte of block `id`. */
  checkFull(id: number): void {
    const s = this.get(id);
    for (let k = 0; k < s.size; k++) this.checkByte(s, k);
  }

  /** Forgets a freed block (the caller checked it in full before freeing it). */
  unstamp(id: number): Stamped {
    const s = this.get(id);
    this.live.delete(id);
    return s;
  }

  /** The first and last 4 bytes of every live block still carry its stamp. */
  checkStamps(): void {
    for (const s of this.live.values()) {
      const n = s.size;
      for (let k = 0; k < 4 && k < n; k++) this.checkByte(s, k);
      for (let k = Math.max(4, n - 4); k < n; k++) this.checkByte(s, k);
    }
  }

  /** Checked build: a freed block's bytes are all POISON_BYTE (docs/SAFETY.md, "Poisoning"). */
  expectPoisoned(s: Stamped, how: string): void {
    if (!this.checks) return;
    const u8 = this.a.u8;
    for (let k = 0; k < s.size; k++) {
      if (u8[s.p + k] !== POISON) {
        this.fail('not-poisoned', `${s.what} [${hex(s.p)}, +${s.size}) freed by ${how}: byte +${k} is ${hex(u8[s.p + k])}, not 0xdd`);
      }
    }
  }

  /** Runs `fn`, which must throw MemoryError `code` (counted); anything else is a mismatch. */
  expectCode(code: MemoryErrorCode, what: string, fn: () => unknown): void {
    let result: unknown;
    try {
      result = fn();
    } catch (e) {
      if (!(e instanceof MemoryError)) this.fail('wrong-error', `${what}: expected ${code}, got ${String(e)}`);
      if (e.code !== code) this.fail('wrong-error', `${what}: expected ${code}, got ${e.code}: ${e.message}`);
      if (!e.message.includes(`[${code}]`)) this.fail('wrong-error', `${what}: message lacks [${code}]: ${e.message}`);
      bump(this.counts.errors, code);
      return;
    }
    this.fail('missing-error', `${what}: expected ${code}, returned ${String(result)}`);
  }

  /** Runs `fn`; returns true when it threw MemoryError `code` (counted), rethrows anything else. */
  threw(code: MemoryErrorCode, fn: () => void): boolean {
    try {
      fn();
      return false;
    } catch (e) {
      if (!isCode(e, code)) throw e;
      bump(this.counts.errors, code);
      return true;
    }
  }

  /** checkInvariants() of both memories (every allocator, each through that view's instance). */
  checkInvariants(): void {
    for (const [name, m] of [['a', this.a], ['b', this.b]] as const) {
      try {
        m.checkInvariants();
      } catch (e) {
        this.fail('invariant', `view ${name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  /** Where region `name` lies, from the public region table. */
  region(name: string): { readonly offset: number; readonly byteLength: number } {
    const r = this.a.regions().find((x) => x.name === name);
    return r ?? this.fail('model', `region ${name} is not listed`);
  }

  private get(id: number): Stamped {
    const s = this.live.get(id);
    if (s === undefined) return this.fail('model', `no live block ${hex(id)}`);
    return s;
  }

  private checkByte(s: Stamped, k: number): void {
    const want = (s.id >>> ((k & 3) << 3)) & 0xff;
    const got = this.a.u8[s.p + k];
    if (got !== want) {
      this.fail('stamp', `${s.what} [${hex(s.p)}, +${s.size}) id ${hex(s.id)}: byte +${k} is ${hex(got)}, not ${hex(want)} (two owners, or recycled under a live holder)`);
    }
  }
}
