import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Connect, type Plugin, defineConfig } from 'vite';
import pages from './demo/pages.json' with { type: 'json' };

/** SharedArrayBuffer needs cross-origin isolation: both headers on every response. */
export const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * `NEBULA_NO_ISOLATION=1 vite preview`: a server that sends neither header, like GitHub Pages
 * (the e2e suite checks the service-worker shim, public/coi-serviceworker.mjs, against it).
 */
const headers = process.env.NEBULA_NO_ISOLATION === undefined ? crossOriginIsolation : {};

/** Pages of demo/pages.json served without the two headers, on purpose (the fallback page). */
const notIsolated = new Set(pages.filter((p) => !p.isolated).map((p) => p.path));

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

/**
 * Strips COOP/COEP from the responses of the pages that must not be isolated, in `vite` and
 * `vite preview` alike: whatever sets them (server.headers, the static handler), they are
 * removed just before the head is written.
 */
function withoutIsolationFor(paths: ReadonlySet<string>): Plugin {
  const isIsolationHeader = (name: string): boolean => /^cross-origin-(opener|embedder)-policy$/i.test(name);
  const strip: Connect.NextHandleFunction = (req: IncomingMessage, res: ServerResponse, next) => {
    const path = (req.url ?? '/').split('?')[0];
    if (paths.has(path)) {
      const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
      res.writeHead = ((...args: unknown[]) => {
        res.removeHeader('Cross-Origin-Opener-Policy');
        res.removeHeader('Cross-Origin-Embedder-Policy');
        for (const a of args) {
          if (typeof a === 'object' && a !== null && !Array.isArray(a)) {
            const headers = a as Record<string, unknown>;
            for (const name of Object.keys(headers)) if (isIsolationHeader(name)) Reflect.deleteProperty(headers, name);
          }
        }
        return writeHead(...args);
      });
    }
    next();
  };
  return {
    name: 'nebula-demo-not-isolated-pages',
    configureServer(server) {
      server.middlewares.use(strip);
    },
    configurePreviewServer(server) {
      server.middlewares.use(strip);
    },
  };
}

export default defineConfig({
  root: '.',
  // the demo and the README example import the package by name, as users do
  resolve: { alias: { 'nebula-memory': fileURLToPath(new URL('./src/index.ts', import.meta.url)) } },
  plugins: [htmlPartials(), withoutIsolationFor(notIsolated)],
  server: { port: 5173, strictPort: true, headers },
  preview: { port: 4173, strictPort: true, headers },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: 'dist/demo',
    // every page of demo/pages.json is an entry of the static site
    rolldownOptions: { input: Object.fromEntries(pages.map((p) => [htmlOf(p.path).replace(/\.html$/, ''), htmlOf(p.path)])) },
  },
});
