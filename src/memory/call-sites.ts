/**
 * The shared call-site table: each distinct call site that a thread records while
 * `memory.captureCallSites(true)` is on gets an id (1, 2, ...), and any thread reads the text of
 * an id from the buffer. Pools store the id of each slot's last allocation (`P_SITE`), so a leak
 * report or the inspector, in any thread, names sites that workers recorded.
 *
 * The table is made of {@link SITE_CHUNK_BYTES}-byte chunks taken from the end of the regions
 * (`G_BRK`, like a region but without a table entry, so it is in no region list), the first one
 * when a thread first switches capture on, the next ones as texts fill them. Global word
 * {@link G_SITES} holds the first chunk's offset (0: no table yet). The first chunk starts with
 * a 16-byte header:
 *
 * | word | name | invariant |
 * | --- | --- | --- |
 * | 0 | {@link S_COUNT} | sites in the table, ids 1..count; only grows, stored after the site's record is complete |
 * | 1 | {@link S_CURSOR} | byte offset where the next record goes; under the region-table lock |
 * | 2 | {@link S_LIMIT} | end of the chunk the cursor is in; cursor + 8 <= limit |
 * | 3 | {@link S_CHUNKS} | chunks taken, >= 1 |
 *
 * Records follow, in id order: one word of byte length (0..{@link MAX_SITE_BYTES}), then the
 * UTF-8 text padded to a whole word; or {@link SITE_JUMP} and the offset of the next record (in
 * a new chunk) when a record did not fit. Records are written once, under the region-table lock
 * (held for microseconds; `reclaimThread` breaks it for a dead holder), and never change after
 * the count that publishes them, so readers need no lock. Cold paths only: a thread looks a site
 * up in its own Map, and reads the table on a miss.
 * @module
 * @internal
 */
import { CORRUPTION_FIX, memoryError, typeName } from '../errors.ts';
import { DATA_START, G_BRK, G_SITES, G_SIZE, alignUp } from './layout.ts';
import { lockTable, unlockTable } from './region-table.ts';

/**
 * Most call sites in one memory's table: ids run from 1 to MAX_SITES (0 is "unknown"). A site
 * recorded once the table is full gets id 0.
 * @example
 * ```ts
 * const live = new Int32Array(MAX_SITES + 1); // one count per site id, for pool.siteCountsInto()
 * ```
 */
export const MAX_SITES = 1024;
/** Most UTF-8 bytes stored of a call site's text; longer texts are cut at a character boundary. */
export const MAX_SITE_BYTES = 400;
/** Bytes of one chunk of the table, a multiple of REGION_ALIGN; the table grows by one at a time. */
export const SITE_CHUNK_BYTES = 4096;
/** Bytes of the first chunk's header. */
export const SITE_HEADER_BYTES = 16;
/** First-chunk header word: sites in the table (ids 1..count). */
export const S_COUNT = 0;
/** First-chunk header word: byte offset of the next record. */
export const S_CURSOR = 1;
/** First-chunk header word: end of the chunk the cursor is in. */
export const S_LIMIT = 2;
/** First-chunk header word: chunks taken. */
export const S_CHUNKS = 3;
/** A record's length word saying "the next record is at the offset in the next word". */
export const SITE_JUMP = -1;

/** Made at the first use, so loading the module does no work (and the fast build's bundles drop the encoder). */
let encoder: TextEncoder | null = null;
let decoder: TextDecoder | null = null;

/** The UTF-8 bytes of `text`, cut to at most MAX_SITE_BYTES at a character boundary. */
export function siteBytes(text: string): Uint8Array {
  const b = (encoder ??= new TextEncoder()).encode(text);
  if (b.length <= MAX_SITE_BYTES) return b;
  let n = MAX_SITE_BYTES;
  while (n > 0 && (b[n] & 0xc0) === 0x80) n--; // b[n] continues a character: cut before it
  return b.subarray(0, n);
}

/** The text of `len` UTF-8 bytes at byte `at` (copied first: TextDecoder refuses shared views). */
function readText(u8: Uint8Array, at: number, len: number): string {
  return decodeSite(u8.slice(at, at + len));
}

/** The text of UTF-8 `bytes` (not shared), as every thread decodes a record. */
function decodeSite(bytes: Uint8Array): string {
  return (decoder ??= new TextDecoder()).decode(bytes);
}

/** Sites in the table (the largest id), 0 when there is no table. Any thread; one or two atomic reads. */
export function siteCount(i32: Int32Array): number {
  const t = Atomics.load(i32, G_SITES);
  return t === 0 ? 0 : Atomics.load(i32, (t >> 2) + S_COUNT);
}

/** What the table needs of one thread's memory. @internal */
export interface SiteHost {
  /** Int32 view of the whole buffer. */
  readonly i32: Int32Array;
  /** Byte view of the whole buffer. */
  readonly u8: Uint8Array;
  /** The thread's id (the table lock holds id + 1). */
  readonly threadId: number;
}

/**
 * One thread's reading side of the table: the texts it has read, by id, and where its next read
 * starts. Each thread's memory has one, made at its first use; in the checked build it is a
 * {@link SiteWriter}, which also adds sites (the fast build records none, so its bundles leave
 * the writer out).
 * @internal
 */
export class CallSites {
  /** Stored texts read from the table to their (first) ids. */
  protected readonly byText = new Map<string, number>();
  /** Stored texts by id; entry 0 is ''. */
  protected readonly texts: string[] = [''];
  /** Byte offset of the first record not read yet; 0 before the first read. */
  private at = 0;

  constructor(protected readonly host: SiteHost) {}

  /** The stored text of site `id`, or '' for 0 and ids not in the table. */
  textOf(id: number): string {
    if (id <= 0 || id > MAX_SITES) return '';
    if (id >= this.texts.length) this.sync();
    return id < this.texts.length ? this.texts[id] : '';
  }

  /** Reads the records published since the last read. */
  protected sync(): void {
    const { i32, u8 } = this.host;
    const t = Atomics.load(i32, G_SITES);
    if (t === 0) return;
    const count = Atomics.load(i32, (t >> 2) + S_COUNT);
    let p = this.at === 0 ? t + SITE_HEADER_BYTES : this.at;
    const end = Atomics.load(i32, G_BRK);
    for (let id = this.texts.length; id <= count && id <= MAX_SITES; id++) {
      let len = i32[p >> 2];
      if (len === SITE_JUMP) {
        p = i32[(p >> 2) + 1];
        if (p < DATA_START || p >= end || (p & 3) !== 0) return; // corrupt: checkSites() says so
        len = i32[p >> 2];
      }
      if (len < 0 || len > MAX_SITE_BYTES || p + 4 + len > end) return;
      const text = readText(u8, p + 4, len);
      this.texts.push(text);
      if (!this.byText.has(text)) this.byText.set(text, id);
      p += 4 + alignUp(len, 4);
      this.at = p;
    }
  }
}

/**
 * The writing side (checked build): makes the table, and looks a site up in this thread's Map,
 * then in the table, adding it when no thread has.
 * @internal
 */
export class SiteWriter extends CallSites {
  /** Site texts this thread looked up (before the byte cut) to their ids. */
  private readonly byKey = new Map<string, number>();

  /**
   * Makes the table, unless a thread has: its first chunk from the end of the regions. Returns
   * false when there is no room for it (then every site is unknown) or the lock timed out.
   */
  open(): boolean {
    const { i32, threadId } = this.host;
    if (Atomics.load(i32, G_SITES) !== 0) return true;
    if (!this.lock()) return false;
    try {
      if (Atomics.load(i32, G_SITES) !== 0) return true;
      const c = takeChunk(i32);
      if (c === 0) return false;
      const w = c >> 2;
      i32[w + S_COUNT] = 0;
      i32[w + S_CURSOR] = c + SITE_HEADER_BYTES;
      i32[w + S_LIMIT] = c + SITE_CHUNK_BYTES;
      i32[w + S_CHUNKS] = 1;
      Atomics.store(i32, G_SITES, c);
      return true;
    } finally {
      unlockTable(i32, threadId);
    }
  }

  /**
   * The id of call site `site` (its first SITE_LINES stack lines, leak-report.ts), adding it to
   * the table if no thread has: 0 when there is no table or it is full (MAX_SITES sites, or no
   * memory left for a new chunk). The same text always gets the same id, whichever thread adds it.
   */
  idOf(site: string): number {
    const known = this.byKey.get(site);
    if (known !== undefined) return known;
    const bytes = siteBytes(site);
    const text = decodeSite(bytes); // what a reader will decode from the table
    this.sync();
    let id = this.byText.get(text) ?? 0;
    if (id === 0) id = this.add(bytes, text);
    if (id !== 0) this.byKey.set(site, id); // 0 is not kept: the table may have been made since
    return id;
  }

  /** Adds a site under the table lock (after reading what others added meanwhile); its id, or 0. */
  private add(bytes: Uint8Array, text: string): number {
    const { i32, u8, threadId } = this.host;
    if (Atomics.load(i32, G_SITES) === 0) return 0;
    if (!this.lock()) return 0;
    try {
      this.sync();
      const again = this.byText.get(text);
      if (again !== undefined) return again;
      const h = Atomics.load(i32, G_SITES) >> 2;
      const count = i32[h + S_COUNT];
      if (count >= MAX_SITES || this.texts.length !== count + 1) return 0;
      let p = i32[h + S_CURSOR];
      let limit = i32[h + S_LIMIT];
      const need = 4 + alignUp(bytes.length, 4);
      if (p + need + 8 > limit) {
        const c = takeChunk(i32);
        if (c === 0) return 0;
        i32[p >> 2] = SITE_JUMP;
        i32[(p >> 2) + 1] = c;
        p = c;
        limit = c + SITE_CHUNK_BYTES;
        i32[h + S_LIMIT] = limit;
        i32[h + S_CHUNKS]++;
      }
      i32[p >> 2] = bytes.length;
      u8.set(bytes, p + 4);
      i32[h + S_CURSOR] = p + need;
      // publishes the record (and a jump before it): readers load the count first
      Atomics.store(i32, h + S_COUNT, count + 1);
      this.sync();
      return count + 1;
    } finally {
      unlockTable(i32, threadId);
    }
  }

  /** Takes the region-table lock; false when it timed out (a site is then unknown, never an error). */
  private lock(): boolean {
    try {
      lockTable(this.host.i32, this.host.u8, this.host.threadId);
      return true;
    } catch {
      return false;
    }
  }
}

/** Takes one chunk from the end of the regions (under the table lock); its offset, or 0 when it does not fit. */
function takeChunk(i32: Int32Array): number {
  const brk = Atomics.load(i32, G_BRK);
  if (i32[G_SIZE] - brk < SITE_CHUNK_BYTES) return 0;
  i32.fill(0, brk >> 2, (brk + SITE_CHUNK_BYTES) >> 2);
  Atomics.store(i32, G_BRK, brk + SITE_CHUNK_BYTES);
  return brk;
}

/**
 * Checks the table: its header, and every record's length and place (below the end of the
 * regions). Throws `INVARIANT_VIOLATED` with the actual values. Any thread, while none adds a site.
 */
export function checkSites(i32: Int32Array): void {
  const t = Atomics.load(i32, G_SITES);
  if (t === 0) return;
  const brk = Atomics.load(i32, G_BRK);
  const fail = (what: string, state: Record<string, number>): never => {
    throw memoryError('INVARIANT_VIOLATED', `call-site table: ${what}`, { allocator: 'memory', request: {}, state: { table: t, ...state }, suggestion: CORRUPTION_FIX });
  };
  if (t < DATA_START || t + SITE_CHUNK_BYTES > brk || t % 64 !== 0) fail(`its first chunk at ${t} is outside the regions' space`, { brk });
  const h = t >> 2;
  const count = Atomics.load(i32, h + S_COUNT);
  const cursor = i32[h + S_CURSOR];
  const limit = i32[h + S_LIMIT];
  const chunks = i32[h + S_CHUNKS];
  if (count < 0 || count > MAX_SITES || chunks < 1 || cursor + 8 > limit || limit > brk || (cursor & 3) !== 0) {
    fail(`the header is inconsistent (count ${count}, cursor ${cursor}, limit ${limit}, chunks ${chunks})`, { count, cursor, limit, chunks, brk });
  }
  let p = t + SITE_HEADER_BYTES;
  for (let id = 1; id <= count; id++) {
    let len = i32[p >> 2];
    if (len === SITE_JUMP) {
      const to = i32[(p >> 2) + 1];
      if (to < DATA_START || to + SITE_CHUNK_BYTES > brk || to % 64 !== 0) fail(`site ${id}'s jump leads to ${to}, outside the regions' space`, { id, at: p, to, brk });
      p = to;
      len = i32[p >> 2];
    }
    if (len < 0 || len > MAX_SITE_BYTES || p + 4 + len > brk) fail(`site ${id} at ${p} has length ${len} (0..${MAX_SITE_BYTES})`, { id, at: p, length: len });
    p += 4 + alignUp(len, 4);
  }
  if (p !== cursor) fail(`the records end at ${p}, the cursor says ${cursor}`, { end: p, cursor, count });
}

/** Throws `INVALID_OPTION` for a site id that is not a whole number (`callSiteText`). @internal */
export function badSiteId(id: unknown): never {
  throw memoryError('INVALID_OPTION', `callSiteText(${typeof id === 'number' ? String(id) : typeName(id)}) needs a whole-number site id`, {
    allocator: 'memory', request: { id: typeof id === 'number' ? id : typeName(id) }, state: { maxSites: MAX_SITES },
    suggestion: `pass a site id from pool.siteCountsInto() or pool.slotInfo(): 1 to ${MAX_SITES} (0 is "unknown" and reads '').`,
  });
}
