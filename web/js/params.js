// The parameter panel: one control per global parameter and one per parameter of the current
// pattern, each live while it moves (see controls.js).
//
// The global parameters' ranges and meanings come from the API's own OpenAPI document (the schema
// of `POST /api/params`); the pattern's own parameters from `GET /api/patterns` (`custom_params`,
// each with `min`, `max` and, for a choice, `labels`). A pattern parameter is sent by name under
// `pattern_params`, in its own range, and read back from the same key.

import { post } from './api.js';
import { control } from './controls.js';

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
    if (types.includes('boolean')) specs.push({ name, kind: 'switch', description });
    else if (types.includes('integer') && p.minimum === 0 && p.maximum === 1) specs.push({ name, kind: 'switch', numeric: true, description });
    else if ((types.includes('number') || types.includes('integer')) && Number.isFinite(p.minimum) && Number.isFinite(p.maximum)) {
      specs.push({ name, kind: 'range', min: p.minimum, max: p.maximum, step: types.includes('integer') ? 1 : undefined, description });
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

  /** Builds the global controls from `specs` (see globalSpecs). */
  buildGlobal(specs) {
    const host = this.hosts.global;
    host.replaceChildren(section('Global'));
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
        format: s.kind === 'range' ? (v) => fmt(v, s.max - s.min) : undefined,
        send: (v) => post('/api/params', { [s.name]: s.numeric ? (v ? 1 : 0) : v }),
        onReply: (reply) => this.onParams(reply),
      });
      this.global.set(s.name, c);
      host.appendChild(c.el);
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
        format: choice ? (i) => labels[i] ?? '' : (v) => fmt(v, Math.abs(cp.max - cp.min)),
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

function fmt(v, span) {
  if (!Number.isFinite(v)) return '';
  if (span >= 100) return v.toFixed(0);
  if (span >= 10) return v.toFixed(1);
  return v.toFixed(2);
}
