/**
 * `nebula-memory/vite`: the Vite plugin that makes pages cross-origin isolated (COOP/COEP in
 * `vite` and `vite preview`) and emits the service-worker shim for hosts that cannot send headers.
 * Build-time code for Node; it imports nothing from Vite at run time.
 *
 * ```ts
 * // vite.config.ts
 * import { defineConfig } from 'vite';
 * import { nebulaMemory } from 'nebula-memory/vite';
 * export default defineConfig({ plugins: [nebulaMemory()] });
 * ```
 * @module nebula-memory/vite
 */
export { nebulaMemory } from './plugin.ts';
export type { NebulaMemoryOptions } from './plugin.ts';
export { COI_SERVICE_WORKER } from './service-worker.ts';
