// The temporary consumer project (scripts/consumer-test.mjs): the tarball and the tools an
// application would install, at this repo's versions, and the sources of ./fixtures.mjs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SOURCES, TSCONFIGS } from './fixtures.mjs';
import { run } from './util.mjs';

/** The consumer's devDependencies, at the exact versions of this repo's package.json. */
const TOOLS = ['typescript', 'vite', 'gl-matrix', '@types/node'];

/** Writes the project's files; `tarball` becomes its dependency `nebula-memory`. */
export function writeProject(root, dir, tarball) {
  const own = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const devDependencies = Object.fromEntries(TOOLS.map((name) => {
    const version = own.devDependencies?.[name];
    if (!version) throw new Error(`package.json has no devDependency ${name}`);
    return [name, version];
  }));
  const pkg = { name: 'nebula-memory-consumer', private: true, version: '0.0.0', type: 'module', dependencies: { 'nebula-memory': `file:${tarball}` }, devDependencies };
  const files = {
    'package.json': JSON.stringify(pkg, null, 2),
    ...SOURCES,
    ...Object.fromEntries(Object.entries(TSCONFIGS).map(([name, config]) => [`tsconfig.${name}.json`, JSON.stringify(config, null, 2)])),
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return devDependencies;
}

/** `npm install` in the project (the npm cache makes it quick after the first time). */
export function install(dir) {
  return run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel', 'error'], { cwd: dir, timeout: 240_000 });
}
