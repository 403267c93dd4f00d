/**
 * The cross-origin-isolation service worker ("the shim") as text: what `nebulaMemory()` serves in
 * `vite` and `vite preview` and emits into the build, for static hosts that cannot send COOP/COEP.
 * @module
 */

/**
 * The source of the cross-origin-isolation service worker, a classic script (not a module) of
 * about 80 lines, for hosts that cannot send headers (GitHub Pages, some game portals).
 *
 * Loaded first in `<head>` as `<script src="./coi-serviceworker.js"></script>`, it does nothing
 * when the page is already cross-origin isolated; otherwise it registers its own URL as a service
 * worker and reloads the page once, when the worker takes control. The worker adds
 * `Cross-Origin-Opener-Policy: same-origin`, `Cross-Origin-Embedder-Policy: require-corp` and
 * (where the response has none) `Cross-Origin-Resource-Policy: same-origin` to every response it
 * can read. `?skip=a.html,b.html` on the script's URL leaves those pages alone. A `sessionStorage`
 * flag stops a second reload, so a page that cannot be isolated runs its single-thread fallback.
 *
 * `nebulaMemory()` serves and emits this text for you; without Vite, write it to a file at the
 * site's root (the worker's scope is the script's folder) and serve it as JavaScript.
 *
 * Thread-safety: a constant string.
 * @example
 * ```ts
 * // a build script for a bundler other than Vite
 * import { writeFileSync } from 'node:fs';
 * import { COI_SERVICE_WORKER } from 'nebula-memory/vite';
 * writeFileSync('dist/coi-serviceworker.js', COI_SERVICE_WORKER);
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-inferrable-types -- `string`, not the 4 kB literal type, in the .d.ts
export const COI_SERVICE_WORKER: string = `/*
 * coi-serviceworker.js: cross-origin isolation for static hosts that cannot send headers
 * (GitHub Pages, some portals). From nebula-memory/vite (nebulaMemory() emits it); MIT.
 *
 * Load it as a classic script (not a module), first in <head>, before anything else on the page:
 *
 *   <script src="./coi-serviceworker.js"></script>
 *
 * On the page: when the page is not cross-origin isolated, it registers this same file as a
 * service worker and reloads once, when the worker takes control. It does nothing when the server
 * already sends the headers, when there is no service worker (insecure context, private modes),
 * or after one reload that did not help (no loop): the page then runs its single-thread fallback.
 *
 * As the service worker: it passes every request to the network and adds
 *   Cross-Origin-Opener-Policy: same-origin
 *   Cross-Origin-Embedder-Policy: require-corp
 *   Cross-Origin-Resource-Policy: same-origin   (only where the response has none)
 * to each response it can read. Paths listed in ?skip=a.html,b.html on the script's URL are
 * left untouched (a page that must stay not isolated, such as a fallback page).
 */
(() => {
  'use strict';
  const HEADERS = {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
  };

  if (typeof window === 'undefined') {
    // ---- the service worker ----
    const skip = (new URL(self.location.href).searchParams.get('skip') || '').split(',').filter(Boolean);
    const skipped = (url) => skip.some((p) => url.pathname.endsWith('/' + p.replace(/^[/]/, '')));
    self.addEventListener('install', () => self.skipWaiting());
    self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
    self.addEventListener('fetch', (event) => {
      const request = event.request;
      // a request DevTools makes from the cache only: not ours to answer
      if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
      const url = new URL(request.url);
      if (url.origin === self.location.origin && skipped(url)) return;
      event.respondWith(
        fetch(request).then((response) => {
          // opaque (no-cors cross-origin) responses cannot be read or changed
          if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
          const headers = new Headers(response.headers);
          for (const [name, value] of Object.entries(HEADERS)) headers.set(name, value);
          if (!headers.has('Cross-Origin-Resource-Policy')) headers.set('Cross-Origin-Resource-Policy', 'same-origin');
          return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
        }),
      );
    });
    return;
  }

  // ---- the page ----
  if (window.crossOriginIsolated) {
    sessionStorage.removeItem('coi-serviceworker-reloaded');
    return;
  }
  if (!window.isSecureContext || !('serviceWorker' in navigator)) return;
  const script = document.currentScript;
  if (!script || !script.src) return;
  const reloadOnce = () => {
    if (sessionStorage.getItem('coi-serviceworker-reloaded')) return; // reloaded once already: it did not help
    sessionStorage.setItem('coi-serviceworker-reloaded', '1');
    location.reload();
  };
  navigator.serviceWorker.register(script.src).then((registration) => {
    if (navigator.serviceWorker.controller) {
      // controlled, yet not isolated: the worker is new (reload) or cannot help (stop here)
      if (registration.active && !registration.installing && !registration.waiting) reloadOnce();
      return;
    }
    navigator.serviceWorker.addEventListener('controllerchange', reloadOnce);
  }, (err) => {
    console.warn('coi-serviceworker: no service worker, so no cross-origin isolation:', err && err.message);
  });
})();
`;
