/**
 * Runs the four integration patterns in order and prints what each one did.
 * main.ts runs it in Node (worker_threads); test/examples-browser.test.ts runs the worker parts
 * in browsers (module Web Workers).
 */
import { type EcsResult, runEcsSoa } from './ecs-soa.ts';
import { type GlMatrixTempsResult, runGlMatrixTemps } from './gl-matrix-temps.ts';
import { type InstancedMeshResult, runInstancedMesh } from './instanced-mesh.ts';
import { type WorkerPoolResult, runWorkerPool } from './worker-pool.ts';
import type { Spawner } from './worker-handle.ts';

/** What every pattern observed. */
export interface IntegrationResult {
  readonly instancedMesh: InstancedMeshResult;
  readonly glMatrixTemps: GlMatrixTempsResult;
  readonly workerPool: WorkerPoolResult;
  readonly ecs: EcsResult;
}

const fmt = (xs: readonly number[]): string => xs.map((x) => (Number.isInteger(x) ? String(x) : x.toFixed(3))).join(', ');

/**
 * Runs (a) the InstancedMesh, (b) gl-matrix temporaries, (c) the worker pool, (d) the ECS world.
 * @param spawner - starts the workers of (a) and (c): `nodeSpawner` or `webSpawner`.
 * @param log - where the walkthrough goes; nothing is printed without it.
 */
export async function runIntegrationPatterns(spawner: Spawner, log?: (line: string) => void): Promise<IntegrationResult> {
  const out = log ?? (() => undefined);

  out(`(a) three.js InstancedMesh over a pool of the shared memory (${spawner.platform} worker)`);
  const a = await runInstancedMesh(spawner);
  out(`    ${a.count} instances = ${a.count} pool slots of 64 bytes from offset ${a.firstOffset}; instanceMatrix.array.buffer === memory.buffer: ${a.viewOfSharedBuffer}`);
  out(`    the writer worker attached as thread ${a.writerThreadId} and wrote the matrices with gl-matrix, straight into the slots`);
  for (const fr of a.frames) {
    out(`    frame ${fr.frame}: addUpdateRange ${fr.updateRanges.map((r) => `[${r.start}, +${r.count}]`).join(' ')} (floats), needsUpdate -> version ${fr.version}`);
  }
  out(`    what the renderer sends to WebGL (three's uploader, recorded): ${a.uploads.map((u) => `${u.call}(${u.dstByte} B, floats ${u.srcOffset}+${u.count}${u.fromShared ? ', from the shared buffer' : ', COPY'})`).join('; ')}`);
  out(`    mesh.getMatrixAt(1) reads the worker's write: [${fmt(a.samples[1])}]`);
  out(`    checkInvariants(): ${a.invariantsOk ? 'passes' : 'FAILS'}`);
  out('');

  out('(b) gl-matrix temporaries from the shared memory (createTemps)');
  const b = runGlMatrixTemps();
  out(`    ${b.frames} frames x ${b.entities} entities of lookAt/perspective/multiply/transformMat4 on tmp.mat4()/tmp.vec3()/...`);
  out(`    every temporary is a view of the shared buffer: ${b.viewsOfSharedBuffer}; same floats as vec3.create()/mat4.create(): ${b.matchesPlainGlMatrix}`);
  out(`    ring use per frame (peak / guaranteed): ${Object.entries(b.ringUse).map(([k, r]) => `${k} ${r.peak}/${r.capacity}`).join(', ')}`);
  out(`    entity 0 in clip space (kept in its struct field, not in a temporary): [${fmt(b.clip.slice(0, 4))}]`);
  out('');

  out(`(c) a worker pool that survives a crash (${spawner.platform === 'node' ? 'reclaimOnExit' : 'terminateAndReclaim'})`);
  const c = await runWorkerPool(spawner);
  out(`    job-0..2 attached as threads ${c.threadIds.join(', ')}`);
  out(`    job-1 stalled holding its lane: advance() -> ${c.laneLeased.code}: ${String(c.laneLeased.state.holders)}`);
  out(`    job-1 crashed (${c.crashMessage ?? 'no message'}); reclaimed: ${c.reclaimed.map((r) => `thread ${r.id} "${r.name}": ${r.leases} lease(s), ${r.slots} cached slot(s), ${r.stacks} stack(s)`).join('; ')}`);
  out(`    its ${c.leakedBullets} live bullets came from bullets.leaks() and were freed by the main thread`);
  out(`    the replacement job-1 attached as thread ${c.replacementThreadId} (the reclaimed id); the clock reached frame ${c.frame}`);
  out(`    after stop: ${c.liveAtEnd} live bullets; threads: ${c.threads.map((t) => `${t.id} ${t.name} ${t.state}`).join(', ')}; checkInvariants(): ${c.invariantsOk ? 'passes' : 'FAILS'}`);
  out('');

  out('(d) an ECS-style world in SoA layout (soa + soaCursor)');
  const d = runEcsSoa();
  out(`    columns (bytes from the block start): ${Object.entries(d.columns).map(([k, v]) => `${k} ${v}`).join(', ')}; block ${d.blockSize} bytes at offset ${d.blockOffset}`);
  out(`    deaths per step: ${d.deaths.map((x) => `[${x.join(', ')}]`).join(' ')}; the next spawn reused row ${d.respawnRow}`);
  for (const [row, v] of Object.entries(d.survivors)) out(`    row ${row}: pos (${fmt(v.slice(0, 3))}), hp ${fmt(v.slice(3))}`);
  return { instancedMesh: a, glMatrixTemps: b, workerPool: c, ecs: d };
}
