/**
 * `nebulaMemory()`, the Vite plugin: cross-origin isolation (COOP/COEP) on the dev server and in
 * `vite preview`, pages left out of it on purpose, and the service-worker shim for static hosts
 * that cannot send headers. Types only from 'vite': the plugin adds no runtime dependency.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Connect, Plugin, UserConfig } from 'vite';
import { COI_SERVICE_WORKER } from './service-worker.ts';

/**
 * Options of {@link nebulaMemory}. Every field is optional; `nebulaMemory()` isolates every page
 * and serves and emits the service worker as `coi-serviceworker.js`.
 *
 * Thread-safety: a plain value, read once when the plugin is made.
 * @example
 * ```ts
 * const options: NebulaMemoryOptions = {
 *   exclude: ['/fallback.html'],               // a page that must stay not isolated
 *   serviceWorker: { fileName: 'coi-sw.js' },  // served at /coi-sw.js, emitted as dist/coi-sw.js
 * };
 * ```
 */
export interface NebulaMemoryOptions {
  /**
   * Send `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`
   * from the dev server and `vite preview` (as `server.headers` and `preview.headers`). `false`
   * sends neither, like a static host without headers: the way to try the service worker locally.
   * @defaultValue `true`
   */
  readonly headers?: boolean;
  /**
   * Pages served without the two headers, whoever sets them (this plugin, `server.headers`, the
   * static file handler): URL paths below the config's `base`, such as `'/fallback.html'`. A page
   * matches with or without `.html`, and `/dir/` matches `/dir/index.html`. Only the page's own
   * response is changed; it is then not cross-origin isolated, on purpose.
   * @defaultValue `[]`
   */
  readonly exclude?: readonly string[];
  /**
   * The cross-origin-isolation service worker ({@link COI_SERVICE_WORKER}): served by `vite` and
   * `vite preview` and emitted into the build at the root of the output folder (the worker's
   * scope is its script's folder). `fileName` is a plain file name, no folder. The page loads it
   * itself, first in `<head>`: `<script src="./coi-serviceworker.js"></script>`. `false`: neither.
   * @defaultValue `true`, that is `{ fileName: 'coi-serviceworker.js' }`
   */
  readonly serviceWorker?: boolean | {
    /** The script's file name at the root of the site, no folder. @defaultValue `'coi-serviceworker.js'` */
    readonly fileName?: string;
  };
}

/** The two response headers that make a page cross-origin isolated (src/memory/isolation.ts names them too). */
const ISOLATION: Readonly<Record<string, string>> = Object.freeze({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
});

const DEFAULT_SERVICE_WORKER = 'coi-serviceworker.js';

function isIsolationHeader(name: string): boolean {
  return /^cross-origin-(opener|embedder)-policy$/i.test(name);
}

/** The service worker's file name from the option, or null for none; refuses a folder or an empty name. */
function serviceWorkerName(option: NebulaMemoryOptions['serviceWorker']): string | null {
  if (option === false) return null;
  const name = option === undefined || option === true ? DEFAULT_SERVICE_WORKER : option.fileName ?? DEFAULT_SERVICE_WORKER;
  if (name === '' || /[/\\?#]/.test(name) || name === '.' || name === '..') {
    throw new TypeError(`nebulaMemory(): serviceWorker.fileName must be a plain file name, at the root of the site (the worker's scope is its folder); got ${JSON.stringify(name)}`);
  }
  return name;
}

/** One page, however it is asked for: `/a.html` and `/a` alike, `/d/index.html` and `/d/` alike. */
function pageKey(path: string): string {
  const p = path.startsWith('/') ? path : `/${path}`;
  if (p.endsWith('/index.html')) return p.slice(0, -'index.html'.length);
  return p.endsWith('.html') ? p.slice(0, -'.html'.length) : p;
}

/** The request's path below `base` (starting with `/`), or null when it is outside `base`. */
function pathBelow(url: string | undefined, base: string): string | null {
  const path = (url ?? '/').split(/[?#]/, 1)[0] ?? '/';
  const root = base.startsWith('/') ? (base.endsWith('/') ? base : `${base}/`) : '/'; // a full-URL base (a CDN): the server's root
  if (path === root.slice(0, -1) && root !== '/') return '/';
  return path.startsWith(root) ? path.slice(root.length - 1) : null;
}

/** Removes both isolation headers from a response, whichever way they were set, just before its head is written. */
function stripIsolationHeaders(res: ServerResponse): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((...args: unknown[]) => {
    for (const name of res.getHeaderNames()) if (isIsolationHeader(name)) res.removeHeader(name);
    for (const a of args) {
      if (typeof a === 'object' && a !== null && !Array.isArray(a)) {
        const headers = a as Record<string, unknown>;
        for (const name of Object.keys(headers)) if (isIsolationHeader(name)) Reflect.deleteProperty(headers, name);
      }
    }
    return writeHead(...args);
  });
}

/** The middleware of `vite` and `vite preview`: answers the service worker's URL and strips the headers from excluded pages. */
function isolationMiddleware(base: string, sendHeaders: boolean, excluded: ReadonlySet<string>, serviceWorker: string | null): Connect.NextHandleFunction {
  return (req: IncomingMessage, res: ServerResponse, next: Connect.NextFunction): void => {
    const path = pathBelow(req.url, base);
    if (path === null) {
      next();
      return;
    }
    const key = pageKey(path);
    const isExcluded = excluded.has(key);
    if (serviceWorker !== null && path === `/${serviceWorker}` && (req.method === 'GET' || req.method === 'HEAD')) {
      const body = new TextEncoder().encode(COI_SERVICE_WORKER);
      res.statusCode = 200;
      res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
      res.setHeader('Content-Length', body.byteLength);
      res.setHeader('Cache-Control', 'no-cache');
      if (sendHeaders && !isExcluded) for (const [name, value] of Object.entries(ISOLATION)) res.setHeader(name, value);
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    if (isExcluded) stripIsolationHeaders(res);
    next();
  };
}

/**
 * The Vite plugin of nebula-memory: makes the pages cross-origin isolated, so that
 * `createMemory()` gets a `SharedArrayBuffer` and workers can share it.
 *
 * - `vite` and `vite preview` send `Cross-Origin-Opener-Policy: same-origin` and
 *   `Cross-Origin-Embedder-Policy: require-corp` (`headers: false` turns them off), except on
 *   the pages listed in `exclude`.
 * - The service-worker shim ({@link COI_SERVICE_WORKER}), for hosts that cannot send headers
 *   (GitHub Pages), is served at `/coi-serviceworker.js` and emitted at the root of the client
 *   build; the page loads it with `<script src="./coi-serviceworker.js"></script>` as the first
 *   thing in `<head>`. It does nothing where the server already sends the headers.
 *
 * Your production server must send the headers itself (docs/DEPLOY.md: nginx, Netlify) or rely
 * on the service worker.
 *
 * Thread-safety: build-time code, run by Vite in Node.
 * @param options - what to send, leave out and emit; see {@link NebulaMemoryOptions}.
 * @returns one Vite plugin, for `plugins` in vite.config.ts.
 * @throws TypeError when `serviceWorker.fileName` is not a plain file name.
 * @example
 * ```ts
 * // vite.config.ts
 * import { defineConfig } from 'vite';
 * import { nebulaMemory } from 'nebula-memory/vite';
 *
 * export default defineConfig({
 *   plugins: [nebulaMemory({ exclude: ['/fallback.html'] })],
 * });
 * ```
 */
export function nebulaMemory(options: NebulaMemoryOptions = {}): Plugin {
  const sendHeaders = options.headers ?? true;
  const excluded: ReadonlySet<string> = new Set((options.exclude ?? []).map(pageKey));
  const serviceWorker = serviceWorkerName(options.serviceWorker);
  const needsMiddleware = excluded.size > 0 || serviceWorker !== null;
  return {
    name: 'nebula-memory',
    config(_config, env): UserConfig | undefined {
      // `vite build --mode development` keeps NODE_ENV=production, so Vite's `development|production`
      // condition would pick the fast build: development mode gets the checked one (page and workers)
      const checked = env.command === 'build' && env.mode === 'development';
      if (!sendHeaders && !checked) return undefined;
      return {
        ...(sendHeaders ? { server: { headers: { ...ISOLATION } }, preview: { headers: { ...ISOLATION } } } : {}),
        ...(checked ? { resolve: { conditions: ['module', 'browser', 'development'] } } : {}),
      };
    },
    configureServer(server) {
      if (needsMiddleware) server.middlewares.use(isolationMiddleware(server.config.base, sendHeaders, excluded, serviceWorker));
    },
    configurePreviewServer(server) {
      if (needsMiddleware) server.middlewares.use(isolationMiddleware(server.config.base, sendHeaders, excluded, serviceWorker));
    },
    generateBundle() {
      // the browser's build only: no service worker in an SSR or other server bundle
      if (serviceWorker === null || this.environment.config.consumer !== 'client') return;
      this.emitFile({ type: 'asset', fileName: serviceWorker, source: COI_SERVICE_WORKER });
    },
  };
}
