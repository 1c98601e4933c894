// Live controls: a slider, a switch or a choice that sends its value while it is moved.
//
// Each control owns one coalescer, so dragging sends at most one request at a time and the last
// value always lands. While the user holds a control, replies and broadcasts do not move it under
// their finger; it takes the server's value again once released and idle.

import { coalescer } from './coalesce.js';
import { showError } from './toast.js';

let nextId = 0;

/**
 * Builds one control.
 * @param {object} spec
 * @param {string} spec.label shown name.
 * @param {string} [spec.description] tooltip and help text.
 * @param {'range'|'switch'|'choice'} spec.kind
 * @param {number} [spec.min] @param {number} [spec.max] @param {number} [spec.step]
 * @param {string[]} [spec.labels] the choices (kind 'choice').
 * @param {(v: any) => string} [spec.format] shows a value.
 * @param {(v: any) => Promise<any>} spec.send sends a value; its reply goes to spec.onReply.
 * @param {(reply: any) => void} [spec.onReply]
 * @param {string} [spec.key] a stable name for tests (data-param).
 * @returns {{el: HTMLElement, set: (v: any) => void, held: () => boolean}}
 */
export function control(spec) {
  const id = `ctl-${nextId++}`;
  const row = document.createElement('div');
  row.className = `param ${spec.kind}`;
  if (spec.key) row.dataset.param = spec.key;
  const label = document.createElement('label');
  label.htmlFor = id;
  label.className = 'name';
  label.textContent = spec.label;
  if (spec.description) row.title = spec.description;
  const out = document.createElement('output');
  out.htmlFor = id;
  out.className = 'value';
  const format = spec.format || ((v) => String(v));

  let input;
  if (spec.kind === 'switch') {
    input = document.createElement('input');
    input.type = 'checkbox';
    input.setAttribute('role', 'switch');
  } else if (spec.kind === 'choice') {
    input = document.createElement('select');
    spec.labels.forEach((text, i) => {
      const o = document.createElement('option');
      o.value = String(i);
      o.textContent = text;
      input.appendChild(o);
    });
  } else {
    input = document.createElement('input');
    input.type = 'range';
    input.min = String(spec.min);
    input.max = String(spec.max);
    input.step = String(spec.step ?? (spec.max - spec.min) / 200);
  }
  input.id = id;
  if (spec.description) input.setAttribute('aria-description', spec.description);

  let holding = false;
  const send = coalescer(spec.send, {
    onResult: (reply) => {
      if (spec.onReply) spec.onReply(reply);
    },
    onError: (e) => showError(e.message),
  });
  const read = () => {
    if (spec.kind === 'switch') return input.checked;
    if (spec.kind === 'choice') return Number(input.value);
    return Number(input.value);
  };
  const changed = () => {
    const v = read();
    out.value = format(v);
    send.push(v);
  };
  if (spec.kind === 'range') {
    input.addEventListener('input', changed);
    // The release may happen outside the slider, so it is watched on the window.
    const release = () => {
      holding = false;
      window.removeEventListener('pointerup', release, true);
      window.removeEventListener('pointercancel', release, true);
    };
    input.addEventListener('pointerdown', () => {
      holding = true;
      window.addEventListener('pointerup', release, true);
      window.addEventListener('pointercancel', release, true);
    });
    input.addEventListener('blur', release);
  } else {
    input.addEventListener('change', changed);
  }

  if (spec.kind === 'switch') {
    const sw = document.createElement('span');
    sw.className = 'switch-track';
    sw.setAttribute('aria-hidden', 'true');
    label.append(input, sw);
    row.append(label);
  } else {
    const head = document.createElement('div');
    head.className = 'param-head';
    head.append(label, out);
    row.append(head, input);
  }

  return {
    el: row,
    input,
    /** Shows the server's value unless the user is moving this control. */
    set(v) {
      if (holding || send.busy) return;
      if (spec.kind === 'switch') input.checked = Boolean(v);
      else input.value = String(v);
      out.value = format(spec.kind === 'switch' ? Boolean(v) : Number(v));
    },
    held: () => holding || send.busy,
    idle: () => send.idle(),
  };
}
