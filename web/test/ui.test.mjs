// The web UI in a real browser: headless Chromium (Debian's `chromium`) driven by playwright-core,
// against a real `k1 run --demo` process.
//
// Strategy: start k1 on a free loopback port with a throw-away config directory, load the UI, and
// check what a user would see and do, each time reading the result back from the API itself
// rather than from the page: the strip preview changes over time; dragging a slider changes the
// parameter; a flood of slider moves ends on the last value with no error; clicking a pattern
// selects it; a palette click sets palette_id; a preset saved and applied brings its look back;
// values read in their units; the colour picker sets the hue; the power switch darkens the strip
// and is saved; on a phone the preview, power and brightness stay at the top while the page
// scrolls, the sections follow in order and the strip is drawn in rows large enough to read;
// the audio input card lists the (fake) capture devices, switches between them and shows the
// level meter, and the power switch follows the telemetry (input-steps.mjs).
// Every step is reported; any failure, any console error, uncaught page error or failed API call
// makes the run exit 1. Screenshots (desktop, power off, phone, phone scrolled) go to
// target/web-test/.
//
// Environment: K1_BIN (the k1 binary; default target/release/k1 or target/debug/k1, whichever is
// newer), CHROMIUM (default /usr/bin/chromium), K1_WEB_TEST_OUT (default target/web-test).

import { existsSync, mkdirSync, mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { out, repo, k1Binary, sleep, until, notOk, step, check, startK1, stopK1, counts } from './harness.mjs';
import { useFakeInputs, desktopSteps, phoneSteps } from './input-steps.mjs';

/**
 * The strip canvas: its size, how many pixels are lit, how many show a light at all (a channel
 * over 100: the strip's own grey body and marks never reach that), and every 4th byte (for
 * comparisons).
 */
function canvasPixels(page) {
  return page.evaluate(() => {
    const c = document.getElementById('strip');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let lit = 0;
    let coloured = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i] + d[i + 1] + d[i + 2] > 120) lit += 1;
      if (Math.max(d[i], d[i + 1], d[i + 2]) > 100) coloured += 1;
    }
    return { w: c.width, h: c.height, lit, coloured, data: Array.from(d.filter((_, i) => i % 16 === 0)) };
  });
}

// ---- The test ------------------------------------------------------------------------------

async function main() {
  const bin = k1Binary();
  const configDir = mkdtempSync(join(tmpdir(), 'k1-web-test-'));
  const logPath = join(out, 'k1.log');
  console.log(`# k1: ${bin}\n# config dir: ${configDir}\n# artifacts: ${out}`);
  let k1;
  let browser;
  try {
    useFakeInputs();
    k1 = await startK1(bin, configDir, logPath);
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

    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true });
    console.log(`# chromium ${browser.version()}`);
    const problems = [];
    const watch = (page, label) => {
      page.on('console', (msg) => {
        if (msg.type() !== 'error') return;
        const where = msg.location() && msg.location().url ? msg.location().url : '';
        // /api/health answers 503 while a criterion fails (or before the first full second);
        // that is the figure the panel shows, not a fault of the page.
        if (/\/api\/health$/.test(where) && /status of 503/.test(msg.text())) return;
        problems.push(`${label} console error: ${msg.text()} ${where}`);
      });
      page.on('pageerror', (e) => problems.push(`${label} page error: ${e.stack || e}`));
      page.on('response', (r) => {
        const url = new URL(r.url());
        if (r.status() >= 400 && !(url.pathname === '/api/health' && r.status() === 503)) {
          problems.push(`${label} ${r.request().method()} ${url.pathname} -> ${r.status()}`);
        }
      });
      page.on('requestfailed', (r) => {
        const url = new URL(r.url());
        // A socket or fetch cut short when the page closes is not a fault.
        if (!/ERR_ABORTED/.test(r.failure()?.errorText || '')) problems.push(`${label} request failed: ${url.pathname} ${r.failure()?.errorText}`);
      });
    };
    const noProblems = (where) => {
      check(problems.length === 0, `${where}: ${problems.join('\n')}`);
    };

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    watch(page, 'desktop');

    await step('the UI loads from k1 and fills its panels', async () => {
      await page.goto(`${k1.base}/`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
      const counts = await page.evaluate(() => ({
        patterns: document.querySelectorAll('#patterns .pattern').length,
        palettes: document.querySelectorAll('#palettes .palette').length,
        params: document.querySelectorAll('#global-params .param').length,
      }));
      const fromApi = await api('GET', '/api/patterns');
      check(counts.patterns === fromApi.patterns.length, `pattern cards ${counts.patterns}, API lists ${fromApi.patterns.length}`);
      const palettes = await api('GET', '/api/palettes');
      check(counts.palettes === palettes.palettes.length + 1, `palette buttons ${counts.palettes}, API lists ${palettes.palettes.length} (+ none)`);
      check(counts.params >= 8, `only ${counts.params} global parameter controls`);
      const current = await page.getAttribute('#patterns .pattern.current', 'data-index');
      check(Number(current) === fromApi.current_pattern, `marked pattern ${current}, API current_pattern ${fromApi.current_pattern}`);
      return `${counts.patterns} patterns, ${counts.palettes - 1} palettes, ${counts.params} global controls`;
    });

    await step('every global parameter in the OpenAPI document has a control', async () => {
      const doc = await api('GET', '/api/openapi.json');
      const props = Object.keys(doc.components.schemas.Params.properties);
      // palette_id has the palette picker; custom_param_1..3 are shown as the current pattern's
      // own named parameters; pattern_params is that group.
      const elsewhere = new Set(['palette_id', 'pattern_params', 'custom_param_1', 'custom_param_2', 'custom_param_3']);
      const want = props.filter((p) => !elsewhere.has(p));
      // Master brightness sits in the top bar, the others in the parameter card.
      const have = await page.$$eval('#global-params [data-param], #master [data-param]', (els) => els.map((e) => e.dataset.param));
      const missing = want.filter((p) => !have.includes(p));
      check(missing.length === 0, `no control for ${missing.join(', ')}`);
      check(await page.locator('#master [data-param="brightness"] input[type="range"]').count() === 1, 'no brightness slider in the top bar');
      check(await page.locator('[data-param="brightness"]').count() === 1, 'brightness has two controls');
      return `${want.length} parameters`;
    });

    await step('the live connection comes up', async () => {
      await page.waitForSelector('#conn[data-state="live"]', { timeout: 10000 });
    });

    const stripPixels = () => canvasPixels(page);

    await step('the strip preview draws LEDs and changes over time', async () => {
      const a = await until(async () => {
        const p = await stripPixels();
        return p.lit > 0 ? p : null;
      }, 10000);
      check(a, 'the strip canvas shows no lit pixel after 10 s');
      let b = null;
      let differing = 0;
      for (let i = 0; i < 20 && differing === 0; i++) {
        await sleep(250);
        b = await stripPixels();
        differing = a.data.reduce((n, v, k) => n + (Math.abs(v - b.data[k]) > 8 ? 1 : 0), 0);
      }
      check(differing > 0, 'the strip canvas did not change in 5 s');
      return `${a.w}x${a.h} canvas, ${a.lit} lit pixels, ${differing} sampled values changed`;
    });

    await step('the music views show telemetry (BPM text, spectrum drawn)', async () => {
      const ok = await until(async () => page.evaluate(() => {
        const c = document.getElementById('spectrum');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) painted += 1;
        return painted > 0 ? { painted, bpm: document.getElementById('bpm').textContent } : null;
      }), 10000);
      check(ok, 'the spectrum canvas stayed empty for 10 s');
      return `${ok.painted} spectrum pixels, BPM "${ok.bpm}"`;
    });

    const sliderValue = (name) => page.$eval(`[data-param="${name}"] input`, (el) => Number(el.value));
    const settled = async (name, read) =>
      until(async () => {
        const ui = await sliderValue(name);
        const p = await api('GET', '/api/params');
        const v = read(p);
        return Math.abs(v - ui) < 1e-4 ? { ui, v } : null;
      }, 5000);

    await step('dragging the brightness slider changes brightness in the API', async () => {
      const before = (await api('GET', '/api/params')).brightness;
      await page.locator('[data-param="brightness"] input').scrollIntoViewIfNeeded();
      const box = await page.locator('[data-param="brightness"] input').boundingBox();
      check(box, 'no brightness slider');
      const y = box.y + box.height / 2;
      await page.mouse.move(box.x + box.width - 4, y);
      await page.mouse.down();
      for (let i = 0; i <= 30; i++) await page.mouse.move(box.x + box.width * (0.95 - i * 0.02), y);
      await page.mouse.up();
      const s = await settled('brightness', (p) => p.brightness);
      check(s, 'the API never reached the slider value');
      check(Math.abs(s.v - before) > 0.1, `brightness barely moved: ${before} -> ${s.v}`);
      const shown = await page.$eval('[data-param="brightness"] output', (o) => o.value);
      check(shown === `${Math.round(s.v * 100)} %`, `the slider shows ${shown}, the API has ${s.v}`);
      return `${before} -> ${s.v}`;
    });

    await step('a flood of slider moves lands on the last value with no error', async () => {
      const input = page.locator('[data-param="speed"] input');
      await input.focus();
      for (let i = 0; i < 60; i++) await page.keyboard.press(i < 40 ? 'ArrowLeft' : 'ArrowRight');
      // And a burst of synthetic input events, faster than any request can finish.
      await page.$eval('[data-param="speed"] input', (el) => {
        for (let i = 0; i <= 200; i++) {
          el.value = String((i % 100) / 100);
          el.dispatchEvent(new Event('input', { bubbles: true }));
        }
        el.value = '0.37';
        el.dispatchEvent(new Event('input', { bubbles: true }));
      });
      const s = await settled('speed', (p) => p.speed);
      check(s && Math.abs(s.v - 0.37) < 1e-4, `speed ended at ${s && s.v}, not 0.37`);
      const errors = await page.locator('.toast.error').count();
      check(errors === 0, `${errors} error messages shown`);
      noProblems('after the flood');
    });

    await step('values read in human units (%, degrees, seconds, ×), as the API describes them', async () => {
      const p = await api('GET', '/api/params');
      const doc = await api('GET', '/api/openapi.json');
      const props = doc.components.schemas.Params.properties;
      const out = (name) => page.$eval(`[data-param="${name}"] output`, (o) => o.value);
      const want = {
        color: `${Math.round(p.color * 360)}°`,
        saturation: `${Math.round(p.saturation * 100)} %`,
        speed: `${(0.25 * Math.pow(16, p.speed)).toFixed(2)}×`,
      };
      for (const [name, text] of Object.entries(want)) {
        check((await out(name)) === text, `${name} shows ${await out(name)}, want ${text}`);
      }
      check((await out('softness')).endsWith(' s'), `softness shows ${await out('softness')}`);
      const raw = [];
      for (const [name, schema] of Object.entries(props)) {
        if (schema.type !== 'number' || !schema['x-display']) continue;
        const text = await out(name).catch(() => null);
        if (text === null || !text.endsWith(schema['x-display'].suffix)) raw.push(`${name}: ${text}`);
      }
      check(raw.length === 0, `not in their units: ${raw.join(', ')}`);
      return Object.values(want).join(', ');
    });

    await step('the colour picker sets the hue (color) in the API', async () => {
      const sel = '[data-param="color"] input[type="color"]';
      check(await page.locator(sel).count() === 1, 'no colour picker beside the color slider');
      await page.$eval(sel, (el) => {
        el.value = '#0000ff';
        el.dispatchEvent(new Event('input', { bubbles: true }));
      });
      const got = await until(async () => {
        const v = (await api('GET', '/api/params')).color;
        return Math.abs(v - 2 / 3) < 0.006 ? v : null;
      }, 5000);
      check(got !== null, 'color did not become the hue of blue (2/3)');
      const shown = await page.$eval('[data-param="color"] output', (o) => o.value);
      check(shown === '240°' || shown === '241°' || shown === '239°', `the hue shows ${shown}`);
      // And the other way: a hue set elsewhere moves the picker once the page shows it.
      await api('POST', '/api/params', { color: 0.5 });
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
      const picked = await until(async () => ((await page.$eval(sel, (el) => el.value)) === '#00ffff' ? true : null), 5000);
      check(picked, `the picker shows ${await page.$eval(sel, (el) => el.value)} for hue 0.5 (cyan)`);
      return `color ${got}`;
    });

    await step('the power switch fades the strip to black and back, and K1 keeps it', async () => {
      check((await api('GET', '/api/power')).on === true, 'the light starts off');
      // A still, bright look, so that "lit" and "dark" are plain to see on the canvas.
      await api('POST', '/api/select', { id: 'departure' });
      await api('POST', '/api/params', { brightness: 1 });
      const before = await until(async () => ((await canvasPixels(page)).coloured > 0 ? true : null), 5000);
      check(before, 'the strip shows no light before the switch is used');
      check((await page.getAttribute('#power', 'aria-checked')) === 'true', 'the switch does not show on');
      await page.click('#power');
      const off = await until(async () => (await api('GET', '/api/power')).on === false, 5000);
      check(off, 'GET /api/power did not say off after the click');
      check((await page.getAttribute('#power', 'aria-checked')) === 'false', 'the switch does not show off');
      const dark = await until(async () => ((await canvasPixels(page)).coloured === 0 ? true : null), 5000);
      check(dark, 'the strip preview did not go dark');
      await page.screenshot({ path: join(out, 'ui-power-off.png') });
      // The choice is saved with the settings.
      const saved = await until(() => {
        try {
          return JSON.parse(readFileSync(join(configDir, 'settings.json'), 'utf8')).power === false;
        } catch {
          return false;
        }
      }, 5000);
      check(saved, 'settings.json does not say power: false');
      await page.click('#power');
      const on = await until(async () => (await api('GET', '/api/power')).on === true, 5000);
      check(on, 'GET /api/power did not say on after the second click');
      const lit = await until(async () => ((await canvasPixels(page)).coloured > 0 ? true : null), 5000);
      check(lit, 'the strip preview did not light again');
      // A switch from elsewhere shows here too.
      await api('POST', '/api/power', { on: false });
      const follows = await until(async () => ((await page.getAttribute('#power', 'aria-checked')) === 'false' ? true : null), 8000);
      check(follows, 'the switch did not follow a change made through the API');
      await api('POST', '/api/power', { on: true });
      await until(async () => ((await page.getAttribute('#power', 'aria-checked')) === 'true' ? true : null), 8000);
      return join(out, 'ui-power-off.png');
    });

    await desktopSteps(page, api, configDir);

    await step('clicking a pattern selects it (GET /api/patterns current_pattern)', async () => {
      const list = (await api('GET', '/api/patterns')).patterns;
      const target = list.find((p) => p.id === 'bloom') || list.find((p) => p.custom_params && p.custom_params.length);
      check(target, 'no pattern with its own parameters to pick');
      await page.click(`#patterns .pattern[data-index="${target.index}"]`);
      const now = await until(async () => {
        const r = await api('GET', '/api/patterns');
        return r.current_pattern === target.index ? r : null;
      }, 5000);
      check(now, `current_pattern did not become ${target.index}`);
      await page.waitForSelector(`#patterns .pattern.current[data-index="${target.index}"]`, { timeout: 3000 });
      const own = await until(() => page.locator('#custom-params .param').count(), 3000);
      check(own === target.custom_params.length, `${own} pattern controls, ${target.name} has ${target.custom_params.length}`);
      return `${target.name} (index ${target.index}), ${own} own controls`;
    });

    await step("a pattern's own slider changes pattern_params in the API", async () => {
      const list = (await api('GET', '/api/patterns')).patterns;
      const cur = list[(await api('GET', '/api/patterns')).current_pattern];
      const cp = cur.custom_params.find((c) => !c.labels || c.labels.length === 0);
      check(cp, `${cur.name} has no continuous parameter`);
      const sel = `[data-param="pattern_params.${cp.name}"] input`;
      await page.locator(sel).scrollIntoViewIfNeeded();
      const box = await page.locator(sel).boundingBox();
      await page.mouse.click(box.x + box.width * 0.2, box.y + box.height / 2);
      const got = await until(async () => {
        const ui = await page.$eval(sel, (el) => Number(el.value));
        const v = (await api('GET', '/api/params')).pattern_params[cp.name];
        return Math.abs(v - ui) < 1e-3 * Math.max(1, Math.abs(cp.max - cp.min)) ? v : null;
      }, 5000);
      check(got !== null, `pattern_params.${cp.name} never matched the slider`);
      return `${cp.name} = ${got}`;
    });

    await step('clicking a palette sets palette_id', async () => {
      await page.click('#palettes .palette[data-id="7"]');
      const p = await until(async () => {
        const v = await api('GET', '/api/params');
        return v.palette_id === 7 ? v : null;
      }, 5000);
      check(p, 'palette_id did not become 7');
      await page.waitForSelector('#palettes .palette.current[data-id="7"]', { timeout: 2000 });
    });

    await step('a preset saved from the UI and applied brings its look back', async () => {
      const saved = { pattern: (await api('GET', '/api/patterns')).current_pattern, params: await api('GET', '/api/params') };
      await page.fill('#preset-name', 'ui test');
      await page.click('#preset-form button[type="submit"]');
      await page.waitForSelector('#presets li[data-preset="ui test"]', { timeout: 5000 });
      const listed = await api('GET', '/api/presets');
      const names = (Array.isArray(listed) ? listed : listed.presets).map((p) => (typeof p === 'string' ? p : p.name));
      check(names.includes('ui test'), `GET /api/presets lists ${JSON.stringify(names)}`);
      // Change the look from outside the page, then apply the preset from the page.
      await api('POST', '/api/select', { index: saved.pattern === 0 ? 1 : 0 });
      await api('POST', '/api/params', { brightness: 0.9, palette_id: 3 });
      await page.click('#presets li[data-preset="ui test"] .apply');
      const back = await until(async () => {
        const pat = (await api('GET', '/api/patterns')).current_pattern;
        const p = await api('GET', '/api/params');
        return pat === saved.pattern && Math.abs(p.brightness - saved.params.brightness) < 1e-6 && p.palette_id === saved.params.palette_id ? p : null;
      }, 5000);
      check(back, 'the preset did not bring back the pattern, brightness and palette');
      await page.waitForSelector(`#patterns .pattern.current[data-index="${saved.pattern}"]`, { timeout: 3000 });
      const ui = await sliderValue('brightness');
      check(Math.abs(ui - saved.params.brightness) < 1e-4, `the brightness slider shows ${ui} after apply, not ${saved.params.brightness}`);
      return `pattern ${saved.pattern}, brightness ${saved.params.brightness}, palette ${saved.params.palette_id}`;
    });

    await step('backup downloads a file that restores the look when uploaded', async () => {
      const before = await api('GET', '/api/params');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#backup')]);
      const file = join(out, 'backup.json');
      await download.saveAs(file);
      const backup = JSON.parse(readFileSync(file, 'utf8'));
      check(backup.version && backup.parameters, 'the download is not a backup (no version or parameters)');
      await api('POST', '/api/params', { brightness: 0.05, warmth: 0.9 });
      await page.setInputFiles('#restore-file', file);
      const back = await until(async () => {
        const p = await api('GET', '/api/params');
        return Math.abs(p.brightness - before.brightness) < 1e-6 && Math.abs(p.warmth - before.warmth) < 1e-6 ? p : null;
      }, 5000);
      check(back, 'restoring the backup did not bring brightness and warmth back');
      await until(async () => Math.abs((await sliderValue('brightness')) - before.brightness) < 1e-4, 3000);
      check(Math.abs((await sliderValue('brightness')) - before.brightness) < 1e-4, 'the brightness slider did not follow the restore');
      return `${readFileSync(file).length} bytes`;
    });

    await step('the input gain slider changes microphone_gain', async () => {
      const input = page.locator('[data-param="microphone_gain"] input');
      await input.focus();
      for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
      const got = await until(async () => {
        const ui = Number(await input.inputValue());
        const g = (await api('GET', '/api/audio-config')).microphone_gain;
        return Math.abs(g - ui) < 1e-4 && Math.abs(g - 1) > 1e-3 ? g : null;
      }, 5000);
      check(got !== null, 'microphone_gain did not follow the slider');
      return `gain ${got}`;
    });

    await step('the source control switches to a corpus file and back to the demo', async () => {
      const file = join(repo, '..', 'shared', 'corpus', 'signals', 'metronome_120_gap.flac');
      check(existsSync(file), `no corpus file at ${file} (../shared/corpus beside the checkout)`);
      const info = page.locator('#audio-info');
      await page.selectOption('#source-kind', 'file');
      check(await page.locator('#source-path').isVisible(), 'the path box is hidden for a file');
      await page.fill('#source-path', file);
      await page.click('#source-apply');
      const switched = await until(async () => (await api('GET', '/api/audio-config')).source === file, 8000);
      check(switched, 'the API does not report the file as the source');
      check(await until(async () => (await info.textContent()).includes(file), 3000), 'the panel does not show the file');
      await page.selectOption('#source-kind', 'demo');
      check(!(await page.locator('#source-path').isVisible()), 'the path box shows for the demo');
      await page.click('#source-apply');
      const back = await until(async () => (await api('GET', '/api/audio-config')).source === 'demo', 8000);
      check(back, 'the API does not report the demo after switching back');
      check(await until(async () => (await info.textContent()).includes('demo loop'), 3000), 'the panel does not show the demo');
      return file;
    });

    await step('the latency panel sets the audio offset, which the API reports and keeps', async () => {
      const before = await api('GET', '/api/latency');
      check(before.audio_offset_ms === 0, `offset ${before.audio_offset_ms} before any change`);
      check(Number(await page.inputValue('#latency-offset')) === 0, 'the offset box does not show 0');
      await page.fill('#latency-offset', '135');
      await page.click('#latency-apply');
      const set = await until(async () => (await api('GET', '/api/latency')).audio_offset_ms === 135, 5000);
      check(set, 'the API does not report the offset set in the panel');
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
      check(Number(await page.inputValue('#latency-offset')) === 135, 'the offset box does not show the kept offset after a reload');
      await page.fill('#latency-offset', '5000');
      await page.click('#latency-apply');
      await sleep(300);
      check((await api('GET', '/api/latency')).audio_offset_ms === 135, 'an offset out of range changed the API');
      // The browser refuses a number over the box's max before sending anything: nothing failed.
      await page.fill('#latency-offset', '0');
      await page.click('#latency-apply');
      check(await until(async () => (await api('GET', '/api/latency')).audio_offset_ms === 0, 5000), 'the offset did not go back to 0');
      return '135 ms set, kept over a reload, 5000 refused';
    });

    await step('no error shown, no console error, no failed request (desktop)', async () => {
      await sleep(500);
      const errors = await page.locator('.toast.error').allTextContents();
      check(errors.length === 0, `error messages shown: ${errors.join(' | ')}`);
      noProblems('desktop');
    });

    await step('desktop screenshot', async () => {
      await page.screenshot({ path: join(out, 'ui.png'), fullPage: true });
      return join(out, 'ui.png');
    });

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const mobile = await phone.newPage();
    watch(mobile, 'phone');
    await step('on a phone-sized screen the UI fits the width and the strip is live', async () => {
      await mobile.goto(`${k1.base}/`);
      await mobile.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
      await mobile.waitForSelector('#conn[data-state="live"]', { timeout: 10000 });
      const fit = await mobile.evaluate(() => ({ scroll: document.documentElement.scrollWidth, view: window.innerWidth }));
      check(fit.scroll <= fit.view, `page is ${fit.scroll}px wide in a ${fit.view}px viewport`);
      const lit = await until(async () => (await canvasPixels(mobile)).lit > 0, 10000);
      check(lit, 'the phone strip preview shows nothing');
      await mobile.tap(`#patterns .pattern[data-index="0"]`);
      const sel = await until(async () => (await api('GET', '/api/patterns')).current_pattern === 0, 5000);
      check(sel, 'tapping a pattern on the phone did not select it');
      await mobile.screenshot({ path: join(out, 'ui-phone.png'), fullPage: true });
      noProblems('phone');
      return `${fit.view}px wide; ${join(out, 'ui-phone.png')}`;
    });

    await step('on a phone the preview, power and brightness stay at the top; sections follow', async () => {
      const inView = (sel) =>
        mobile.$eval(sel, (el) => {
          const r = el.getBoundingClientRect();
          return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;
        });
      for (const sel of ['#strip', '#power', '#master [data-param="brightness"] input']) {
        check(await inView(sel), `${sel} is not on screen at the top`);
      }
      const order = await mobile.evaluate(() => ['patterns-card', 'params-card', 'setup-h'].map((id) => document.getElementById(id).getBoundingClientRect().top));
      check(order[0] < order[1] && order[1] < order[2], `sections out of order: patterns, parameters, set-up at ${order}`);
      // Follow the link to the set-up section: the page scrolls, the top block stays.
      await mobile.tap('.jump a[href="#setup-h"]');
      const scrolled = await until(() => mobile.evaluate(() => (window.scrollY > 300 ? window.scrollY : null)), 3000);
      check(scrolled, 'the set-up link did not scroll the page');
      for (const sel of ['#strip', '#power', '#master [data-param="brightness"] input']) {
        check(await inView(sel), `${sel} scrolled away (scrollY ${scrolled})`);
      }
      const heading = await mobile.$eval('#setup-h', (el) => el.getBoundingClientRect().top);
      const below = await mobile.$eval('#top', (el) => el.getBoundingClientRect().bottom);
      check(heading >= below - 1, `the set-up heading is hidden under the top block (${heading} < ${below})`);
      // The brightness slider at the top works from there.
      await api('POST', '/api/params', { brightness: 0.9 });
      const input = mobile.locator('#master [data-param="brightness"] input');
      const box = await input.boundingBox();
      await mobile.tap('#master [data-param="brightness"] input', { position: { x: box.width * 0.3, y: box.height / 2 } });
      const b = await until(async () => {
        const v = (await api('GET', '/api/params')).brightness;
        return Math.abs(v - 0.3) < 0.06 ? v : null;
      }, 5000);
      check(b !== null, 'tapping the top brightness slider at 30 % did not set brightness near 0.3');
      await mobile.screenshot({ path: join(out, 'ui-phone-scrolled.png') });
      // The strip is drawn large enough to read: a row per strip, LEDs at least 2 CSS px apart.
      const strip = await mobile.$eval('#strip', (c) => ({ rows: Number(c.dataset.rows), ledPx: Number(c.dataset.ledPx), h: c.clientHeight }));
      check(strip.rows === 2 && strip.ledPx >= 2 && strip.h >= 90, `strip ${JSON.stringify(strip)}`);
      const desk = await page.$eval('#strip', (c) => Number(c.dataset.rows));
      check(desk === 1, `the desktop strip is drawn in ${desk} rows`);
      noProblems('phone, scrolled');
      return `scrolled to ${scrolled}px; brightness ${b}; strip ${JSON.stringify(strip)}; ${join(out, 'ui-phone-scrolled.png')}`;
    });

    await phoneSteps(mobile, api);

    await step('LAN mode: the UI asks for the token once, keeps it, and changes go through', async () => {
      await stopK1(k1);
      k1 = null;
      const lanDir = join(configDir, 'lan');
      mkdirSync(lanDir);
      k1 = await startK1(bin, lanDir, join(out, 'k1-lan.log'), '0.0.0.0');
      const secret = readFileSync(join(lanDir, 'token'), 'utf8').trim();
      check(secret.length >= 16, 'no token in the config dir');
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const p = await ctx.newPage();
      const lanProblems = [];
      let unauthorized = 0;
      p.on('console', (msg) => {
        if (msg.type() !== 'error') return;
        const where = msg.location() && msg.location().url ? msg.location().url : '';
        // Each 401 before the token is given is logged by the browser itself; they are counted below.
        if (/status of 401/.test(msg.text())) return;
        if (/\/api\/health$/.test(where) && /status of 503/.test(msg.text())) return;
        lanProblems.push(`console error: ${msg.text()} ${where}`);
      });
      p.on('pageerror', (e) => lanProblems.push(`page error: ${e.stack || e}`));
      p.on('response', (r) => {
        const path = new URL(r.url()).pathname;
        if (r.status() === 401) unauthorized += 1;
        else if (r.status() >= 400 && !(path === '/api/health' && r.status() === 503)) lanProblems.push(`${r.request().method()} ${path} -> ${r.status()}`);
      });
      await p.goto(`${k1.base}/`);
      await p.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
      const speed = p.locator('[data-param="speed"] input');
      await speed.focus();
      await p.keyboard.press('ArrowRight');
      await p.waitForSelector('#token-dialog[open]', { timeout: 5000 });
      await p.fill('#token-input', secret);
      await p.click('#token-ok');
      const landed = await until(async () => {
        const ui = Number(await speed.inputValue());
        const v = (await api('GET', '/api/params')).speed;
        return Math.abs(v - ui) < 1e-4 && Math.abs(v - 0.5) > 1e-4 ? v : null;
      }, 5000);
      check(landed !== null, 'the change did not land after the token was given');
      const kept = await p.evaluate(() => localStorage.getItem('k1.token'));
      check(kept === secret, 'the token was not kept in localStorage');
      // After a reload the kept token is used: no second prompt, and the socket may write.
      await p.reload();
      await p.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
      await p.click(`#patterns .pattern[data-index="2"]`);
      const sel = await until(async () => (await api('GET', '/api/patterns')).current_pattern === 2, 5000);
      check(sel, 'selecting a pattern with the kept token failed');
      check(!(await p.isVisible('#token-dialog[open]')), 'the token was asked for again');
      check(unauthorized === 1, `${unauthorized} requests were refused (401); want exactly the one before the token`);
      await p.screenshot({ path: join(out, 'ui-token.png') });
      check(lanProblems.length === 0, lanProblems.join('\n'));
      await ctx.close();
      return `1 prompt, ${unauthorized} refused request, token kept`;
    });

    await step('--auth none: a warning banner on desktop and phone, none with a token', async () => {
      // k1 still runs in LAN mode with a token here: no banner.
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const withToken = await ctx.newPage();
      await withToken.goto(`${k1.base}/`);
      await withToken.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
      await sleep(500);
      check((await withToken.locator('#auth-warning').count()) === 0, 'a banner shows although a token is required');
      await ctx.close();
      await stopK1(k1);
      k1 = null;
      const openDir = join(configDir, 'open');
      mkdirSync(openDir);
      k1 = await startK1(bin, openDir, join(out, 'k1-auth-none.log'), '0.0.0.0', ['--auth', 'none']);
      check(!existsSync(join(openDir, 'token')), '--auth none still made a token');
      const warned = await until(() => /--auth none: anyone who can reach/.test(readFileSync(join(out, 'k1-auth-none.log'), 'utf8')), 5000);
      check(warned, 'k1 printed no warning at the start');
      const shots = [];
      for (const [label, opts] of [
        ['desktop', { viewport: { width: 1280, height: 900 } }],
        ['phone', { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }],
      ]) {
        const c = await browser.newContext(opts);
        const p = await c.newPage();
        // Its own list: the earlier pages still poll the k1 that was stopped.
        const mine = [];
        p.on('console', (msg) => {
          if (msg.type() !== 'error') return;
          const where = msg.location() && msg.location().url ? msg.location().url : '';
          if (/\/api\/health$/.test(where) && /status of 503/.test(msg.text())) return;
          mine.push(`console error: ${msg.text()} ${where}`);
        });
        p.on('pageerror', (e) => mine.push(`page error: ${e.stack || e}`));
        p.on('response', (r) => {
          const path = new URL(r.url()).pathname;
          if (r.status() >= 400 && !(path === '/api/health' && r.status() === 503)) mine.push(`${r.request().method()} ${path} -> ${r.status()}`);
        });
        await p.goto(`${k1.base}/`);
        await p.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
        const banner = p.locator('#auth-warning');
        await banner.waitFor({ state: 'visible', timeout: 5000 });
        const text = await banner.textContent();
        check(/--auth none/.test(text) && /No access token/.test(text), `banner says: ${text}`);
        const box = await banner.boundingBox();
        check(box && box.y < 5, `the banner is not at the top of the page (y ${box && box.y})`);
        const fit = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, view: window.innerWidth }));
        check(fit.scroll <= fit.view, `${label}: page is ${fit.scroll}px wide in a ${fit.view}px viewport`);
        // Changes go through with no token and no prompt.
        const target = label === 'desktop' ? 4 : 6;
        if (label === 'desktop') await p.click(`#patterns .pattern[data-index="${target}"]`);
        else await p.tap(`#patterns .pattern[data-index="${target}"]`);
        const sel = await until(async () => (await api('GET', '/api/patterns')).current_pattern === target, 5000);
        check(sel, `${label}: selecting a pattern without a token failed`);
        check(!(await p.isVisible('#token-dialog[open]')), `${label}: a token was asked for`);
        const shot = join(out, `ui-auth-none-${label}.png`);
        await p.screenshot({ path: shot });
        shots.push(shot);
        check(mine.length === 0, `auth none ${label}: ${mine.join('\n')}`);
        await c.close();
      }
      return shots.join(', ');
    });
  } catch (e) {
    notOk('setup', e && e.stack ? e.stack : e);
  } finally {
    if (browser) await browser.close().catch(() => {});
    await stopK1(k1);
    rmSync(configDir, { recursive: true, force: true });
  }
  const { passed, failed } = counts();
  if (failed > 0 && existsSync(logPath)) {
    const tail = readFileSync(logPath, 'utf8').split('\n').slice(-30).join('\n');
    console.log(`# last lines of ${logPath}:\n${tail.replace(/^/gm, '#   ')}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
}

await main();
