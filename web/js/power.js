// The power switch in the top bar: off fades the light to black, on fades it back
// (GET/POST /api/power); K1 keeps the choice across restarts. A change made elsewhere (another
// client, the API, a restore) arrives with the WebSocket telemetry (`power`), ten times a second.

import { get, post } from './api.js';
import { showError } from './toast.js';
import { coalescer } from './coalesce.js';

export class PowerSwitch {
  /** @param {HTMLButtonElement} button a role="switch" button; @param {HTMLElement} text its label. */
  constructor(button, text) {
    this.button = button;
    this.text = text;
    this.on = null;
    this.clicks = 0;
    // When this page last changed the switch or heard back about it (ms, performance.now()).
    this.changedAt = -Infinity;
    this.send = coalescer((on) => post('/api/power', { on }), {
      onResult: (reply) => {
        this.changedAt = performance.now();
        this.show(reply);
      },
      onError: (e) => {
        showError(e.message);
        // Once the coalescer is idle: load() skips while a change is on its way.
        this.send.idle().then(() => this.load());
      },
    });
    button.addEventListener('click', () => {
      if (this.on === null) return;
      this.clicks += 1;
      this.changedAt = performance.now();
      this.show({ on: !this.on });
      this.send.push(this.on);
    });
  }

  /** Asks the server for the switch (not while a change of this page's is on its way). */
  async load() {
    if (this.send.busy) return;
    const clicks = this.clicks;
    try {
      const reply = await get('/api/power');
      // A click while the answer was on its way is newer than it.
      if (clicks === this.clicks && !this.send.busy) this.show(reply);
    } catch (e) {
      showError(e.message);
    }
  }

  /**
   * Follows the switch as the telemetry reports it. Not while this page's own change is on its
   * way, nor for a second after it: telemetry sent before the change may still be in flight.
   */
  follow(power) {
    if (this.send.busy || performance.now() - this.changedAt < 1000) return;
    this.show(power);
  }

  /** Shows a reply `{on}`. */
  show(reply) {
    if (!reply || typeof reply.on !== 'boolean') return;
    this.on = reply.on;
    this.button.setAttribute('aria-checked', reply.on ? 'true' : 'false');
    this.button.classList.toggle('off', !reply.on);
    this.text.textContent = reply.on ? 'On' : 'Off';
    this.button.title = reply.on ? 'The light is on: click to fade it to black' : 'The light is off: click to fade it back in';
  }
}
