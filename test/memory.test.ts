import { describe, expect, it } from 'vitest';
import { attachMemory, createMemory, isolationReport, MemoryError } from '../src/index.ts';
import { DATA_START, G_FRAME, G_MAGIC, G_VERSION, LAYOUT_VERSION, MAGIC, MAX_REGIONS } from '../src/memory/layout.ts';
import { expectCode, inBrowser } from './helpers.ts';

describe('createMemory', () => {
  it('writes the global header and builds the views once', () => {
    const m = createMemory({ size: 1 << 16 });
    expect(m.shared).toBe(true);
    expect(m.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(m.i32[G_MAGIC]).toBe(MAGIC);
    expect(m.i32[G_VERSION]).toBe(LAYOUT_VERSION);
    expect(m.byteLength).toBe(1 << 16);
    expect(m.threadId).toBe(0);
    expect(m.frame).toBe(0);
    expect(m.unusedBytes).toBe((1 << 16) - DATA_START);
    expect(m.f32.buffer).toBe(m.buffer);
    expect(m.f64.length).toBe((1 << 16) / 8);
    expect(m.regions()).toEqual([]);
    m.checkInvariants();
  });

  it('rejects bad sizes with INVALID_OPTION', () => {
    for (const size of [0, 100, 8191, 8196, 1.5, Number.NaN, (1 << 30) + 8]) {
      expectCode(() => createMemory({ size }), 'INVALID_OPTION');
    }
  });

  it('in single-thread mode uses an ArrayBuffer and refuses to share', () => {
    const m = createMemory({ size: 1 << 16, shared: false });
    expect(m.shared).toBe(false);
    expect(m.buffer).toBeInstanceOf(ArrayBuffer);
    expect(m.isolation.reason).toMatch(/single-thread/);
    const a = m.createArena('a', { capacity: 256 });
    expect(a.alloc(8)).toBeGreaterThan(0);
    const err = expectCode(() => m.share(), 'NOT_SHARED');
    expect(err.suggestion).not.toContain('Cross-Origin'); // shared: false was a choice: no headers to suggest
    m.checkInvariants();
  });

  it('reports isolation for this environment', () => {
    const r = isolationReport();
    expect(r.shared).toBe(true);
    expect(r.environment).toBe(inBrowser ? 'window' : 'node');
    if (inBrowser) expect(r.crossOriginIsolated).toBe(true);
    expect(r.requiredHeaders).toHaveLength(2);
  });
});

describe('region table', () => {
  it('creates regions on 64-byte boundaries, in order, findable by name', () => {
    const m = createMemory({ size: 1 << 16 });
    const a = m.createArena('frame', { capacity: 1000 });
    const p = m.createPool('bullets', { slotSize: 16, capacity: 10 });
    const s = m.createStack('scratch', { capacity: 100 });
    const regions = m.regions();
    expect(regions.map((r) => [r.name, r.kind])).toEqual([['frame', 'arena'], ['bullets', 'pool'], ['scratch', 'stack']]);
    expect(regions[0].offset).toBe(DATA_START);
    for (const r of regions) {
      expect(r.offset % 64).toBe(0);
      expect(r.byteLength % 64).toBe(0);
    }
    expect(regions[1].offset).toBe(regions[0].offset + regions[0].byteLength);
    expect(m.arena('frame')).toBe(a);
    expect(m.pool('bullets')).toBe(p);
    expect(m.stack('scratch')).toBe(s);
    m.checkInvariants();
  });

  it('refuses duplicates, unknown names, wrong kinds and bad names', () => {
    const m = createMemory({ size: 1 << 16 });
    m.createArena('frame', { capacity: 1000 });
    expectCode(() => m.createPool('frame', { slotSize: 8, capacity: 1 }), 'REGION_EXISTS');
    expect(expectCode(() => m.pool('nope'), 'REGION_NOT_FOUND').state.regions).toBe('arena "frame"');
    expectCode(() => m.pool('frame'), 'REGION_KIND_MISMATCH');
    for (const name of ['', 'a b', 'x'.repeat(32), 'é', 42 as unknown as string]) {
      expectCode(() => m.createStack(name, { capacity: 64 }), 'INVALID_NAME');
    }
    expect(m.regions()).toHaveLength(1);
    m.checkInvariants();
  });

  it('reports OUT_OF_MEMORY with the size to ask for, and stays intact', () => {
    const m = createMemory({ size: 16384 });
    const err = expectCode(() => m.createArena('big', { capacity: 1 << 20 }), 'OUT_OF_MEMORY');
    expect(err.suggestion).toMatch(/size >= \d+/);
    expect(m.regions()).toHaveLength(0);
    expect(m.unusedBytes).toBe(16384 - DATA_START);
    m.checkInvariants();
  });

  it('holds at most MAX_REGIONS regions', () => {
    const m = createMemory({ size: 1 << 20 });
    for (let i = 0; i < MAX_REGIONS; i++) m.createStack(`s${i}`, { capacity: 64 });
    expectCode(() => m.createStack('one-more', { capacity: 64 }), 'REGION_TABLE_FULL');
    m.checkInvariants();
  });

  it('rejects invalid allocator options', () => {
    const m = createMemory({ size: 1 << 16 });
    expectCode(() => m.createArena('a', { capacity: 0 }), 'INVALID_OPTION');
    expectCode(() => m.createArena('a', { capacity: 64, frames: 5 }), 'INVALID_OPTION');
    expectCode(() => m.createArena('a', { capacity: 64, laneBytes: 100 }), 'INVALID_OPTION');
    expectCode(() => m.createPool('p', { slotSize: 0, capacity: 1 }), 'INVALID_OPTION');
    expectCode(() => m.createPool('p', { slotSize: 8, capacity: 0 }), 'INVALID_OPTION');
    expectCode(() => m.createPool('p', { slotSize: 8, capacity: 1, align: 3 }), 'INVALID_OPTION');
    expectCode(() => m.createPool('p', { slotSize: 8, capacity: 1, batch: 0 }), 'INVALID_OPTION');
    expectCode(() => m.createStack('s', { capacity: -1 }), 'INVALID_OPTION');
    expect(m.regions()).toHaveLength(0);
  });
});

describe('share and attach', () => {
  it('gives a second thread the same allocators by name', () => {
    const m = createMemory({ size: 1 << 16 });
    const pool = m.createPool('p', { slotSize: 8, capacity: 4, batch: 1 });
    const h = pool.alloc();
    m.f64[pool.offsetOf(h) >> 3] = 42.5;
    const init = m.share();
    expect(init.kind).toBe('nebula-memory');
    const w = attachMemory(init);
    expect(w.threadId).toBe(1);
    expect(w.buffer).toBe(m.buffer);
    const wp = w.pool('p');
    expect(wp).not.toBe(pool);
    expect(wp.isAlive(h)).toBe(true);
    expect(w.f64[wp.offsetOf(h) >> 3]).toBe(42.5);
    expect(wp.live).toBe(1);
    wp.free(h);
    expect(pool.isAlive(h)).toBe(false);
    w.checkInvariants();
  });

  it('hands out the lowest free thread id and takes it back on detach', () => {
    const m = createMemory({ size: 1 << 16 });
    const a = attachMemory(m.share());
    const b = attachMemory(m.share());
    expect([a.threadId, b.threadId]).toEqual([1, 2]);
    a.detach();
    expectCode(() => a.arena('x'), 'DETACHED');
    expect(attachMemory(m.share()).threadId).toBe(1);
  });

  it('refuses a 65th thread with TOO_MANY_THREADS', () => {
    const m = createMemory({ size: 1 << 16 });
    for (let i = 1; i < 64; i++) attachMemory(m.share());
    expectCode(() => attachMemory(m.share()), 'TOO_MANY_THREADS');
  });

  it('rejects foreign, corrupt and unshared buffers', () => {
    const m = createMemory({ size: 1 << 16 });
    const init = m.share();
    expectCode(() => attachMemory({ ...init, buffer: new SharedArrayBuffer(1 << 16) }), 'BAD_MAGIC');
    expectCode(() => attachMemory({ ...init, version: 99 }), 'BAD_VERSION');
    expectCode(() => attachMemory({ ...init, buffer: new SharedArrayBuffer(16) }), 'BAD_BUFFER');
    expectCode(() => attachMemory({ ...init, buffer: new ArrayBuffer(1 << 16) as unknown as SharedArrayBuffer }), 'NOT_SHARED');
    expectCode(() => attachMemory(null as unknown as typeof init), 'BAD_BUFFER');
    const copy = new SharedArrayBuffer(1 << 16);
    new Uint8Array(copy).set(new Uint8Array(m.buffer));
    new Int32Array(copy)[G_VERSION] = 7;
    expectCode(() => attachMemory({ ...init, buffer: copy }), 'BAD_VERSION');
    new Int32Array(copy)[G_VERSION] = LAYOUT_VERSION;
    new Int32Array(copy)[2] = 12345; // G_SIZE
    expectCode(() => attachMemory({ ...init, buffer: copy }), 'BAD_BUFFER');
    m.checkInvariants();
  });
});

describe('frames', () => {
  it('advance() moves the frame number on in every thread', () => {
    const m = createMemory({ size: 1 << 16 });
    const w = attachMemory(m.share());
    expect(m.advance()).toBe(1);
    expect(m.advance()).toBe(2);
    expect(w.frame).toBe(2);
    expect(Atomics.load(m.i32, G_FRAME)).toBe(2);
  });

  it('MemoryError is a real Error with a frozen request and state', () => {
    const m = createMemory({ size: 1 << 16 });
    const err = expectCode(() => m.arena('missing'), 'REGION_NOT_FOUND');
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(MemoryError);
    expect(Object.isFrozen(err.request)).toBe(true);
    expect(err.request).toEqual({ name: 'missing', kind: 'arena' });
    expect(err.message).toContain('fix: create it first');
  });
});
