// Presets: save the current pattern and parameters under a name, apply one, delete one.

import { get, post, del } from './api.js';
import { showError, showNotice } from './toast.js';

export class Presets {
  /**
   * @param {{form: HTMLFormElement, name: HTMLInputElement, list: HTMLElement}} els
   * @param {() => void} onApplied called after a preset was applied (to reload the state).
   * @param {(id: string) => string} patternName a pattern's name from its id.
   */
  constructor(els, onApplied, patternName) {
    this.els = els;
    this.onApplied = onApplied;
    this.patternName = patternName;
    els.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.save(els.name.value.trim());
    });
  }

  async load() {
    try {
      const reply = await get('/api/presets');
      this.render(listOf(reply));
    } catch (e) {
      showError(e.message);
    }
  }

  render(presets) {
    const list = this.els.list;
    list.replaceChildren();
    if (!presets.length) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = 'No presets yet: set things up, name it, Save.';
      list.appendChild(li);
      return;
    }
    for (const p of presets) {
      const li = document.createElement('li');
      li.dataset.preset = p.name;
      const name = document.createElement('span');
      name.className = 'preset-name';
      name.textContent = p.name;
      const info = document.createElement('span');
      info.className = 'hint';
      info.textContent = this.summary(p);
      const apply = button('Apply', () => this.apply(p.name));
      apply.className = 'apply';
      const remove = button('Delete', () => this.remove(p.name));
      remove.className = 'ghost danger delete';
      remove.setAttribute('aria-label', `Delete preset ${p.name}`);
      li.append(name, info, apply, remove);
      list.appendChild(li);
    }
  }

  /** "Bloom · 12 May, 14:03": the preset's pattern and when it was saved. */
  summary(p) {
    const parts = [];
    if (typeof p.pattern === 'string') parts.push(this.patternName(p.pattern));
    if (Number.isFinite(p.saved_at)) {
      parts.push(new Date(p.saved_at).toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }));
    }
    return parts.join(' · ');
  }

  async save(name) {
    if (!name) return;
    try {
      await post('/api/presets', { name });
      this.els.name.value = '';
      showNotice(`Saved preset “${name}”`);
      await this.load();
    } catch (e) {
      showError(e.message);
    }
  }

  async apply(name) {
    try {
      await post(`/api/presets/${encodeURIComponent(name)}/apply`, {});
      showNotice(`Applied “${name}”`);
      this.onApplied();
    } catch (e) {
      showError(e.message);
    }
  }

  async remove(name) {
    if (!window.confirm(`Delete preset “${name}”?`)) return;
    try {
      await del(`/api/presets/${encodeURIComponent(name)}`);
      await this.load();
    } catch (e) {
      showError(e.message);
    }
  }
}

function listOf(reply) {
  const raw = Array.isArray(reply) ? reply : reply && Array.isArray(reply.presets) ? reply.presets : [];
  return raw.map((p) => (typeof p === 'string' ? { name: p } : p)).filter((p) => p && typeof p.name === 'string');
}


function button(text, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}
