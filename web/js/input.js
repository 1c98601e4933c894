// The capture devices and the input level meter, in the audio input card.
//
// InputPicker lists the devices K1 can capture from (GET /api/audio/inputs: names, the default
// one marked, their rates) and switches to one while K1 runs (POST /api/audio/input); K1 saves
// the choice. A device in use that was unplugged shows K1's message (the light carries on).
// LevelMeter shows the input level (dBFS) and the silence gate from the WebSocket telemetry's
// `input` field, ten times a second.

import { get, post } from './api.js';
import { showError, showNotice } from './toast.js';

/** The level the meter starts from, dBFS (K1 reports nothing quieter). */
export const METER_FLOOR = -90;

/** A device's line in the list: its name, "default", and its rates in kHz. */
export function deviceLabel(d) {
  const rates = Array.isArray(d.rates) && d.rates.length ? ` · ${d.rates.map((r) => `${r / 1000}`).join('/')} kHz` : '';
  return `${d.name}${d.default ? ' (default)' : ''}${rates}`;
}

export class InputPicker {
  /**
   * @param {object} els
   * @param {HTMLFormElement} els.form
   * @param {HTMLSelectElement} els.select the devices.
   * @param {HTMLButtonElement} els.apply
   * @param {HTMLButtonElement} els.refresh lists the devices again (one plugged in just now).
   * @param {HTMLElement} els.status the device in use, or why there is none.
   * @param {(reply: object) => void} onSwitch called with the reply after a switch.
   */
  constructor(els, onSwitch) {
    this.els = els;
    this.onSwitch = onSwitch;
    this.busy = false;
    els.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.use();
    });
    els.refresh.addEventListener('click', () => this.load());
  }

  async load() {
    try {
      this.show(await get('/api/audio/inputs'));
    } catch (e) {
      showError(e.message);
    }
  }

  /** Shows a reply of GET /api/audio/inputs (or of a switch). */
  show(reply) {
    if (!reply || !Array.isArray(reply.devices)) return;
    const { select, apply, status, form } = this.els;
    form.hidden = reply.available === false;
    const keep = select.value;
    select.replaceChildren();
    for (const d of reply.devices) {
      const opt = document.createElement('option');
      opt.value = d.name;
      opt.textContent = deviceLabel(d);
      opt.selected = d.in_use === true;
      select.appendChild(opt);
    }
    if (!reply.devices.some((d) => d.in_use) && reply.devices.some((d) => d.name === keep)) select.value = keep;
    const none = reply.devices.length === 0;
    select.disabled = none;
    apply.disabled = none || this.busy;
    status.dataset.status = reply.status || '';
    if (reply.message) status.textContent = reply.message;
    else if (reply.error) status.textContent = `No input devices: ${reply.error}`;
    else if (none) status.textContent = 'No capture devices found on the K1 machine.';
    else if (reply.status === 'ok') {
      const d = reply.devices.find((x) => x.in_use);
      status.textContent = d ? `Listening to ${d.name}.` : '';
    } else status.textContent = `${reply.devices.length} capture device${reply.devices.length === 1 ? '' : 's'}; the source now is ${reply.source_name || reply.source}.`;
  }

  async use() {
    const name = this.els.select.value;
    if (!name) return;
    this.busy = true;
    this.els.apply.disabled = true;
    try {
      const reply = await post('/api/audio/input', { device: name });
      this.show(reply);
      showNotice(`Audio input: ${name}`);
      this.onSwitch(reply);
    } catch (e) {
      showError(e.message);
      this.load();
    } finally {
      this.busy = false;
      this.els.apply.disabled = this.els.select.disabled;
    }
  }
}

export class LevelMeter {
  /**
   * @param {object} els
   * @param {HTMLMeterElement} els.meter min METER_FLOOR, max 0.
   * @param {HTMLElement} els.text the level in dBFS.
   * @param {HTMLElement} els.gate the silence gate's state.
   */
  constructor(els) {
    this.els = els;
  }

  /** Shows a telemetry `input` field `{dbfs, gate, vu}`; anything else leaves the meter as it is. */
  update(input) {
    if (!input || !Number.isFinite(input.dbfs)) return;
    const db = Math.max(METER_FLOOR, Math.min(0, input.dbfs));
    const { meter, text, gate } = this.els;
    meter.value = db;
    text.textContent = db <= METER_FLOOR ? `≤ ${METER_FLOOR} dBFS` : `${db.toFixed(1)} dBFS`;
    const open = input.gate === 'open';
    gate.dataset.gate = open ? 'open' : 'closed';
    gate.textContent = open ? 'sound' : 'silence';
    gate.title = open
      ? 'The input is above the noise gate: the analysis hears it'
      : 'The input is below the noise gate (the noise floor or -60 dBFS): the analysis treats it as silence';
  }
}
