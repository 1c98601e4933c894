// The LED outputs card in real browsers, against a real `k1 run --demo`: headless Chromium
// (playwright-core) on a desktop and a phone, and headless Firefox (WebDriver BiDi).
//
// Strategy: the outputs are DDP to UDP sockets this test listens on, so what k1 sends is read
// off the wire, and every change is read back from the API. Chromium: the form builds the URL
// and adds the output, which starts sending at once (no restart) and shows its live counters;
// Test puts the moving pattern (dim white with a red comet first) on the wire for 3 s and then
// the frames again; a bad URL gets the server's message and changes nothing; Edit keeps the id;
// "Find WLED devices" with injected results (the discovery route answered by the test: no real
// network device) adds a device in one click with its LED count; Remove stops the packets; the
// list survives a restart of k1. The phone layout fits the card to the screen and its buttons
// work by touch. Firefox: add, test and remove through the page. Any console error, page error
// or unexpected failed API call fails the run. Screenshots go to target/web-test/
// (outputs-desktop.png, outputs-phone.png, outputs-firefox.png).
//
// Environment: as ui.test.mjs and firefox.test.mjs (K1_BIN, CHROMIUM, FIREFOX, K1_WEB_TEST_OUT).

import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { out, k1Binary, sleep, until, notOk, step, check, startK1, stopK1, counts } from './harness.mjs';
import { Bidi, startFirefox, stopFirefox } from './bidi.mjs';

/** A UDP socket on loopback that keeps the pixels of every DDP packet it gets. */
async function ddpReceiver() {
  const sock = createSocket('udp4');
  const frames = [];
  sock.on('message', (msg) => {
    // DDP: a 10-byte header, then R,G,B per pixel.
    const px = [];
    for (let i = 10; i + 2 < msg.length; i += 3) px.push([msg[i], msg[i + 1], msg[i + 2]]);
    frames.push({ at: Date.now(), px });
  });
  await new Promise((r) => sock.bind(0, '127.0.0.1', r));
  return { port: sock.address().port, frames, close: () => sock.close() };
}

const isDim = ([r, g, b]) => r === 24 && g === 24 && b === 24;
const isRed = ([r, g, b]) => r === 255 && g === 0 && b === 0;
/** A test frame: most pixels the test's dim white. */
const testFrame = (f) => f.px.filter(isDim).length > f.px.length / 2;

async function main() {
  const bin = k1Binary();
  const configDir = mkdtempSync(join(tmpdir(), 'k1-web-outputs-'));
  const rx = await ddpReceiver();
  const rx2 = await ddpReceiver();
  console.log(`# k1: ${bin}\n# config dir: ${configDir}\n# DDP receivers on ${rx.port}, ${rx2.port}`);
  let k1;
  let browser;
  let ff;
  let bidi;
  try {
    k1 = await startK1(bin, configDir, join(out, 'k1-outputs.log'));
    const api = async (method, path, body) => {
      const r = await fetch(k1.base + path, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      if (!r.ok) throw new Error(`${method} ${path} -> ${r.status} ${text}`);
      return text ? JSON.parse(text) : null;
    };
    const outputs = async () => (await api('GET', '/api/outputs')).outputs;

    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true });
    console.log(`# chromium ${browser.version()}`);
    const problems = [];
    // Failed calls a step provokes on purpose ("METHOD /path status").
    const expected = new Set();
    const watch = (page, label) => {
      page.on('console', (msg) => {
        if (msg.type() !== 'error') return;
        const where = msg.location() && msg.location().url ? msg.location().url : '';
        if (/\/api\/health$/.test(where) && /status of 503/.test(msg.text())) return;
        if (/status of 400/.test(msg.text()) && expected.size) return;
        problems.push(`${label} console error: ${msg.text()} ${where}`);
      });
      page.on('pageerror', (e) => problems.push(`${label} page error: ${e.stack || e}`));
      page.on('response', (r) => {
        const url = new URL(r.url());
        const key = `${r.request().method()} ${url.pathname} ${r.status()}`;
        if (r.status() >= 400 && !(url.pathname === '/api/health' && r.status() === 503) && !expected.has(key)) {
          problems.push(`${label} ${key}`);
        }
      });
    };
    const noProblems = (where) => check(problems.length === 0, `${where}: ${problems.join('\n')}`);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    watch(page, 'desktop');
    await page.goto(`${k1.base}/`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
    const card = page.locator('#outputs-card');

    await step('the outputs card says there are none and the form builds the URL', async () => {
      await card.scrollIntoViewIfNeeded();
      check(!(await page.isVisible('#output-cancel')), 'Cancel shows with nothing to cancel');
      const said = await until(() => page.textContent('#outputs-state'), 5000);
      check(/No LED outputs/.test(said) && /320 LEDs/.test(said), `state: ${said}`);
      await page.selectOption('#output-kind', 'ddp');
      await page.fill('#output-host', `127.0.0.1:${rx.port}`);
      await page.fill('#output-first', '0');
      await page.fill('#output-last', '29');
      await page.fill('#output-name', 'desk');
      const url = await page.inputValue('#output-url');
      check(url === `ddp://127.0.0.1:${rx.port}?leds=0-29&name=desk`, `URL ${url}`);
      return url;
    });

    let deskId;
    await step('Add starts the output at once: packets arrive and the counters move', async () => {
      await page.click('#output-save');
      const list = await until(async () => ((await outputs()).length === 1 ? await outputs() : null), 5000);
      check(list, 'GET /api/outputs did not list the new output');
      deskId = list[0].id;
      check(list[0].name === 'desk' && list[0].leds.end === 30, JSON.stringify(list[0]));
      check(await until(() => rx.frames.length >= 20, 10000), `only ${rx.frames.length} DDP packets arrived`);
      check(rx.frames.at(-1).px.length === 30, `a packet carried ${rx.frames.at(-1).px.length} pixels, not 30`);
      const shown = await until(async () => {
        const n = Number(await page.textContent(`#outputs-list li[data-id="${deskId}"] [data-stat="frames"] dd`));
        return n > 0 ? n : null;
      }, 5000);
      check(shown, 'the item does not show frames sent');
      noProblems('add');
      return `${rx.frames.length} packets, ${shown} frames shown`;
    });

    await step('Test puts the moving pattern on the wire for 3 s, then the frames again', async () => {
      const from = rx.frames.length;
      await page.click(`#outputs-list li[data-id="${deskId}"] button[data-action="test"]`);
      check(await until(async () => (await outputs())[0].testing, 3000), 'the API does not say testing');
      const first = await until(() => rx.frames.slice(from).find(testFrame), 5000);
      check(first, 'no test frame arrived');
      check(first.px.some(isRed), 'the first pass is not red');
      const back = await until(() => {
        const after = rx.frames.slice(from);
        const lastTest = after.findLastIndex(testFrame);
        return lastTest >= 0 && after.length - lastTest > 20 && !(after.at(-1) && testFrame(after.at(-1)));
      }, 10000);
      check(back, 'the frames did not come back after the test');
      const shown = rx.frames.slice(from).filter(testFrame);
      const span = shown.at(-1).at - shown[0].at;
      // 3 s of engine time (exact in the engine's own tests); on the receiving side only a
      // lower bound holds whatever the machine's load: frames cannot come faster than drawn.
      check(span > 2000, `test frames over ${span} ms`);
      check(await until(async () => !(await outputs())[0].testing, 3000), 'the API still says testing');
      await until(async () => (await page.textContent(`#outputs-list li[data-id="${deskId}"] button[data-action="test"]`)) === 'Test', 3000);
      return `${shown.length} test packets over ${span} ms`;
    });

    await step('a bad URL gets the server\'s message and changes nothing', async () => {
      expected.add('POST /api/outputs 400');
      await page.fill('#output-url', `ddp://127.0.0.1:${rx.port}?leds=0-999`);
      await page.click('#output-save');
      const toast = await until(() => page.evaluate(() => [...document.querySelectorAll('.toast.error')].map((t) => t.textContent).join(' ')), 5000);
      expected.delete('POST /api/outputs 400');
      check(/320 LEDs/.test(toast), `error shown: ${toast}`);
      check((await outputs()).length === 1, 'an output was added');
      await page.evaluate(() => document.querySelectorAll('.toast .close').forEach((b) => b.click()));
      return toast.trim().slice(0, 90);
    });

    await step('Edit changes the range in place, with the same id', async () => {
      await page.click(`#outputs-list li[data-id="${deskId}"] button[data-action="edit"]`);
      check((await page.textContent('#output-save')) === 'Save', 'the form is not in edit mode');
      check(await page.isVisible('#output-cancel'), 'no Cancel while editing');
      check((await page.inputValue('#output-host')) === `127.0.0.1:${rx.port}`, 'host not filled');
      await page.fill('#output-last', '59');
      await page.click('#output-save');
      const list = await until(async () => {
        const l = await outputs();
        return l[0] && l[0].leds.end === 60 ? l : null;
      }, 5000);
      check(list && list[0].id === deskId, `after edit: ${JSON.stringify(await outputs())}`);
      check(await until(() => rx.frames.at(-1).px.length === 60, 5000), 'packets still carry the old range');
      check((await page.textContent('#output-save')) === 'Add', 'the form stayed in edit mode');
      check(!(await page.isVisible('#output-cancel')), 'Cancel shows with nothing to cancel');
    });

    await step('Find WLED devices (injected results) adds a device in one click, with its LED count', async () => {
      await page.route('**/api/outputs/discover', (route) =>
        route.fulfill({
          contentType: 'application/json',
          body: JSON.stringify({
            seconds: 3,
            devices: [
              { instance: 'wled-porch', name: 'Porch', address: '127.0.0.1', port: 80, leds: 40, version: '0.15.0', error: null, added: false, url: `ddp://127.0.0.1:${rx2.port}?leds=0-39&name=Porch` },
              { instance: 'wled-attic', name: 'wled-attic', address: '10.9.9.9', port: 80, leds: null, version: null, error: 'timed out', added: false, url: 'ddp://10.9.9.9' },
            ],
          }),
        }),
      );
      await page.click('#outputs-find');
      await page.waitForSelector('#outputs-found li', { timeout: 5000 });
      const items = await page.$$eval('#outputs-found li', (els) => els.map((e) => e.textContent));
      check(items.length === 2 && /40 LEDs/.test(items[0]) && /timed out/.test(items[1]), JSON.stringify(items));
      check(/2 WLED devices found/.test(await page.textContent('#outputs-found-state')), 'no count');
      await page.click('#outputs-found li >> nth=0 >> button');
      const porch = await until(async () => (await outputs()).find((o) => o.name === 'Porch'), 5000);
      check(porch && porch.kind === 'ddp' && porch.leds.start === 0 && porch.leds.end === 40, JSON.stringify(porch));
      check(await until(() => rx2.frames.length >= 10 && rx2.frames.at(-1).px.length === 40, 10000), 'the device gets no packets');
      check((await page.textContent('#outputs-found li >> nth=0 >> button')) === 'Added', 'the button does not say Added');
      await page.unroute('**/api/outputs/discover');
      noProblems('discovery');
      return `${rx2.frames.length} packets to the device`;
    });

    await step('Remove stops the output and its packets', async () => {
      await page.click(`#outputs-list li[data-id="${deskId}"] button[data-action="remove"]`);
      check(await until(async () => (await outputs()).length === 1, 5000), 'still listed');
      await page.waitForSelector(`#outputs-list li[data-id="${deskId}"]`, { state: 'detached', timeout: 5000 });
      await sleep(300);
      const n = rx.frames.length;
      await sleep(700);
      check(rx.frames.length === n, `${rx.frames.length - n} packets after the removal`);
      await card.screenshot({ path: join(out, 'outputs-desktop.png') });
      noProblems('remove');
      return join(out, 'outputs-desktop.png');
    });

    await step('the outputs survive a restart of k1', async () => {
      await page.close();
      await stopK1(k1);
      k1 = await startK1(bin, configDir, join(out, 'k1-outputs-restart.log'));
      const list = await outputs();
      check(list.length === 1 && list[0].name === 'Porch' && list[0].leds.end === 40, JSON.stringify(list));
      const from = rx2.frames.length;
      check(await until(() => rx2.frames.length > from + 10, 10000), 'no packets after the restart');
    });

    await step('phone: the card fits the screen and Test works by touch', async () => {
      const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
      const p = await phone.newPage();
      watch(p, 'phone');
      await p.goto(`${k1.base}/`);
      await p.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
      await p.waitForSelector('#outputs-list li', { timeout: 5000 });
      const c = p.locator('#outputs-card');
      await c.scrollIntoViewIfNeeded();
      const fit = await p.evaluate(() => {
        const card = document.getElementById('outputs-card');
        const r = card.getBoundingClientRect();
        return { right: r.right, width: window.innerWidth, overflow: card.scrollWidth - card.clientWidth, page: document.documentElement.scrollWidth - window.innerWidth };
      });
      check(fit.right <= fit.width && fit.overflow <= 0 && fit.page <= 0, `the card overflows: ${JSON.stringify(fit)}`);
      const button = p.locator('#outputs-list li >> nth=0 >> button[data-action="test"]');
      const box = await button.boundingBox();
      check(box && box.height >= 32, `the Test button is ${box && box.height}px tall`);
      await button.tap();
      check(await until(async () => (await outputs())[0].testing, 3000), 'the tap did not start a test');
      await c.screenshot({ path: join(out, 'outputs-phone.png') });
      noProblems('phone');
      await phone.close();
      return join(out, 'outputs-phone.png');
    });

    await browser.close();
    browser = null;

    await step('Firefox: add, test and remove an output through the page', async () => {
      const profile = mkdtempSync(join(tmpdir(), 'k1-web-outputs-ff-'));
      try {
        ff = await startFirefox(profile);
        bidi = await Bidi.connect(ff.url);
        await bidi.send('session.new', { capabilities: {} });
        const errors = [];
        bidi.onEvent = (ev) => {
          if (ev.method === 'log.entryAdded' && ev.params.level === 'error') errors.push(ev.params.text);
        };
        await bidi.send('session.subscribe', { events: ['log.entryAdded'] });
        const ctx = (await bidi.send('browsingContext.getTree', {})).contexts[0].context;
        await bidi.send('browsingContext.setViewport', { context: ctx, viewport: { width: 1280, height: 900 } });
        await bidi.send('browsingContext.navigate', { context: ctx, url: `${k1.base}/`, wait: 'complete' });
        check(await until(() => bidi.eval(ctx, `document.body.dataset.ready === 'true' && document.querySelectorAll('#outputs-list li').length === 1`), 15000), 'the page did not list the saved output');
        await bidi.eval(ctx, `(() => {
          const set = (id, v) => { const e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event('input', { bubbles: true })); };
          set('output-kind', 'ddp'); set('output-host', '127.0.0.1:${rx.port}'); set('output-first', '100'); set('output-last', '119'); set('output-name', 'shelf');
          document.getElementById('output-save').click();
        })()`);
        const shelf = await until(async () => (await outputs()).find((o) => o.name === 'shelf'), 5000);
        check(shelf && shelf.leds.start === 100 && shelf.leds.end === 120, JSON.stringify(await outputs()));
        const from = rx.frames.length;
        check(await until(() => rx.frames.length > from + 10 && rx.frames.at(-1).px.length === 20, 10000), 'no packets from the new output');
        await bidi.eval(ctx, `document.querySelector('#outputs-list li[data-id="${shelf.id}"] button[data-action="test"]').click()`);
        check(await until(() => rx.frames.slice(from).some(testFrame), 5000), 'no test frame on the wire');
        await bidi.eval(ctx, `document.querySelector('#outputs-list li[data-id="${shelf.id}"] button[data-action="remove"]').click()`);
        check(await until(async () => !(await outputs()).some((o) => o.name === 'shelf'), 5000), 'shelf still listed');
        const shot = await bidi.send('browsingContext.captureScreenshot', { context: ctx, origin: 'document' });
        writeFileSync(join(out, 'outputs-firefox.png'), Buffer.from(shot.data, 'base64'));
        check(errors.length === 0, errors.join('\n'));
        return join(out, 'outputs-firefox.png');
      } finally {
        if (bidi) await bidi.send('session.end').catch(() => {});
        bidi = null;
        await stopFirefox(ff);
        ff = null;
        rmSync(profile, { recursive: true, force: true });
      }
    });
  } catch (e) {
    notOk('outputs test setup', e && e.stack ? e.stack : e);
  } finally {
    if (browser) await browser.close().catch(() => {});
    await stopFirefox(ff);
    await stopK1(k1);
    rx.close();
    rx2.close();
    rmSync(configDir, { recursive: true, force: true });
  }
  const { passed, failed } = counts();
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
  setTimeout(() => process.exit(process.exitCode), 200).unref();
}

await main();
