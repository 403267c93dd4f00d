// publint and attw (Are the Types Wrong?) on the packed tarball (scripts/consumer-test.mjs).
// Both come from this repo's devDependencies; neither needs the network here (attw is told not
// to look for @types packages).
import { join } from 'node:path';
import { indent, run } from './util.mjs';

/** Runs both on `tarball`; each must report nothing (publint: no error, warning or suggestion; attw: nothing its esm-only profile counts). */
export async function packageLint(checks, root, tarball) {
  const bin = (name) => join(root, 'node_modules/.bin', name);
  const [publint, attw] = await Promise.all([
    run(bin('publint'), ['run', tarball, '--level', 'suggestion'], { cwd: root, timeout: 60_000 }),
    run(bin('attw'), [tarball, '--profile', 'esm-only', '--no-definitely-typed', '--no-emoji', '--no-color'], { cwd: root, timeout: 60_000 }),
  ]);
  console.log(indent(publint.out));
  // publint exits 0 on warnings and suggestions; it says "All good!" only when it found nothing
  checks.add('publint: nothing reported', publint.ok && /All good!/.test(publint.out), publint.ok ? '' : `exit ${publint.status}`);
  console.log(indent(attw.out));
  // attw exits 1 on a problem its profile does not ignore (esm-only ignores node10 and CommonJS requires)
  checks.add('attw --profile esm-only: no problems', attw.ok && /node16 \(from ESM\)/.test(attw.out), attw.ok ? '' : `exit ${attw.status}`);
}
