// Helpers of scripts/consumer-test.mjs: running commands, recording checks, a free port.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * Runs a command to its end; resolves with its status and output (never rejects). `timeout`
 * (ms) kills it (the process itself: every command here is a single node process or npm).
 */
export function run(cmd, args, { cwd, env = {}, timeout = 120_000 } = {}) {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env } });
    let out = '';
    let stdout = '';
    child.stdout.on('data', (d) => { out += d; stdout += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => { out += `\n[killed after ${timeout} ms]`; child.kill('SIGKILL'); }, timeout);
    const done = (status, error) => {
      clearTimeout(timer);
      resolve({ ok: status === 0, status, out: out.trimEnd(), stdout, secs: ((Date.now() - t0) / 1000).toFixed(1), error });
    };
    child.on('error', (e) => done(null, e));
    child.on('close', (code, signal) => done(code ?? signal));
  });
}

/** Indents a command's output for the log. */
export const indent = (text, prefix = '    ') => String(text).split('\n').map((l) => prefix + l).join('\n');

/** The checks of one run, printed as they are recorded, and the summary at the end. */
export class Checks {
  constructor() { this.list = []; }

  /** Records one check; `detail` is printed with it (on failure: why). */
  add(name, ok, detail = '') {
    this.list.push({ name, ok: Boolean(ok), detail });
    const d = detail ? `: ${detail}` : '';
    console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}${d}`);
    return Boolean(ok);
  }

  /** A check that passes when `actual` equals `expected` (JSON-compared). */
  equal(name, actual, expected) {
    const a = JSON.stringify(actual);
    const e = JSON.stringify(expected);
    return this.add(name, a === e, a === e ? a : `got ${a}, expected ${e}`);
  }

  get failed() { return this.list.filter((c) => !c.ok); }

  summary() {
    const failed = this.failed;
    console.log(`\n=== consumer test: ${this.list.length - failed.length} checks passed, ${failed.length} failed`);
    for (const c of failed) console.log(`  FAIL ${c.name}${c.detail ? `: ${c.detail.split('\n')[0]}` : ''}`);
  }
}

/** A TCP port that was free a moment ago, on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Prints a section header. */
export function section(title) {
  console.log(`\n--- ${title}`);
}
