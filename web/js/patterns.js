// The pattern grid: one card per pattern (name, description, audio-reactive badge); a click
// selects it with POST /api/select {index}.

import { post } from './api.js';
import { showError } from './toast.js';

export class PatternGrid {
  /**
   * @param {HTMLElement} host
   * @param {(reply: any) => void} onSelected called with the select reply once the server took it.
   */
  constructor(host, onSelected) {
    this.host = host;
    this.onSelected = onSelected;
    this.cards = new Map();
    this.current = null;
    this.pending = null;
  }

  /** Builds the grid from GET /api/patterns' `patterns`. */
  render(patterns) {
    this.host.replaceChildren();
    this.cards.clear();
    for (const p of patterns) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'pattern';
      b.setAttribute('role', 'radio');
      b.dataset.index = String(p.index);
      b.dataset.id = p.id;
      const name = document.createElement('span');
      name.className = 'pattern-name';
      name.textContent = p.name;
      const reactive = p.is_audio_reactive ?? p.audio_reactive;
      if (reactive) {
        const badge = document.createElement('span');
        badge.className = 'badge';
        badge.title = 'Audio-reactive';
        badge.textContent = '♪';
        name.append(' ', badge);
      }
      const desc = document.createElement('span');
      desc.className = 'pattern-desc';
      desc.textContent = p.description || '';
      b.append(name, desc);
      b.addEventListener('click', () => this.select(p.index));
      this.host.appendChild(b);
      this.cards.set(p.index, b);
    }
    this.mark(this.current);
  }

  /** Marks `index` as the current pattern. */
  mark(index) {
    this.current = index;
    for (const [i, b] of this.cards) {
      const on = i === index;
      b.classList.toggle('current', on);
      b.setAttribute('aria-checked', on ? 'true' : 'false');
    }
  }

  async select(index) {
    if (this.pending === index) return;
    this.pending = index;
    const card = this.cards.get(index);
    if (card) card.classList.add('busy');
    try {
      const reply = await post('/api/select', { index });
      if (this.pending === index) {
        this.mark(reply && Number.isInteger(reply.current_pattern) ? reply.current_pattern : index);
        this.onSelected(reply);
      }
    } catch (e) {
      showError(e.message);
    } finally {
      if (card) card.classList.remove('busy');
      if (this.pending === index) this.pending = null;
    }
  }
}
