/**
 * Call sites across threads: leak reports and the table name what other attachments and real
 * workers recorded, and workers interning the same texts at once agree on every id.
 */
import { describe, expect, it } from 'vitest';
import { attachMemory, createMemory } from '../src/index.ts';
import { MAX_SITES } from '../src/memory/call-sites.ts';
import type { SitesInit, SitesResult } from './fixtures/sites-work.ts';
import { runFixtureWorker } from './fixtures/spawn.ts';
import { CHECKS } from './helpers.ts';
import { setup, spawnC } from './fixtures/call-site-pools.ts';

describe('leaks() names the sites another thread recorded', () => {
  it.runIf(CHECKS)('a second attachment allocates with capture on; the first one\'s pool.leaks() and memory.leaks() name its site', () => {
    const { m, p } = setup();
    if (!m.shared) return;
    p.alloc(); // this thread: no capture, unknown site
    const w = attachMemory(m.share(), { name: 'w' });
    w.captureCallSites(true);
    spawnC(w.pool('p'), 3);
    w.pool('p').flush();
    const r = p.leaks();
    expect(r.count).toBe(4);
    expect(r.bySite).toHaveLength(2);
    expect(r.bySite[0]).toMatchObject({ count: 3, bytes: 48 });
    expect(r.bySite[0].site).toContain('spawnC');
    expect(r.bySite[1].site).toMatch(/^unknown site/);
    expect(r.entries.filter((e) => e.thread === w.threadId).every((e) => e.site?.includes('spawnC'))).toBe(true);
    expect(m.leaks().text).toContain('spawnC');
    // the sites stay after the recording thread stops capturing and detaches
    w.captureCallSites(false);
    w.detach();
    expect(p.leaks().bySite[0].site).toContain('spawnC');
    m.checkInvariants();
  });

  it('workers add the same sites at once and agree on every id; the main thread names their allocations', async () => {
    const m = createMemory({ size: 4 << 20 });
    if (!m.shared) return;
    const p = m.createPool('pool', { slotSize: 16, capacity: 256, batch: 4 });
    const WORKERS = 3;
    const TEXTS = 120;
    const control = new SharedArrayBuffer(8);
    const ctl = new Int32Array(control);
    const runs = Array.from({ length: WORKERS }, (_, worker) => runFixtureWorker<SitesResult>(
      () => new Worker(new URL('./fixtures/sites.worker.ts', import.meta.url), { type: 'module' }),
      new URL('./fixtures/sites.node-worker.ts', import.meta.url),
      { memory: m.share(), worker, texts: TEXTS, slots: 5, control } satisfies SitesInit,
    ));
    const start = Date.now();
    while (Atomics.load(ctl, 0) < WORKERS && Date.now() - start < 30_000) await new Promise((res) => setTimeout(res, 5));
    expect(Atomics.load(ctl, 0)).toBe(WORKERS);
    Atomics.store(ctl, 1, 1);
    const results = await Promise.all(runs);
    const ids = results[0].ids;
    for (const r of results) expect(r.ids).toEqual(ids);
    expect([...ids].sort((x, y) => x - y)).toEqual(Array.from({ length: TEXTS }, (_, k) => k + 1));
    for (let k = 0; k < TEXTS; k++) expect(m.callSiteText(ids[k])).toBe(`site ${String(k)}`);
    expect(p.live).toBe(WORKERS * 5);
    if (CHECKS) {
      // the three workers ran the same code: one site, id TEXTS + 1
      const live = new Int32Array(MAX_SITES + 1);
      const old = new Int32Array(MAX_SITES + 1);
      expect(p.siteCountsInto(live, old, 0)).toBe(TEXTS + 2);
      expect(live[TEXTS + 1]).toBe(WORKERS * 5);
      expect(m.callSiteText(TEXTS + 1)).toContain('allocateFromWorker');
      const r = p.leaks();
      expect(r.bySite).toHaveLength(1);
      expect(r.bySite[0].site).toContain('allocateFromWorker');
    }
    m.checkInvariants();
  });
});
