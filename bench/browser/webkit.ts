/**
 * WebKit for the browser bench: Debian's WebKitGTK (MiniBrowser) through WebKitWebDriver under
 * Xvfb, driven by raw W3C WebDriver calls over fetch (Playwright's WebKit is a build it would
 * have to download). `JSC_useSharedArrayBuffer=1` is needed: WebKitGTK exposes SharedArrayBuffer
 * only with it, even when the page is cross-origin isolated (see scripts/with-webkit.sh).
 * @module
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

const DRIVER = '/usr/bin/WebKitWebDriver';
const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** A WebDriver session in MiniBrowser. */
export interface WebKitSession {
  readonly version: string;
  /** Opens `url`. */
  readonly navigate: (url: string) => Promise<void>;
  /** Runs `script` (a function body) in the page and returns its value. */
  readonly execute: (script: string) => Promise<unknown>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => { resolve(); }));
  const addr = s.address();
  await new Promise<void>((resolve) => s.close(() => { resolve(); }));
  if (addr === null || typeof addr === 'string') throw new Error('no free port');
  return addr.port;
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}${path}`, {
    method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? null : JSON.stringify(body),
  });
  const json = await res.json() as { value?: unknown };
  if (!res.ok) throw new Error(`WebKitWebDriver ${method} ${path}: ${res.status} ${JSON.stringify(json.value)}`);
  return json.value;
}

function kill(driver: ChildProcess): void {
  if (driver.pid === undefined || driver.exitCode !== null) return;
  try {
    process.kill(-driver.pid, 'SIGTERM'); // the process group: xvfb-run, Xvfb, the driver, MiniBrowser
  } catch {
    // already gone
  }
}

/**
 * Starts WebKitWebDriver (in its own Xvfb, own process group), opens a MiniBrowser session, runs
 * `fn`, then deletes the session and kills the driver's process group. Throws a clear error when
 * WebKitGTK or Xvfb are not installed.
 */
export async function withWebKit<T>(fn: (session: WebKitSession) => Promise<T>): Promise<T> {
  if (!existsSync(DRIVER) || !existsSync(MINIBROWSER) || spawnSync('which', ['xvfb-run']).status !== 0) {
    throw new Error(`webkit: needs ${DRIVER} and ${MINIBROWSER} (apt: webkit2gtk-driver, libwebkit2gtk-4.1-0) and xvfb-run (apt: xvfb)`);
  }
  const port = await freePort();
  const driver = spawn('xvfb-run', ['-a', DRIVER, `--port=${port}`], {
    env: { ...process.env, JSC_useSharedArrayBuffer: '1' }, detached: true, stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    const t0 = Date.now();
    for (;;) {
      if (driver.exitCode !== null) throw new Error(`webkit: WebKitWebDriver exited with ${driver.exitCode}`);
      try {
        await call(base, 'GET', '/status');
        break;
      } catch (e) {
        if (Date.now() - t0 > 30_000) throw new Error(`webkit: WebKitWebDriver did not start on port ${port}: ${String(e)}`, { cause: e });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const session = await call(base, 'POST', '/session', {
      capabilities: { alwaysMatch: { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } },
    }) as { sessionId: string; capabilities: { browserVersion?: string } };
    const s = `/session/${session.sessionId}`;
    try {
      return await fn({
        version: session.capabilities.browserVersion ?? 'unknown',
        navigate: async (url) => { await call(base, 'POST', `${s}/url`, { url }); },
        execute: (script) => call(base, 'POST', `${s}/execute/sync`, { script, args: [] }),
      });
    } finally {
      await call(base, 'DELETE', s).catch(() => undefined);
    }
  } finally {
    kill(driver);
  }
}
