// The browser steps for the audio input card (capture devices, level meter) and the power
// switch's live updates, shared by ui.test.mjs (Chromium, desktop and phone) and
// firefox.test.mjs. k1 runs with K1_FAKE_INPUTS (FAKE_INPUTS below), so the device list is the
// same on every machine, with or without a sound card; each fake device captures silence.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { out, step, check, until, sleep } from './harness.mjs';

/** The fake capture devices k1 is started with (the first is the default). */
export const FAKE_INPUTS = ['Studio Mic', 'USB Audio'];

/** Sets the environment startK1 passes on, before k1 starts. */
export function useFakeInputs() {
  process.env.K1_FAKE_INPUTS = FAKE_INPUTS.join(';');
}

/** The saved settings in `configDir` (null while there are none). */
function saved(configDir) {
  try {
    return JSON.parse(readFileSync(join(configDir, 'settings.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** What the input card shows, read in the page. */
const cardState = `(() => ({
  options: [...document.querySelectorAll('#input-device option')].map((o) => o.textContent),
  selected: document.getElementById('input-device').value,
  status: document.getElementById('input-status').textContent,
  dbfs: document.getElementById('input-dbfs').textContent,
  meter: document.getElementById('input-level').value,
  gate: document.getElementById('input-gate').dataset.gate,
}))()`;

/**
 * Chromium, desktop: the device list, switching to a device (saved), the meter following the
 * telemetry, and the power switch following changes made elsewhere with no polling.
 * @param {import('playwright-core').Page} page
 * @param {(method: string, path: string, body?: any) => Promise<any>} api
 */
export async function desktopSteps(page, api, configDir) {
  await step('the power switch follows the WebSocket telemetry, with no polling of /api/power', async () => {
    let polls = 0;
    const count = (r) => {
      if (new URL(r.url()).pathname === '/api/power' && r.method() === 'GET') polls += 1;
    };
    page.on('request', count);
    try {
      await api('POST', '/api/power', { on: false });
      const t0 = Date.now();
      const off = await until(async () => ((await page.getAttribute('#power', 'aria-checked')) === 'false' ? true : null), 3000, 50);
      check(off, 'the switch did not show a change made through the API within 3 s');
      const ms = Date.now() - t0;
      await api('POST', '/api/power', { on: true });
      check(await until(async () => ((await page.getAttribute('#power', 'aria-checked')) === 'true' ? true : null), 3000, 50), 'the switch did not follow back on');
      // The old page polled every 5 s: over 6 s there would have been a GET.
      await sleep(6000);
      check(polls === 0, `the page sent ${polls} GET /api/power while idle`);
      return `followed in ${ms} ms, 0 polls in 6 s`;
    } finally {
      page.off('request', count);
    }
  });

  await step('the audio input lists the capture devices and the level meter moves with the demo', async () => {
    const fromApi = await api('GET', '/api/audio/inputs');
    check(fromApi.devices.map((d) => d.name).join() === FAKE_INPUTS.join(), `GET /api/audio/inputs lists ${JSON.stringify(fromApi.devices)}`);
    const s = await until(async () => {
      const v = await page.evaluate(cardState);
      return v.options.length === FAKE_INPUTS.length ? v : null;
    }, 5000);
    check(s, 'the device list did not fill');
    check(/Studio Mic \(default\)/.test(s.options[0]) && /48 kHz/.test(s.options[0]), `first option reads "${s.options[0]}"`);
    check(/USB Audio/.test(s.options[1]) && !/default/.test(s.options[1]), `second option reads "${s.options[1]}"`);
    // The demo plays: the meter shows a level above the floor and the gate open.
    const loud = await until(async () => {
      const v = await page.evaluate(cardState);
      return v.gate === 'open' && v.meter > -60 && /dBFS/.test(v.dbfs) ? v : null;
    }, 8000);
    check(loud, `the meter did not show the demo: ${JSON.stringify(await page.evaluate(cardState))}`);
    await page.locator('#audio-card').screenshot({ path: join(out, 'ui-input-demo.png') });
    return `${loud.dbfs}, gate ${loud.gate}; ${join(out, 'ui-input-demo.png')}`;
  });

  await step('choosing a capture device switches to it live, saves it, and the meter shows its silence', async () => {
    await page.selectOption('#input-device', 'USB Audio');
    await page.click('#input-apply');
    const cfg = await until(async () => {
      const c = await api('GET', '/api/audio-config');
      return c.source === 'mic:USB Audio' ? c : null;
    }, 8000);
    check(cfg, 'GET /api/audio-config does not name the device');
    check(cfg.source_name === 'microphone "USB Audio"', `source_name ${cfg.source_name}`);
    const shown = await until(async () => {
      const v = await page.evaluate(cardState);
      return /Listening to USB Audio/.test(v.status) && v.selected === 'USB Audio' && v.gate === 'closed' && v.meter <= -90 ? v : null;
    }, 8000);
    check(shown, `the card shows ${JSON.stringify(await page.evaluate(cardState))}`);
    const kept = await until(() => (saved(configDir)?.source === 'mic:USB Audio' ? true : null), 5000);
    check(kept, `settings.json says source ${JSON.stringify(saved(configDir)?.source)}`);
    await page.locator('#audio-card').screenshot({ path: join(out, 'ui-input-device.png') });
    // Back to the demo, for the steps after this one.
    await api('POST', '/api/audio-config', { source: 'demo' });
    await until(async () => ((await page.evaluate(cardState)).gate === 'open' ? true : null), 8000);
    return `${shown.status} ${shown.dbfs}; ${join(out, 'ui-input-device.png')}`;
  });
}

/**
 * Chromium, phone: the input card fits the width, and a tap on the device list and "Listen"
 * switches.
 * @param {import('playwright-core').Page} mobile
 */
export async function phoneSteps(mobile, api) {
  await step('on a phone the audio input card fits, and a device is chosen with taps', async () => {
    await mobile.locator('#audio-card').scrollIntoViewIfNeeded();
    const fit = await mobile.$eval('#audio-card', (el) => {
      const r = el.getBoundingClientRect();
      const meter = document.getElementById('input-level').getBoundingClientRect();
      return { left: r.left, right: r.right, view: window.innerWidth, meterWidth: meter.width };
    });
    check(fit.left >= 0 && fit.right <= fit.view, `the card spans ${fit.left}..${fit.right} in ${fit.view}px`);
    check(fit.meterWidth >= 60, `the level meter is ${fit.meterWidth}px wide`);
    await mobile.selectOption('#input-device', 'Studio Mic');
    await mobile.tap('#input-apply');
    const cfg = await until(async () => {
      const c = await api('GET', '/api/audio-config');
      return c.source === 'mic:Studio Mic' ? c : null;
    }, 8000);
    check(cfg, 'tapping Listen did not switch to Studio Mic');
    const gate = await until(async () => ((await mobile.evaluate(cardState)).gate === 'closed' ? true : null), 8000);
    check(gate, 'the phone meter did not show the silent device');
    await mobile.locator('#audio-card').screenshot({ path: join(out, 'ui-phone-input.png') });
    await api('POST', '/api/audio-config', { source: 'demo' });
    return join(out, 'ui-phone-input.png');
  });
}

/**
 * Firefox over WebDriver BiDi, at desktop and phone sizes: the list, a switch, the meter, and
 * the power switch following a change made through the API.
 * @param {{ eval: (ctx: string, expr: string) => Promise<any>, send: Function }} bidi
 */
export async function firefoxSteps(bidi, ctx, api) {
  await step('Firefox: the audio input lists the devices, switches, and the meter and power follow the telemetry', async () => {
    const shots = [];
    for (const [label, viewport] of [
      ['desktop', { width: 1280, height: 900 }],
      ['phone', { width: 390, height: 844 }],
    ]) {
      await bidi.send('browsingContext.setViewport', { context: ctx, viewport });
      const s = await until(async () => {
        const v = await bidi.eval(ctx, cardState);
        return v.options.length === FAKE_INPUTS.length && v.gate === 'open' ? v : null;
      }, 8000);
      check(s, `${label}: the card shows ${JSON.stringify(await bidi.eval(ctx, cardState))}`);
      const device = label === 'desktop' ? 'USB Audio' : 'Studio Mic';
      await bidi.eval(ctx, `(() => { const s = document.getElementById('input-device'); s.value = ${JSON.stringify(device)}; document.getElementById('input-apply').click(); })()`);
      const switched = await until(async () => ((await api('GET', '/api/audio-config')).source === `mic:${device}` ? true : null), 8000);
      check(switched, `${label}: the source is not mic:${device}`);
      const silent = await until(async () => ((await bidi.eval(ctx, cardState)).gate === 'closed' ? true : null), 8000);
      check(silent, `${label}: the meter did not show the silent device`);
      await api('POST', '/api/power', { on: false });
      const off = await until(async () => ((await bidi.eval(ctx, `document.getElementById('power').getAttribute('aria-checked')`)) === 'false' ? true : null), 3000, 50);
      check(off, `${label}: the switch did not follow the API within 3 s`);
      const fit = await bidi.eval(ctx, `({ scroll: document.documentElement.scrollWidth, view: window.innerWidth })`);
      check(fit.scroll <= fit.view, `${label}: page is ${fit.scroll}px wide in a ${fit.view}px viewport`);
      await bidi.eval(ctx, `document.getElementById('audio-card').scrollIntoView()`);
      const shot = await bidi.send('browsingContext.captureScreenshot', { context: ctx, origin: 'viewport' });
      const path = join(out, `ui-firefox-input-${label}.png`);
      writeFileSync(path, Buffer.from(shot.data, 'base64'));
      shots.push(path);
      await api('POST', '/api/power', { on: true });
      await api('POST', '/api/audio-config', { source: 'demo' });
    }
    await bidi.send('browsingContext.setViewport', { context: ctx, viewport: { width: 1280, height: 900 } });
    await bidi.eval(ctx, `window.scrollTo(0, 0)`);
    return shots.join(', ');
  });
}
