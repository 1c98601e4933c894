// Values in human units: a parameter's stored value (most are 0..1) as the number a person reads,
// with its unit (`80 %`, `120°`, `0.04 s`, `1.00×`).
//
// The API says how each parameter reads (k1-core's `params::Display`): the OpenAPI schema of a
// global parameter carries it as `x-display`, and each pattern parameter in GET /api/patterns as
// `display`, both `{unit, suffix, scale: 'linear', factor, decimals}` or
// `{unit, suffix, scale: 'geometric', from, to, decimals}`. The UI only applies it, so the command
// line (`k1 params`), the API and this page read the same.

/** The number a person reads for stored value `v` under `display` (v itself without one). */
export function shown(display, v) {
  if (!display || !Number.isFinite(v)) return v;
  if (display.scale === 'geometric' && display.from > 0 && display.to > 0) {
    return display.from * Math.pow(display.to / display.from, v);
  }
  return v * (Number.isFinite(display.factor) ? display.factor : 1);
}

/** Stored value `v` as text in its unit; a plain number (as many decimals as `span` needs) without one. */
export function format(display, v, span = 1) {
  if (!Number.isFinite(v)) return '';
  if (!display) {
    if (span >= 100) return v.toFixed(0);
    if (span >= 10) return v.toFixed(1);
    return v.toFixed(2);
  }
  const decimals = Number.isInteger(display.decimals) ? Math.min(Math.max(display.decimals, 0), 6) : 2;
  const n = shown(display, v);
  // -0.00 reads as 0.00.
  const text = (Math.abs(n) < 0.5 * 10 ** -decimals ? 0 : n).toFixed(decimals);
  return `${text}${display.suffix || ''}`;
}

/** A hue in turns (0..1) as `#rrggbb` at full saturation and value. */
export function hueToHex(turns) {
  const h = ((Number(turns) % 1) + 1) % 1;
  const channel = (offset) => {
    const k = (offset + h * 6) % 6;
    const v = 1 - Math.max(0, Math.min(k, 4 - k, 1));
    return Math.round(v * 255).toString(16).padStart(2, '0');
  };
  return `#${channel(5)}${channel(3)}${channel(1)}`;
}

/** The hue (in turns, 0..1) of a `#rrggbb` colour; 0 for grey or a malformed colour. */
export function hexToHue(hex) {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(String(hex).trim());
  if (!m) return 0;
  const [r, g, b] = m.slice(1).map((x) => parseInt(x, 16) / 255);
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (d === 0) return 0;
  let h;
  if (max === r) h = ((g - b) / d) % 6;
  else if (max === g) h = (b - r) / d + 2;
  else h = (r - g) / d + 4;
  return (((h / 6) % 1) + 1) % 1;
}
