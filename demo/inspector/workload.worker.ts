/**
 * A synthetic game workload for the inspector demo: each frame it spawns and retires particles
 * in the 200,000-slot pool (its live count swings between 40,000 and 85,000), takes arena
 * temporaries, and every FAILURE_EVERY frames worker 1 runs the bullet pool dry on purpose, so
 * the inspector's warning list shows a failure and a POOL_EXHAUSTED error. Every LEAK_EVERY
 * frames worker 0 leaks a bullet on purpose (`leaky.fireAndForget`, up to LEAK_MAX), for the
 * inspector's leak table to find; with the page's `?sites=1` both workers record call sites
 * (`memory.captureCallSites(true)`). Then it releases its lane and publishes its counts, and
 * tells the page.
 */
import { type FrameArena, type Memory, type Pool, attachMemory } from 'nebula-memory';
import { FAILURE_EVERY, type FromWorkload, LEAK_EVERY, LEAK_MAX, type ToWorkload, rng } from './protocol.ts';

let memory: Memory;
let particles: Pool;
let bullets: Pool;
let arena: FrameArena;
let index = 0;
let random: () => number = Math.random;
/** Live particle handles, oldest first, in a ring. */
const ring = new Int32Array(1 << 17);
let head = 0;
let tail = 0;
/** Bullets leaked so far. */
let leaked = 0;

const post = (m: FromWorkload): void => { self.postMessage(m); };

function frame(f: number): void {
  const live = (head - tail) & (ring.length - 1);
  const target = Math.round(62_500 + 22_500 * Math.sin(f / 70 + index * 2.1));
  const spawn = Math.max(0, Math.min(4000, target - live + Math.floor(random() * 1500)));
  for (let k = 0; k < spawn; k++) {
    const h = particles.tryAlloc();
    if (h === 0) break;
    const p = particles.offsetOf(h) >> 2;
    memory.f32[p] = random();
    memory.f32[p + 1] = f;
    ring[head] = h;
    head = (head + 1) & (ring.length - 1);
  }
  const now = (head - tail) & (ring.length - 1);
  const retire = Math.min(now, Math.max(0, now - target) + Math.floor(random() * 1200));
  for (let k = 0; k < retire; k++) {
    particles.free(ring[tail]);
    tail = (tail + 1) & (ring.length - 1);
  }
  const temps = 64 + Math.floor(random() * 96);
  for (let k = 0; k < temps; k++) {
    const p = arena.alloc(64 + Math.floor(random() * 448), 16) >> 2;
    memory.f32[p] = k;
  }
  if (index === 1 && f % FAILURE_EVERY === FAILURE_EVERY / 2) runBulletsDry();
  if (index === 0 && f % LEAK_EVERY === 0 && leaked < LEAK_MAX) leaky.fireAndForget(f);
  arena.release();
  memory.publishStats();
}

/** Takes every bullet, fails once quietly (tryAlloc) and once loudly (alloc throws), and frees them. */
function runBulletsDry(): void {
  const taken: number[] = [];
  for (;;) {
    const h = bullets.tryAlloc();
    if (h === 0) break;
    taken.push(h);
  }
  try {
    bullets.alloc();
  } catch {
    // POOL_EXHAUSTED, on purpose: the inspector lists it
  }
  for (const h of taken) bullets.free(h);
  bullets.flush();
}

/**
 * The deliberate leak. A method of an object, not a plain function, so that its name survives
 * the production build's minifier and shows in the call site (`Object.fireAndForget (...)` in
 * Chromium, `fireAndForget@...` in Firefox).
 */
const leaky = {
  /** Fires a bullet and forgets it: allocated, stamped with its frame, never freed. */
  fireAndForget(f: number): void {
    const h = bullets.tryAlloc();
    if (h === 0) return;
    memory.f32[bullets.offsetOf(h) >> 2] = f;
    leaked++;
    bullets.flush(); // the rest of the batch back to the pool: worker 1 runs it dry
  },
};

self.onmessage = (e: MessageEvent<ToWorkload>) => {
  const m = e.data;
  try {
    if (m.type === 'init') {
      memory = attachMemory(m.memory, { name: `work-${m.index}` }); // the name the inspector's thread table shows
      particles = memory.pool('particles');
      bullets = memory.pool('bullets');
      arena = memory.arena('frame');
      index = m.index;
      random = rng(m.seed);
      if (m.sites) memory.captureCallSites(true); // each thread switches its own capture
      post({ type: 'ready', threadId: memory.threadId });
    } else {
      frame(m.frame);
      post({ type: 'done', frame: m.frame, live: (head - tail) & (ring.length - 1) });
    }
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
