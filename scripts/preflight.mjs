// The preflight of `npm test` (scripts/test-all.mjs): finds the Debian packages the browser steps
// need (Chromium, Firefox ESR, WebKitWebDriver, Xvfb, curl) and installs the missing ones with
// apt-get when it can: as root, or through `sudo -n` when sudo needs no password. Otherwise it
// stops with the one command to run. NEBULA_SKIP_PREFLIGHT=1 skips it, and so does a run of only
// the steps that need no browser. Every function takes its system access (paths, PATH, uid, the
// command runner) as parameters with defaults, so test/preflight.test.ts runs it on fakes.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * What the browser steps need, and the Debian package that brings it: a `path` must be an
 * executable file, a `command` must be found on PATH.
 * @type {readonly ({ pkg: string, path: string } | { pkg: string, command: string })[]}
 */
export const REQUIREMENTS = [
  { pkg: 'chromium', path: '/usr/bin/chromium' },
  { pkg: 'firefox-esr', path: '/usr/bin/firefox-esr' },
  { pkg: 'webkit2gtk-driver', path: '/usr/bin/WebKitWebDriver' },
  { pkg: 'xvfb', command: 'xvfb-run' },
  // scripts/with-webkit.sh polls WebKitWebDriver's /status with curl
  { pkg: 'curl', command: 'curl' },
];

/** The steps of scripts/test-all.mjs that launch no browser, WebKitWebDriver or Xvfb. */
export const BROWSER_FREE_STEPS = ['lint', 'typecheck', 'imports', 'docs', 'perf-doc', 'size', 'metrics'];

/** True when `file` is an executable regular file (as the shell's `[ -x ]` for a file). */
export function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** True when `command` is an executable file in one of the directories of `pathVar` (a PATH value). */
export function onPath(command, pathVar = process.env.PATH ?? '') {
  return pathVar.split(delimiter).some((dir) => dir !== '' && isExecutable(join(dir, command)));
}

/** The packages of `requirements` whose file is missing or whose command is not on `pathVar`, in order, each once. */
export function missingPackages(requirements = REQUIREMENTS, pathVar = process.env.PATH ?? '') {
  const missing = requirements
    .filter((r) => ('path' in r ? !isExecutable(r.path) : !onPath(r.command, pathVar)))
    .map((r) => r.pkg);
  return [...new Set(missing)];
}

/** The one command a user runs to install `pkgs` by hand. */
export function manualCommand(pkgs) {
  return `sudo apt-get install -y ${pkgs.join(' ')}`;
}

/**
 * Runs `argv` with `env` added to the environment and returns its exit status (1 when it could
 * not start or was killed); `quiet` drops its output.
 */
export function runCommand(argv, { env = {}, quiet = false } = {}) {
  const [cmd = '', ...args] = argv;
  const r = spawnSync(cmd, args, { stdio: quiet ? 'ignore' : 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

/**
 * How to install `pkgs`: the commands to run (apt-get directly as root, else through `sudo -n`
 * when `sudoWorks`), or `null` when neither is possible.
 */
export function installPlan(pkgs, { root, sudoWorks }) {
  if (!root && !sudoWorks) return null;
  // sudo resets the environment: `env` carries DEBIAN_FRONTEND through it
  const prefix = root ? [] : ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive'];
  return [
    [...prefix, 'apt-get', 'update', '-q'],
    [...prefix, 'apt-get', 'install', '-y', '-q', ...pkgs],
  ];
}

/**
 * Installs `pkgs` with apt-get when running as root (`uid` 0) or when `sudo -n true` succeeds
 * through `run`, saying so through `log`. Returns `{ ok: true, commands }` with the commands it
 * ran, or `{ ok: false, command, message }` with the one command for the user when it cannot
 * install or apt-get failed.
 */
export function installPackages(pkgs, { uid = process.getuid?.(), run = runCommand, log = console.log } = {}) {
  const command = manualCommand(pkgs);
  const root = uid === 0;
  const sudoWorks = !root && run(['sudo', '-n', 'true'], { quiet: true }) === 0;
  const plan = installPlan(pkgs, { root, sudoWorks });
  if (plan === null) {
    return { ok: false, command, message: `npm test needs Debian packages: ${pkgs.join(' ')}. Install them with:\n  ${command}` };
  }
  log(`installing: ${pkgs.join(' ')}`);
  for (const argv of plan) {
    if (run(argv, { env: { DEBIAN_FRONTEND: 'noninteractive' } }) !== 0) {
      return { ok: false, command, message: `${argv.join(' ')} failed. Install the packages with:\n  ${command}` };
    }
  }
  return { ok: true, commands: plan };
}

/** True when the preflight has nothing to do: NEBULA_SKIP_PREFLIGHT=1, or only browser-free steps selected. */
export function shouldSkip(steps, env = process.env) {
  if (env.NEBULA_SKIP_PREFLIGHT === '1') return true;
  return steps.length > 0 && steps.every((s) => BROWSER_FREE_STEPS.includes(s));
}

/**
 * The preflight for a run of `steps` (none: all of them). Returns `{ ok: true, skipped, installed }`
 * (`installed` lists the packages it installed), or `{ ok: false, command, message }` when a
 * package is missing and could not be installed, or is still missing after apt-get.
 */
export function preflight({
  steps = [],
  env = process.env,
  requirements = REQUIREMENTS,
  uid = process.getuid?.(),
  run = runCommand,
  log = console.log,
} = {}) {
  if (shouldSkip(steps, env)) return { ok: true, skipped: true, installed: [] };
  const pathVar = env.PATH ?? '';
  const missing = missingPackages(requirements, pathVar);
  if (missing.length === 0) return { ok: true, skipped: false, installed: [] };
  const r = installPackages(missing, { uid, run, log });
  if (!r.ok) return r;
  const still = missingPackages(requirements, pathVar);
  if (still.length > 0) {
    const command = manualCommand(still);
    return { ok: false, command, message: `still missing after apt-get: ${still.join(' ')}. Install them with:\n  ${command}` };
  }
  return { ok: true, skipped: false, installed: missing };
}
