/**
 * Leak hunting from any thread: the shared call-site table (memory/call-sites.ts), the per-slot
 * site ids of pools (P_SITE), `memory.callSiteText()`, `pool.siteCountsInto()`, `pool.slotInfo()`,
 * and `pool.leaks()` naming the sites that another thread recorded. Real workers add the same
 * sites at once and must agree on every id.
 */
import { describe, expect, it } from 'vitest';
import { attachMemory, createMemory, type Memory, type Pool } from '../src/index.ts';
import { MAX_SITE_BYTES, MAX_SITES, SITE_CHUNK_BYTES, S_CHUNKS, S_COUNT, SiteWriter, siteBytes } from '../src/memory/call-sites.ts';
import { G_SITES } from '../src/memory/layout.ts';
import { P_SITE } from '../src/allocators/pool/layout.ts';
import { CHECKS, expectCode } from './helpers.ts';
import { setup, spawnA, spawnB, spawnC } from './fixtures/call-site-pools.ts';

/** The slot index of handle `h` (from slotInfo, so it also checks that the handles agree). */
function slotOf(p: Pool, h: number): number {
  for (let s = 0; s < p.capacity; s++) if (p.slotInfo(s).handle === h) return s;
  throw new Error(`handle ${String(h)} is not live`);
}

/** The site id word of `slot` in pool region `name`, read from the buffer (P_SITE). */
function siteWord(m: Memory, name: string, slot: number): number {
  const r = m.regions().find((x) => x.name === name);
  if (r === undefined) throw new Error(`no region ${name}`);
  return m.i32[m.i32[(r.offset >> 2) + P_SITE] + slot];
}

describe('the call-site table', () => {
  it('gives each distinct text the next id, the same text the same id, from any attachment', () => {
    const m = createMemory({ size: 1 << 18 });
    expect(Atomics.load(m.i32, G_SITES)).toBe(0);
    const sites = new SiteWriter(m);
    expect(sites.idOf('a')).toBe(0); // no table yet: unknown
    const unused = m.unusedBytes;
    expect(sites.open()).toBe(true);
    expect(m.unusedBytes).toBe(unused - SITE_CHUNK_BYTES);
    expect(sites.open()).toBe(true); // made once
    expect(m.unusedBytes).toBe(unused - SITE_CHUNK_BYTES);
    expect(sites.idOf('at one (a.ts:1:1)')).toBe(1);
    expect(sites.idOf('at two (a.ts:2:1)')).toBe(2);
    expect(sites.idOf('at one (a.ts:1:1)')).toBe(1);
    expect(sites.idOf('')).toBe(3); // an empty text is a site too
    expect(m.callSiteText(1)).toBe('at one (a.ts:1:1)');
    expect(m.callSiteText(2)).toBe('at two (a.ts:2:1)');
    expect(m.callSiteText(3)).toBe('');
    for (const none of [0, -1, 4, MAX_SITES, MAX_SITES + 1, 2 ** 40]) expect(m.callSiteText(none)).toBe('');
    if (m.shared) {
      const w = attachMemory(m.share(), { name: 'w' });
      expect(w.callSiteText(2)).toBe('at two (a.ts:2:1)');
      const theirs = new SiteWriter(w);
      expect(theirs.idOf('at two (a.ts:2:1)')).toBe(2); // found in the table, not added again
      expect(theirs.idOf('at three (w.ts:3:1)')).toBe(4);
      expect(m.callSiteText(4)).toBe('at three (w.ts:3:1)'); // read by the other attachment
      expect(sites.idOf('at three (w.ts:3:1)')).toBe(4);
      w.checkInvariants();
      w.detach();
    }
    // the table is no region
    expect(m.regions()).toEqual([]);
    expect(m.regionCount).toBe(0);
    expect(m.snapshot().regions).toEqual([]);
    expect('customRegions' in m.snapshot()).toBe(false);
    m.checkInvariants();
  });

  it('stores at most 400 bytes of UTF-8, cut at a character boundary; texts equal in those bytes share an id', () => {
    const m = createMemory({ size: 1 << 18 });
    const sites = new SiteWriter(m);
    sites.open();
    const e = 'a' + 'é'.repeat(250); // 501 bytes: byte 400 continues a character
    const id = sites.idOf(e);
    expect(m.callSiteText(id)).toBe('a' + 'é'.repeat(199));
    expect(new TextEncoder().encode(m.callSiteText(id)).length).toBe(399);
    expect(sites.idOf('a' + 'é'.repeat(300))).toBe(id); // the same first 399 bytes
    const emoji = '🦀'.repeat(120); // 4 bytes each: cut after 100 of them
    expect(m.callSiteText(sites.idOf(emoji))).toBe('🦀'.repeat(100));
    expect(siteBytes('x'.repeat(MAX_SITE_BYTES)).length).toBe(MAX_SITE_BYTES);
    expect(siteBytes('x'.repeat(MAX_SITE_BYTES + 1)).length).toBe(MAX_SITE_BYTES);
    expect(m.callSiteText(sites.idOf('x'.repeat(1000)))).toBe('x'.repeat(MAX_SITE_BYTES));
    m.checkInvariants();
  });

  it('grows by 4 KiB chunks as texts fill it; a fresh reader follows the chunks', () => {
    const m = createMemory({ size: 1 << 20 });
    const sites = new SiteWriter(m);
    sites.open();
    const unused = m.unusedBytes;
    const text = (k: number): string => `${String(k).padStart(4, '0')} ${'y'.repeat(395)}`; // 400 bytes: 404 a record
    for (let k = 0; k < 40; k++) expect(sites.idOf(text(k))).toBe(k + 1);
    // 10 records fit the first chunk (16-byte header, 8 bytes kept for a jump), 10 each after
    const chunks = m.i32[(Atomics.load(m.i32, G_SITES) >> 2) + S_CHUNKS];
    expect(chunks).toBe(4);
    expect(m.unusedBytes).toBe(unused - 3 * SITE_CHUNK_BYTES);
    const fresh = new SiteWriter(m);
    for (let k = 39; k >= 0; k--) expect(fresh.textOf(k + 1)).toBe(text(k));
    for (let k = 0; k < 40; k++) expect(fresh.idOf(text(k))).toBe(k + 1);
    // a region created after the table starts after its chunks
    const r = m.createStack('s', { capacity: 64 });
    expect(m.regions()[0].offset).toBe(Atomics.load(m.i32, G_SITES) + 4 * SITE_CHUNK_BYTES);
    r.checkInvariants();
    m.checkInvariants();
  });

  it('a full table gives 0 (unknown) to new sites and keeps the old ones', () => {
    const m = createMemory({ size: 1 << 20 });
    const sites = new SiteWriter(m);
    sites.open();
    for (let k = 1; k <= MAX_SITES; k++) expect(sites.idOf(`s${String(k)}`)).toBe(k);
    expect(m.i32[(Atomics.load(m.i32, G_SITES) >> 2) + S_COUNT]).toBe(MAX_SITES);
    expect(sites.idOf('one too many')).toBe(0);
    expect(new SiteWriter(m).idOf('another')).toBe(0);
    expect(sites.idOf('s7')).toBe(7);
    expect(new SiteWriter(m).idOf(`s${String(MAX_SITES)}`)).toBe(MAX_SITES);
    expect(m.callSiteText(MAX_SITES)).toBe(`s${String(MAX_SITES)}`);
    m.checkInvariants();
  });

  it('a memory without 4 KiB to spare gets no table: every site is unknown, nothing else changes', () => {
    const m = createMemory({ size: 16384 });
    const p = m.createPool('p', { slotSize: 16, capacity: 8 });
    m.createStack('s', { capacity: m.unusedBytes - 2048 }); // leaves less than 4 KiB
    const unused = m.unusedBytes;
    expect(unused).toBeLessThan(SITE_CHUNK_BYTES);
    m.captureCallSites(true);
    expect(m.unusedBytes).toBe(unused);
    expect(Atomics.load(m.i32, G_SITES)).toBe(0);
    const h = spawnA(p, 1)[0];
    expect(p.slotInfo(slotOf(p, h)).site).toBeNull();
    expect(p.leaks().bySite.map((g) => g.site)).toEqual([expect.stringMatching(/^unknown site/)]);
    m.captureCallSites(false);
    m.checkInvariants();
  });

  it('callSiteText refuses ids that are not whole numbers with INVALID_OPTION; captureCallSites refuses non-booleans', () => {
    const { m } = setup();
    for (const bad of [1.5, Number.NaN, Infinity, '1', null, undefined, {}, 1n]) {
      const e = expectCode(() => m.callSiteText(bad as number), 'INVALID_OPTION');
      expect(e.suggestion).toContain('site id');
      expect(e.request).toHaveProperty('id');
      m.checkInvariants();
    }
    for (const bad of [1, 'yes', null, undefined]) {
      expectCode(() => { m.captureCallSites(bad as unknown as boolean); }, 'INVALID_OPTION');
      m.checkInvariants();
    }
    expect(Atomics.load(m.i32, G_SITES)).toBe(0);
  });

  it('checkInvariants names a damaged table', () => {
    const m = createMemory({ size: 1 << 18 });
    const sites = new SiteWriter(m);
    sites.open();
    sites.idOf('site one');
    const t = Atomics.load(m.i32, G_SITES) >> 2;
    m.i32[t + 4] = 5000; // the first record's length
    const e = expectCode(() => { m.checkInvariants(); }, 'INVARIANT_VIOLATED');
    expect(e.message).toContain('call-site table: site 1');
    m.i32[t + 4] = 8;
    m.checkInvariants();
    m.i32[t + S_COUNT] = MAX_SITES + 1;
    expect(expectCode(() => { m.checkInvariants(); }, 'INVARIANT_VIOLATED').message).toContain('the header is inconsistent');
  });
});

describe.runIf(CHECKS)('pool slots keep the site of their last allocation (checked build)', () => {
  it('the table is made by the first captureCallSites(true), outside the regions', () => {
    const { m } = setup();
    const regions = m.regions();
    const unused = m.unusedBytes;
    m.captureCallSites(true);
    expect(m.unusedBytes).toBe(unused - SITE_CHUNK_BYTES);
    expect(m.regions()).toEqual(regions);
    expect(m.regionCount).toBe(1);
    expect(m.snapshot().regions.map((r) => r.name)).toEqual(['p']);
    m.captureCallSites(false);
    m.captureCallSites(true);
    expect(m.unusedBytes).toBe(unused - SITE_CHUNK_BYTES);
    m.checkInvariants();
  });

  it('after alloc, free and a new alloc, with capture on and off', () => {
    const { m, p } = setup();
    // every allocation from one line, so sites differ only by the function and the capture
    const steps = [['A', false], ['A', true], ['B', true], ['A', false], ['A', true]] as const;
    const slots: number[] = [];
    const words: number[] = [];
    for (const [fn, capture] of steps) {
      m.captureCallSites(capture);
      const h = (fn === 'A' ? spawnA : spawnB)(p, 1)[0];
      const s = slotOf(p, h);
      slots.push(s);
      words.push(siteWord(m, 'p', s));
      const info = p.slotInfo(s);
      expect(info.site).toBe(capture ? m.callSiteText(words[words.length - 1]) : null);
      if (capture) expect(info.site).toContain(fn === 'A' ? 'spawnA' : 'spawnB');
      p.free(h); // the cache hands this slot back first
      expect(p.slotInfo(s)).toMatchObject({ live: false, handle: 0, thread: -1, frame: -1, site: null });
      p.checkInvariants();
    }
    expect(new Set(slots).size).toBe(1);
    expect(words).toEqual([0, 1, 2, 0, 1]); // capture off: 0; the same site: the same id
    expect(m.callSiteText(1).split('\n')).toHaveLength(3); // the allocating frame and two callers
    expect(m.callSiteText(3)).toBe('');
    m.captureCallSites(false);
    m.checkInvariants();
  });

  it('siteCountsInto counts live and old slots by site exactly', () => {
    const { m, p } = setup(64);
    m.captureCallSites(true);
    const a = spawnA(p, 5); // frame 0: site 1
    m.advance();
    m.advance();
    m.advance();
    spawnB(p, 7); // frame 3: site 2
    spawnC(p, 2); // frame 3: site 3
    m.captureCallSites(false);
    spawnA(p, 4); // frame 3, unknown
    p.free(a[0]);
    p.free(a[3]);
    const live = new Int32Array(MAX_SITES + 1).fill(99);
    const old = new Int32Array(MAX_SITES + 1).fill(99);
    expect(p.siteCountsInto(live, old, 1)).toBe(4);
    expect(Array.from(live.subarray(0, 5))).toEqual([4, 3, 7, 2, 99]); // past n: untouched
    expect(Array.from(old.subarray(0, 5))).toEqual([0, 3, 0, 0, 99]);
    expect(m.callSiteText(1)).toContain('spawnA');
    expect(m.callSiteText(2)).toContain('spawnB');
    expect(m.callSiteText(3)).toContain('spawnC');
    expect(p.siteCountsInto(live, old, 4)).toBe(4); // every slot born before frame 4
    expect(Array.from(old.subarray(0, 4))).toEqual([4, 3, 7, 2]);
    expect(p.siteCountsInto(live, old, 0)).toBe(4);
    expect(Array.from(old.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(p.siteCountsInto(live, old, -Infinity)).toBe(4);
    expect(p.siteCountsInto(live, old, Infinity)).toBe(4);
    expect(Array.from(old.subarray(0, 4))).toEqual([4, 3, 7, 2]);
    // arrays shorter than the table: ids that do not fit count under 0
    const two = new Int32Array(2);
    const twoOld = new Int32Array(3);
    expect(p.siteCountsInto(two, twoOld, 1)).toBe(2);
    expect(Array.from(two)).toEqual([4 + 7 + 2, 3]);
    expect(Array.from(twoOld)).toEqual([0, 3, 0]);
    expect(p.live).toBe(16);
    p.checkInvariants();
  });

  it('slotInfo describes a live slot, a freed one and one allocated by another attachment', () => {
    const { m, p } = setup();
    m.advance();
    m.captureCallSites(true);
    const [h] = spawnA(p, 1);
    const s = slotOf(p, h);
    const info = p.slotInfo(s);
    expect(info).toMatchObject({ slot: s, live: true, handle: h, offset: p.offsetOf(h), thread: 0, frame: 1 });
    expect(info.site).toBe(m.callSiteText(1));
    expect(info.site).toContain('spawnA');
    expect(Object.isFrozen(info)).toBe(true);
    const offset = p.offsetOf(h);
    p.free(h);
    expect(p.slotInfo(s)).toEqual({ slot: s, live: false, handle: 0, offset, thread: -1, frame: -1, site: null });
    m.captureCallSites(false);
    if (!m.shared) return;
    const w = attachMemory(m.share(), { name: 'w' });
    w.captureCallSites(true);
    m.advance();
    const [hw] = spawnB(w.pool('p'), 1);
    const sw = slotOf(p, hw);
    expect(p.slotInfo(sw)).toMatchObject({ live: true, handle: hw, thread: w.threadId, frame: 2 });
    expect(p.slotInfo(sw).site).toContain('spawnB');
    w.pool('p').flush();
    w.detach();
    m.checkInvariants();
  });
});

describe('pool leak hunting in every build', () => {
  it('slotInfo refuses slots that are not 0..capacity-1 with INVALID_OPTION', () => {
    const { m, p } = setup(8);
    for (const bad of [-1, 8, 1.5, Number.NaN, Infinity, '3', null, undefined, 2 ** 31]) {
      const e = expectCode(() => p.slotInfo(bad as number), 'INVALID_OPTION');
      expect(e.request).toHaveProperty('slot');
      expect(e.state).toMatchObject({ capacity: 8 });
      expect(e.suggestion).toContain('from 0 to 7');
      p.checkInvariants();
      m.checkInvariants();
    }
    expect(p.slotInfo(7)).toMatchObject({ slot: 7, live: false, thread: -1 });
  });

  it('siteCountsInto refuses what is not an Int32Array or a frame number with INVALID_OPTION', () => {
    const { m, p } = setup(8);
    p.alloc();
    const ok = new Int32Array(4);
    for (const bad of [null, undefined, new Float64Array(4), new Int32Array(0), [0, 0], new Uint32Array(4)]) {
      expectCode(() => p.siteCountsInto(bad as Int32Array, ok, 0), 'INVALID_OPTION');
      expectCode(() => p.siteCountsInto(ok, bad as Int32Array, 0), 'INVALID_OPTION');
      p.checkInvariants();
    }
    for (const bad of [Number.NaN, '3', null, undefined]) {
      const e = expectCode(() => p.siteCountsInto(ok, new Int32Array(4), bad as number), 'INVALID_OPTION');
      expect(e.message).toContain('bornBefore');
      p.checkInvariants();
    }
    m.checkInvariants();
  });

  it('siteCountsInto in the fast build: every live slot under 0, no old slots', () => {
    const { m, p } = setup(32);
    m.captureCallSites(true);
    const [h] = spawnA(p, 6);
    spawnB(p, 3);
    const live = new Int32Array(MAX_SITES + 1);
    const old = new Int32Array(MAX_SITES + 1);
    const n = p.siteCountsInto(live, old, Infinity);
    let sum = 0;
    for (let k = 0; k < n; k++) sum += live[k];
    expect(sum).toBe(9);
    if (!CHECKS) {
      expect(n).toBe(1);
      expect(live[0]).toBe(9);
      expect(old[0]).toBe(0);
      expect(p.slotInfo(slotOf(p, h))).toMatchObject({ live: true, handle: h, thread: 0, frame: -1, site: null });
      expect(Atomics.load(m.i32, G_SITES)).toBe(0); // no table: nothing records sites
    } else {
      expect(n).toBe(3);
      expect(Array.from(live.subarray(0, 3))).toEqual([0, 6, 3]);
      expect(Array.from(old.subarray(0, 3))).toEqual([0, 6, 3]);
    }
    m.captureCallSites(false);
    m.checkInvariants();
  });

  it('allocates nothing per count: the same arrays are filled again', () => {
    const { p } = setup(64);
    spawnA(p, 10);
    const live = new Int32Array(8);
    const old = new Int32Array(8);
    for (let k = 0; k < 100; k++) p.siteCountsInto(live, old, 0);
    expect(live[0]).toBe(10);
  });
});
