// tsc --strict in the consumer against the installed declarations (scripts/consumer-test.mjs).
import { join } from 'node:path';
import { TSCONFIGS } from './fixtures.mjs';
import { indent, run } from './util.mjs';

/** What each tsconfig of ./fixtures.mjs proves. */
const WHAT = {
  dom: 'DOM + bundler resolution: every entry and the Vite plugin',
  nodom: 'no DOM (lib ES2022, types [], skipLibCheck false), NodeNext: core, typed, cache',
  'nodom-trace': 'no DOM, NodeNext: trace',
  'nodom-kinds': 'no DOM, NodeNext: kinds',
};

/** Runs tsc once per tsconfig (two at a time) and records a check for each. */
export async function typecheck(checks, dir) {
  const tsc = join(dir, 'node_modules/typescript/bin/tsc');
  const names = Object.keys(TSCONFIGS);
  const results = new Map();
  for (let i = 0; i < names.length; i += 2) {
    const batch = names.slice(i, i + 2);
    const rs = await Promise.all(batch.map((name) => run(process.execPath, [tsc, '-p', `tsconfig.${name}.json`, '--pretty', 'false'], { cwd: dir })));
    batch.forEach((name, k) => results.set(name, rs[k]));
  }
  for (const name of names) {
    const r = results.get(name);
    const errors = r.out.split('\n').filter((l) => /error TS\d+/.test(l));
    const out = r.out.replaceAll(`${dir}/`, '');
    checks.add(`tsc --strict ${name}: ${WHAT[name]}`, r.ok, r.ok ? `${r.secs} s` : `${errors.length} error(s), first: ${errors[0]?.replaceAll(`${dir}/`, '') ?? out.split('\n')[0]}`);
    if (!r.ok) console.log(indent(out));
  }
}
