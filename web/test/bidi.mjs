// Headless Firefox (Debian's `firefox-esr`) over WebDriver BiDi, the W3C protocol Firefox speaks
// natively: a minimal client and the browser's start and stop, for the Firefox tests
// (firefox.test.mjs, outputs.test.mjs). Node 20 needs --experimental-websocket for the global
// WebSocket (run.sh passes it).

import { spawn } from 'node:child_process';
import { freePort } from './harness.mjs';

/** A minimal WebDriver BiDi client: commands by id, events to a listener. */
export class Bidi {
  static async connect(url) {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = () => reject(new Error(`cannot connect to ${url}`));
    });
    return new Bidi(ws);
  }

  constructor(ws) {
    this.ws = ws;
    this.next = 1;
    this.waiting = new Map();
    this.onEvent = () => {};
    ws.onmessage = (ev) => {
      const msg = JSON.parse(ev.data);
      if (msg.id !== undefined && this.waiting.has(msg.id)) {
        const { resolve, reject } = this.waiting.get(msg.id);
        this.waiting.delete(msg.id);
        if (msg.type === 'error') reject(new Error(`${msg.error}: ${msg.message}`));
        else resolve(msg.result);
      } else if (msg.type === 'event') {
        this.onEvent(msg);
      }
    };
  }

  send(method, params = {}) {
    const id = this.next++;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject }));
  }

  /** Evaluates `expression` in the page (awaiting a promise) and returns its JSON value. */
  async eval(context, expression) {
    const r = await this.send('script.evaluate', {
      expression: `(async () => JSON.stringify(await (${expression})))()`,
      target: { context },
      awaitPromise: true,
    });
    if (r.type !== 'success') throw new Error(`page script failed: ${JSON.stringify(r.exceptionDetails && r.exceptionDetails.text)}`);
    return r.result.type === 'string' ? JSON.parse(r.result.value) : undefined;
  }
}

export async function startFirefox(profile) {
  const port = await freePort();
  const bin = process.env.FIREFOX || '/usr/bin/firefox-esr';
  const child = spawn(bin, ['--headless', '--no-remote', '--profile', profile, `--remote-debugging-port=${port}`, 'about:blank'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const seen = new Promise((resolve) => {
    const look = (d) => {
      text += d;
      const m = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(text);
      if (m) resolve(m[1]);
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
  });
  const url = await Promise.race([seen, new Promise((_, reject) => setTimeout(() => reject(new Error(`${bin} did not start BiDi in 30 s:\n${text}`)), 30000))]);
  return { child, url: `${url.replace(/\/$/, '')}/session` };
}

/** Stops the browser `startFirefox` started (SIGTERM, then SIGKILL after 5 s). */
export async function stopFirefox(ff) {
  if (!ff || ff.child.exitCode !== null) return;
  const done = new Promise((r) => ff.child.on('exit', r));
  ff.child.kill('SIGTERM');
  const t = setTimeout(() => ff.child.kill('SIGKILL'), 5000);
  await done;
  clearTimeout(t);
}
