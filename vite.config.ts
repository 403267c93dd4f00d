import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** SharedArrayBuffer needs cross-origin isolation: both headers on every response. */
export const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: '.',
  // the demo and the README example import the package by name, as users do
  resolve: { alias: { 'nebula-memory': fileURLToPath(new URL('./src/index.ts', import.meta.url)) } },
  server: { port: 5173, strictPort: true, headers: crossOriginIsolation },
  preview: { port: 4173, strictPort: true, headers: crossOriginIsolation },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: 'dist/demo',
    rolldownOptions: { input: { index: 'index.html' } },
  },
});
