// The web UI in real headless Firefox (Debian's `firefox-esr`), driven over WebDriver BiDi, the
// W3C protocol Firefox speaks natively (playwright-core's Firefox needs a patched build, which
// cannot be installed here).
//
// A smaller check than the Chromium test, aimed at what differs between engines: the ES modules
// load and run, the WebSocket brings binary frames that are drawn, the panels fill, a pattern
// click and a slider move reach the API, the audio input card switches capture devices and its
// meter and the power switch follow the telemetry at desktop and phone sizes
// (input-steps.mjs), and the page logs no error. Screenshots go to target/web-test/.
//
// Environment: K1_BIN as for ui.test.mjs; FIREFOX (default /usr/bin/firefox-esr). Node 20 needs
// --experimental-websocket for the global WebSocket (run.sh passes it).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { out, k1Binary, until, notOk, step, check, startK1, stopK1, counts } from './harness.mjs';
import { Bidi, startFirefox, stopFirefox } from './bidi.mjs';
import { useFakeInputs, firefoxSteps } from './input-steps.mjs';

async function main() {
  const configDir = mkdtempSync(join(tmpdir(), 'k1-web-ff-'));
  const profile = mkdtempSync(join(tmpdir(), 'k1-web-ff-profile-'));
  let k1;
  let ff;
  let bidi;
  try {
    useFakeInputs();
    k1 = await startK1(k1Binary(), configDir, join(out, 'k1-firefox.log'));
    const api = async (method, path, body) => {
      const r = await fetch(k1.base + path, { method, headers: { 'Content-Type': 'application/json' }, body: body && JSON.stringify(body) });
      if (!r.ok) throw new Error(`${method} ${path} -> ${r.status}`);
      return r.json();
    };
    ff = await startFirefox(profile);
    bidi = await Bidi.connect(ff.url);
    const session = await bidi.send('session.new', { capabilities: {} });
    console.log(`# ${session.capabilities.browserName} ${session.capabilities.browserVersion}`);
    const problems = [];
    bidi.onEvent = (ev) => {
      if (ev.method === 'log.entryAdded' && ev.params.level === 'error') problems.push(`console error: ${ev.params.text}`);
    };
    await bidi.send('session.subscribe', { events: ['log.entryAdded'] });
    const tree = await bidi.send('browsingContext.getTree', {});
    const ctx = tree.contexts[0].context;
    await bidi.send('browsingContext.setViewport', { context: ctx, viewport: { width: 1280, height: 900 } });

    await step('Firefox: the UI loads, fills its panels and goes live', async () => {
      await bidi.send('browsingContext.navigate', { context: ctx, url: `${k1.base}/`, wait: 'complete' });
      const ready = await until(
        () => bidi.eval(ctx, `document.body.dataset.ready === 'true' && document.getElementById('conn').dataset.state === 'live'`),
        15000,
      );
      check(ready, 'the page did not become ready and live in 15 s');
      const n = await bidi.eval(ctx, `({ patterns: document.querySelectorAll('#patterns .pattern').length, params: document.querySelectorAll('#global-params .param').length })`);
      const listed = (await api('GET', '/api/patterns')).patterns.length;
      check(n.patterns === listed && n.params >= 8, `panels: ${JSON.stringify(n)}, API lists ${listed} patterns`);
      return `${n.patterns} patterns, ${n.params} global controls`;
    });

    const pixels = `(() => {
      const c = document.getElementById('strip');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let lit = 0, sum = 0;
      for (let i = 0; i < d.length; i += 4) { const v = d[i] + d[i + 1] + d[i + 2]; if (v > 120) lit++; sum = (sum * 31 + v) >>> 0; }
      return { lit, sum };
    })()`;
    // Pixels that show a light (a channel over 100; the strip's grey body and marks never do).
    const coloured = `(() => {
      const c = document.getElementById('strip');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.max(d[i], d[i + 1], d[i + 2]) > 100) n++;
      return n;
    })()`;
    await step('Firefox: the strip preview draws LEDs and changes over time', async () => {
      const a = await until(async () => {
        const p = await bidi.eval(ctx, pixels);
        return p.lit > 0 ? p : null;
      }, 10000);
      check(a, 'no lit pixel on the strip canvas');
      const b = await until(async () => {
        const p = await bidi.eval(ctx, pixels);
        return p.sum !== a.sum ? p : null;
      }, 5000);
      check(b, 'the strip canvas did not change in 5 s');
      return `${a.lit} lit pixels`;
    });

    await step('Firefox: a pattern click and a slider move reach the API', async () => {
      await bidi.eval(ctx, `document.querySelector('#patterns .pattern[data-index="9"]').click()`);
      check(await until(async () => (await api('GET', '/api/patterns')).current_pattern === 9, 5000), 'current_pattern did not become 9');
      await bidi.eval(ctx, `(() => {
        const el = document.querySelector('[data-param="softness"] input');
        for (let i = 0; i <= 100; i++) { el.value = String(i / 100); el.dispatchEvent(new Event('input', { bubbles: true })); }
        el.value = '0.61';
        el.dispatchEvent(new Event('input', { bubbles: true }));
      })()`);
      check(await until(async () => Math.abs((await api('GET', '/api/params')).softness - 0.61) < 1e-4, 5000), 'softness did not end at 0.61');
      const errors = await bidi.eval(ctx, `document.querySelectorAll('.toast.error').length`);
      check(errors === 0, `${errors} error messages shown`);
    });

    await step('Firefox: the power switch and master brightness at the top work, values in units', async () => {
      await bidi.eval(ctx, `document.getElementById('power').click()`);
      check(await until(async () => (await api('GET', '/api/power')).on === false, 5000), 'GET /api/power did not say off');
      const dark = await until(async () => ((await bidi.eval(ctx, coloured)) === 0 ? true : null), 5000);
      check(dark, 'the strip preview did not go dark');
      await bidi.eval(ctx, `document.getElementById('power').click()`);
      check(await until(async () => (await api('GET', '/api/power')).on === true, 5000), 'GET /api/power did not say on again');
      await bidi.eval(ctx, `(() => {
        const el = document.querySelector('#master [data-param="brightness"] input');
        el.value = '0.5';
        el.dispatchEvent(new Event('input', { bubbles: true }));
      })()`);
      check(await until(async () => Math.abs((await api('GET', '/api/params')).brightness - 0.5) < 1e-4, 5000), 'brightness did not become 0.5');
      const shown = await bidi.eval(ctx, `document.querySelector('#master [data-param="brightness"] output').value`);
      check(shown === '50 %', `the top brightness shows ${shown}`);
      const hue = await bidi.eval(ctx, `document.querySelector('[data-param="color"] output').value`);
      check(/^\d+°$/.test(hue), `the hue shows ${hue}`);
      return `brightness ${shown}, hue ${hue}`;
    });

    await firefoxSteps(bidi, ctx, api);

    await step('Firefox: no console error, screenshot', async () => {
      const shot = await bidi.send('browsingContext.captureScreenshot', { context: ctx, origin: 'document' });
      writeFileSync(join(out, 'ui-firefox.png'), Buffer.from(shot.data, 'base64'));
      check(problems.length === 0, problems.join('\n'));
      return join(out, 'ui-firefox.png');
    });

    await step('Firefox: --auth none shows the warning banner (and the loopback run none)', async () => {
      const before = await bidi.eval(ctx, `document.getElementById('auth-warning') === null`);
      check(before, 'a banner shows on loopback');
      await stopK1(k1);
      k1 = null;
      const openDir = join(configDir, 'open');
      mkdirSync(openDir);
      k1 = await startK1(k1Binary(), openDir, join(out, 'k1-firefox-auth-none.log'), '0.0.0.0', ['--auth', 'none']);
      await bidi.send('browsingContext.navigate', { context: ctx, url: `${k1.base}/`, wait: 'complete' });
      const text = await until(() => bidi.eval(ctx, `(() => { const b = document.getElementById('auth-warning'); return b && b.getBoundingClientRect().height > 0 ? b.textContent : null; })()`), 10000);
      check(text && /--auth none/.test(text), `no banner (got ${JSON.stringify(text)})`);
      // The banner can show before the pattern grid is filled: wait for the page to be ready.
      check(await until(() => bidi.eval(ctx, `document.body.dataset.ready === 'true'`), 10000), 'the page did not become ready');
      await bidi.eval(ctx, `document.querySelector('#patterns .pattern[data-index="3"]').click()`);
      check(await until(async () => (await api('GET', '/api/patterns')).current_pattern === 3, 5000), 'a change without a token did not land');
      const shot = await bidi.send('browsingContext.captureScreenshot', { context: ctx, origin: 'viewport' });
      writeFileSync(join(out, 'ui-firefox-auth-none.png'), Buffer.from(shot.data, 'base64'));
      check(problems.length === 0, problems.join('\n'));
      return join(out, 'ui-firefox-auth-none.png');
    });
  } catch (e) {
    notOk('Firefox setup', e && e.stack ? e.stack : e);
  } finally {
    if (bidi) await bidi.send('session.end').catch(() => {});
    await stopFirefox(ff);
    await stopK1(k1);
    rmSync(configDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }
  const { passed, failed } = counts();
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
  // The WebSocket to Firefox may keep the loop alive after the browser is gone.
  setTimeout(() => process.exit(process.exitCode), 200).unref();
}

await main();
