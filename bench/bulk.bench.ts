/**
 * Bulk fill and copy (PERF-BASELINE.md section D): the library's `zeroBytes`, `fillBytes`,
 * `fillF32` and `copyBytes` (src/typed/bulk.ts) against `TypedArray.fill`, `copyWithin` and `set`
 * on the same memory, a SharedArrayBuffer and an ArrayBuffer (`createMemory({ shared })`), in
 * GB/s of payload (1e9 bytes written per second).
 *
 * ```sh
 * node --expose-gc --import tsx bench/bulk.bench.ts           # 1 MiB and 64 MiB, 3 rounds x 300 ms per case, ~1 min; writes bench/results/bulk-<date>.json
 * node --expose-gc --import tsx bench/bulk.bench.ts --quick   # 1 MiB, 1 round x 40 ms; writes nothing
 * ```
 * @module
 */
import { createMemory, type Memory } from '../src/index.ts';
import { copyBytes, fillBytes, fillF32, zeroBytes } from '../src/typed/bulk.ts';
import { parseCli } from './cli.ts';
import { GcLog } from './gc-log.ts';
import { median, runRound, type BatchCase } from './harness.ts';
import { loadText, machineInfo, machineLine, type ForeignLoad } from './machine.ts';
import { fmt, printTable, resultsPath, writeJson } from './report.ts';

const USAGE = 'usage: bulk.bench.ts [--quick] [--rounds K] [--json [path]]';
const MIB = 1 << 20;
const PATTERN = 0xcd;
const VALUE = 1.5;

/** One operation, written once per memory so each closure sees one buffer kind. */
interface Op {
  readonly id: string;
  readonly label: string;
  /** The TypedArray call this library op is compared with; none for the TypedArray rows. */
  readonly ref?: string;
  /** Makes the call over `bytes` bytes at `dst` (and `src` for copies) of `memory`. */
  readonly make: (memory: Memory, dst: number, src: number, bytes: number) => () => void;
  /** Throws unless the call left the expected bytes at `dst`. */
  readonly check: (memory: Memory, dst: number, bytes: number) => void;
}

function expectAll(memory: Memory, dst: number, bytes: number, what: string, ok: (u8: Uint8Array, f32: Float32Array, i: number) => boolean): void {
  // first, last and 1000 spread bytes
  for (let k = 0; k <= 1000; k++) {
    const i = dst + Math.floor(((bytes - 4) * k) / 1000);
    if (!ok(memory.u8, memory.f32, i)) throw new Error(`${what}: wrong byte at ${i - dst}`);
  }
}
const zeros = (m: Memory, d: number, n: number, w: string): void => { expectAll(m, d, n, w, (u8, _f, i) => u8[i] === 0); };
const pattern = (m: Memory, d: number, n: number, w: string): void => { expectAll(m, d, n, w, (u8, _f, i) => u8[i] === PATTERN); };
const floats = (m: Memory, d: number, n: number, w: string): void => { expectAll(m, d, n, w, (_u, f32, i) => f32[i >> 2] === VALUE); };
/** Copies fill `src` with byte k % 251 first: the copy must show the same at `dst`. */
const copied = (m: Memory, d: number, n: number, w: string): void => { expectAll(m, d, n, w, (u8, _f, i) => u8[i] === ((i - d) % 251)); };

const OPS: readonly Op[] = [
  { id: 'zeroBytes', label: 'library zeroBytes (a 1 KiB fill, then doubling copyWithin)', ref: 'Uint8Array.fill(0)', make: (m, d, _s, n) => () => { zeroBytes(m, d, n); }, check: (m, d, n) => { zeros(m, d, n, 'zeroBytes'); } },
  { id: 'Uint8Array.fill(0)', label: 'u8.fill(0, a, b)', make: (m, d, _s, n) => { const u8 = m.u8; return () => { u8.fill(0, d, d + n); }; }, check: (m, d, n) => { zeros(m, d, n, 'u8.fill'); } },
  { id: 'Float64Array.fill(0)', label: 'f64.fill(0, a, b)', make: (m, d, _s, n) => { const f64 = m.f64; return () => { f64.fill(0, d >> 3, (d + n) >> 3); }; }, check: (m, d, n) => { zeros(m, d, n, 'f64.fill'); } },
  { id: 'fillBytes(0xcd)', label: 'library fillBytes with a byte pattern', ref: 'Uint8Array.fill(0xcd)', make: (m, d, _s, n) => () => { fillBytes(m, d, n, PATTERN); }, check: (m, d, n) => { pattern(m, d, n, 'fillBytes'); } },
  { id: 'Uint8Array.fill(0xcd)', label: 'u8.fill(0xcd, a, b)', make: (m, d, _s, n) => { const u8 = m.u8; return () => { u8.fill(PATTERN, d, d + n); }; }, check: (m, d, n) => { pattern(m, d, n, 'u8.fill'); } },
  { id: 'fillF32(1.5)', label: 'library fillF32 (a 256-float fill, then doubling copyWithin)', ref: 'Float32Array.fill(1.5)', make: (m, d, _s, n) => () => { fillF32(m, d, n >> 2, VALUE); }, check: (m, d, n) => { floats(m, d, n, 'fillF32'); } },
  { id: 'Float32Array.fill(1.5)', label: 'f32.fill(1.5, a, b)', make: (m, d, _s, n) => { const f32 = m.f32; return () => { f32.fill(VALUE, d >> 2, (d + n) >> 2); }; }, check: (m, d, n) => { floats(m, d, n, 'f32.fill'); } },
  { id: 'copyBytes', label: 'library copyBytes (one copyWithin inside)', ref: 'Uint8Array.copyWithin', make: (m, d, s, n) => () => { copyBytes(m, d, s, n); }, check: (m, d, n) => { copied(m, d, n, 'copyBytes'); } },
  { id: 'Uint8Array.copyWithin', label: 'u8.copyWithin(dst, src, src + n)', make: (m, d, s, n) => { const u8 = m.u8; return () => { u8.copyWithin(d, s, s + n); }; }, check: (m, d, n) => { copied(m, d, n, 'copyWithin'); } },
  { id: 'Uint8Array.set', label: 'u8.set(u8.subarray(src, src + n), dst), view made once', make: (m, d, s, n) => { const u8 = m.u8; const from = u8.subarray(s, s + n); return () => { u8.set(from, d); }; }, check: (m, d, n) => { copied(m, d, n, 'set'); } },
];

/** One memory (shared or not) of one size, with a destination and a source block. */
interface Place {
  readonly kind: 'SAB' | 'ArrayBuffer';
  readonly bytes: number;
  readonly memory: Memory;
  readonly dst: number;
  readonly src: number;
}

function place(kind: Place['kind'], bytes: number): Place {
  const memory = createMemory({ size: 2 * bytes + 2 * MIB, shared: kind === 'SAB' });
  if (memory.shared !== (kind === 'SAB')) throw new Error(`asked for a ${kind}, got shared=${String(memory.shared)}`);
  const arena = memory.createArena('bulk', { capacity: 2 * bytes + 128, frames: 0 });
  const dst = arena.alloc(bytes, 64);
  const src = arena.alloc(bytes, 64);
  for (let i = 0; i < bytes; i++) memory.u8[src + i] = i % 251;
  return { kind, bytes, memory, dst, src };
}

const colName = (p: { readonly kind: string; readonly bytes: number }): string => `${p.bytes / MIB} MiB ${p.kind}`;

async function main(): Promise<void> {
  const args = parseCli(process.argv.slice(2), { ints: ['--rounds'] }, USAGE);
  const rounds = args.ints.get('--rounds') ?? (args.quick ? 1 : 3);
  const timeMs = args.quick ? 40 : 300;
  const sizes = args.quick ? [MIB] : [MIB, 64 * MIB];
  const json = args.jsonPath ?? (args.json || !args.quick ? resultsPath('bulk') : null);
  const machine = machineInfo();
  const t0 = performance.now();
  console.log(machineLine(machine));
  console.log(`${rounds} round(s) x ${timeMs} ms per case (+${timeMs / 2} ms warm-up); GB/s = bytes written / median call time`);
  const places = sizes.flatMap((n) => [place('ArrayBuffer', n), place('SAB', n)]);
  const cases: BatchCase[] = [];
  for (const p of places) {
    for (const op of OPS) {
      const call = op.make(p.memory, p.dst, p.src, p.bytes);
      p.memory.u8.fill(0x11, p.dst, p.dst + p.bytes);
      call();
      op.check(p.memory, p.dst, p.bytes);
      cases.push({ id: `${op.id} @ ${colName(p)}`, batch: call });
    }
  }
  const gcLog = new GcLog();
  gcLog.start();
  const medians = new Map<string, number[]>();
  const loads: (ForeignLoad | null)[] = [];
  for (let r = 0; r < rounds; r++) {
    const round = await runRound(cases, { timeMs, warmupMs: timeMs / 2, opsPerBatch: 1 }, gcLog);
    for (const [id, cell] of round.cells) medians.set(id, [...(medians.get(id) ?? []), cell.medianNs]);
    loads.push(round.load);
    console.log(`round ${r + 1}/${rounds}: ${loadText(round.load)}`);
  }
  gcLog.stop();
  const gbps = (op: string, p: Place): number => p.bytes / median(medians.get(`${op} @ ${colName(p)}`) ?? []);
  const results = OPS.map((op) => ({
    id: op.id, label: op.label, ref: op.ref ?? null,
    cells: places.map((p) => {
      const g = gbps(op.id, p);
      return { kind: p.kind, bytes: p.bytes, gbps: g, xRef: op.ref === undefined ? null : g / gbps(op.ref, p) };
    }),
  }));
  const xRef = (r: (typeof results)[number], kind: Place['kind']): string =>
    r.ref === null ? '' : r.cells.filter((c) => c.kind === kind).map((c) => fmt(c.xRef ?? NaN)).join(' / ');
  printTable(
    ['op', ...places.map((p) => `${colName(p)} GB/s`), 'x ref ArrayBuffer', 'x ref SAB', 'ref'],
    results.map((r) => [r.id, ...r.cells.map((c) => fmt(c.gbps, 1)), xRef(r, 'ArrayBuffer'), xRef(r, 'SAB'), r.ref ?? '']),
  );
  const seconds = (performance.now() - t0) / 1000;
  console.log(`\n"x ref": the library op's GB/s / its TypedArray reference's on the same memory (per size; above 1 = faster). ${fmt(seconds, 1)} s`);
  if (json !== null) {
    writeJson(json, {
      date: new Date().toISOString(), machine, quick: args.quick, config: { rounds, timeMs, sizes },
      rounds: loads, results, seconds,
    });
  }
}

await main();
