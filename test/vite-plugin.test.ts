/**
 * nebula-memory/vite: the plugin's headers (its config hook), the pages it leaves out (its
 * middleware, driven with fake req/res), the service worker it serves and emits (a real
 * `vite build`, `vite preview` and dev server on a tiny project in a temp folder) and the
 * service worker's own behaviour (run with a fake `self`). Node only (it runs Vite).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connect, Plugin } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { ISOLATION_HEADERS } from '../src/memory/isolation.ts';
import { COI_SERVICE_WORKER, nebulaMemory } from '../src/vite/index.ts';

type AnyFn = (...args: unknown[]) => unknown;

/** A plugin hook as a plain function (a hook may be a function or `{ handler }`). */
function hook(plugin: Plugin, name: 'config' | 'configureServer' | 'configurePreviewServer'): AnyFn {
  const h: unknown = plugin[name];
  if (typeof h === 'function') return h as AnyFn;
  if (typeof h === 'object' && h !== null && 'handler' in h) return h.handler as AnyFn;
  throw new Error(`no ${name} hook`);
}

function configOf(plugin: Plugin): unknown {
  return hook(plugin, 'config').call({}, {}, { command: 'serve', mode: 'development' });
}

/** A response that records what is written: header map, writeHead arguments, body. */
class FakeResponse {
  statusCode = 200;
  readonly headers = new Map<string, string | number>();
  head: unknown[] | null = null;
  body: unknown = null;
  ended = false;
  setHeader(name: string, value: string | number): this { this.headers.set(name.toLowerCase(), value); return this; }
  getHeader(name: string): string | number | undefined { return this.headers.get(name.toLowerCase()); }
  getHeaderNames(): string[] { return [...this.headers.keys()]; }
  removeHeader(name: string): void { this.headers.delete(name.toLowerCase()); }
  writeHead(...args: unknown[]): this { this.head = args; return this; }
  end(body?: unknown): this {
    if (this.head === null) this.writeHead(this.statusCode);
    this.body = body ?? null;
    this.ended = true;
    return this;
  }
}

/** The middleware the plugin adds to a server of this `base` (dev or preview), or null when it adds none. */
function middlewareOf(plugin: Plugin, kind: 'configureServer' | 'configurePreviewServer', base = '/'): Connect.NextHandleFunction | null {
  const added: Connect.NextHandleFunction[] = [];
  const server = { config: { base }, middlewares: { use: (fn: Connect.NextHandleFunction) => added.push(fn) } };
  hook(plugin, kind).call({}, server);
  expect(added.length).toBeLessThanOrEqual(1);
  return added[0] ?? null;
}

/** Runs one request through a middleware: the fake response, and whether it called next(). */
function request(mw: Connect.NextHandleFunction, url: string, method = 'GET'): { res: FakeResponse; next: boolean } {
  const res = new FakeResponse();
  let next = false;
  mw({ url, method } as never, res as never, () => { next = true; });
  return { res, next };
}

const COOP = 'cross-origin-opener-policy';
const COEP = 'cross-origin-embedder-policy';

describe('nebulaMemory(): headers', () => {
  it('its config hook sets COOP/COEP on the dev server and preview, the same two headers as ISOLATION_HEADERS', () => {
    const config = configOf(nebulaMemory()) as { server: { headers: Record<string, string> }; preview: { headers: Record<string, string> } };
    const expected = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
    expect(config.server.headers).toEqual(expected);
    expect(config.preview.headers).toEqual(expected);
    expect(Object.entries(config.server.headers).map(([k, v]) => `${k}: ${v}`)).toEqual([...ISOLATION_HEADERS]);
  });

  it('headers: false sets none (a server like GitHub Pages)', () => {
    expect(configOf(nebulaMemory({ headers: false }))).toBeUndefined();
  });

  it('refuses a service-worker file name with a folder', () => {
    expect(() => nebulaMemory({ serviceWorker: { fileName: 'sw/coi.js' } })).toThrow(/plain file name/);
    expect(() => nebulaMemory({ serviceWorker: { fileName: '' } })).toThrow(TypeError);
  });

  it('adds no middleware when there is nothing to serve or strip', () => {
    expect(middlewareOf(nebulaMemory({ serviceWorker: false }), 'configureServer')).toBeNull();
  });
});

describe('nebulaMemory(): exclude (fake req/res)', () => {
  const plugin = nebulaMemory({ exclude: ['/fallback.html', '/docs/'], serviceWorker: false });

  for (const kind of ['configureServer', 'configurePreviewServer'] as const) {
    it(`${kind}: strips both headers from an excluded page, set either way, and leaves the rest`, () => {
      const mw = middlewareOf(plugin, kind);
      if (mw === null) throw new Error('no middleware');
      const { res, next } = request(mw, '/fallback.html?x=1');
      expect(next).toBe(true);
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin'); // like server.headers
      res.setHeader('Content-Type', 'text/html');
      res.writeHead(200, { 'Cross-Origin-Embedder-Policy': 'require-corp', 'Content-Length': 5 }); // like sirv
      expect(res.headers.has(COOP)).toBe(false);
      expect(res.headers.get('content-type')).toBe('text/html');
      expect(res.head).toEqual([200, { 'Content-Length': 5 }]);

      // an implicit head (end() without writeHead()) is stripped too
      const implicit = request(mw, '/fallback').res;
      implicit.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      implicit.end('x');
      expect(implicit.headers.has(COEP)).toBe(false);

      // `/docs/` and `/docs/index.html` are one page
      const docs = request(mw, '/docs/index.html').res;
      docs.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      docs.writeHead(200);
      expect(docs.headers.has(COOP)).toBe(false);

      for (const url of ['/', '/index.html', '/assets/fallback.js', '/other/fallback.html']) {
        const kept = request(mw, url);
        expect(kept.next).toBe(true);
        kept.res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
        kept.res.writeHead(200, { 'Cross-Origin-Embedder-Policy': 'require-corp' });
        expect(kept.res.headers.get(COOP), url).toBe('same-origin');
        expect(kept.res.head, url).toEqual([200, { 'Cross-Origin-Embedder-Policy': 'require-corp' }]);
      }
    });
  }

  it('matches paths below the base', () => {
    const mw = middlewareOf(plugin, 'configureServer', '/game/');
    if (mw === null) throw new Error('no middleware');
    const inside = request(mw, '/game/fallback.html').res;
    inside.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    inside.writeHead(200);
    expect(inside.headers.has(COOP)).toBe(false);
    const outside = request(mw, '/fallback.html').res;
    outside.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    outside.writeHead(200);
    expect(outside.headers.get(COOP)).toBe('same-origin');
  });
});

describe('nebulaMemory(): the service worker (fake req/res)', () => {
  it('is served at /coi-serviceworker.js as JavaScript, with the headers, whatever the query', () => {
    const mw = middlewareOf(nebulaMemory(), 'configureServer');
    if (mw === null) throw new Error('no middleware');
    const { res, next } = request(mw, '/coi-serviceworker.js?skip=fallback.html');
    expect(next).toBe(false);
    expect(res.ended).toBe(true);
    expect(res.statusCode).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get(COOP)).toBe('same-origin');
    expect(res.headers.get(COEP)).toBe('require-corp');
    expect(new TextDecoder().decode(res.body as Uint8Array)).toBe(COI_SERVICE_WORKER);
    expect(Number(res.headers.get('content-length'))).toBe(new TextEncoder().encode(COI_SERVICE_WORKER).byteLength);

    const head = request(mw, '/coi-serviceworker.js', 'HEAD').res;
    expect(head.body).toBeNull();
    expect(head.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(request(mw, '/coi-serviceworker.js', 'POST').next).toBe(true);
    expect(request(mw, '/assets/coi-serviceworker.js').next).toBe(true);
  });

  it('honours fileName, the base and headers: false', () => {
    const mw = middlewareOf(nebulaMemory({ headers: false, serviceWorker: { fileName: 'sw.js' } }), 'configurePreviewServer', '/game/');
    if (mw === null) throw new Error('no middleware');
    const { res, next } = request(mw, '/game/sw.js');
    expect(next).toBe(false);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.has(COOP)).toBe(false);
    expect(request(mw, '/game/coi-serviceworker.js').next).toBe(true);
    expect(request(mw, '/sw.js').next).toBe(true);
  });
});

describe('the service-worker shim', () => {
  it('is a valid classic script', () => {
    expect(() => new Function(COI_SERVICE_WORKER)).not.toThrow(); // eslint-disable-line @typescript-eslint/no-implied-eval -- parsing is the test
    expect(COI_SERVICE_WORKER).not.toMatch(/^\s*(import|export)\s/m);
  });

  it('as the service worker: adds the headers to each response it can read, and skips ?skip= pages', async () => {
    const listeners = new Map<string, (event: unknown) => void>();
    const self = {
      location: { href: 'https://game.example/coi-serviceworker.js?skip=fallback.html', origin: 'https://game.example' },
      addEventListener: (type: string, fn: (event: unknown) => void) => listeners.set(type, fn),
      skipWaiting: () => Promise.resolve(),
      clients: { claim: () => Promise.resolve() },
    };
    const fetch = (request: Request): Promise<Response> => Promise.resolve(new Response(`body of ${request.url}`, { headers: { 'Content-Type': 'text/html' } }));
    // `window` undefined and `self` the worker's scope: the service worker's branch
    const run = new Function('window', 'self', 'fetch', COI_SERVICE_WORKER) as (w: undefined, s: typeof self, f: typeof fetch) => void; // eslint-disable-line @typescript-eslint/no-implied-eval -- runs the shim's text
    run(undefined, self, fetch);
    expect([...listeners.keys()].sort()).toEqual(['activate', 'fetch', 'install']);
    const onFetch = listeners.get('fetch');
    if (onFetch === undefined) throw new Error('no fetch listener');

    /** The response the worker hands the page, or null where it lets the network answer. */
    const answer = (url: string): Promise<Response | null> => {
      const answered: Promise<Response>[] = [];
      onFetch({ request: new Request(url), respondWith: (p: Promise<Response>) => { answered.push(p); } });
      return answered.length === 0 ? Promise.resolve(null) : answered[0];
    };
    const page = await answer('https://game.example/allocators.html');
    expect(page?.headers.get(COOP)).toBe('same-origin');
    expect(page?.headers.get(COEP)).toBe('require-corp');
    expect(page?.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(page?.headers.get('content-type')).toBe('text/html');
    expect(await page?.text()).toBe('body of https://game.example/allocators.html');
    expect(await answer('https://game.example/fallback.html'), 'skipped: the network answers').toBeNull();
  });
});

describe('nebulaMemory() in real Vite: build, preview and dev server', () => {
  const root = mkdtempSync(join(tmpdir(), 'nebula-vite-plugin-'));
  const outDir = join(root, 'dist');
  afterAll(() => { rmSync(root, { recursive: true, force: true }); });
  const page = (title: string): string =>
    `<!doctype html><html><head><title>${title}</title><script vite-ignore src="./coi-serviceworker.js"></script></head>` +
    '<body><script type="module" src="./main.js"></script></body></html>\n';
  writeFileSync(join(root, 'index.html'), page('isolated'));
  writeFileSync(join(root, 'other.html'), page('not isolated'));
  writeFileSync(join(root, 'main.js'), 'document.title += String(globalThis.crossOriginIsolated);\n');
  const base = { root, configFile: false as const, logLevel: 'silent' as const };
  const input = { index: join(root, 'index.html'), other: join(root, 'other.html') };

  async function get(origin: string, path: string): Promise<{ status: number; headers: Headers; text: string }> {
    const r = await fetch(origin + path);
    return { status: r.status, headers: r.headers, text: await r.text() };
  }

  function originOf(server: { httpServer: unknown }): string {
    const address = (server.httpServer as { address(): AddressInfo }).address();
    return `http://localhost:${address.port}`;
  }

  it('vite build emits the service worker at the root of the output, and the HTML keeps its tag', async () => {
    const { build } = await import('vite');
    await build({ ...base, plugins: [nebulaMemory()], build: { outDir, emptyOutDir: true, rolldownOptions: { input } } });
    expect(readFileSync(join(outDir, 'coi-serviceworker.js'), 'utf8')).toBe(COI_SERVICE_WORKER);
    expect(readFileSync(join(outDir, 'index.html'), 'utf8')).toContain('src="./coi-serviceworker.js"');
  });

  it('an SSR build emits no service worker', async () => {
    const { build } = await import('vite');
    const ssrOut = join(root, 'dist-ssr');
    await build({ ...base, plugins: [nebulaMemory()], build: { outDir: ssrOut, ssr: join(root, 'main.js') } });
    expect(existsSync(join(ssrOut, 'coi-serviceworker.js'))).toBe(false);
  });

  it('vite preview: the headers on pages and assets, not on the excluded page; the service worker as JavaScript', async () => {
    const { preview } = await import('vite');
    const server = await preview({ ...base, plugins: [nebulaMemory({ exclude: ['/other.html'] })], build: { outDir }, preview: { port: 0 } });
    try {
      const origin = originOf(server);
      const index = await get(origin, '/');
      expect(index.status).toBe(200);
      expect(index.headers.get(COOP)).toBe('same-origin');
      expect(index.headers.get(COEP)).toBe('require-corp');
      const other = await get(origin, '/other.html');
      expect(other.text).toContain('not isolated');
      expect(other.headers.get(COOP)).toBeNull();
      expect(other.headers.get(COEP)).toBeNull();
      const sw = await get(origin, '/coi-serviceworker.js?skip=other.html');
      expect(sw.status).toBe(200);
      expect(sw.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(sw.text).toBe(COI_SERVICE_WORKER);
    } finally {
      await server.close();
    }
  });

  it('the dev server: the headers, the excluded page, the service worker; headers: false sends none', async () => {
    const { createServer } = await import('vite');
    for (const headers of [true, false]) {
      const server = await createServer({ ...base, plugins: [nebulaMemory({ headers, exclude: ['/other.html'] })], server: { port: 0, ws: false } });
      await server.listen();
      try {
        const origin = originOf(server);
        const index = await get(origin, '/');
        expect(index.text).toContain('isolated');
        expect(index.headers.get(COOP)).toBe(headers ? 'same-origin' : null);
        expect(index.headers.get(COEP)).toBe(headers ? 'require-corp' : null);
        const main = await get(origin, '/main.js');
        expect(main.headers.get(COEP)).toBe(headers ? 'require-corp' : null);
        const other = await get(origin, '/other.html');
        expect(other.text).toContain('not isolated');
        expect(other.headers.get(COOP)).toBeNull();
        expect(other.headers.get(COEP)).toBeNull();
        const sw = await get(origin, '/coi-serviceworker.js');
        expect(sw.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
        expect(sw.text).toBe(COI_SERVICE_WORKER);
      } finally {
        await server.close();
      }
    }
  });
});
