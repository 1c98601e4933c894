// What the browser tests share: the k1 process (built elsewhere, started on a free loopback port
// with a throw-away config directory), polling, and step reporting that ends in one
// 'N passed, N failed' line.

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, statSync, createWriteStream } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const out = resolve(process.env.K1_WEB_TEST_OUT || join(repo, 'target', 'web-test'));
mkdirSync(out, { recursive: true });

export function k1Binary() {
  if (process.env.K1_BIN) return resolve(process.env.K1_BIN);
  const targetDir = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(repo, 'target');
  const found = ['release', 'debug']
    .map((p) => join(targetDir, p, 'k1'))
    .filter((p) => existsSync(p))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!found.length) throw new Error(`no k1 binary in ${targetDir}/{release,debug}: build it (cargo build -p k1) or set K1_BIN`);
  return found[0];
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value or `ms` pass; returns the last value. */
export async function until(fn, ms, every = 100) {
  const end = Date.now() + ms;
  let v;
  for (;;) {
    v = await fn();
    if (v || Date.now() > end) return v;
    await sleep(every);
  }
}

// ---- Results ---------------------------------------------------------------------------------

let passed = 0;
let failed = 0;
/** How many steps passed and failed so far. */
export const counts = () => ({ passed, failed });
export function ok(name) {
  passed += 1;
  console.log(`ok - ${name}`);
}
export function notOk(name, why) {
  failed += 1;
  console.log(`not ok - ${name}\n    ${String(why).split('\n').join('\n    ')}`);
}
export async function step(name, fn) {
  try {
    const note = await fn();
    ok(note ? `${name} (${note})` : name);
    return true;
  } catch (e) {
    notOk(name, e && e.stack ? e.stack : e);
    return false;
  }
}
export function check(cond, message) {
  if (!cond) throw new Error(message);
}

// ---- k1 ------------------------------------------------------------------------------------

export async function startK1(bin, configDir, logPath, host = '127.0.0.1', extraArgs = []) {
  const log = createWriteStream(logPath);
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const args = ['run', '--demo', '--no-preview', '--no-mdns', '--config-dir', configDir, '--listen', `${host}:${port}`, ...extraArgs];
    const env = { ...process.env, K1_CONFIG_DIR: configDir, XDG_CONFIG_HOME: join(configDir, 'xdg'), RUST_LOG: process.env.RUST_LOG || 'info' };
    log.write(`$ K1_CONFIG_DIR=${configDir} ${bin} ${args.join(' ')}\n`);
    const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    let exited = null;
    child.on('exit', (code, signal) => (exited = { code, signal }));
    const base = `http://127.0.0.1:${port}`;
    const up = await until(async () => {
      if (exited) return 'exited';
      try {
        const r = await fetch(`${base}/api/device/info`);
        return r.ok ? 'up' : false;
      } catch {
        return false;
      }
    }, 30000, 200);
    if (up === 'up') return { child, base, log };
    if (up !== 'exited') {
      child.kill('SIGKILL');
      throw new Error(`k1 did not answer on ${base} within 30 s (log: ${logPath})`);
    }
    log.write(`k1 exited (${JSON.stringify(exited)}); retrying on another port\n`);
  }
  throw new Error(`k1 would not start (log: ${logPath})`);
}

export async function stopK1(k1) {
  if (!k1 || k1.child.exitCode !== null) return;
  const done = new Promise((r) => k1.child.on('exit', r));
  k1.child.kill('SIGTERM');
  const t = setTimeout(() => k1.child.kill('SIGKILL'), 5000);
  await done;
  clearTimeout(t);
}

