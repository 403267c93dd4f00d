import { describe, expect, it } from 'vitest';
import { createMemory } from '../src/index.ts';
import { createBudgets } from '../src/typed/index.ts';
import { expectError } from './typed-helpers.ts';

describe('createBudgets(): byte limits per subsystem', () => {
  it('charges each region\'s bytes and reports holders, reserved and used', () => {
    const memory = createMemory({ size: 8 << 20 });
    const budgets = createBudgets(memory, { particles: 1 << 20, audio: 256 << 10, ui: 128 << 10 });
    const sparks = budgets.createPool('particles', 'sparks', { slotSize: 32, capacity: 1000 });
    const fx = budgets.createArena('particles', 'fx', { capacity: 64 << 10, frames: 2 });
    const layout = budgets.createStack('ui', 'layout', { capacity: 32 << 10 });
    const r = budgets.report('particles');
    const regions = new Map(memory.regions().map((x) => [x.name, x.byteLength]));
    expect(r.holders.map((h) => [h.kind, h.name, h.reserved])).toEqual([['pool', 'sparks', regions.get('sparks')], ['arena', 'fx', regions.get('fx')]]);
    expect(r.reserved).toBe((regions.get('sparks') ?? 0) + (regions.get('fx') ?? 0));
    expect(budgets.remaining('particles')).toBe((1 << 20) - r.reserved);
    sparks.alloc();
    fx.alloc(1000);
    layout.push(100);
    expect(budgets.report('particles').used).toBe(sparks.stride + fx.used);
    expect(budgets.report('ui').used).toBe(layout.used);
    expect(budgets.reports().map((x) => x.subsystem)).toEqual(['particles', 'audio', 'ui']);
    expect(Object.isFrozen(r) && Object.isFrozen(r.holders)).toBe(true);
  });

  it('BUDGET_EXCEEDED names the subsystem, the request and who holds what; nothing is created', () => {
    const memory = createMemory({ size: 8 << 20 });
    const budgets = createBudgets(memory, { particles: 256 << 10 });
    budgets.createPool('particles', 'smoke', { slotSize: 64, capacity: 2000 });
    budgets.createArena('particles', 'fx', { capacity: 64 << 10 });
    const regions = memory.regions().length;
    const e = expectError(() => budgets.createPool('particles', 'sparks', { slotSize: 32, capacity: 4000 }), 'BUDGET_EXCEEDED');
    expect(e.allocator).toBe('budget "particles"');
    expect(e.message).toContain('pool "sparks" needs');
    expect(e.message).toContain('pool "smoke"');
    expect(e.message).toContain('arena "fx"');
    expect(e.request).toMatchObject({ kind: 'pool', name: 'sparks' });
    expect(e.state.limit).toBe(256 << 10);
    expect(e.suggestion).toMatch(/raise the particles budget to at least \d+ bytes/);
    expect(memory.regions().length).toBe(regions);
    expect(() => memory.pool('sparks')).toThrow();
  });

  it('track() charges existing allocators once; unknown subsystems and strangers are INVALID_OPTION', () => {
    const memory = createMemory({ size: 4 << 20 });
    const other = createMemory({ size: 1 << 20 });
    const budgets = createBudgets(memory, { ui: 64 << 10 });
    const s = memory.createStack('layout', { capacity: 16 << 10 });
    budgets.track('ui', s);
    expect(budgets.report('ui').holders[0].name).toBe('layout');
    expectError(() => { budgets.track('ui', s); }, 'INVALID_OPTION');
    expectError(() => { budgets.track('ui', other.createStack('x', { capacity: 1024 })); }, 'INVALID_OPTION');
    expectError(() => { budgets.track('audio' as 'ui', memory.createStack('y', { capacity: 1024 })); }, 'INVALID_OPTION');
    expectError(() => budgets.createStack('ui', 'big', { capacity: 1 << 20 }), 'BUDGET_EXCEEDED');
    expectError(() => createBudgets(memory, { bad: 0 }), 'INVALID_OPTION');
    expectError(() => createBudgets(memory, { bad: 1.5 }), 'INVALID_OPTION');
  });
});
