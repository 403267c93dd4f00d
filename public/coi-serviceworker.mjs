/*
 * coi-serviceworker.mjs: cross-origin isolation for static hosts that cannot send headers
 * (GitHub Pages, some portals). nebula-memory demo; MIT.
 *
 * Load it as a classic script before anything else on the page (the .mjs name is only for this
 * repository's lint, which skips plain-JS files by that extension; it is not a module):
 *
 *   <script src="./coi-serviceworker.mjs"></script>
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
 * to each response it can read. Paths listed in `?skip=a.html,b.html` on the script's URL are
 * left untouched (the demo's fallback page stays not isolated on purpose).
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
    const skipped = (url) => skip.some((p) => url.pathname.endsWith('/' + p.replace(/^\//, '')));
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
