/**
 * Budgets: byte limits per subsystem (particles, audio, UI). Each allocator created through a
 * budget is charged its region's bytes before the region exists, so a subsystem that would pass
 * its limit fails with `BUDGET_EXCEEDED`, naming every holder and its size, and nothing is created.
 * @module
 */
import type { FrameArena } from '../allocators/arena/frame-arena.ts';
import { arenaRegionBytes } from '../allocators/arena/layout.ts';
import type { Pool } from '../allocators/pool/pool.ts';
import { poolRegionBytes } from '../allocators/pool/layout.ts';
import type { Stack } from '../allocators/stack/stack.ts';
import { stackRegionBytes } from '../allocators/stack/layout.ts';
import type { ArenaOptions, PoolOptions, StackOptions } from '../api.ts';
import type { RegionKind } from '../api-reports.ts';
import { memoryError, typeName } from '../errors.ts';
import { REGION_ALIGN, alignUp } from '../memory/layout.ts';
import type { Memory } from '../runtime/memory.ts';
import { typedError } from './errors.ts';

/** An allocator a budget holds: an arena, a pool or a stack. */
type Allocator = FrameArena | Pool | Stack;

/**
 * One allocator charged to a subsystem, in a {@link BudgetReport}.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * for (const h of budgets.report('particles').holders) console.log(h.kind, h.name, h.reserved);
 * ```
 */
export interface BudgetHolder {
  /** The allocator kind. */
  readonly kind: RegionKind;
  /** The region's name. */
  readonly name: string;
  /** Bytes of its region (what the budget is charged). */
  readonly reserved: number;
  /** Bytes in use now: arena `used`, pool `live × stride`, stack `used`. */
  readonly used: number;
}

/**
 * A subsystem's budget, limit and holders, from {@link Budgets.report}.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * const r: BudgetReport = budgets.report('audio');
 * console.log(`${r.reserved} of ${r.limit} bytes`);
 * ```
 */
export interface BudgetReport {
  /** The subsystem. */
  readonly subsystem: string;
  /** Its limit in bytes. */
  readonly limit: number;
  /** Bytes of all its regions. */
  readonly reserved: number;
  /** Bytes in use now in its regions. */
  readonly used: number;
  /** Its allocators, in charge order. */
  readonly holders: readonly BudgetHolder[];
}

/**
 * Formats a byte count for messages: `512 B`, `64 KiB`, `1.5 MiB`.
 * @internal
 */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${+(n / (1 << 20)).toFixed(2)} MiB`;
}

/**
 * Byte limits per subsystem over one memory. Create allocators through it (`createPool('particles',
 * 'sparks', {...})`) or charge existing ones with {@link Budgets.track}. Made by {@link createBudgets}.
 *
 * Thread-safety: owner thread (the one that creates regions at startup); reports from any thread
 * that has its own `Budgets` over the same memory after tracking the same regions.
 * @example
 * ```ts
 * const budgets = createBudgets(memory, { particles: 4 << 20, audio: 1 << 20 });
 * const sparks = budgets.createPool('particles', 'sparks', { slotSize: 32, capacity: 50_000 });
 * ```
 */
export class Budgets<S extends string = string> {
  /** The limit of each subsystem, in bytes. */
  readonly limits: Readonly<Record<S, number>>;
  private readonly memory: Memory;
  private readonly holders = new Map<string, Allocator[]>();
  private readonly owner = new Map<Allocator, string>();

  /** @internal Use {@link createBudgets}. */
  constructor(memory: Memory, limits: Readonly<Record<S, number>>) {
    this.memory = memory;
    this.limits = Object.freeze({ ...limits });
    for (const s of Object.keys(limits)) this.holders.set(s, []);
  }

  /**
   * Creates a frame arena charged to `subsystem`.
   *
   * Thread-safety: owner thread.
   * @throws {@link nebula-memory!MemoryError} `BUDGET_EXCEEDED` (nothing created), `INVALID_OPTION` for an unknown
   * subsystem, and every error of `memory.createArena`.
   * @example
   * ```ts
   * const fx = budgets.createArena('particles', 'fx', { capacity: 256 << 10, frames: 2 });
   * ```
   */
  createArena(subsystem: S, name: string, options: ArenaOptions): FrameArena {
    this.charge(subsystem, 'arena', name, alignUp(arenaRegionBytes(name, options), REGION_ALIGN));
    return this.add(subsystem, this.memory.createArena(name, options));
  }

  /**
   * Creates a pool charged to `subsystem`.
   *
   * Thread-safety: owner thread.
   * @throws {@link nebula-memory!MemoryError} `BUDGET_EXCEEDED` (nothing created), `INVALID_OPTION`, and every error of `memory.createPool`.
   * @example
   * ```ts
   * const voices = budgets.createPool('audio', 'voices', { slotSize: 64, capacity: 256 });
   * ```
   */
  createPool(subsystem: S, name: string, options: PoolOptions): Pool {
    this.charge(subsystem, 'pool', name, alignUp(poolRegionBytes(name, options), REGION_ALIGN));
    return this.add(subsystem, this.memory.createPool(name, options));
  }

  /**
   * Creates a stack charged to `subsystem`.
   *
   * Thread-safety: owner thread.
   * @throws {@link nebula-memory!MemoryError} `BUDGET_EXCEEDED` (nothing created), `INVALID_OPTION`, and every error of `memory.createStack`.
   * @example
   * ```ts
   * const layout = budgets.createStack('ui', 'layout', { capacity: 64 << 10 });
   * ```
   */
  createStack(subsystem: S, name: string, options: StackOptions): Stack {
    this.charge(subsystem, 'stack', name, alignUp(stackRegionBytes(name, options), REGION_ALIGN));
    return this.add(subsystem, this.memory.createStack(name, options));
  }

  /**
   * Charges an allocator that already exists (its region's bytes) to `subsystem`.
   *
   * Thread-safety: owner thread.
   * @throws {@link nebula-memory!MemoryError} `BUDGET_EXCEEDED` (then it is not charged); `INVALID_OPTION` for an
   * unknown subsystem, an allocator of another memory, or one charged already.
   * @example
   * ```ts
   * budgets.track('ui', memory.stack('layout'));
   * ```
   */
  track(subsystem: S, allocator: FrameArena | Pool | Stack): void {
    if (typeof allocator !== 'object' || (allocator as unknown) === null) this.bad(subsystem, `track: ${typeName(allocator)} is not an allocator`, 'pass an arena, pool or stack of this memory.');
    const kind = kindOf(allocator);
    const region = this.memory.regions().find((r) => r.name === allocator.name && r.kind === kind);
    if (region === undefined) this.bad(subsystem, `${kind} "${allocator.name}" is not a region of this memory`, 'pass an allocator of the memory the budgets were made for.');
    const had = this.owner.get(allocator);
    if (had !== undefined) this.bad(subsystem, `${kind} "${allocator.name}" is charged to "${had}" already`, 'charge each allocator to one subsystem.');
    this.charge(subsystem, kind, allocator.name, region.byteLength);
    this.add(subsystem, allocator);
  }

  /**
   * Bytes `subsystem` may still reserve.
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * if (budgets.remaining('particles') < 1 << 20) dropEffects();
   * ```
   */
  remaining(subsystem: S): number {
    return this.limitOf(subsystem) - this.reserved(subsystem);
  }

  /**
   * A frozen report of one subsystem: limit, reserved and used bytes, and every holder (a new
   * object: not for the frame path).
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * console.table(budgets.report('particles').holders);
   * ```
   */
  report(subsystem: S): BudgetReport {
    const limit = this.limitOf(subsystem);
    const holders = (this.holders.get(subsystem) ?? []).map((a) => Object.freeze({
      kind: kindOf(a), name: a.name, reserved: this.regionBytes(a), used: usedBytes(a),
    }));
    return Object.freeze({
      subsystem, limit, reserved: holders.reduce((s, h) => s + h.reserved, 0), used: holders.reduce((s, h) => s + h.used, 0),
      holders: Object.freeze(holders),
    });
  }

  /**
   * Reports of every subsystem, in the order the limits were given.
   *
   * Thread-safety: any worker.
   * @example
   * ```ts
   * for (const r of budgets.reports()) console.log(r.subsystem, r.reserved, r.limit);
   * ```
   */
  reports(): readonly BudgetReport[] {
    return Object.freeze((Object.keys(this.limits) as S[]).map((s) => this.report(s)));
  }

  private limitOf(subsystem: string): number {
    const limit = (this.limits as Readonly<Record<string, number>>)[subsystem];
    if (!this.holders.has(subsystem)) this.bad(subsystem, `no budget named "${subsystem}"`, `use one of ${Object.keys(this.limits).join(', ')}.`);
    return limit;
  }

  private reserved(subsystem: string): number {
    return (this.holders.get(subsystem) ?? []).reduce((s, a) => s + this.regionBytes(a), 0);
  }

  private regionBytes(a: Allocator): number {
    return this.memory.regions().find((r) => r.name === a.name)?.byteLength ?? 0;
  }

  private charge(subsystem: S, kind: RegionKind, name: string, bytes: number): void {
    const limit = this.limitOf(subsystem);
    const held = this.reserved(subsystem);
    if (held + bytes <= limit) return;
    const who = (this.holders.get(subsystem) ?? []).map((a) => `${kindOf(a)} "${a.name}" ${formatBytes(this.regionBytes(a))}`);
    throw typedError('BUDGET_EXCEEDED', `${kind} "${name}" needs ${formatBytes(bytes)}, but ${subsystem} holds ${formatBytes(held)} of its ${formatBytes(limit)}` +
      (who.length > 0 ? `: ${who.join(', ')}` : ''), {
      allocator: `budget "${subsystem}"`, request: { kind, name, bytes },
      state: { limit, reserved: held, free: limit - held, holders: who.join('; ') || 'none' },
      suggestion: `raise the ${subsystem} budget to at least ${held + bytes} bytes, make ${kind} "${name}" smaller, or move a holder to another subsystem.`,
    });
  }

  private add<A extends Allocator>(subsystem: S, a: A): A {
    this.holders.get(subsystem)?.push(a);
    this.owner.set(a, subsystem);
    return a;
  }

  private bad(subsystem: string, what: string, fix: string): never {
    throw memoryError('INVALID_OPTION', what, { allocator: `budget "${subsystem}"`, request: { subsystem }, state: { budgets: Object.keys(this.limits).join(', ') }, suggestion: fix });
  }
}

function kindOf(a: Allocator): RegionKind {
  return 'frames' in a ? 'arena' : 'slotSize' in a ? 'pool' : 'stack';
}

function usedBytes(a: Allocator): number {
  return 'frames' in a ? a.used : 'slotSize' in a ? a.live * a.stride : a.used;
}

/**
 * Makes byte budgets per subsystem over `memory`. The subsystem names become a type: a typo in
 * `createPool('partcles', ...)` does not compile.
 *
 * Thread-safety: owner thread.
 * @param limits - subsystem name → limit in bytes (a positive integer).
 * @throws {@link nebula-memory!MemoryError} `INVALID_OPTION` for a limit that is not a positive integer, or
 * limits that are not an object (`null`).
 * @example
 * ```ts
 * const budgets = createBudgets(memory, { particles: 4 << 20, audio: 1 << 20, ui: 512 << 10 });
 * budgets.createArena('ui', 'ui-frame', { capacity: 128 << 10, frames: 2 });
 * ```
 */
export function createBudgets<const S extends string>(memory: Memory, limits: Readonly<Record<S, number>>): Budgets<S> {
  if (typeof limits !== 'object' || (limits as unknown) === null) {
    throw memoryError('INVALID_OPTION', `createBudgets: limits are ${typeName(limits)}, not an object`, {
      allocator: 'budgets', request: { limits: typeName(limits) }, state: {}, suggestion: 'pass { subsystem: bytes, ... }, e.g. { particles: 4 << 20 }.',
    });
  }
  for (const [s, v] of Object.entries<number>(limits)) {
    if (!Number.isInteger(v) || v <= 0) {
      throw memoryError('INVALID_OPTION', `budget "${s}" has limit ${String(v)}`, {
        allocator: `budget "${s}"`, request: { [s]: v }, state: {}, suggestion: 'give every subsystem a positive whole number of bytes.',
      });
    }
  }
  return new Budgets(memory, limits);
}
