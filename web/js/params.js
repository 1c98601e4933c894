// The parameter panel: one control per global parameter and one per parameter of the current
// pattern, each live while it moves (see controls.js). Master brightness sits in the top bar
// instead (see TOP), and `color` has a colour picker beside its slider.
//
// The global parameters' ranges, meanings and units come from the API's own OpenAPI document (the
// schema of `POST /api/params`, with `x-display`); the pattern's own parameters from
// `GET /api/patterns` (`custom_params`, each with `min`, `max`, `display` and, for a choice,
// `labels`). Values are shown in their units (units.js) and sent as stored. A pattern parameter is
// sent by name under `pattern_params`, in its own range, and read back from the same key.

import { post } from './api.js';
import { control } from './controls.js';
import { format, hexToHue, hueToHex } from './units.js';

/** Global parameters whose control goes in the top bar (given to buildGlobal) rather than the panel. */
export const TOP = new Set(['brightness']);

/** Parameters that have their own panel or no meaning by themselves. */
const ELSEWHERE = new Set(['palette_id', 'pattern_params', 'custom_param_1', 'custom_param_2', 'custom_param_3']);

/**
 * The global parameters' specs from an OpenAPI document: the object schema that has `brightness`
 * among its properties (following `$ref`s), each property as {name, kind, min, max, description}.
 */
export function globalSpecs(openapi) {
  const schemas = (openapi && openapi.components && openapi.components.schemas) || {};
  const resolve = (s) => {
    for (let i = 0; s && s.$ref && i < 8; i++) s = schemas[s.$ref.split('/').pop()];
    return s;
  };
  let props = null;
  for (const s of Object.values(schemas)) {
    const r = resolve(s);
    if (r && r.properties && r.properties.brightness && r.properties.speed) {
      props = r.properties;
      break;
    }
  }
  if (!props) return null;
  const specs = [];
  for (const [name, raw] of Object.entries(props)) {
    if (ELSEWHERE.has(name)) continue;
    const p = resolve(raw) || {};
    const types = [].concat(p.type || (p.anyOf || p.oneOf || []).map((x) => resolve(x).type)).flat();
    const description = p.description || '';
    const display = p['x-display'] && typeof p['x-display'] === 'object' ? p['x-display'] : undefined;
    if (types.includes('boolean')) specs.push({ name, kind: 'switch', description });
    else if (types.includes('integer') && p.minimum === 0 && p.maximum === 1) specs.push({ name, kind: 'switch', numeric: true, description });
    else if ((types.includes('number') || types.includes('integer')) && Number.isFinite(p.minimum) && Number.isFinite(p.maximum)) {
      specs.push({ name, kind: 'range', min: p.minimum, max: p.maximum, step: types.includes('integer') ? 1 : undefined, description, display });
    }
  }
  return specs;
}

export class ParamsPanel {
  /**
   * @param {{global: HTMLElement, custom: HTMLElement}} hosts
   * @param {(params: any) => void} onParams gets every params reply (the whole object).
   */
  constructor(hosts, onParams) {
    this.hosts = hosts;
    this.onParams = onParams;
    this.global = new Map();
    this.custom = new Map();
    this.customFor = null;
  }

  /**
   * Builds the global controls from `specs` (see globalSpecs); those named in TOP go into `top`
   * (the top bar) when it is given.
   */
  buildGlobal(specs, top) {
    const host = this.hosts.global;
    host.replaceChildren(section('Global'));
    if (top) top.replaceChildren();
    this.global.clear();
    for (const s of specs) {
      const c = control({
        key: s.name,
        label: pretty(s.name),
        description: s.description,
        kind: s.kind,
        min: s.min,
        max: s.max,
        step: s.step,
        format: s.kind === 'range' ? (v) => format(s.display, v, s.max - s.min) : undefined,
        send: (v) => post('/api/params', { [s.name]: s.numeric ? (v ? 1 : 0) : v }),
        onReply: (reply) => this.onParams(reply),
      });
      if (s.name === 'color' && s.kind === 'range') addColorPicker(c);
      this.global.set(s.name, c);
      (top && TOP.has(s.name) ? top : host).appendChild(c.el);
    }
  }

  /** Builds the controls of `pattern`'s own parameters (none: the section disappears). */
  buildCustom(pattern) {
    const host = this.hosts.custom;
    const key = pattern ? pattern.id : null;
    if (this.customFor === key) return;
    this.customFor = key;
    this.custom.clear();
    host.replaceChildren();
    const list = (pattern && pattern.custom_params) || [];
    if (!list.length) return;
    host.appendChild(section(pattern.name));
    for (const cp of list) {
      const labels = Array.isArray(cp.labels) ? cp.labels : [];
      const choice = labels.length > 0;
      const c = control({
        key: `pattern_params.${cp.name}`,
        label: pretty(cp.name),
        description: cp.description,
        kind: choice ? 'choice' : 'range',
        labels,
        min: Math.min(cp.min, cp.max),
        max: Math.max(cp.min, cp.max),
        format: choice ? (i) => labels[i] ?? '' : (v) => format(cp.display, v, Math.abs(cp.max - cp.min)),
        send: (v) => post('/api/params', { pattern_params: { [cp.name]: choice ? labels[v] : v } }),
        onReply: (reply) => this.onParams(reply),
      });
      c.labels = labels;
      this.custom.set(cp.name, c);
      host.appendChild(c.el);
    }
  }

  /** Shows the values of a params object (GET /api/params or any reply carrying it). */
  show(params) {
    if (!params || typeof params !== 'object') return;
    for (const [name, c] of this.global) if (name in params) c.set(params[name]);
    const own = params.pattern_params || {};
    for (const [name, c] of this.custom) {
      if (!(name in own)) continue;
      const v = own[name];
      c.set(c.labels.length ? Math.max(0, c.labels.indexOf(v)) : v);
    }
  }
}

function section(text) {
  const h = document.createElement('div');
  h.className = 'section';
  h.textContent = text;
  return h;
}

/** `color_range` → `Color range`. */
export function pretty(name) {
  const s = name.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Adds a colour picker to the hue control `c`: picking a colour moves the slider to its hue (and
 * sends it like a drag would); the slider's value, from the user or the server, sets the picker.
 */
function addColorPicker(c) {
  const picker = document.createElement('input');
  picker.type = 'color';
  picker.className = 'hue-picker';
  picker.setAttribute('aria-label', 'Pick the base colour');
  picker.title = 'Pick the base colour (its hue is used)';
  const slider = c.input;
  const follow = () => {
    picker.value = hueToHex(Number(slider.value));
  };
  picker.addEventListener('input', () => {
    slider.value = String(hexToHue(picker.value));
    slider.dispatchEvent(new Event('input', { bubbles: true }));
  });
  slider.addEventListener('input', follow);
  const set = c.set;
  c.set = (v) => {
    const held = c.held();
    set(v);
    // The server's value itself: the slider rounds it to its step.
    if (!held) picker.value = hueToHex(Number(v));
  };
  const head = c.el.querySelector('.param-head');
  head.insertBefore(picker, head.querySelector('.value'));
  follow();
}
