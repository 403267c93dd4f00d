/**
 * What both e2e runners (Playwright, and webdriverio for WebKit) read from a demo page: the
 * manifest's shape and one function that runs in the page and returns its state.
 * @module
 */

/** One entry of demo/pages.json. */
export interface DemoPage {
  /** URL path under the preview server. */
  readonly path: string;
  /**
   * `particles`: the fountain; `allocators`: the first demo; `fallback`: served without COOP/COEP;
   * `inspector`: the live inspector; `snapshot`: the inspector's snapshot viewer (no game, not isolated).
   */
  readonly kind: string;
  /** True when the server sends COOP/COEP for this page. */
  readonly isolated: boolean;
  /** Human title. */
  readonly title: string;
  /** What the page shows. */
  readonly description: string;
  /** Element texts the page must show once it is done (or while it runs). */
  readonly checks: readonly { readonly selector: string; readonly text: string }[];
}

/** A demo page's state, as {@link pageState} reads it. */
export interface PageState {
  /** `globalThis.crossOriginIsolated`. */
  readonly crossOriginIsolated: boolean;
  /** `#status`. */
  readonly status: string;
  /** The fountain's frame (`#frame` on the other pages). */
  readonly frame: number;
  /** Lit pixels of the last render-side pixel check; −1 before the first. */
  readonly lit: number;
  /** Particles in the last drawn frame. */
  readonly drawn: number;
  /** The particle pool's allocations as published by every thread (what the inspector shows); 0 on other pages. */
  readonly poolAllocs: number;
  /** `#error`. */
  readonly error: string;
  /** `#threads`. */
  readonly threads: string;
  /** True while the isolation card is hidden. */
  readonly isolationHidden: boolean;
  /** `#isolation-reason`. */
  readonly reason: string;
  /** `#isolation-fix`. */
  readonly fix: string;
  /** `#isolation-missing`. */
  readonly missing: string;
}

/**
 * Runs in the page (self-contained: no imports, no closures) and reads its state.
 * @returns the page's state.
 */
export function pageState(): PageState {
  const text = (id: string): string => document.getElementById(id)?.textContent ?? '';
  const demo = (window as { nebulaDemo?: { stats: () => { frame: number; lit: number; drawn: number; poolAllocs: number } } }).nebulaDemo;
  const s = demo?.stats();
  return {
    crossOriginIsolated: globalThis.crossOriginIsolated,
    status: text('status'),
    frame: s?.frame ?? Number(text('frame')),
    lit: s?.lit ?? -1,
    drawn: s?.drawn ?? 0,
    poolAllocs: s?.poolAllocs ?? 0,
    error: text('error'),
    threads: text('threads'),
    isolationHidden: document.getElementById('isolation')?.hidden ?? true,
    reason: text('isolation-reason'),
    fix: text('isolation-fix'),
    missing: text('isolation-missing'),
  };
}

/** The fountain's clock handshake words (`nebulaDemo.stats().clock`), or null on other pages. */
export type ClockState = ReturnType<NonNullable<Window['nebulaDemo']>['stats']>['clock'] | null;

/**
 * Runs in the page (self-contained) and reads the fountain's clock: what a stalled run waits
 * for, and the render waits that timed out with a frame waiting.
 * @returns the clock words, or null where the page has no fountain.
 */
export function clockState(): ClockState {
  return window.nebulaDemo?.stats().clock ?? null;
}

/** What the "kill a worker" checks read (`nebulaDemo.stats()`), or null on pages without the fountain. */
export interface RecoveryState {
  /** `memory.frame`. */
  readonly frame: number;
  /** Particles the simulation workers simulate. */
  readonly live: number;
  /** Particles in the last drawn frame. */
  readonly drawn: number;
  /** `pool.live`. */
  readonly poolLive: number;
  /** `#error`. */
  readonly error: string;
  /** `#recovery`: the status line next to the buttons. */
  readonly line: string;
  /** Kills, crashes, reclaims, restarts, workers counted, lease retries, the last loss. */
  readonly recovery: NonNullable<ReturnType<NonNullable<Window['nebulaDemo']>['stats']>['recovery']>;
  /** Render waits that timed out with a frame waiting (lost notifies). */
  readonly renderRescued: number;
}

/**
 * Runs in the page (self-contained) and reads what the "kill a worker" checks need.
 * @returns the state, or null where the page has no fountain.
 */
export function recoveryState(): RecoveryState | null {
  const s = window.nebulaDemo?.stats();
  if (s === undefined) return null;
  return {
    frame: s.frame, live: s.live, drawn: s.drawn, poolLive: s.poolLive, recovery: s.recovery, renderRescued: s.clock.renderRescued,
    error: document.getElementById('error')?.textContent ?? '', line: document.getElementById('recovery')?.textContent ?? '',
  };
}
