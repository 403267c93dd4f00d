import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Plugin, defineConfig } from 'vite';
import pages from './demo/pages.json' with { type: 'json' };
import { nebulaMemory } from './src/vite/index.ts';

/**
 * nebula-memory/vite: COOP/COEP on every response of `vite` and `vite preview`, except the pages
 * demo/pages.json marks `"isolated": false` (the fallback page), and the service-worker shim
 * served at /coi-serviceworker.js and emitted into the build. `NEBULA_NO_ISOLATION=1 vite preview`
 * sends neither header, like GitHub Pages: the e2e suite checks the shim against it.
 */
const isolation = nebulaMemory({
  headers: process.env.NEBULA_NO_ISOLATION === undefined,
  exclude: pages.filter((p) => !p.isolated).map((p) => p.path),
});

/** The package's entry points by import name, the sources of package.json's exports (tsconfig.json's paths alike). */
const entryPoints: Readonly<Record<string, string>> = {
  'nebula-memory': './src/index.ts',
  'nebula-memory/typed': './src/typed/index.ts',
  'nebula-memory/inspector': './src/inspector/index.ts',
  'nebula-memory/cache': './src/cache/index.ts',
  'nebula-memory/trace': './src/trace.ts',
  'nebula-memory/kinds': './src/kinds.ts',
  'nebula-memory/vite': './src/vite/index.ts',
};

/** Each page's HTML file, from its path: `/` is index.html, `/x.html` is x.html. */
function htmlOf(path: string): string {
  return path === '/' ? 'index.html' : path.slice(1);
}

/**
 * Inserts shared HTML partials at `<!-- particles:stage -->` (demo/particles/stage.html): the
 * fountain's page and its fallback page show the same stage, controls, graph and inspector,
 * written once. Runs in the dev server and the build alike.
 */
function htmlPartials(): Plugin {
  const stage = fileURLToPath(new URL('./demo/particles/stage.html', import.meta.url));
  return {
    name: 'nebula-demo-html-partials',
    transformIndexHtml: {
      order: 'pre',
      handler(html, ctx) {
        if (!html.includes('<!-- particles:stage -->')) return html;
        ctx.server?.watcher.add(stage);
        const partial = readFileSync(stage, 'utf8').replace(/^<!--[^\n]*-->\n/, '');
        return html.replace('      <!-- particles:stage -->\n', partial);
      },
    },
  };
}

export default defineConfig({
  root: '.',
  // the demo and the README example import the package by name, as users do
  resolve: { alias: Object.entries(entryPoints).map(([name, file]) => ({ find: new RegExp(`^${name}$`), replacement: fileURLToPath(new URL(file, import.meta.url)) })) },
  plugins: [htmlPartials(), isolation],
  server: { port: 5173, strictPort: true },
  preview: { port: 4173, strictPort: true },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: 'dist/demo',
    // every page of demo/pages.json is an entry of the static site
    rolldownOptions: { input: Object.fromEntries(pages.map((p) => [htmlOf(p.path).replace(/\.html$/, ''), htmlOf(p.path)])) },
  },
});
