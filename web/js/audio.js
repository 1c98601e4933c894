// The audio input panel: the audio source (demo, microphone, a file path; switched while K1
// runs), the input gain (live, coalesced), and a noise calibration (start it, then follow its
// state until it finishes).

import { get, post } from './api.js';
import { control } from './controls.js';
import { showError, showNotice } from './toast.js';
import { fillList } from './metrics.js';

export class AudioPanel {
  constructor({ params, info, seconds, calibrate, state, sourceForm, sourceKind, sourcePath, sourceApply }) {
    this.els = { params, info, seconds, calibrate, state, sourceForm, sourceKind, sourcePath, sourceApply };
    this.gain = null;
    this.polling = null;
    // The source shown was last set from K1's reply (not edited by the user since).
    this.sourceClean = true;
    calibrate.addEventListener('click', () => this.calibrate());
    sourceForm.addEventListener('submit', (e) => {
      e.preventDefault();
      this.switchSource();
    });
    sourceKind.addEventListener('change', () => {
      this.sourceClean = false;
      this.showPath();
    });
    sourcePath.addEventListener('input', () => {
      this.sourceClean = false;
    });
  }

  /** The path box is for files only. */
  showPath() {
    const file = this.els.sourceKind.value === 'file';
    this.els.sourcePath.hidden = !file;
    this.els.sourcePath.required = file;
  }

  showSource(cfg) {
    const { sourceKind, sourcePath } = this.els;
    if (Array.isArray(cfg.source_kinds)) {
      for (const opt of sourceKind.options) opt.hidden = !cfg.source_kinds.includes(opt.value);
    }
    if (this.sourceClean && typeof cfg.source_kind === 'string') {
      if ([...sourceKind.options].some((o) => o.value === cfg.source_kind)) sourceKind.value = cfg.source_kind;
      if (cfg.source_kind === 'file') sourcePath.value = String(cfg.source || '');
      this.showPath();
    }
  }

  async switchSource() {
    const { sourceKind, sourcePath, sourceApply } = this.els;
    const kind = sourceKind.value;
    const source = kind === 'file' ? sourcePath.value.trim() : kind;
    if (!source) {
      showError('Give the path of an audio file on the K1 machine');
      return;
    }
    sourceApply.disabled = true;
    try {
      const reply = await post('/api/audio-config', { source });
      this.sourceClean = true;
      this.show(reply);
      showNotice(`Audio source: ${reply.source_name || reply.source}`);
    } catch (e) {
      showError(e.message);
    } finally {
      sourceApply.disabled = false;
    }
  }

  async load() {
    let cfg;
    try {
      cfg = await get('/api/audio-config');
    } catch (e) {
      showError(e.message);
      return;
    }
    this.show(cfg);
  }

  show(cfg) {
    if (!cfg || typeof cfg !== 'object') return;
    if (!this.gain && Number.isFinite(cfg.microphone_gain)) {
      const min = Number.isFinite(cfg.gain_min) ? cfg.gain_min : null;
      const max = Number.isFinite(cfg.gain_max) ? cfg.gain_max : null;
      if (min !== null && max !== null) {
        this.gain = control({
          key: 'microphone_gain',
          label: 'Input gain',
          description: 'Multiplies the input before analysis.',
          kind: 'range',
          min,
          max,
          step: (max - min) / 200,
          format: (v) => `×${Number(v).toFixed(2)}`,
          send: (v) => post('/api/audio-config', { microphone_gain: v }),
          onReply: (reply) => this.show(reply),
        });
        this.els.params.appendChild(this.gain.el);
      }
    }
    if (this.gain && Number.isFinite(cfg.microphone_gain)) this.gain.set(cfg.microphone_gain);
    this.showSource(cfg);
    const rows = [];
    const name = cfg.source_name || cfg.source;
    if (name) rows.push(['Source', cfg.source_state === 'ended' ? `${name} (ended)` : String(name)]);
    fillList(this.els.info, rows);
    this.showCalibration(cfg.calibration);
  }

  showCalibration(c) {
    const el = this.els.state;
    if (!c) {
      el.textContent = '';
      return;
    }
    const state = c.state;
    const running = state === 'running';
    this.els.calibrate.disabled = running;
    if (state === 'running') el.textContent = 'Calibrating: keep the room quiet…';
    else if (state === 'done') {
      const rms = Number.isFinite(c.rms) ? `, noise level ${c.rms.toExponential(2)} RMS` : '';
      el.textContent = c.calibrated ? `Noise floor calibrated${rms}.` : `Calibration finished but was not usable${rms}.`;
    } else el.textContent = 'No calibration run since K1 started.';
    if (running && !this.polling) {
      this.polling = setInterval(() => this.poll(), 1000);
    } else if (!running && this.polling) {
      clearInterval(this.polling);
      this.polling = null;
      if (state === 'done') showNotice('Noise calibration finished');
    }
  }

  async poll() {
    try {
      this.show(await get('/api/audio-config'));
    } catch (e) {
      clearInterval(this.polling);
      this.polling = null;
      showError(e.message);
    }
  }

  async calibrate() {
    const seconds = Number(this.els.seconds.value);
    try {
      this.show(await post('/api/audio-config', { calibrate_seconds: seconds }));
    } catch (e) {
      showError(e.message);
    }
  }
}
