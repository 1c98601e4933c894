// The palette picker: each palette as a gradient of its preview colours; a click sets
// `palette_id` with POST /api/params. "None" uses the hue from `color` and `color_range`.

import { post } from './api.js';
import { showError } from './toast.js';
import { coalescer } from './coalesce.js';

export class PalettePicker {
  /** @param {HTMLElement} host @param {(params: any) => void} onParams gets the params reply. */
  constructor(host, onParams) {
    this.host = host;
    this.onParams = onParams;
    this.buttons = new Map();
    this.current = undefined;
    this.send = coalescer((id) => post('/api/params', { palette_id: id }), {
      onResult: (reply) => this.onParams(reply),
      onError: (e) => showError(e.message),
    });
  }

  /** Builds the list from GET /api/palettes' `palettes`. */
  render(palettes) {
    this.host.replaceChildren();
    this.buttons.clear();
    this.add(null, 'None (hue from colour)', null);
    for (const p of palettes) this.add(p.id, p.name, p.colors || []);
    this.mark(this.current);
  }

  add(id, name, colors) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'palette';
    b.setAttribute('role', 'radio');
    b.dataset.id = id === null ? 'none' : String(id);
    b.title = name;
    const sw = document.createElement('span');
    sw.className = 'swatch';
    if (colors && colors.length) {
      const stops = colors.map((c, i) => {
        const pos = colors.length > 1 ? (i / (colors.length - 1)) * 100 : 0;
        return `rgb(${c.r},${c.g},${c.b}) ${pos.toFixed(1)}%`;
      });
      sw.style.background = colors.length > 1 ? `linear-gradient(90deg, ${stops.join(', ')})` : `rgb(${colors[0].r},${colors[0].g},${colors[0].b})`;
    } else {
      sw.classList.add('none');
    }
    const label = document.createElement('span');
    label.className = 'palette-name';
    label.textContent = name;
    b.append(sw, label);
    b.addEventListener('click', () => this.pick(id));
    this.host.appendChild(b);
    this.buttons.set(id, b);
  }

  /** Marks the palette `id` (null: none) as chosen. */
  mark(id) {
    this.current = id;
    for (const [k, b] of this.buttons) {
      const on = k === id;
      b.classList.toggle('current', on);
      b.setAttribute('aria-checked', on ? 'true' : 'false');
    }
  }

  pick(id) {
    this.mark(id);
    this.send.push(id);
  }
}
