/**
 * diagnoseIsolation(): the page's response headers, read with a HEAD request (`fetch` stubbed
 * with a Response carrying the headers under test), and the reasons isolationReport() gives
 * where the environment is unusual: an isolated page without SharedArrayBuffer (WebKitGTK
 * without its JSC flag) and a context that is neither a page, a worker nor Node.
 */
import { type MockInstance, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemory, diagnoseIsolation, isolationReport } from '../src/index.ts';
import { ISOLATION_FIX, ISOLATION_HEADERS, resetNotSharedWarning } from '../src/memory/isolation.ts';
import { inBrowser } from './helpers.ts';

const COOP = 'Cross-Origin-Opener-Policy: same-origin';
const COEP = 'Cross-Origin-Embedder-Policy: require-corp';
const PAGE = 'https://game.example/play/index.html';

/** Stubs `fetch` with one answering `headers`; returns the mock to read its calls. */
function serveHeaders(headers: Record<string, string>): MockInstance<typeof fetch> {
  const f = vi.fn<typeof fetch>(() => Promise.resolve(new Response(null, { status: 200, headers })));
  vi.stubGlobal('fetch', f);
  return f;
}

/** Makes this context look like a page that is not cross-origin isolated (as isolation-warning.test.ts does). */
function simulateNotIsolated(): void {
  if (!inBrowser) vi.stubGlobal('window', {});
  vi.stubGlobal('crossOriginIsolated', false);
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('diagnoseIsolation', () => {
  it('asks for the page with HEAD, uncached, and finds nothing missing when both headers are right', async () => {
    const f = serveHeaders({ 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
    const base = isolationReport();
    expect(base.shared).toBe(true);
    const d = await diagnoseIsolation(PAGE);
    expect(f).toHaveBeenCalledTimes(1);
    expect(f).toHaveBeenCalledWith(PAGE, { method: 'HEAD', cache: 'no-store' });
    expect(d).toEqual({ ...base, coop: 'same-origin', coep: 'require-corp', missing: [] });
    expect(d.reason).toBe(base.reason);
    expect(d.fix).toBe('');
    expect(Object.isFrozen(d) && Object.isFrozen(d.missing)).toBe(true);
  });

  it('accepts COEP credentialless, and values padded with spaces', async () => {
    serveHeaders({ 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'credentialless' });
    const d = await diagnoseIsolation(PAGE);
    expect(d.missing).toEqual([]);
    expect([d.coop, d.coep]).toEqual(['same-origin', 'credentialless']);
    // Headers strips the padding itself; a response object that keeps it is read the same way
    const padded = new Map([['cross-origin-opener-policy', ' same-origin '], ['cross-origin-embedder-policy', '\trequire-corp ']]);
    vi.stubGlobal('fetch', vi.fn(() => Promise.resolve({ headers: { get: (name: string) => padded.get(name) ?? null } })));
    const p = await diagnoseIsolation(PAGE);
    expect([p.coop, p.coep]).toEqual([' same-origin ', '\trequire-corp ']);
    expect(p.missing).toEqual([]);
  });

  it('names each header that is absent or has a wrong value, with the fix', async () => {
    serveHeaders({ 'Cross-Origin-Embedder-Policy': 'require-corp' });
    const noCoop = await diagnoseIsolation(PAGE);
    expect([noCoop.coop, noCoop.coep]).toEqual([null, 'require-corp']);
    expect(noCoop.missing).toEqual([COOP]);
    expect(noCoop.reason).toBe(`the response is missing ${COOP}.`);
    expect(noCoop.fix).toBe(ISOLATION_FIX);

    serveHeaders({ 'Cross-Origin-Opener-Policy': 'same-origin-allow-popups', 'Cross-Origin-Embedder-Policy': 'unsafe-none' });
    const wrong = await diagnoseIsolation(PAGE);
    expect(wrong.missing).toEqual([COOP, COEP]);
    expect(wrong.reason).toBe(`the response is missing ${COOP} and ${COEP}.`);
    expect(wrong.requiredHeaders).toBe(ISOLATION_HEADERS);

    serveHeaders({ 'Cross-Origin-Opener-Policy': 'same-origin' });
    expect((await diagnoseIsolation(PAGE)).missing).toEqual([COEP]);
  });

  it('with both headers present in a page that is still not isolated, blames a frame or a resource', async () => {
    simulateNotIsolated();
    serveHeaders({ 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
    const d = await diagnoseIsolation(PAGE);
    expect(d.shared).toBe(false);
    expect(d.environment).toBe('window');
    expect(d.missing).toEqual([]);
    expect(d.reason).toBe('both headers are present, yet the page is not isolated: a parent frame or a resource without CORP/CORS breaks it.');
    expect(d.fix).toBe(ISOLATION_FIX); // the report's own fix: not isolated
  });

  it('checks the current document when no URL is given', async () => {
    const href = inBrowser ? location.href : PAGE;
    if (!inBrowser) vi.stubGlobal('location', { href });
    const f = serveHeaders({ 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
    const d = await diagnoseIsolation();
    expect(f).toHaveBeenCalledWith(href, { method: 'HEAD', cache: 'no-store' });
    expect(d.missing).toEqual([]);
  });

  // a page always has a location (window.location cannot be replaced): only Node has none
  it.skipIf(inBrowser)('without a URL or a location, fetches nothing and reports both headers as missing (Node only)', async () => {
    const f = serveHeaders({});
    const d = await diagnoseIsolation();
    expect(f).not.toHaveBeenCalled();
    expect([d.coop, d.coep]).toEqual([null, null]);
    expect(d.missing).toEqual([COOP, COEP]);
    expect(d.environment).toBe('node');
  });

  it('passes a failed request on to the caller', async () => {
    const failure = new TypeError('Failed to fetch');
    vi.stubGlobal('fetch', vi.fn<typeof fetch>(() => Promise.reject(failure)));
    await expect(diagnoseIsolation(PAGE)).rejects.toBe(failure);
  });
});

describe('isolationReport in unusual environments', () => {
  let warn: MockInstance<typeof console.warn>;

  beforeEach(() => {
    resetNotSharedWarning();
    warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    warn.mockRestore();
    resetNotSharedWarning();
  });

  it('an isolated page without SharedArrayBuffer (WebKitGTK without JSC_useSharedArrayBuffer=1)', () => {
    if (!inBrowser) vi.stubGlobal('window', {});
    vi.stubGlobal('crossOriginIsolated', true);
    vi.stubGlobal('SharedArrayBuffer', undefined);
    const r = isolationReport();
    expect(r).toEqual({
      shared: false, crossOriginIsolated: true, environment: 'window', requiredHeaders: ISOLATION_HEADERS,
      reason: 'this browser exposes no SharedArrayBuffer even though the page is isolated (WebKitGTK needs JSC_useSharedArrayBuffer=1).',
      fix: ISOLATION_FIX,
    });
    // createMemory falls back, and does not print the headers warning: the headers are not at fault
    const m = createMemory({ size: 1 << 16 });
    expect(m.shared).toBe(false);
    expect(m.buffer).toBeInstanceOf(ArrayBuffer);
    expect(m.isolation.reason).toBe(r.reason);
    expect(warn).not.toHaveBeenCalled();
    m.checkInvariants();
  });

  it.skipIf(inBrowser)('Node without SharedArrayBuffer says so (Node only: a page is a window)', () => {
    vi.stubGlobal('SharedArrayBuffer', undefined);
    const r = isolationReport();
    expect([r.shared, r.environment, r.reason]).toEqual([false, 'node', 'this Node.js has no SharedArrayBuffer.']);
    expect(r.fix).toBe(ISOLATION_FIX);
  });

  // a page cannot stop being a window (window.window cannot be deleted): only Node can pose as neither
  it.skipIf(inBrowser)('a context that is neither a page, a worker nor Node is "unknown" (Node only)', () => {
    vi.stubGlobal('process', { versions: {} });
    const r = isolationReport();
    vi.unstubAllGlobals(); // give Node its process back before expect() runs
    expect(r.environment).toBe('unknown');
    expect(r.crossOriginIsolated).toBeUndefined();
    expect(r.shared).toBe(true);
    expect(r.reason).toBe('SharedArrayBuffer is available (a runtime that is neither a page, a worker nor Node.js).');
  });
});
