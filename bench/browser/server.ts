/**
 * The browser bench's static server (node:http): the page (bench/browser/index.html) and the
 * page bundles (`bench/.out/page-<build>.mjs`), with the two headers that make the page
 * cross-origin isolated (so it has SharedArrayBuffer) on every response. Nothing else is served:
 * the page needs no module resolution, the bundles hold everything.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { OUT_DIR } from '../bundle.ts';
import { BENCH_DIR } from '../report.ts';

const HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** A running server: its origin, and how to stop it. */
export interface BenchServer {
  /** e.g. `http://127.0.0.1:41234`. */
  readonly origin: string;
  readonly close: () => Promise<void>;
}

/** The file behind a request path, with its content type; null: 404. */
function route(path: string): { file: string; type: string } | null {
  if (path === '/' || path === '/index.html') return { file: join(BENCH_DIR, 'browser', 'index.html'), type: 'text/html; charset=utf-8' };
  const m = /^\/(page-(?:fast|checked)\.mjs)$/.exec(path);
  return m === null ? null : { file: join(OUT_DIR, m[1]), type: 'text/javascript; charset=utf-8' };
}

/** Starts the server on a free port of 127.0.0.1. */
export async function startServer(): Promise<BenchServer> {
  const server = createServer((req, res) => {
    const r = route(new URL(req.url ?? '/', 'http://x').pathname);
    const fail = (status: number, text: string): void => {
      res.writeHead(status, { ...HEADERS, 'Content-Type': 'text/plain' });
      res.end(text);
    };
    if (r === null) {
      fail(req.url === '/favicon.ico' ? 204 : 404, '');
      return;
    }
    readFile(r.file).then((body) => {
      res.writeHead(200, { ...HEADERS, 'Content-Type': r.type });
      res.end(body);
    }, (e: unknown) => { fail(500, String(e)); });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => { resolve(); });
    }),
  };
}
