/**
 * The page's inlining probe: ns per call of a small function and of one whose bytecode is well
 * over Firefox's default inlining limit (130 bytes), both with the same work: the large one's
 * extra steps sit in a branch the loop never takes. Where the large function gets inlined
 * (`firefox-inline`, Chromium) both cost the same; at Firefox's default limit the large one
 * stays a call. bench/browser/run.ts checks it, so a raised limit that did not take effect fails
 * the run. Built with `new Function`, so the minifier cannot reshape the probe.
 * @module
 */

/** The probe's figures. */
export interface InlineProbe {
  readonly smallNs: number;
  readonly largeNs: number;
  /** Steps of the large function (about 14 bytecode bytes each). */
  readonly largeSteps: number;
}

const LARGE_STEPS = 24;
const CALLS = 1e7;

/**
 * The probe loop for a function of `steps` steps, as its own code (one loop per function, so the
 * call site sees one target): returns the best of 5 timings, ns per call.
 */
function probe(steps: number): () => number {
  const body = `
    function f(a, b) { let x = b; if (a < 0) { ${'x = (x * 31 + a) | 0; '.repeat(steps)}} return (x + a) | 0; }
    let best = Infinity, s = 0;
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      for (let i = 0; i < ${CALLS}; i++) s = f(i, s);
      best = Math.min(best, performance.now() - t);
    }
    if (s === 0.5) console.log('unreachable');
    return best * 1e6 / ${CALLS};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the probe must be code the minifier never saw
  return new Function(body) as () => number;
}

/** Times both probe functions (about 0.3 s). */
export function inlineProbe(): InlineProbe {
  return { smallNs: probe(2)(), largeNs: probe(LARGE_STEPS)(), largeSteps: LARGE_STEPS };
}
