// K1's web UI: wires the panels to the API and the live connection.
//
// State flows one way: the server is the truth. A panel changes something with a request and
// shows the reply; the live socket brings frames and telemetry; a full reload (after a preset,
// a restore or a reset) asks the server again for everything.

import { get, post, token } from './api.js';
import { showError } from './toast.js';
import { StripView } from './strip.js';
import { MusicView } from './music.js';
import { Live } from './live.js';
import { PatternGrid } from './patterns.js';
import { PalettePicker } from './palettes.js';
import { ParamsPanel, globalSpecs } from './params.js';
import { Presets } from './presets.js';
import { AudioPanel } from './audio.js';
import { initBackup } from './backup.js';
import { PowerSwitch } from './power.js';
import { LatencyPanel } from './latency.js';
import { InputPicker, LevelMeter } from './input.js';
import { fillList, metricRows, duration } from './metrics.js';

const $ = (id) => document.getElementById(id);

const state = { patterns: [], current: null, params: null, changedAt: -Infinity };

const strip = new StripView($('strip'));
const music = new MusicView({
  spectrum: $('spectrum'),
  chroma: $('chroma'),
  beat: $('beat'),
  bpm: $('bpm'),
  confidence: $('confidence'),
  confidenceText: $('confidence-text'),
});

const grid = new PatternGrid($('patterns'), (reply) => {
  setCurrent(reply.current_pattern);
  loadParams();
});
const panel = new ParamsPanel({ global: $('global-params'), custom: $('custom-params') }, showParams);
const picker = new PalettePicker($('palettes'), showParams);
const power = new PowerSwitch($('power'), $('power-text'));
const presets = new Presets({ form: $('preset-form'), name: $('preset-name'), list: $('presets') }, reloadState, (id) => {
  const p = state.patterns.find((x) => x.id === id);
  return p ? p.name : id;
});
const audio = new AudioPanel({
  params: $('audio-params'),
  info: $('audio-info'),
  seconds: $('calib-seconds'),
  calibrate: $('calibrate'),
  state: $('calib-state'),
  sourceForm: $('source-form'),
  sourceKind: $('source-kind'),
  sourcePath: $('source-path'),
  sourceApply: $('source-apply'),
});
const inputs = new InputPicker(
  {
    form: $('input-form'),
    select: $('input-device'),
    apply: $('input-apply'),
    refresh: $('input-refresh'),
    status: $('input-status'),
  },
  () => audio.load(),
);
const level = new LevelMeter({ meter: $('input-level'), text: $('input-dbfs'), gate: $('input-gate') });
const latency = new LatencyPanel({
  form: $('latency-form'),
  offset: $('latency-offset'),
  outputs: $('latency-outputs'),
  measure: $('latency-measure'),
  state: $('latency-state'),
});
initBackup({ button: $('backup'), file: $('restore-file'), state: $('backup-state') }, () => {
  reloadState();
  presets.load();
  audio.load();
  inputs.load();
  power.load();
  latency.load();
});

$('params-reset').addEventListener('click', async () => {
  try {
    showParams(await post('/api/reset', {}));
  } catch (e) {
    showError(e.message);
  }
});

function setCurrent(index) {
  if (!Number.isInteger(index)) return;
  state.changedAt = performance.now();
  state.current = index;
  grid.mark(index);
  const p = state.patterns.find((x) => x.index === index);
  $('pattern-now').textContent = p ? p.name : '';
  panel.buildCustom(p || null);
  if (state.params) panel.show(state.params);
}

function showParams(params) {
  if (!params || typeof params !== 'object') return;
  state.params = params;
  panel.show(params);
  if ('palette_id' in params) picker.mark(params.palette_id);
}

async function loadParams() {
  try {
    showParams(await get('/api/params'));
  } catch (e) {
    showError(e.message);
  }
}

async function loadPatterns() {
  const reply = await get('/api/patterns');
  state.patterns = Array.isArray(reply.patterns) ? reply.patterns : [];
  grid.render(state.patterns);
  setCurrent(reply.current_pattern);
}

/** Asks the server for the pattern and every parameter again. */
async function reloadState() {
  try {
    await loadPatterns();
    await loadParams();
  } catch (e) {
    showError(e.message);
  }
}

// ---- Live connection -------------------------------------------------------------------------

const connEl = $('conn');
const connText = $('conn-text');
const live = new Live({
  token,
  onFrame: (rgb) => strip.setFrame(rgb),
  onMessage,
  onState: (s, detail) => {
    connEl.dataset.state = s;
    connText.textContent = s === 'live' ? 'live' : s === 'down' ? 'offline, retrying' : 'connecting';
    connEl.title = detail ? `WebSocket /ws: ${detail}` : 'Live connection (WebSocket /ws)';
  },
});

function onMessage(msg) {
  if (!msg || typeof msg !== 'object') return;
  switch (msg.type) {
    case 'telemetry':
      music.update({
        spectrum: msg.spectrum,
        chroma: msg.chroma,
        bpm: msg.bpm,
        confidence: msg.confidence,
        phase: msg.beat_phase,
      });
      level.update(msg.input);
      // The power switch follows the telemetry (another client, a restore, the API).
      power.follow(msg.power);
      // A pattern changed elsewhere (another client, a preset). While this page's own select is
      // on its way, telemetry sent before it may still name the old pattern: wait for the reply.
      if (
        Number.isInteger(msg.current_pattern) &&
        msg.current_pattern !== state.current &&
        grid.pending === null &&
        performance.now() - state.changedAt > 1000
      ) {
        setCurrent(msg.current_pattern);
        loadParams();
      }
      break;
    case 'error':
      showError(`WebSocket${msg.command ? ` ${msg.command}` : ''}: ${msg.field ? `${msg.field}: ` : ''}${msg.message || msg.error || 'error'}`);
      break;
    default:
      break;
  }
}

const fpsPick = $('preview-fps');
const stored = (key) => {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
};
const savedFps = Number(stored('k1.previewFps'));
const phone = window.matchMedia('(max-width: 700px)').matches;
fpsPick.value = String([15, 30, 60].includes(savedFps) ? savedFps : phone ? 30 : 60);
live.fps = Number(fpsPick.value);
fpsPick.addEventListener('change', () => {
  const fps = Number(fpsPick.value);
  try {
    localStorage.setItem('k1.previewFps', String(fps));
  } catch {
    // No storage (private mode): the choice holds for this page.
  }
  live.setFps(fps);
});

function frame(now) {
  strip.draw();
  music.draw(now);
  requestAnimationFrame(frame);
}

// The sticky top block's height, so a section linked from it scrolls into view below it.
new ResizeObserver(() => {
  document.documentElement.style.setProperty('--top-height', `${$('top').offsetHeight + 8}px`);
}).observe($('top'));

// A hidden page (a phone in a pocket, a background tab) asks for no frames or telemetry.
document.addEventListener('visibilitychange', () => live.setPaused(document.hidden));
live.paused = document.hidden;

// A token typed in after a 401 also lets the socket send commands: reconnect with it.
window.addEventListener('k1-token', () => live.reconnect());

// ---- Device, metrics and health (slow polling) ----------------------------------------------

/** The metrics over the last second from GET /api/device/performance (torn reads: since the start). */
async function loadPerformance() {
  try {
    const perf = await get('/api/device/performance');
    const rows = metricRows(perf.window || perf);
    if (perf.total && Number.isFinite(perf.total.torn_reads)) {
      rows.push(['Torn reads since start', String(perf.total.torn_reads), perf.total.torn_reads > 0]);
    }
    fillList($('metrics'), rows);
  } catch (e) {
    showError(e.message);
  }
}

async function loadDevice() {
  try {
    const info = await get('/api/device/info');
    $('device-name').textContent = info.name ? `${info.name}` : '';
    if (info.layout) strip.setSegments(info.layout.segments);
    fillList($('device'), [
      ['Version', info.version || info.firmware || '–'],
      ['Uptime', duration(info.uptime)],
      ['LEDs', info.layout ? String(info.layout.leds) : '–'],
      ['Target FPS', info.fps_target ? String(info.fps_target) : '–'],
      ['Source', info.source || '–'],
      ['Outputs', info.outputs && info.outputs.length ? info.outputs.join(', ') : 'preview only'],
      ['Listening on', info.listen || '–'],
    ]);
  } catch (e) {
    showError(e.message);
  }
}

async function loadHealth() {
  const el = $('health');
  let reply;
  try {
    reply = await fetch('/api/health', { cache: 'no-store' }).then((r) => r.json());
  } catch (e) {
    el.hidden = true;
    return;
  }
  el.hidden = false;
  if (reply.status === 'starting') {
    el.className = 'health';
    el.textContent = 'Health: measuring…';
    return;
  }
  const failing = (reply.checks || []).filter((c) => !c.pass);
  el.className = `health ${reply.healthy ? 'ok' : 'fail'}`;
  el.textContent = reply.healthy
    ? 'Healthy: every success criterion holds over the last second.'
    : `Failing: ${failing.map((c) => `${c.requirement} (measured ${Number(c.measured).toFixed(2)})`).join('; ')}`;
}

// ---- Start ----------------------------------------------------------------------------------

async function start() {
  requestAnimationFrame(frame);
  live.connect();
  let specs = null;
  try {
    specs = globalSpecs(await get('/api/openapi.json'));
  } catch (e) {
    showError(e.message);
  }
  if (specs) panel.buildGlobal(specs, $('master'));
  else showError('The API document (/api/openapi.json) does not describe the parameters, so their sliders cannot be shown.');
  await Promise.all([
    reloadState().then(() => presets.load()),
    get('/api/palettes')
      .then((r) => {
        picker.render(Array.isArray(r.palettes) ? r.palettes : []);
        if (state.params) picker.mark(state.params.palette_id);
      })
      .catch((e) => showError(e.message)),
    audio.load(),
    inputs.load(),
    power.load(),
    latency.load(),
    loadDevice(),
  ]);
  loadHealth();
  loadPerformance();
  setInterval(loadHealth, 5000);
  setInterval(loadPerformance, 1000);
  setInterval(loadDevice, 30000);
  document.body.dataset.ready = 'true';
}

start();
