// The LED outputs card: the outputs with their live status (frames, drops, errors, last error,
// refreshed every second), a form that adds or edits one by its --out URL (built from a kind, a
// host, an LED range and a name, or typed whole), Test (3 s of a moving pattern on its LEDs),
// Remove, and "Find WLED devices" with one-click Add. Everything goes through /api/outputs and
// is applied by the running engine at once. Self-contained: index.html loads it as a module of
// its own, and it finds its card by id.

import { get, post, del } from './api.js';
import { showError, showNotice } from './toast.js';

/** The kinds, with what their host field means and their default name in a hint. */
export const KINDS = [
  { id: 'ddp', label: 'DDP (WLED, xLights, Falcon)', host: 'Host or IP' },
  { id: 'e131', label: 'E1.31 / sACN', host: 'Host or IP (empty: multicast)' },
  { id: 'artnet', label: 'Art-Net', host: 'Host or IP' },
  { id: 'wled', label: 'WLED realtime UDP', host: 'Host or IP' },
  { id: 'opc', label: 'Open Pixel Control', host: 'Host or IP' },
  { id: 'serial', label: 'Serial (Adalight)', host: 'Device path, e.g. /dev/ttyUSB0' },
  { id: 'wled-sync', label: 'WLED audio sync (no LEDs)', host: 'Host (empty: multicast)' },
];

/**
 * The --out URL for `fields` ({kind, host, first, last, name}), keeping the other query keys of
 * `previous` (a URL typed or edited before: universe=, fps=, …). `first`/`last` empty: the whole
 * frame.
 */
export function composeUrl(fields, previous = '') {
  const extra = new URLSearchParams(queryOf(previous));
  for (const key of ['leds', 'name']) extra.delete(key);
  const query = new URLSearchParams();
  const first = String(fields.first ?? '').trim();
  const last = String(fields.last ?? '').trim();
  if (fields.kind !== 'wled-sync' && (first !== '' || last !== '')) {
    query.set('leds', `${first || '0'}-${last || first || '0'}`);
  }
  for (const [k, v] of extra) query.set(k, v);
  const name = String(fields.name ?? '').trim();
  if (name) query.set('name', name);
  const host = String(fields.host ?? '').trim();
  const where = fields.kind === 'serial' ? `/${host.replace(/^\/+/, '')}` : host;
  const q = query.toString();
  return `${fields.kind}://${where}${q ? `?${q}` : ''}`;
}

function queryOf(url) {
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at + 1);
}

/** The form's fields from an output as the API shows it. */
export function fieldsOf(output) {
  const url = output.url;
  const kind = url.split('://')[0];
  let rest = url.slice(kind.length + 3);
  const q = rest.indexOf('?');
  if (q >= 0) rest = rest.slice(0, q);
  const params = new URLSearchParams(queryOf(url));
  const whole = !params.has('leds');
  return {
    kind,
    host: rest,
    first: whole || output.leds.end <= output.leds.start ? '' : String(output.leds.start),
    last: whole || output.leds.end <= output.leds.start ? '' : String(output.leds.end - 1),
    name: params.get('name') || '',
  };
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export class OutputsCard {
  constructor(root) {
    const $ = (id) => root.querySelector(`#${id}`);
    this.els = {
      list: $('outputs-list'),
      form: $('output-form'),
      kind: $('output-kind'),
      host: $('output-host'),
      first: $('output-first'),
      last: $('output-last'),
      name: $('output-name'),
      url: $('output-url'),
      save: $('output-save'),
      cancel: $('output-cancel'),
      find: $('outputs-find'),
      found: $('outputs-found'),
      foundState: $('outputs-found-state'),
      state: $('outputs-state'),
    };
    this.items = new Map();
    this.editing = null;
    this.leds = 0;
    const { form, kind, host, first, last, name, cancel, find } = this.els;
    for (const k of KINDS) {
      const o = el('option', '', k.label);
      o.value = k.id;
      kind.appendChild(o);
    }
    for (const input of [kind, host, first, last, name]) {
      input.addEventListener('input', () => this.compose());
    }
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
    cancel.addEventListener('click', () => this.stopEditing());
    find.addEventListener('click', () => this.discover());
    this.compose();
  }

  /** The URL box from the fields (keeping keys typed into it by hand). */
  compose() {
    const { kind, host, first, last, name, url } = this.els;
    const spec = KINDS.find((k) => k.id === kind.value) || KINDS[0];
    host.placeholder = spec.host;
    const noLeds = kind.value === 'wled-sync';
    first.disabled = noLeds;
    last.disabled = noLeds;
    url.value = composeUrl(
      { kind: kind.value, host: host.value, first: first.value, last: last.value, name: name.value },
      url.value,
    );
  }

  async load() {
    try {
      this.show(await get('/api/outputs'));
    } catch (e) {
      this.els.state.textContent = e.message;
    }
  }

  /** Updates the list in place: new outputs get an item, gone ones lose theirs. */
  show(reply) {
    const { list, first, last } = this.els;
    this.leds = reply.leds;
    first.max = String(reply.leds - 1);
    last.max = String(reply.leds - 1);
    first.placeholder = '0';
    last.placeholder = String(reply.leds - 1);
    const ids = new Set(reply.outputs.map((o) => o.id));
    for (const [id, item] of this.items) {
      if (!ids.has(id)) {
        item.li.remove();
        this.items.delete(id);
      }
    }
    reply.outputs.forEach((o, index) => {
      let item = this.items.get(o.id);
      if (!item) {
        item = this.item(o.id);
        this.items.set(o.id, item);
      }
      this.fill(item, o);
      // Moved only when out of place, so a button being pressed is not taken from under it.
      if (list.children[index] !== item.li) list.insertBefore(item.li, list.children[index] || null);
    });
    list.dataset.empty = reply.outputs.length ? '' : '1';
    this.els.state.textContent = reply.outputs.length
      ? ''
      : `No LED outputs: frames go to the preview only. Add one below (the frame has ${reply.leds} LEDs).`;
  }

  item(id) {
    const li = el('li', 'output');
    li.dataset.id = String(id);
    const head = el('div', 'output-head');
    const health = el('span', 'output-health');
    health.setAttribute('aria-hidden', 'true');
    const name = el('span', 'output-name');
    const kind = el('span', 'output-kind');
    const leds = el('span', 'output-leds');
    head.append(health, name, kind, leds);
    const url = el('div', 'output-url');
    const stats = el('dl', 'output-stats');
    const error = el('p', 'output-error error');
    const row = el('div', 'row');
    const test = el('button', '', 'Test');
    test.type = 'button';
    test.dataset.action = 'test';
    const edit = el('button', 'ghost', 'Edit');
    edit.type = 'button';
    edit.dataset.action = 'edit';
    const remove = el('button', 'ghost', 'Remove');
    remove.type = 'button';
    remove.dataset.action = 'remove';
    row.append(test, edit, remove);
    li.append(head, url, stats, error, row);
    const item = { li, health, name, kind, leds, url, stats, error, test, output: null };
    test.addEventListener('click', () => this.test(item));
    edit.addEventListener('click', () => this.startEditing(item));
    remove.addEventListener('click', () => this.remove(item));
    return item;
  }

  fill(item, o) {
    item.output = o;
    item.li.dataset.healthy = o.healthy ? '1' : '0';
    item.health.title = o.healthy ? 'sending' : 'failing (retrying)';
    item.name.textContent = o.name;
    item.kind.textContent = o.kind;
    item.leds.textContent =
      o.leds.end > o.leds.start ? `LEDs ${o.leds.start}–${o.leds.end - 1}` : 'no LEDs (analysis)';
    item.url.textContent = o.url;
    const rows = [
      ['frames', o.frames_sent],
      ['dropped', o.frames_dropped],
      ['errors', o.errors],
    ];
    if (o.delay_ms) rows.push(['delay', `${o.delay_ms} ms`]);
    item.stats.replaceChildren(
      ...rows.map(([k, v]) => {
        const d = el('div');
        d.dataset.stat = k;
        d.append(el('dt', '', k), el('dd', '', String(v)));
        return d;
      }),
    );
    item.error.textContent = o.last_error ? `last error: ${o.last_error}` : '';
    item.error.hidden = !o.last_error;
    item.test.disabled = o.testing || o.leds.end <= o.leds.start;
    item.test.textContent = o.testing ? 'Testing…' : 'Test';
  }

  async submit() {
    const { url } = this.els;
    const body = { url: url.value.trim() };
    try {
      if (this.editing !== null) {
        const o = await post(`/api/outputs/${this.editing}`, body);
        showNotice(`Output ${o.name} changed`);
        this.stopEditing();
      } else {
        const o = await post('/api/outputs', body);
        showNotice(`Output ${o.name} added`);
        this.clearForm();
      }
      await this.load();
    } catch (e) {
      showError(e.message);
    }
  }

  startEditing(item) {
    const f = fieldsOf(item.output);
    const { kind, host, first, last, name, url, save, cancel, form } = this.els;
    this.editing = item.output.id;
    kind.value = f.kind === 'sacn' ? 'e131' : f.kind;
    host.value = f.host;
    first.value = f.first;
    last.value = f.last;
    name.value = f.name;
    url.value = item.output.url;
    save.textContent = 'Save';
    cancel.hidden = false;
    form.dataset.editing = String(item.output.id);
    host.focus();
  }

  stopEditing() {
    this.editing = null;
    this.els.save.textContent = 'Add';
    this.els.cancel.hidden = true;
    delete this.els.form.dataset.editing;
    this.clearForm();
  }

  clearForm() {
    const { host, first, last, name, url } = this.els;
    for (const input of [host, first, last, name]) input.value = '';
    url.value = '';
    this.compose();
  }

  async test(item) {
    try {
      const r = await post(`/api/outputs/${item.output.id}/test`, {});
      item.test.disabled = true;
      item.test.textContent = 'Testing…';
      showNotice(`${item.output.name}: a moving pattern for ${r.seconds} s (red, green, blue)`);
    } catch (e) {
      showError(e.message);
    }
  }

  async remove(item) {
    try {
      await del(`/api/outputs/${item.output.id}`);
      showNotice(`Output ${item.output.name} removed`);
      if (this.editing === item.output.id) this.stopEditing();
      await this.load();
    } catch (e) {
      showError(e.message);
    }
  }

  async discover() {
    const { find, found, foundState: state } = this.els;
    find.disabled = true;
    state.textContent = 'Looking for WLED devices on the network (3 s)…';
    found.replaceChildren();
    try {
      const r = await post('/api/outputs/discover', {});
      state.textContent = r.devices.length
        ? `${r.devices.length} WLED device${r.devices.length === 1 ? '' : 's'} found`
        : 'No WLED devices answered (same network? multicast allowed?)';
      for (const d of r.devices) found.appendChild(this.device(d));
    } catch (e) {
      state.textContent = '';
      showError(e.message);
    } finally {
      find.disabled = false;
    }
  }

  device(d) {
    const li = el('li', 'output found');
    const head = el('div', 'output-head');
    head.append(
      el('span', 'output-name', d.name),
      el('span', 'output-kind', d.address),
      el('span', 'output-leds', d.leds == null ? 'LED count unknown' : `${d.leds} LEDs`),
    );
    li.append(head);
    if (d.error) li.append(el('p', 'output-error error', d.error));
    const row = el('div', 'row');
    const add = el('button', '', d.added ? 'Added' : 'Add as DDP output');
    add.type = 'button';
    add.disabled = Boolean(d.added);
    add.title = d.url;
    add.addEventListener('click', async () => {
      add.disabled = true;
      try {
        const o = await post('/api/outputs', { url: d.url });
        add.textContent = 'Added';
        showNotice(`Output ${o.name} added`);
        await this.load();
      } catch (e) {
        add.disabled = false;
        showError(e.message);
      }
    });
    row.append(add);
    li.append(row);
    return li;
  }
}

// Not in a page (the unit tests import the URL helpers): nothing to start.
const root = typeof document === 'undefined' ? null : document.getElementById('outputs-card');
if (root) {
  const card = new OutputsCard(root);
  card.load();
  setInterval(() => {
    if (!document.hidden) card.load();
  }, 1000);
}
