import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The browser bench page (bench/browser/index.html): its own server on port 4180, apart from the
// demo's. SharedArrayBuffer needs cross-origin isolation, so both headers go on every response.
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
const root = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root,
  // no HMR and no watching: an edit elsewhere in the repository must not reload the page mid-run
  server: { port: 4180, strictPort: true, headers: crossOriginIsolation, fs: { allow: [repo] }, hmr: false, watch: null },
  // bundled before the first page load, so the dependency optimizer never reloads the page
  optimizeDeps: { include: ['tinybench', 'gl-matrix'] },
  preview: { port: 4180, strictPort: true, headers: crossOriginIsolation },
  build: { target: 'es2022' },
  cacheDir: fileURLToPath(new URL('../../node_modules/.vite-bench', import.meta.url)),
  clearScreen: false,
  logLevel: 'warn',
});
