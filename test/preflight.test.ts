/**
 * The preflight of `npm test` (scripts/preflight.mjs), on fakes only: files in a temporary folder
 * stand for the browsers and PATH entries, and an injected runner records the commands instead of
 * running apt-get or sudo. Node only (it reads the file system); the browsers skip it, and the
 * script is imported inside the tests so that they never load it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inBrowser } from './helpers.ts';

type Requirement = { pkg: string; path: string } | { pkg: string; command: string };
type Runner = (argv: string[], opts?: { env?: Record<string, string>; quiet?: boolean }) => number;
type Log = (line: string) => void;
interface Failure { ok: false; command: string; message: string }
type InstallResult = { ok: true; commands: string[][] } | Failure;
type PreflightResult = { ok: true; skipped: boolean; installed: string[] } | Failure;

/** The part of scripts/preflight.mjs under test, typed (the script is plain JS). */
interface Preflight {
  REQUIREMENTS: readonly Requirement[];
  missingPackages(requirements?: readonly Requirement[], pathVar?: string): string[];
  installPackages(pkgs: string[], opts?: { uid?: number | undefined; run?: Runner; log?: Log }): InstallResult;
  preflight(opts?: {
    steps?: string[]; env?: Record<string, string | undefined>; requirements?: readonly Requirement[];
    uid?: number | undefined; run?: Runner; log?: Log;
  }): PreflightResult;
}

/** The commands a fake runner was given, each with the environment it adds. */
interface Call { argv: string[]; env: Record<string, string> }

/** A runner that records each command and answers `status(argv)`, and a log that keeps its lines. */
function recorder(status: (argv: string[]) => number = () => 0): { run: Runner; log: Log; calls: Call[]; lines: string[] } {
  const calls: Call[] = [];
  const lines: string[] = [];
  const run: Runner = (argv, opts) => {
    calls.push({ argv, env: opts?.env ?? {} });
    return status(argv);
  };
  return { run, log: (line) => { lines.push(line); }, calls, lines };
}

describe.skipIf(inBrowser)('npm test preflight (scripts/preflight.mjs)', () => {
  let pf: Preflight;
  let dir = '';
  let bin = '';
  let requirements: Requirement[] = [];

  beforeAll(async () => {
    const { chmodSync, mkdirSync, mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    // a plain-JS script without a .d.ts: a literal specifier would make tsc report TS7016
    const script = '../scripts/preflight.mjs';
    pf = await import(/* @vite-ignore */ script) as Preflight;
    dir = mkdtempSync(path.join(tmpdir(), 'nebula-preflight-'));
    bin = path.join(dir, 'bin');
    mkdirSync(bin);
    /** An executable file at `file`. */
    const exe = (file: string): void => { writeFileSync(file, '#!/bin/sh\n'); chmodSync(file, 0o755); };
    exe(path.join(dir, 'chromium'));
    writeFileSync(path.join(dir, 'firefox-esr'), ''); // present but not executable: missing
    exe(path.join(bin, 'curl'));
    requirements = [
      { pkg: 'chromium', path: path.join(dir, 'chromium') },
      { pkg: 'firefox-esr', path: path.join(dir, 'firefox-esr') },
      { pkg: 'webkit2gtk-driver', path: path.join(dir, 'WebKitWebDriver') },
      { pkg: 'xvfb', command: 'xvfb-run' },
      { pkg: 'curl', command: 'curl' },
    ];
  });

  afterAll(async () => {
    const { rmSync } = await import('node:fs');
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('checks what .ci/run checked: the three browser binaries, xvfb-run and curl', () => {
    expect(pf.REQUIREMENTS).toEqual([
      { pkg: 'chromium', path: '/usr/bin/chromium' },
      { pkg: 'firefox-esr', path: '/usr/bin/firefox-esr' },
      { pkg: 'webkit2gtk-driver', path: '/usr/bin/WebKitWebDriver' },
      { pkg: 'xvfb', command: 'xvfb-run' },
      { pkg: 'curl', command: 'curl' },
    ]);
  });

  it('lists the packages whose file is missing or not executable, or whose command is not on PATH', () => {
    expect(pf.missingPackages(requirements, bin)).toEqual(['firefox-esr', 'webkit2gtk-driver', 'xvfb']);
    expect(pf.missingPackages(requirements, '')).toEqual(['firefox-esr', 'webkit2gtk-driver', 'xvfb', 'curl']);
    expect(pf.missingPackages(requirements.slice(0, 1), bin)).toEqual([]);
  });

  it('as root: apt-get update, then apt-get install -y of the missing packages, non-interactive', () => {
    const { run, log, calls, lines } = recorder();
    const r = pf.installPackages(['chromium', 'xvfb'], { uid: 0, run, log });
    const plan = [['apt-get', 'update', '-q'], ['apt-get', 'install', '-y', '-q', 'chromium', 'xvfb']];
    expect(r).toEqual({ ok: true, commands: plan });
    expect(calls.map((c) => c.argv)).toEqual(plan);
    for (const c of calls) expect(c.env).toEqual({ DEBIAN_FRONTEND: 'noninteractive' });
    expect(lines).toEqual(['installing: chromium xvfb']);
  });

  it('as root, apt-get failing: stops with the one command', () => {
    const { run, log } = recorder((argv) => (argv.includes('install') ? 100 : 0));
    const r = pf.installPackages(['xvfb'], { uid: 0, run, log });
    expect(r).toMatchObject({ ok: false, command: 'sudo apt-get install -y xvfb' });
    expect(r.ok ? '' : r.message).toContain('\n  sudo apt-get install -y xvfb');
  });

  it('not root, sudo -n working: the same commands through sudo -n', () => {
    const { run, log, calls } = recorder();
    const r = pf.installPackages(['curl'], { uid: 1000, run, log });
    const sudo = ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive'];
    expect(r.ok).toBe(true);
    expect(calls.map((c) => c.argv)).toEqual([
      ['sudo', '-n', 'true'], [...sudo, 'apt-get', 'update', '-q'], [...sudo, 'apt-get', 'install', '-y', '-q', 'curl'],
    ]);
  });

  it('not root, no sudo without a password: runs nothing and returns the one command', () => {
    const { run, log, calls } = recorder((argv) => (argv[0] === 'sudo' ? 1 : 0));
    const r = pf.installPackages(['chromium', 'firefox-esr'], { uid: 1000, run, log });
    expect(calls.map((c) => c.argv)).toEqual([['sudo', '-n', 'true']]);
    expect(r).toMatchObject({ ok: false, command: 'sudo apt-get install -y chromium firefox-esr' });
    expect(r.ok ? '' : r.message).toContain('\n  sudo apt-get install -y chromium firefox-esr');
  });

  it('preflight(): installs what is missing, then checks again', () => {
    const { run, log } = recorder((argv) => (argv[0] === 'sudo' ? 1 : 0));
    const env = { PATH: bin };
    const present = requirements.filter((q) => q.pkg === 'chromium' || q.pkg === 'curl');
    expect(pf.preflight({ env, requirements: present, uid: 1000, run, log })).toEqual({ ok: true, skipped: false, installed: [] });
    // apt-get "succeeds" (a fake) but the files stay missing: the preflight says so
    const r = pf.preflight({ env, requirements, uid: 0, run, log });
    expect(r).toMatchObject({ ok: false, command: 'sudo apt-get install -y firefox-esr webkit2gtk-driver xvfb' });
    const denied = pf.preflight({ env, requirements, uid: 1000, run, log });
    expect(denied).toMatchObject({ ok: false, command: 'sudo apt-get install -y firefox-esr webkit2gtk-driver xvfb' });
  });

  it('skips with NEBULA_SKIP_PREFLIGHT=1, and for runs of only browser-free steps', () => {
    const { run, log, calls } = recorder();
    const env = { PATH: '' };
    const skipped = { ok: true, skipped: true, installed: [] };
    expect(pf.preflight({ env: { ...env, NEBULA_SKIP_PREFLIGHT: '1' }, requirements, uid: 0, run, log })).toEqual(skipped);
    expect(pf.preflight({ steps: ['lint'], env, requirements, uid: 0, run, log })).toEqual(skipped);
    expect(pf.preflight({ steps: ['typecheck', 'imports', 'docs', 'perf-doc'], env, requirements, uid: 0, run, log })).toEqual(skipped);
    expect(calls).toEqual([]);
    // a browser step among them: the preflight runs
    expect(pf.preflight({ steps: ['lint', 'unit'], env, requirements, uid: 0, run, log }).ok).toBe(false);
    expect(calls.length).toBeGreaterThan(0);
  });
});
