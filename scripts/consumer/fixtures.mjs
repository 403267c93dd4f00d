// The consumer project's sources (scripts/consumer-test.mjs): small programs that use each entry
// as an application would, a tsconfig per environment, and a Vite app whose module worker shares
// the memory with the page. They import only the installed package, never ../src.

/** No DOM needed: the memory, an arena, a pool, a stack, errors, the config builder. */
const core = `import {
  CHECKS, MemoryError, attachMemory, createFromConfig, createMemory, memoryConfig,
  type Handle, type MemoryErrorCode, type Offset, type SharedMemoryInit,
} from 'nebula-memory';

export function coreFrame(): number {
  const memory = createMemory({ size: 1 << 20, shared: false });
  const frame = memory.createArena('frame', { capacity: 64 << 10, frames: 2 });
  const pool = memory.createPool('bodies', { slotSize: 16, align: 16, capacity: 128 });
  const stack = memory.createStack('scratch', { capacity: 4096 });
  const h: Handle = pool.alloc();
  const at: Offset = frame.alloc(12, 4);
  memory.f32[at >> 2] = 1.5;
  memory.f32[pool.offsetOf(h) >> 2] = memory.f32[at >> 2] ?? 0;
  const mark = stack.mark();
  stack.push(64, 16);
  stack.release(mark);
  pool.free(h);
  memory.advance();
  return memory.frame;
}

export function attach(init: SharedMemoryInit): number {
  return attachMemory(init, { name: 'sim' }).threadId;
}

export function errorCode(e: unknown): MemoryErrorCode | null {
  return e instanceof MemoryError ? e.code : null;
}

export function fromConfig(): boolean {
  const config = memoryConfig('production').fitSize().pool('particles', { slotSize: 32, capacity: 100 }).build();
  const { memory, pools } = createFromConfig(config);
  const h: Handle = pools.particles.alloc();
  return CHECKS && memory.byteLength > 0 && h >= 0;
}
`;

/** nebula-memory/typed: a struct in pool slots, read through a cursor; temporaries. */
const typed = `import { createMemory } from 'nebula-memory';
import { createTemps, cursor, struct, typed, type StructCursor, type StructLayout } from 'nebula-memory/typed';

const Particle = struct({ pos: 'vec3', vel: 'vec3', life: 'f32' });
type Fields = typeof Particle extends StructLayout<infer F> ? F : never;

export function typedParticles(): number {
  const memory = createMemory({ size: 1 << 20, shared: false });
  const pool = memory.createPool('particles', { slotSize: 32, align: 16, capacity: 64 });
  const particles = typed(memory, pool, Particle);
  const h = particles.allocInit({ pos: [0, 10, 0], vel: [1, 0, 0], life: 1 });
  const c: StructCursor<Fields> = particles.at(h);
  c.life = 0.5;
  const free = cursor(memory, Particle).at(particles.offsetOf(h));
  const tmp = createTemps(memory, { vec3: 16 });
  const v: Float32Array = tmp.vec3();
  v[0] = free.life;
  return c.pos.y + (v[0] ?? 0);
}
`;

/** nebula-memory/cache: an async cache of decoded assets. */
const cache = `import { AsyncCache, withDedup, type AsyncLoader } from 'nebula-memory/cache';

const cache = new AsyncCache<string, Uint8Array>({ name: 'assets', maxBytes: 1 << 20, sizeOf: (v) => v.byteLength });
export const assets: AsyncLoader<string, Uint8Array> = withDedup(cache);

export async function load(url: string): Promise<number> {
  const bytes = await assets.get(url, (key) => Uint8Array.from(key, (c) => c.charCodeAt(0)), { timeoutMs: 1000 });
  return bytes.byteLength + (cache.peek(url)?.byteLength ?? 0);
}
`;

/** nebula-memory/cache on a page: the DOM's AbortSignal goes into get() and out to fetch(). */
const cacheDom = `import { AsyncCache } from 'nebula-memory/cache';

const files = new AsyncCache<string, ArrayBuffer>({ name: 'files', maxBytes: 1 << 20, sizeOf: (b) => b.byteLength });

export function fetchBytes(url: string, signal: AbortSignal): Promise<ArrayBuffer> {
  return files.get(url, async (key, computeSignal) => (await fetch(key, { signal: computeSignal })).arrayBuffer(), { signal });
}
`;

/** nebula-memory/trace: a recording merged into one Chrome trace file. */
const trace = `import { createMemory } from 'nebula-memory';
import { mergeChromeTraces, type ChromeTrace, type TraceRecorder } from 'nebula-memory/trace';

export function recordTrace(): ChromeTrace {
  const memory = createMemory({ size: 1 << 20, shared: false });
  const rec: TraceRecorder = memory.startTrace();
  memory.createArena('frame', { capacity: 64 << 10 }).alloc(16);
  memory.advance();
  memory.stopTrace(rec);
  return mergeChromeTraces([rec.toChromeTrace()]);
}
`;

/** nebula-memory/kinds: the custom-kind surface. */
const kinds = `import { FIRST_FREE_KIND_CODE, LAST_KIND_CODE, registerKind, type AllocatorKind, type RegionAllocator, type RegionStats } from 'nebula-memory/kinds';

export const codes: readonly number[] = [FIRST_FREE_KIND_CODE, LAST_KIND_CODE];
export function register<A extends RegionAllocator, O>(kind: AllocatorKind<A, O>): void {
  registerKind(kind);
}
export type Stats = RegionStats;
`;

/** nebula-memory/inspector: the live view; needs the DOM. */
const inspector = `import { createMemory } from 'nebula-memory';
import { mountInspector, type InspectorReadout } from 'nebula-memory/inspector';

export function inspect(element: HTMLElement): InspectorReadout {
  const memory = createMemory({ size: 1 << 20 });
  memory.createPool('particles', { slotSize: 32, capacity: 1000 });
  return mountInspector(memory, element, { height: 200 }).readout();
}
`;

/** The page: creates the memory, starts a module worker, reads back what the worker wrote. */
const main = `import { CHECKS, MemoryError, createMemory, type Handle, type Offset } from 'nebula-memory';
import type { Reply, Request } from './protocol.ts';

declare global {
  interface Window { consumerResult?: unknown }
}

const memory = createMemory({ size: 1 << 20 });
memory.createArena('frame', { capacity: 64 << 10, frames: 2 });
const pool = memory.createPool('blocks', { slotSize: 16, align: 16, capacity: 64 });
const mine: Handle = pool.alloc();
const slot: Offset = pool.offsetOf(mine);

// Which build runs: only the checked one reports a double free (in a pool of its own)
const probePool = memory.createPool('probe', { slotSize: 16, capacity: 4 });
const probe = probePool.alloc();
probePool.free(probe);
let doubleFree = 'accepted';
try {
  probePool.free(probe);
} catch (e) {
  doubleFree = e instanceof MemoryError ? e.code : String(e);
}

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (e: MessageEvent<Reply>) => {
  const r = e.data;
  const result = {
    checks: CHECKS,
    workerChecks: r.checks,
    doubleFree,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    shared: memory.shared && memory.buffer instanceof SharedArrayBuffer,
    pageSlot: Atomics.load(memory.i32, slot >> 2),
    workerPoolSlot: memory.i32[pool.offsetOf(r.handle) >> 2],
    workerArena: memory.f32[r.arenaOffset >> 2],
    threads: [memory.threadId, r.threadId],
  };
  window.consumerResult = result;
  document.querySelector('#result')!.textContent = JSON.stringify(result);
};
worker.onerror = (e) => {
  window.consumerResult = { error: e.message };
};
const request: Request = { init: memory.share(), slot };
worker.postMessage(request);
`;

const protocol = `import type { Handle, Offset, SharedMemoryInit } from 'nebula-memory';

export interface Request { readonly init: SharedMemoryInit; readonly slot: Offset }
export interface Reply { readonly handle: Handle; readonly arenaOffset: Offset; readonly checks: boolean; readonly threadId: number }
`;

/** The module worker: attaches, writes into the page's slot, a slot of its own and an arena block. */
const worker = `import { CHECKS, attachMemory } from 'nebula-memory';
import type { Reply, Request } from './protocol.ts';

self.onmessage = (e: MessageEvent<Request>) => {
  const memory = attachMemory(e.data.init, { name: 'consumer-worker' });
  Atomics.store(memory.i32, e.data.slot >> 2, 0x5eed);
  const pool = memory.pool('blocks');
  const handle = pool.alloc();
  memory.i32[pool.offsetOf(handle) >> 2] = 4242;
  const frame = memory.arena('frame');
  const arenaOffset = frame.alloc(16, 16);
  memory.f32[arenaOffset >> 2] = 1.5;
  frame.release();
  memory.publishStats();
  const reply: Reply = { handle, arenaOffset, checks: CHECKS, threadId: memory.threadId };
  self.postMessage(reply);
};
`;

/** Every entry at once, in the browser config (the plugin's config is vite.config.ts). */
const all = `import { coreFrame } from './core.ts';
import { typedParticles } from './typed.ts';
import { load } from './cache.ts';
import { fetchBytes } from './cache-dom.ts';
import { recordTrace } from './trace.ts';
import { codes } from './kinds.ts';
import { inspect } from './inspector.ts';

export const everything = [coreFrame, typedParticles, load, fetchBytes, recordTrace, codes, inspect] as const;
`;

const viteConfig = `import { defineConfig } from 'vite';
import { nebulaMemory, type NebulaMemoryOptions } from 'nebula-memory/vite';

const options: NebulaMemoryOptions = { serviceWorker: true };

export default defineConfig({
  plugins: [nebulaMemory(options)],
  worker: { format: 'es' },
  build: { target: 'es2022' },
});
`;

const html = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>nebula-memory consumer</title></head>
  <body>
    <pre id="result">running</pre>
    <script type="module" src="/src/main.ts"></script>
  </body>
</html>
`;

const strict = { strict: true, noEmit: true, target: 'ES2022', skipLibCheck: false, isolatedModules: true, verbatimModuleSyntax: true, allowImportingTsExtensions: true };

/** tsconfigs: `dom` (a browser game, bundler resolution, every entry and the plugin) and the no-DOM ones (Node resolution). */
export const TSCONFIGS = {
  // A browser game built with Vite: DOM, Vite's client types, Node's for vite.config.ts. Every
  // .d.ts is checked but TypeScript's own lib files (checking lib.dom.d.ts took 5-9 s here)
  dom: {
    compilerOptions: {
      ...strict, lib: ['ES2022', 'DOM', 'DOM.Iterable'], module: 'ESNext', moduleResolution: 'Bundler',
      types: ['vite/client', 'node'], noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, skipDefaultLibCheck: true,
    },
    files: ['src/all.ts', 'src/main.ts', 'src/worker.ts', 'vite.config.ts'],
  },
  // A worker-only or Node-only program: no DOM, no @types, every declaration checked
  nodom: {
    compilerOptions: { ...strict, lib: ['ES2022'], types: [], module: 'NodeNext', moduleResolution: 'NodeNext' },
    files: ['src/core.ts', 'src/typed.ts', 'src/cache.ts'],
  },
  'nodom-trace': {
    compilerOptions: { ...strict, lib: ['ES2022'], types: [], module: 'NodeNext', moduleResolution: 'NodeNext' },
    files: ['src/trace.ts'],
  },
  'nodom-kinds': {
    compilerOptions: { ...strict, lib: ['ES2022'], types: [], module: 'NodeNext', moduleResolution: 'NodeNext' },
    files: ['src/kinds.ts'],
  },
};

/** Path -> text of the consumer's sources. */
export const SOURCES = {
  'index.html': html,
  'vite.config.ts': viteConfig,
  'src/core.ts': core,
  'src/typed.ts': typed,
  'src/cache.ts': cache,
  'src/cache-dom.ts': cacheDom,
  'src/trace.ts': trace,
  'src/kinds.ts': kinds,
  'src/inspector.ts': inspector,
  'src/all.ts': all,
  'src/main.ts': main,
  'src/protocol.ts': protocol,
  'src/worker.ts': worker,
};
