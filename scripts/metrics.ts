/**
 * `npm run metrics`: the project's metrics dashboard, docs/METRICS.md, measured from the repo's
 * own checks: the misuse suite and the error codes it covers, line coverage of src/ across the
 * Node and Chromium projects, public names per entry, error quality, stats overhead, doc
 * coverage, typecheck time and bundle sizes.
 *
 * usage: node --import tsx scripts/metrics.ts            measure everything (about 6 minutes) and write the file
 *        node --import tsx scripts/metrics.ts --check    exit 1 when the file is stale: its fingerprint
 *                                                        (a hash of what the metrics are measured from) differs
 * @module
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint } from './metrics/fingerprint.ts';
import { codesCoveredByTests, errorQuality } from './metrics/errors.ts';
import { ROOT, f1, pct, table } from './metrics/format.ts';
import { publicNames } from './public-names.ts';
import { sizes } from './size-check.mjs';

const DOC = join(ROOT, 'docs', 'METRICS.md');

/** A line of the vitest JSON report. */
interface VitestFile { readonly name: string; readonly assertionResults: readonly { readonly status: string }[] }
/** The coverage summary's totals. */
interface Totals { readonly lines: { readonly total: number; readonly covered: number; readonly pct: number } }

/** Runs the unit tests of the node and chromium projects with coverage; returns the test report and the coverage summary. */
function runCoverage(): { files: readonly VitestFile[]; summary: Record<string, Totals> } {
  const out = join(tmpdir(), `nebula-metrics-${String(process.pid)}`);
  const json = join(out, 'tests.json');
  spawnSync('npx', ['vitest', 'run', '--project', 'node', '--project', 'chromium', '--coverage.enabled', '--coverage.provider=v8',
    '--coverage.include=src/**', '--coverage.reporter=json-summary', '--coverage.reportOnFailure', `--coverage.reportsDirectory=${out}`,
    '--reporter=json', `--outputFile=${json}`], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NEBULA_COVERAGE: '1' } });
  const report = JSON.parse(readFileSync(json, 'utf8')) as { testResults: VitestFile[] };
  return { files: report.testResults, summary: JSON.parse(readFileSync(join(out, 'coverage-summary.json'), 'utf8')) as Record<string, Totals> };
}

/** Wall-clock seconds of `tsc --noEmit -p .`, the best of two runs. */
function typecheckSeconds(): number {
  let best = Infinity;
  for (let k = 0; k < 2; k++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', ROOT], { stdio: 'ignore' });
    if (r.status !== 0) throw new Error('tsc --noEmit failed');
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return best;
}

/** The newest stats bench results: stats on minus stats off, ns per op. */
function statsOverhead(): { date: string; rows: readonly { id: string; deltaNs: number }[] } {
  const dir = join(ROOT, 'bench', 'results');
  const name = spawnSync('ls', [dir], { encoding: 'utf8' }).stdout.split('\n').filter((n) => /^stats-.*\.json$/.test(n)).sort().pop();
  if (name === undefined) return { date: '-', rows: [] };
  const d = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { date: string; results: { id: string; deltaNs: number }[] };
  return { date: d.date.slice(0, 10), rows: d.results.filter((r) => r.id !== 'bump') };
}

async function main(): Promise<void> {
  const print = fingerprint();
  if (process.argv.includes('--check')) {
    const text = readFileSync(DOC, 'utf8');
    const have = /<!-- metrics-fingerprint: ([0-9a-f]+) -->/.exec(text)?.[1];
    if (have !== print) {
      console.error(`docs/METRICS.md is stale (fingerprint ${have ?? 'none'}, sources ${print}): run npm run metrics`);
      process.exit(1);
    }
    console.log('docs/METRICS.md matches the sources');
    return;
  }
  const names = publicNames();
  const entrySizes = await sizes();
  const budgets = JSON.parse(readFileSync(join(ROOT, 'scripts', 'size-budgets.json'), 'utf8')) as { entries: Partial<Record<string, { budget: number; target?: number }>> };
  const codes = codesCoveredByTests();
  const quality = errorQuality();
  const stats = statsOverhead();
  const tsc = typecheckSeconds();
  const { files, summary } = runCoverage();
  const misuse = files.filter((f) => codes.misuseFiles.some((m) => f.name.endsWith(m)));
  const results = misuse.flatMap((f) => f.assertionResults).filter((r) => r.status !== 'skipped' && r.status !== 'pending');
  const passed = results.filter((r) => r.status === 'passed').length;
  const all = files.flatMap((f) => f.assertionResults);
  const lines = summary.total.lines;
  const lowFiles = Object.entries(summary).filter(([k, v]) => k !== 'total' && v.lines.pct < 97).map(([k, v]) => `${k.replace(`${ROOT}/`, '')} ${f1(v.lines.pct)}%`).sort();
  const totalNames = names.reduce((n, e) => n + e.values.length + e.types.length, 0);
  const rootNames = names.find((e) => e.entry === 'nebula-memory');
  const undocumented = names.flatMap((e) => e.undocumented.map((n) => `${e.entry}:${n}`));
  const core = entrySizes.find((e) => e.name === 'core');
  const verdict = (ok: boolean): string => (ok ? 'met' : '**missed**');
  const md = [
    '# Metrics',
    '',
    `<!-- metrics-fingerprint: ${print} -->`,
    'Generated by `npm run metrics` (scripts/metrics.ts) from the repo\'s own checks; do not edit by hand.',
    '`npm test` fails when this file is stale: its fingerprint is a hash of the sources, tests, examples,',
    'budgets and bench results it is measured from.',
    '',
    '## Dashboard',
    '',
    table(['metric', 'measured', 'target', 'met?'], [
      ['misuse suite pass rate (node + chromium)', `${pct(passed, results.length)} (${String(passed)} of ${String(results.length)} tests in ${String(codes.misuseFiles.length)} files)`, '100%', verdict(passed === results.length)],
      ['error codes covered by a test', `${pct(codes.covered.length, codes.all.length)} (${String(codes.covered.length)} of ${String(codes.all.length)})`, '100%', verdict(codes.covered.length === codes.all.length)],
      ['line coverage of src/ (node + chromium)', `${f1(lines.pct)}% (${String(lines.covered)} of ${String(lines.total)} lines)`, '≥ 97%', verdict(lines.pct >= 97)],
      ['public names: root entry', String(rootNames ? rootNames.values.length + rootNames.types.length : 0), '≤ 40', verdict(rootNames !== undefined && rootNames.values.length + rootNames.types.length <= 40)],
      ['public names: all entries', String(totalNames), '≤ 100', verdict(totalNames <= 100)],
      ['error quality: errors with code, state, fix and catalog link', `${pct(quality.complete, quality.sites)} (${String(quality.complete)} of ${String(quality.sites)} call sites)`, '100%', verdict(quality.complete === quality.sites)],
      ['stats overhead, fast build (stats on − off)', stats.rows.map((r) => `${r.id} ${r.deltaNs.toFixed(2)} ns`).join(', '), '≤ 0.5 ns', verdict(stats.rows.every((r) => r.deltaNs <= 0.5))],
      ['doc coverage: public names with TSDoc and an example', pct(totalNames - undocumented.length, totalNames), '100%', verdict(undocumented.length === 0)],
      ['typecheck time (`tsc --noEmit -p .`, best of 2)', `${tsc.toFixed(1)} s`, '-', '-'],
      ['core bundle, fast build, min+gzip', `${f1((core?.fast.gzip ?? 0) / 1024)} kB`, '≤ 12 kB', verdict((core?.fast.gzip ?? Infinity) <= 12 * 1024)],
    ]),
    '',
    `Whole unit run behind these figures: ${String(all.filter((r) => r.status === 'passed').length)} passed, ${String(all.filter((r) => r.status === 'failed').length)} failed, ${String(all.filter((r) => r.status === 'skipped' || r.status === 'pending').length)} skipped (node and chromium projects, with coverage on).`,
    '',
    '## Error codes',
    '',
    `Every code of the catalog (src/errors.ts) that a test names, and the ones none does: ${codes.missing.length === 0 ? 'none missing' : codes.missing.map((c) => `\`${c}\``).join(', ')}.`,
    `The misuse suite is every test file that asserts an error code: ${codes.misuseFiles.map((f) => `\`${f}\``).join(', ')}.`,
    '',
    `Error quality is read from the sources: ${String(quality.sites)} \`memoryError(...)\` call sites; each carries a code and a state (the type requires both), ${String(quality.withFix)} give a fix (\`suggestion\`), and ${String(quality.withLink)} name a code with an entry in docs/ERRORS.md (the catalog link every MemoryError carries).${quality.incomplete.length === 0 ? '' : ` Incomplete: ${quality.incomplete.join(', ')}.`}`,
    '',
    '## Coverage',
    '',
    lowFiles.length === 0 ? 'Every file of src/ at 97% of its lines or more.' : `Files under 97% of their lines: ${lowFiles.join(', ')}.`,
    '',
    '## Public names per entry',
    '',
    table(['entry', 'names', 'values', 'types'], names.map((e) => [`\`${e.entry}\``, String(e.values.length + e.types.length), e.values.join(', '), e.types.join(', ')])),
    '',
    `Names without TSDoc and an example: ${undocumented.length === 0 ? 'none' : undocumented.join(', ')}.`,
    '',
    '## Bundle sizes',
    '',
    'Each entry bundled whole with esbuild, minified; gzip level 9 (scripts/size-check.mjs). `core` is an application that imports only `createMemory`.',
    '',
    table(['entry', 'fast min', 'fast min+gzip', 'checked min+gzip', 'budget', 'target'], entrySizes.map((e) => {
      const b = budgets.entries[e.name];
      return [`\`${e.name}\``, `${f1(e.fast.min / 1024)} kB`, `${f1(e.fast.gzip / 1024)} kB`, `${f1(e.checked.gzip / 1024)} kB`, b ? `${f1(b.budget / 1024)} kB` : '-', b?.target ? `${f1(b.target / 1024)} kB` : '-'];
    })),
    '',
    `Stats overhead from bench/results (stats bench of ${stats.date}).`,
    '',
  ].join('\n');
  writeFileSync(DOC, md);
  console.log(`docs/METRICS.md written (fingerprint ${print})`);
}

await main();
