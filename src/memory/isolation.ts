/**
 * Cross-origin isolation: whether this context can have a SharedArrayBuffer, and if not, why and
 * what to set. The runtime degrades to single-thread mode with this report instead of failing.
 * @module
 */

/**
 * Why the memory is, or is not, shared. Returned by {@link isolationReport} and kept on
 * {@link Memory.isolation}.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * const r = isolationReport();
 * if (!r.shared) console.warn(r.reason, r.fix);
 * ```
 */
export interface IsolationReport {
  /** True when a SharedArrayBuffer can be made and shared with workers here. */
  readonly shared: boolean;
  /** `globalThis.crossOriginIsolated`, or undefined where it does not exist (Node). */
  readonly crossOriginIsolated: boolean | undefined;
  /** Where the code runs. */
  readonly environment: 'node' | 'window' | 'worker' | 'unknown';
  /** The headers that a page needs; those that are missing are named in `reason` (see also {@link diagnoseIsolation}). */
  readonly requiredHeaders: readonly string[];
  /** One sentence: why the memory is or is not shared. */
  readonly reason: string;
  /** What to set, for Vite, nginx, Netlify and hosts that cannot send headers. Empty when shared. */
  readonly fix: string;
}

/** The two response headers that make a page cross-origin isolated. */
export const ISOLATION_HEADERS: readonly string[] = Object.freeze([
  'Cross-Origin-Opener-Policy: same-origin',
  'Cross-Origin-Embedder-Policy: require-corp',
]);

/** How to send the headers, for the hosts a game is put on. */
export const ISOLATION_FIX =
  'Serve the page with "Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp". ' +
  "Vite: server.headers and preview.headers in vite.config.ts. nginx: add_header Cross-Origin-Opener-Policy same-origin always; " +
  'add_header Cross-Origin-Embedder-Policy require-corp always;. Netlify: a _headers file with both lines under "/*". ' +
  'Hosts that cannot send headers (GitHub Pages, itch.io): register a service worker that adds them (see docs/DEPLOY.md).';

function environment(): IsolationReport['environment'] {
  const g = globalThis as { process?: { versions?: { node?: string } }; window?: unknown; WorkerGlobalScope?: unknown };
  if (typeof g.window === 'object' && g.window !== null) return 'window';
  if (typeof g.WorkerGlobalScope === 'function') return 'worker';
  if (typeof g.process?.versions?.node === 'string') return 'node';
  return 'unknown';
}

/**
 * Says whether this context can share memory with workers, and if not, why and how to fix it.
 * Synchronous, so {@link createMemory} can use it; {@link diagnoseIsolation} also reads the
 * page's actual response headers.
 *
 * Thread-safety: any worker.
 * @example
 * ```ts
 * if (!isolationReport().shared) showBanner(isolationReport().fix);
 * ```
 */
export function isolationReport(): IsolationReport {
  const env = environment();
  const coi = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  const hasSab = typeof SharedArrayBuffer === 'function';
  let shared = hasSab;
  let reason: string;
  if (env === 'node') {
    reason = hasSab ? 'Node.js: SharedArrayBuffer is always available.' : 'this Node.js has no SharedArrayBuffer.';
  } else if (coi === false) {
    shared = false;
    reason = 'the page is not cross-origin isolated (crossOriginIsolated is false): the response lacks ' +
      'Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp, or both, ' +
      'or a resource on the page is not CORP/CORS-enabled. Call diagnoseIsolation() to see which.';
  } else if (!hasSab) {
    reason = 'this browser exposes no SharedArrayBuffer even though the page is isolated ' +
      '(WebKitGTK needs JSC_useSharedArrayBuffer=1).';
  } else if (env === 'unknown') {
    reason = coi === true ? 'this context is cross-origin isolated: SharedArrayBuffer is available.'
      : 'SharedArrayBuffer is available (a runtime that is neither a page, a worker nor Node.js).';
  } else {
    reason = 'the page is cross-origin isolated: SharedArrayBuffer is available.';
  }
  return Object.freeze({
    shared, crossOriginIsolated: coi, environment: env, requiredHeaders: ISOLATION_HEADERS,
    reason, fix: shared ? '' : ISOLATION_FIX,
  });
}

/**
 * The result of {@link diagnoseIsolation}: the headers the page was actually served with.
 *
 * Thread-safety: a frozen value; any worker.
 * @example
 * ```ts
 * const d = await diagnoseIsolation();
 * console.log(d.missing);
 * ```
 */
export interface IsolationDiagnosis extends IsolationReport {
  /** The value of Cross-Origin-Opener-Policy on the page's response, or null if absent. */
  readonly coop: string | null;
  /** The value of Cross-Origin-Embedder-Policy on the page's response, or null if absent. */
  readonly coep: string | null;
  /** The headers that are absent or have a wrong value, as `Name: wanted value`. */
  readonly missing: readonly string[];
}

/**
 * Fetches the page again (HEAD) and names which isolation header is missing or wrong.
 *
 * Thread-safety: any thread with `fetch` (window or worker).
 * @param url - the document to check. @defaultValue `location.href`
 * @example
 * ```ts
 * const d = await diagnoseIsolation();
 * if (d.missing.length) console.warn('missing headers:', d.missing.join(', '));
 * ```
 */
export async function diagnoseIsolation(url?: string): Promise<IsolationDiagnosis> {
  const base = isolationReport();
  const target = url ?? (globalThis as { location?: { href: string } }).location?.href;
  let coop: string | null = null;
  let coep: string | null = null;
  if (target !== undefined) {
    const res = await fetch(target, { method: 'HEAD', cache: 'no-store' });
    coop = res.headers.get('cross-origin-opener-policy');
    coep = res.headers.get('cross-origin-embedder-policy');
  }
  const missing: string[] = [];
  if (coop?.trim() !== 'same-origin') missing.push('Cross-Origin-Opener-Policy: same-origin');
  if (coep === null || !/^(require-corp|credentialless)$/.test(coep.trim())) {
    missing.push('Cross-Origin-Embedder-Policy: require-corp');
  }
  const reason = missing.length === 0
    ? base.shared ? base.reason : 'both headers are present, yet the page is not isolated: a parent frame or a resource without CORP/CORS breaks it.'
    : `the response is missing ${missing.join(' and ')}.`;
  return Object.freeze({ ...base, coop, coep, missing: Object.freeze(missing), reason, fix: missing.length ? ISOLATION_FIX : base.fix });
}

/** The reason of a memory made with `shared: false`. @internal */
const UNSHARED_ON_PURPOSE_REASON = 'single-thread mode was asked for (shared: false).';

/** The reports of memories made with `shared: false`, so errors can tell a choice from a fallback. */
const unsharedOnPurpose = new WeakSet<IsolationReport>();

/**
 * The report of a memory made with `shared: false`: not shared, no fix to apply. createMemory's
 * work; {@link isUnsharedOnPurpose} recognises it.
 * @internal
 */
export function unsharedOnPurposeReport(report: IsolationReport): IsolationReport {
  const r: IsolationReport = Object.freeze({ ...report, shared: false, reason: UNSHARED_ON_PURPOSE_REASON, fix: '' });
  unsharedOnPurpose.add(r);
  return r;
}

/** True when `report` is that of a memory made with `shared: false` (a choice, not missing isolation). @internal */
export function isUnsharedOnPurpose(report: IsolationReport): boolean {
  return unsharedOnPurpose.has(report);
}

/** What `share()` suggests for a memory made with `shared: false`: no headers, it was a choice. @internal */
export const UNSHARED_ON_PURPOSE_FIX =
  'this memory was created unshared on purpose (createMemory({ shared: false }), single-thread mode). To share it with ' +
  "workers, create it with shared: 'auto' (the default) or shared: true; isolationReport() says whether this context can share memory.";

/**
 * What {@link warnIfFellBack} prints, once per realm, when createMemory() falls back to an
 * ArrayBuffer because the page or worker is not cross-origin isolated.
 * @internal
 */
export const NOT_SHARED_WARNING =
  'nebula-memory: createMemory() fell back to an ArrayBuffer (single-thread mode): this context is not cross-origin ' +
  'isolated, so there is no SharedArrayBuffer and workers cannot share the memory. The page must be served with both ' +
  'headers: "Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp". ' +
  "Vite: add the nebulaMemory() plugin from 'nebula-memory/vite' to vite.config.ts. Static hosts that cannot send " +
  'headers (GitHub Pages, itch.io): load the service-worker shim that plugin emits, first in <head>: ' +
  '<script src="./coi-serviceworker.js"></script> (docs/DEPLOY.md). ' +
  'memory.isolation.reason and diagnoseIsolation() say more; createMemory({ warnIfNotShared: false }) silences this warning.';

/** True once this realm printed {@link NOT_SHARED_WARNING}. */
let warnedNotShared = false;

/**
 * Prints {@link NOT_SHARED_WARNING} with `console.warn`, once per realm, when `report` is that of
 * a fallback caused by missing cross-origin isolation in a page or worker: not when the memory
 * is shared, not for `shared: false`, not in Node. Returns true when it printed.
 * @internal
 */
export function warnIfFellBack(report: IsolationReport): boolean {
  if (warnedNotShared || report.shared || isUnsharedOnPurpose(report)) return false;
  if (report.environment !== 'window' && report.environment !== 'worker') return false;
  if (report.crossOriginIsolated !== false) return false; // not isolation's fault (e.g. WebKitGTK without its JSC flag)
  warnedNotShared = true;
  console.warn(NOT_SHARED_WARNING);
  return true;
}

/** Forgets that the warning was printed, so the next fallback warns again. For tests. @internal */
export function resetNotSharedWarning(): void {
  warnedNotShared = false;
}
