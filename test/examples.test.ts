/**
 * The examples in examples/ run as tests: each `run*()` returns what it observed, and these tests
 * assert it. Runs in every project (node, node-fast, chromium, firefox, webkit); the parts that
 * start worker_threads run in Node only, and test/examples-browser.test.ts runs them on module
 * Web Workers in the browsers.
 */
import { mat4, quat, vec3 } from 'gl-matrix';
import { expectWorkerPool } from './fixtures/examples-expect.ts';
import { describe, expect, it } from 'vitest';
import { type MemoryErrorCode, createMemory } from '../src/index.ts';
import { runBenchmarking } from '../examples/benchmarking/run.ts';
import { percentile } from '../examples/benchmarking/frame-meter.ts';
import { allocOrSkip, policyOf } from '../examples/error_handling/read-error.ts';
import { allMisuses, runErrorHandling, type Observation } from '../examples/error_handling/walkthrough.ts';
import { Bodies, runEcsSoa } from '../examples/integration_patterns/ecs-soa.ts';
import { runGlMatrixTemps } from '../examples/integration_patterns/gl-matrix-temps.ts';
import type { InstancedMeshResult } from '../examples/integration_patterns/instanced-mesh.ts';
import { instanceMatrixAt } from '../examples/integration_patterns/matrix-writer.ts';
import { CHECKS, inBrowser } from './helpers.ts';

describe('examples/error_handling', () => {
  const result = runErrorHandling();
  const byCode = (code: MemoryErrorCode): Observation => {
    const o = result.observations.find((x) => x.expected === code);
    if (o === undefined) throw new Error(`no misuse for ${code}`);
    return o;
  };
  /** The error of a case that ran (fails the test if it was skipped). */
  const errorOf = (code: MemoryErrorCode) => {
    const e = byCode(code).error;
    if (e === null) throw new Error(`${code} was skipped`);
    return e;
  };

  it('triggers every misuse: the checked build reports each code, the fast build the ones it keeps', () => {
    expect(result.checkedBuild).toBe(CHECKS);
    expect(result.observations).toHaveLength(allMisuses.length);
    for (const o of result.observations) {
      if (o.checkedOnly && !CHECKS) {
        expect(o.outcome, o.title).toBe('skipped');
        continue;
      }
      expect(o.outcome, o.title).toBe('caught');
      expect(o.error?.code, o.title).toBe(o.expected);
      expect(o.error?.docs, o.title).toMatch(new RegExp(`ERRORS\\.md#${o.expected.toLowerCase()}$`));
      expect(o.error?.summary, o.title).toMatch(new RegExp(`^\\[${o.expected}\\] `));
      expect(o.error?.suggestion.length, o.title).toBeGreaterThan(0);
    }
    // what the fast build still reports: exhaustion, setup, thread lifecycle, marks, arena sizes
    const reportedInFast = result.observations.filter((o) => !o.checkedOnly).map((o) => o.expected);
    expect(reportedInFast).toEqual([
      'POOL_EXHAUSTED', 'INVALID_MARK', 'STACK_OVERFLOW', 'ALLOC_TOO_LARGE', 'ARENA_EXHAUSTED', 'INVALID_ALIGN',
      'LANE_LEASED', 'THREAD_RECLAIMED', 'DETACHED', 'NOT_SHARED', 'REGION_NOT_FOUND', 'REGION_KIND_MISMATCH',
      'OUT_OF_MEMORY', 'INVALID_OPTION', 'TEMP_RING_EXHAUSTED',
    ]);
  });

  it('leaves the memory intact after every error: checkInvariants() passes, and it still allocates', () => {
    for (const o of result.observations) expect(o.invariantsOk, o.title).toBe(true);
    expect(result.afterwards.invariantsOk).toBe(true);
    expect(result.afterwards.bullet).toBeGreaterThan(0);
    expect(result.afterwards.frameOffset % 16).toBe(0);
  });

  it('reads request and state with the real numbers (both builds)', () => {
    const pool = errorOf('POOL_EXHAUSTED');
    expect(pool.allocator).toBe('pool "bullets"');
    expect(pool.request).toEqual({ op: 'alloc' });
    expect(pool.state).toMatchObject({ capacity: 8, live: 8, free: 0, stride: 16 });
    expect(byCode('POOL_EXHAUSTED').facts).toEqual({ capacity: 8, tryAlloc: 0, held: 8 });

    expect(errorOf('ALLOC_TOO_LARGE').request).toEqual({ size: 8192, align: 8 });
    expect(errorOf('ALLOC_TOO_LARGE').state).toMatchObject({ capacity: 4096, used: 0 });
    expect(errorOf('ALLOC_TOO_LARGE').suggestion).toContain('capacity >= 8200');
    expect(errorOf('ARENA_EXHAUSTED').request).toEqual({ size: 1024, align: 8 });
    expect(errorOf('ARENA_EXHAUSTED').state).toMatchObject({ capacity: 4096, used: 4096, frames: 2 });
    expect(byCode('ARENA_EXHAUSTED').facts.tryAlloc).toBe(0);
    expect(errorOf('INVALID_ALIGN').request).toEqual({ size: 24, align: 12 });
    expect(errorOf('STACK_OVERFLOW').request).toEqual({ size: 2048, align: 8 });
    expect(byCode('STACK_OVERFLOW').facts.tryPush).toBe(0);
    const mark = byCode('INVALID_MARK');
    expect(errorOf('INVALID_MARK').request).toEqual({ mark: mark.facts.inner });
    expect(mark.facts.inner - mark.facts.outer).toBe(40); // 32 bytes + 8 of bookkeeping

    const lane = errorOf('LANE_LEASED');
    expect(lane.policy).toBe('recover');
    expect(lane.request).toEqual({ frame: byCode('LANE_LEASED').facts.frameBefore + 2 });
    expect(String(lane.state.holders)).toBe(`thread ${byCode('LANE_LEASED').facts.worker} "sim-1" (lease in frame ${byCode('LANE_LEASED').facts.frameBefore}, 1 frame(s) behind)`);
    expect(byCode('THREAD_RECLAIMED').facts.leasesReleased).toBe(1);
    expect(errorOf('THREAD_RECLAIMED').request).toMatchObject({ op: 'publishStats', thread: byCode('THREAD_RECLAIMED').facts.worker });
    expect(errorOf('DETACHED').request).toEqual({ op: 'arena' });
    expect(errorOf('NOT_SHARED').state).toEqual({ reason: 'single-thread mode was asked for (shared: false).' });
    expect(byCode('NOT_SHARED').facts.shared).toBe(0);
    expect(String(errorOf('REGION_NOT_FOUND').state.regions)).toBe('arena "frame", pool "bullets", stack "scratch", pool "debris", arena "guarded"');
    expect(errorOf('REGION_KIND_MISMATCH').state).toEqual({ actualKind: 'arena' });
    const oom = errorOf('OUT_OF_MEMORY');
    expect(oom.state.free).toBe(byCode('OUT_OF_MEMORY').facts.unusedBytes);
    expect(Number(oom.request.bytes)).toBeGreaterThan(4 << 20);
    expect(errorOf('INVALID_OPTION').request).toEqual({ capacity: 0 });
    expect(errorOf('TEMP_RING_EXHAUSTED').state).toMatchObject({ capacity: 16, views: 32 });
    expect(policyOf('OUT_OF_MEMORY')).toBe('fix-setup');
    expect(policyOf('DOUBLE_FREE')).toBe('fix-code');
  });

  it.runIf(CHECKS)('reads handle, stack and arena details of the checked-only errors', () => {
    const dbl = byCode('DOUBLE_FREE');
    expect(errorOf('DOUBLE_FREE').request).toEqual({ op: 'free', handle: dbl.facts.handle });
    expect(errorOf('DOUBLE_FREE').state).toMatchObject({ slot: 0, handleGeneration: 1, slotGeneration: 2, slotLive: false });
    const stale = byCode('STALE_HANDLE');
    expect(stale.facts.aliveOld).toBe(0);
    expect(stale.facts.current - stale.facts.stale).toBe(128); // one generation: 3 index bits + 4 tag bits
    expect(errorOf('STALE_HANDLE').state).toMatchObject({ handleGeneration: 2, slotGeneration: 3, slotLive: true });
    expect(errorOf('INVALID_HANDLE').request).toEqual({ op: 'free', handle: 0 });
    const foreign = errorOf('FOREIGN_HANDLE').state;
    expect(foreign.handleTag).not.toBe(foreign.poolTag);
    const lifo = byCode('LIFO_VIOLATION');
    expect(errorOf('LIFO_VIOLATION').request).toEqual({ offset: lifo.facts.older, top: lifo.facts.newer });
    expect(lifo.facts.newer - lifo.facts.older).toBe(80); // 64 bytes + 8 of bookkeeping, 16-aligned
    expect(errorOf('INVALID_SIZE').request).toEqual({ size: 0, align: 16 });
    expect(errorOf('RED_ZONE_OVERWRITTEN').request).toEqual({ block: byCode('RED_ZONE_OVERWRITTEN').facts.block, size: 16 });
    expect(errorOf('RED_ZONE_OVERWRITTEN').state).toMatchObject({ redZone: 8, byte: 0 });
    const uar = byCode('USE_AFTER_RESET');
    expect(errorOf('USE_AFTER_RESET').request).toEqual({ offset: uar.facts.offset, epoch: uar.facts.epoch });
    expect(errorOf('WRONG_THREAD').request).toEqual({ op: 'push', thread: byCode('WRONG_THREAD').facts.worker });
    expect(errorOf('WRONG_THREAD').state).toMatchObject({ owner: 0 });
    expect(errorOf('STRUCT_INVALID').request).toEqual({ offset: byCode('STRUCT_INVALID').facts.offset + 4 });
    expect(errorOf('STRUCT_INVALID').allocator).toBe('struct "Enemy"');
  });

  it('counts the errors per region in the snapshot', () => {
    expect(result.errorsByRegion).toEqual(CHECKS
      ? {
          frame: { errors: 5, lastError: 'USE_AFTER_RESET' }, bullets: { errors: 5, lastError: 'POOL_EXHAUSTED' },
          scratch: { errors: 4, lastError: 'WRONG_THREAD' }, debris: { errors: 0, lastError: null },
          guarded: { errors: 1, lastError: 'RED_ZONE_OVERWRITTEN' }, tmp: { errors: 0, lastError: null },
        }
      : {
          frame: { errors: 3, lastError: 'INVALID_ALIGN' }, bullets: { errors: 1, lastError: 'POOL_EXHAUSTED' },
          scratch: { errors: 2, lastError: 'STACK_OVERFLOW' }, debris: { errors: 0, lastError: null },
          guarded: { errors: 0, lastError: null }, tmp: { errors: 0, lastError: null },
        });
  });

  it('allocOrSkip turns "full this frame" into 0 and rethrows everything else', () => {
    const frame = createMemory({ size: 1 << 16 }).createArena('sparks', { capacity: 64, frames: 0 });
    expect(allocOrSkip(() => frame.alloc(48))).toBeGreaterThan(0);
    expect(allocOrSkip(() => frame.alloc(48))).toBe(0); // ARENA_EXHAUSTED: skip the effect
    expect(() => allocOrSkip(() => frame.alloc(128))).toThrow(/ALLOC_TOO_LARGE/); // never fits: a setup bug
    expect(() => allocOrSkip(() => { throw new TypeError('not ours'); })).toThrow(TypeError);
  });
});

describe('examples/integration_patterns (no workers)', () => {
  it('gl-matrix temporaries: views of the shared buffer, same floats as gl-matrix on its own arrays', () => {
    const r = runGlMatrixTemps();
    expect(r.viewsOfSharedBuffer).toBe(true);
    expect(r.matchesPlainGlMatrix).toBe(true);
    expect(r.clip).toHaveLength(16);
    for (const k of ['vec3', 'mat4', 'quat', 'vec4'] as const) {
      expect(r.ringUse[k].peak, k).toBeGreaterThan(0);
      expect(r.ringUse[k].peak, k).toBeLessThanOrEqual(r.ringUse[k].capacity + 16); // the ring's step of spare views
    }
  });

  it('ECS in SoA layout: exact columns, systems, row reuse', () => {
    const r = runEcsSoa();
    expect(r.columns).toEqual({ pos: 0, vel: 12000, hp: 24000, alive: 28000 });
    expect(Bodies.size).toBe(29008);
    expect(r.blockSize).toBe(29008);
    expect(r.blockOffset % Bodies.align).toBe(0);
    expect(r.deaths).toEqual([[], [5], [], [3, 4]]);
    expect(r.respawnRow).toBe(4);
    expect(r.survivors).toEqual({ 0: [2, 1, 0, 100], 1: [5, 1, 0, 100], 2: [4, 1, 0, 100], 4: [0, 0, 0, 100] });
  });
});

/** The InstancedMesh result every platform must give (64 instances, 4 frames of 24). */
function expectInstancedMesh(r: InstancedMeshResult): void {
  expect(r.viewOfSharedBuffer).toBe(true);
  expect(r.firstOffset % 64).toBe(0);
  expect(r.writerThreadId).toBe(1);
  expect(r.frames).toEqual([
    { frame: 0, updateRanges: [{ start: 0, count: 384 }], version: 1 },
    { frame: 1, updateRanges: [{ start: 384, count: 384 }], version: 2 },
    { frame: 2, updateRanges: [{ start: 768, count: 256 }, { start: 0, count: 128 }], version: 3 },
    { frame: 3, updateRanges: [{ start: 128, count: 384 }], version: 4 },
  ]);
  // three's own uploader: the whole array once, then only the ranges, from the shared buffer
  expect(r.uploads).toEqual([
    { call: 'bufferData', dstByte: 0, srcOffset: 0, count: 1024, fromShared: true },
    { call: 'bufferSubData', dstByte: 0, srcOffset: 0, count: 384, fromShared: true },
    { call: 'bufferSubData', dstByte: 1536, srcOffset: 384, count: 384, fromShared: true },
    { call: 'bufferSubData', dstByte: 0, srcOffset: 0, count: 128, fromShared: true },
    { call: 'bufferSubData', dstByte: 3072, srcOffset: 768, count: 256, fromShared: true },
    { call: 'bufferSubData', dstByte: 512, srcOffset: 128, count: 384, fromShared: true },
  ]);
  // instances 0, 1 and 63 were last written in frame 2: three.js reads the worker's floats
  for (const i of [0, 1, 63]) {
    expect(r.samples[i], `instance ${i}`).toEqual(Array.from(instanceMatrixAt(mat4.create(), i, 2, quat.create(), vec3.create())));
  }
  expect(r.invariantsOk).toBe(true);
}

describe.runIf(!inBrowser)('examples/integration_patterns on worker_threads (Node)', () => {
  it('InstancedMesh: a worker writes pool slots, three.js reads them through a view, update ranges upload', async () => {
    const { runInstancedMesh } = await import('../examples/integration_patterns/instanced-mesh.ts');
    const { nodeSpawner } = await import('../examples/integration_patterns/spawn-node.ts');
    const r = await runInstancedMesh(nodeSpawner);
    expect(r.platform).toBe('node');
    expectInstancedMesh(r);
  });

  it('worker pool: a crashed worker is reclaimed on exit (reclaimOnExit), its id reused', async () => {
    const { runWorkerPool } = await import('../examples/integration_patterns/worker-pool.ts');
    const { nodeSpawner } = await import('../examples/integration_patterns/spawn-node.ts');
    const r = await runWorkerPool(nodeSpawner);
    expect(r.platform).toBe('node');
    expectWorkerPool(r);
  });
});

describe('examples/benchmarking', () => {
  it('measures the frame loop: exact statistics, ordered percentiles (no timing asserted)', async () => {
    const r = await runBenchmarking({ frames: 120, warmup: 20 });
    expect(r.build).toBe(CHECKS ? 'checked' : 'fast');
    const { report } = r;
    expect(report.perFrame.particles).toHaveLength(100);
    // 200 spawned per frame, each lives 29 steps after its first: 29 x 200 alive from frame 28 on
    expect(report.perFrame.particles[99]).toBe(5800);
    expect(report.perFrame.poolLive[99]).toBe(5800);
    expect(report.perFrame.arenaUsed[0]).toBe(4200 * 4); // frame 20: 21 x 200 sort keys of 4 bytes
    expect(report.perFrame.arenaUsed[99]).toBe(6000 * 4); // keys are taken before the dead are freed
    expect(report.totals).toEqual({
      arenaPeak: 24000, // one 24000-byte alloc per frame: larger than a lane, leased exactly
      arenaResets: 120, poolAllocations: 24000, poolFrees: 91 * 200, poolPeak: 5800, failures: 0, errors: 0,
    });
    expect(report.arenaHistory.slice(-3)).toEqual([24000, 24000, 24000]);
    const { p50, p99, max, mean } = report.ms;
    for (const t of [p50, p99, max, mean]) expect(Number.isFinite(t) && t >= 0).toBe(true);
    expect(p50).toBeLessThanOrEqual(p99);
    expect(p99).toBeLessThanOrEqual(max);
    expect(r.gcs === null).toBe(inBrowser); // Node reports GCs to PerformanceObserver; browsers do not
    expect(JSON.parse(JSON.stringify(report.snapshot))).toEqual(report.snapshot);
  });

  it('percentile interpolates between sorted neighbours', () => {
    const xs = new Float64Array([1, 2, 3, 4, 5]);
    expect(percentile(xs, 50)).toBe(3);
    expect(percentile(xs, 99)).toBeCloseTo(4.96, 10);
    expect(percentile(new Float64Array(0), 50)).toBeNaN();
  });
});
