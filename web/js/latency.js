// The latency panel: the audio offset (a speaker heard late) and each LED output's delay, set
// together with one request (GET/POST /api/latency), and the wizard that measures the offset
// (POST /api/latency/measure) and puts its proposal in the offset box for the user to apply.

import { get, post } from './api.js';
import { showError, showNotice } from './toast.js';

export class LatencyPanel {
  constructor({ form, offset, outputs, measure, state }) {
    this.els = { form, offset, outputs, measure, state };
    /** Whether the server has a wizard (audio devices), as it last said. */
    this.wizardAvailable = false;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.apply();
    });
    measure.addEventListener('click', () => this.measure());
  }

  async load() {
    try {
      this.show(await get('/api/latency'));
    } catch (e) {
      showError(e.message);
    }
  }

  /** One number box per output that takes frames. */
  show(reply) {
    const { offset, outputs, measure, state } = this.els;
    offset.value = String(reply.audio_offset_ms);
    offset.max = String(reply.max_delay_ms);
    offset.min = String(-reply.max_delay_ms);
    outputs.replaceChildren();
    for (const o of reply.outputs || []) {
      const label = document.createElement('label');
      label.className = 'inline';
      label.textContent = `${o.name} delay (ms) `;
      const input = document.createElement('input');
      input.type = 'number';
      input.min = '0';
      input.max = String(reply.max_delay_ms);
      input.step = '1';
      input.value = String(o.delay_ms);
      input.dataset.output = o.name;
      label.appendChild(input);
      outputs.appendChild(label);
    }
    if (!(reply.outputs || []).length) {
      const p = document.createElement('p');
      p.className = 'hint';
      p.textContent = 'No LED outputs: the audio offset still applies to the terminal preview.';
      outputs.appendChild(p);
    }
    const wizard = reply.wizard || {};
    this.wizardAvailable = Boolean(wizard.available);
    measure.disabled = !wizard.available || wizard.running;
    measure.title = wizard.available
      ? 'Play clicks through the speaker and listen with the microphone (about 5 s; keep the room quiet)'
      : 'This K1 has no audio devices to measure with';
    state.textContent = (reply.outputs || [])
      .map((o) => `${o.name}: ${o.effective_delay_ms} ms${o.unhonoured_ms ? ` (${o.unhonoured_ms} ms cannot be applied)` : ''}`)
      .join('; ');
  }

  async apply() {
    const { offset, outputs } = this.els;
    const delays = {};
    for (const input of outputs.querySelectorAll('input[data-output]')) {
      delays[input.dataset.output] = Number(input.value);
    }
    try {
      this.show(await post('/api/latency', { audio_offset_ms: Number(offset.value), output_delays_ms: delays }));
      showNotice('Latency compensation applied');
    } catch (e) {
      showError(e.message);
    }
  }

  async measure() {
    const { measure, offset, state } = this.els;
    measure.disabled = true;
    state.textContent = 'Measuring: clicks through the speaker…';
    try {
      const reply = await post('/api/latency/measure', {});
      this.show(reply);
      offset.value = String(reply.proposed_audio_offset_ms);
      state.textContent = `Heard ${reply.measured_ms} ms late (${reply.speaker}, ${reply.microphone}): proposed offset ${reply.proposed_audio_offset_ms} ms. Apply to use it.`;
    } catch (e) {
      state.textContent = '';
      showError(e.message);
    } finally {
      // As the server last said: a K1 without audio devices keeps the button off.
      measure.disabled = !this.wizardAvailable;
    }
  }
}
