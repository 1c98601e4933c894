// The web UI in a real browser: headless Chromium (Debian's `chromium`) driven by playwright-core,
// against a real `k1 run --demo` process.
//
// Strategy: start k1 on a free loopback port with a throw-away config directory, load the UI, and
// check what a user would see and do, each time reading the result back from the API itself
// rather than from the page: the strip preview changes over time; dragging a slider changes the
// parameter; a flood of slider moves ends on the last value with no error; clicking a pattern
// selects it; a palette click sets palette_id; a preset saved and applied brings its look back.
// Every step is reported; any failure, any console error, uncaught page error or failed API call
// makes the run exit 1. Screenshots (desktop and phone) go to target/web-test/.
//
// Environment: K1_BIN (the k1 binary; default target/release/k1 or target/debug/k1, whichever is
// newer), CHROMIUM (default /usr/bin/chromium), K1_WEB_TEST_OUT (default target/web-test).

import { existsSync, mkdirSync, mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { out, repo, k1Binary, sleep, until, notOk, step, check, startK1, stopK1, counts } from './harness.mjs';

/** The strip canvas: its size, how many pixels are lit, and every 4th byte (for comparisons). */
function canvasPixels(page) {
  return page.evaluate(() => {
    const c = document.getElementById('strip');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let lit = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] > 120) lit += 1;
    return { w: c.width, h: c.height, lit, data: Array.from(d.filter((_, i) => i % 16 === 0)) };
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
      const have = await page.$$eval('#global-params [data-param]', (els) => els.map((e) => e.dataset.param));
      const missing = want.filter((p) => !have.includes(p));
      check(missing.length === 0, `no control for ${missing.join(', ')}`);
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
      check(Number(shown) === Number(s.v.toFixed(2)), `the slider shows ${shown}, the API has ${s.v}`);
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
