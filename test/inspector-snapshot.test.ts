/**
 * Inspector snapshots: a memory's state as JSON, rebuilt into a frozen copy that the inspector
 * draws exactly as it drew the live memory; the data areas are left out; anything that is not a
 * snapshot of this layout is refused with INVALID_OPTION.
 */
import { describe, expect, it } from 'vitest';
import { InspectorRenderer } from '../src/inspector/renderer.ts';
import { type InspectorSnapshot, SNAPSHOT_FORMAT, openSnapshot, takeSnapshot } from '../src/inspector/snapshot.ts';
import { G_VERSION, LAYOUT_VERSION } from '../src/memory/layout.ts';
import { StubContext } from './fixtures/inspector-stub-context.ts';
import { filledMemory } from './fixtures/inspector-setup.ts';
import { expectCode } from './helpers.ts';

/** The readout of `memory` drawn at 1024 x 720, without the draw count. */
function drawn(memory: Parameters<typeof takeSnapshot>[0]) {
  const r = new InspectorRenderer(memory, new StubContext().asContext(), { width: 1024, height: 720, dpr: 1 });
  r.draw();
  const { drawn, ...rest } = r.readout();
  expect(drawn).toBe(1);
  return rest;
}

/** A JSON round trip, as a file would make it. */
const viaJson = (s: InspectorSnapshot): unknown => JSON.parse(JSON.stringify(s));

describe('inspector snapshots', () => {
  it('a loaded snapshot draws what the live memory drew: regions, grid, threads, timeline', () => {
    const { memory } = filledMemory();
    const live = drawn(memory);
    const snap = takeSnapshot(memory);
    expect(snap).toMatchObject({ format: SNAPSHOT_FORMAT, version: 1, frame: 5, buffer: { byteLength: 16 << 20 } });
    expect(snap.memory.regions.map((r) => r.name)).toEqual(['frame', 'slots', 'scratch']);
    const copy = openSnapshot(viaJson(snap));
    expect(copy.shared).toBe(false);
    const loaded = new InspectorRenderer(copy, new StubContext().asContext(), { width: 1024, height: 720, dpr: 1 });
    loaded.model.showSnapshot(copy.threadId, snap.takenAt);
    loaded.draw();
    const { drawn: once, ...fromSnapshot } = loaded.readout();
    expect(once).toBe(1);
    expect(fromSnapshot).toEqual(live);
    // the copy is a memory like any other: its invariants hold, and it has the viewer as one more thread
    copy.checkInvariants();
    expect(copy.threads().map((t) => t.name)).toEqual(['main', 'snapshot-viewer']);
  });

  it('leaves the allocators\' data out: slot contents are zero in the copy, their metadata is not', () => {
    const { memory, pool } = filledMemory();
    const h = pool.alloc();
    const at = pool.offsetOf(h);
    memory.f64[at >> 3] = 1234.5;
    const snap = takeSnapshot(memory);
    const bytes = snap.buffer.runs.reduce((n, [, b64]) => n + atob(b64).length, 0);
    // a 16 MiB memory: the header and tables, three allocator headers, 1000 slots' metadata, stats blocks
    expect(bytes).toBeLessThan(64 << 10);
    const copy = openSnapshot(viaJson(snap));
    expect(copy.f64[at >> 3]).toBe(0);
    expect(copy.pool('slots').stats().live).toBe(301);
  });

  it('refuses anything that is not a snapshot of this layout with INVALID_OPTION, and nothing else', () => {
    const { memory } = filledMemory();
    const good = viaJson(takeSnapshot(memory)) as InspectorSnapshot;
    const cases: unknown[] = [
      null, 42, 'snapshot', {}, { ...good, format: 'other' }, { ...good, version: 2 },
      { ...good, buffer: null }, { ...good, buffer: { byteLength: -8, runs: [] } }, { ...good, buffer: { byteLength: 12.5, runs: [] } },
      { ...good, buffer: { byteLength: 2 ** 31, runs: [] } }, { ...good, buffer: { byteLength: 1024, runs: 'x' } },
      { ...good, buffer: { ...good.buffer, runs: [[-4, 'AAAA']] } }, { ...good, buffer: { ...good.buffer, runs: [[6, 'AAAA']] } },
      { ...good, buffer: { ...good.buffer, runs: [[0, '%%%']] } }, { ...good, buffer: { ...good.buffer, runs: [[(16 << 20) - 2, 'AAAA']] } },
      { ...good, buffer: { ...good.buffer, runs: [null] } },
      { ...good, buffer: { byteLength: 1024, runs: [] } }, // no header: not a nebula-memory buffer
    ];
    for (const c of cases) {
      const e = expectCode(() => openSnapshot(c), 'INVALID_OPTION');
      expect(e.message).toContain('not a snapshot the inspector can load');
      expect(e.suggestion).not.toBe('');
    }
    // another layout version: says which, and what to do
    const old = viaJson(good) as InspectorSnapshot;
    const first = old.buffer.runs[0];
    const words = Uint8Array.from(atob(first[1]), (c) => c.charCodeAt(0));
    new DataView(words.buffer).setInt32(G_VERSION * 4, LAYOUT_VERSION - 1, true);
    const patched = { ...old, buffer: { ...old.buffer, runs: [[first[0], btoa(String.fromCharCode(...words))], ...old.buffer.runs.slice(1)] } };
    const e = expectCode(() => openSnapshot(patched), 'INVALID_OPTION');
    expect(e.message).toContain(`layout version is ${String(LAYOUT_VERSION - 1)}, this library reads ${String(LAYOUT_VERSION)}`);
    memory.checkInvariants();
  });
});
