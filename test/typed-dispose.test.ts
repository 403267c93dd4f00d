import { describe, expect, it } from 'vitest';
import { itChecked } from './helpers.ts';
import { createMemory, type Memory, type Pool, type Stack } from '../src/index.ts';
import { frameScope, installSymbolDispose, memoryScope } from '../src/typed/index.ts';
import { SlotLoan } from '../src/allocators/pool/slot-loan.ts';
import { StackScope } from '../src/allocators/stack/scope.ts';
import * as compiled from './fixtures/typed-using.compiled.mjs';
import compiledSource from './fixtures/typed-using.compiled.mjs?raw';
import fixtureSource from './fixtures/typed-using.ts?raw';
import { expectError, inBrowser } from './typed-helpers.ts';

function setup(): { memory: Memory } {
  return { memory: createMemory({ size: 1 << 20 }) };
}

/** What the compiled `using` fixture calls: the method forms, pool.take() and stack.scope(). */
const lib = { takeSlot: (p: Pool) => p.take(), stackScope: (s: Stack) => s.scope() };
/** The key the wrappers use when the engine has no Symbol.dispose (WebKitGTK 2.50). */
const disposeKey: symbol = typeof Symbol.dispose === 'symbol' ? Symbol.dispose : Symbol.for('Symbol.dispose');

describe('pool.take(): a pool slot that frees itself', () => {
  it('frees at dispose, once; handle and offset read 0 after', () => {
    const { memory } = setup();
    const pool = memory.createPool('p', { slotSize: 16, capacity: 8 });
    const s = pool.take();
    expect(s).toBeInstanceOf(SlotLoan);
    expect(pool.isAlive(s.handle)).toBe(true);
    expect(s.offset).toBe(pool.offsetOf(s.handle));
    const h = s.handle;
    expect(pool.live).toBe(1);
    (s as unknown as Record<symbol, () => void>)[disposeKey]();
    expect(pool.live).toBe(0);
    expect(pool.isAlive(h)).toBe(false);
    expect([s.handle, s.offset]).toEqual([0, 0]);
    s.dispose(); // a second dispose does nothing
    expect(pool.live).toBe(0);
    pool.checkInvariants();
  });

  it('recycles its wrappers: no new object once as many were live as ever', () => {
    const { memory } = setup();
    const pool = memory.createPool('p', { slotSize: 16, capacity: 8 });
    const a = pool.take();
    const b = pool.take();
    b.dispose();
    a.dispose();
    const seen = new Set<SlotLoan>([a, b]);
    for (let i = 0; i < 100; i++) {
      const x = pool.take();
      const y = pool.take();
      seen.add(x).add(y);
      y.dispose();
      x.dispose();
    }
    expect(seen.size).toBe(2);
  });

  it('keep() returns the handle and disarms the loan; POOL_EXHAUSTED takes nothing', () => {
    const { memory } = setup();
    const pool = memory.createPool('p', { slotSize: 16, capacity: 1 });
    const s = pool.take();
    const h = s.keep();
    s.dispose();
    expect(pool.isAlive(h)).toBe(true);
    expectError(() => pool.take(), 'POOL_EXHAUSTED');
    pool.free(h);
    expect(pool.live).toBe(0);
  });

  itChecked('a slot freed behind the loan\'s back: dispose reports DOUBLE_FREE, the wrapper is still recycled', () => {
    const { memory } = setup();
    const pool = memory.createPool('p', { slotSize: 16, capacity: 4, batch: 1 });
    const s = pool.take();
    pool.free(s.handle);
    expectError(() => { s.dispose(); }, 'DOUBLE_FREE');
    expect(pool.take()).toBe(s);
  });
});

describe('stack.scope(): a mark that releases itself', () => {
  it('releases the blocks pushed inside; nests; recycles wrappers', () => {
    const { memory } = setup();
    const stack = memory.createStack('s', { capacity: 4096 });
    const outer = stack.scope();
    expect(outer).toBeInstanceOf(StackScope);
    stack.push(64);
    const inner = stack.scope();
    stack.push(32);
    expect(stack.depth).toBe(2);
    inner.dispose();
    expect(stack.depth).toBe(1);
    (outer as unknown as Record<symbol, () => void>)[disposeKey]();
    expect(stack.depth).toBe(0);
    expect(stack.used).toBe(0);
    outer.dispose(); // twice: nothing
    expect(stack.scope()).toBe(outer); // LIFO recycling
    stack.checkInvariants();
  });

  it('disposing out of order: the outer release frees the inner blocks, the inner dispose is INVALID_MARK', () => {
    const { memory } = setup();
    const stack = memory.createStack('s', { capacity: 4096 });
    const outer = stack.scope();
    stack.push(16);
    const inner = stack.scope();
    stack.push(16);
    outer.dispose();
    expect(stack.depth).toBe(0);
    expectError(() => { inner.dispose(); }, 'INVALID_MARK');
    stack.checkInvariants();
  });
});

describe('memoryScope() and frameScope()', () => {
  it('memoryScope frees a stack and rewinds an arena, also on throw, and returns the result', () => {
    const { memory } = setup();
    const stack = memory.createStack('s', { capacity: 4096 });
    const arena = memory.createArena('a', { capacity: 4096, frames: 1 });
    expect(memoryScope(stack, (s) => { s.push(100); s.push(100); return s.depth; })).toBe(2);
    expect(stack.depth).toBe(0);
    arena.alloc(8);
    const before = arena.mark();
    expect(() => memoryScope(arena, (a) => { a.alloc(256); throw new Error('x'); })).toThrow('x');
    expect(arena.mark()).toBe(before);
    const p = memoryScope(arena, (a) => a.alloc(64));
    expect(arena.alloc(64)).toBe(p); // the scope's block was rewound
  });

  it('frameScope runs one frame: releases scratch, advances; a throw releases but does not advance', () => {
    const { memory } = setup();
    const scratch = memory.createStack('s', { capacity: 4096 });
    const frame = memory.createArena('f', { capacity: 4096, frames: 1 });
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = frameScope(memory, (f) => { seen.push(f); scratch.push(128); frame.alloc(512); return f * 10; }, scratch);
      expect(r).toBe(i * 10);
      expect(scratch.depth).toBe(0);
    }
    expect(seen).toEqual([0, 1, 2]);
    expect(memory.frame).toBe(3);
    expect(() => frameScope(memory, () => { scratch.push(8); throw new Error('bad frame'); }, scratch)).toThrow('bad frame');
    expect(scratch.depth).toBe(0);
    expect(memory.frame).toBe(3);
    expect(frameScope(memory, (f) => f)).toBe(3);
    memory.checkInvariants();
  });
});

describe('`using`, as TypeScript 5.9 compiles it for ES2022 (runs in Node 20, Chromium, Firefox, WebKit)', () => {
  it('the compiled fixture is the current tsc output of its source', async () => {
    if (inBrowser) {
      expect(compiledSource).toContain('__addDisposableResource'); // the TypeScript helper, not native `using`
      return;
    }
    const name = 'typescript';
    const ts = (await import(/* @vite-ignore */ name)) as typeof import('typescript');
    const out = ts.transpileModule(fixtureSource, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
    expect(out).toBe(compiledSource);
  });

  it('needs a global Symbol.dispose: present here, or defined by installSymbolDispose() on request', () => {
    const had = typeof Symbol.dispose === 'symbol';
    if (!had) {
      // WebKitGTK 2.50: TypeScript's helper refuses before anything is taken
      const { memory } = setup();
      const pool = memory.createPool('p', { slotSize: 8, capacity: 2 });
      expect(() => compiled.slotInBlock(lib, pool, memory.f32)).toThrow(/Symbol\.dispose is not defined/);
      expect(navigator.userAgent).toMatch(/AppleWebKit/);
      expect(navigator.userAgent).not.toMatch(/Chrome|Firefox/);
    }
    const sym = installSymbolDispose();
    expect(sym).toBe(Symbol.dispose);
    expect(sym).toBe(disposeKey); // the wrappers' key
    expect(installSymbolDispose()).toBe(sym);
  });

  it('frees slots and releases scopes at the end of each block, on return and on throw', () => {
    installSymbolDispose();
    const { memory } = setup();
    const pool = memory.createPool('p', { slotSize: 16, capacity: 4, batch: 1 });
    const stack = memory.createStack('s', { capacity: 4096 });
    const r = compiled.slotInBlock(lib, pool, memory.f32);
    expect(r.liveInside).toBe(1);
    expect(r.liveAfter).toBe(0);
    expect(pool.isAlive(r.handle)).toBe(false);
    expect(compiled.nestedScopes(lib, stack)).toEqual([3, 1, 1, 0]);
    expect(() => { compiled.throwInside(lib, pool, stack); }).toThrow(/boom/);
    expect(pool.live).toBe(0);
    expect(stack.depth).toBe(0);
    expect(compiled.loop(lib, pool, 1000)).toBe(0);
    const kept = compiled.keepPastBlock(lib, pool);
    expect(pool.isAlive(kept)).toBe(true);
    pool.free(kept);
    pool.checkInvariants();
    stack.checkInvariants();
  });
});

/** Can this environment load a module written with `using`? Node: vitest lowers it; browsers: native only. */
function canLoadUsingSyntax(): boolean {
  if (!inBrowser) return true;
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a syntax probe, nothing runs
    new Function('{ using x = null; }');
    return true;
  } catch {
    return false;
  }
}

describe('`using` as written in TypeScript (native in Chromium 156 and Firefox 153; lowered by vitest in Node 20)', () => {
  it('runs the same scenarios, or the engine is WebKit, which has no `using` yet', async () => {
    if (!canLoadUsingSyntax()) {
      expect(navigator.userAgent).toMatch(/AppleWebKit/);
      expect(navigator.userAgent).not.toMatch(/Chrome|Firefox/);
      return;
    }
    const native = await import('./fixtures/typed-using.ts');
    const { memory } = setup();
    const pool = memory.createPool('p', { slotSize: 16, capacity: 4 });
    const stack = memory.createStack('s', { capacity: 4096 });
    expect(native.slotInBlock(lib, pool, memory.f32).liveAfter).toBe(0);
    expect(native.nestedScopes(lib, stack)).toEqual([3, 1, 1, 0]);
    expect(() => { native.throwInside(lib, pool, stack); }).toThrow(/boom/);
    expect([pool.live, stack.depth]).toEqual([0, 0]);
    expect(native.loop(lib, pool, 100)).toBe(0);
  });
});
