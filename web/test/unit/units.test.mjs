// units.js: stored values as a person reads them (the same figures `k1 params` prints), and the
// colour picker's hue conversions, round trip included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { format, shown, hueToHex, hexToHue } from '../../js/units.js';

const percent = { unit: 'percent', suffix: ' %', scale: 'linear', factor: 100, decimals: 0 };
const degrees = { unit: 'degrees', suffix: '°', scale: 'linear', factor: 360, decimals: 0 };
const speed = { unit: 'times', suffix: '×', scale: 'geometric', from: 0.25, to: 4, decimals: 2 };

test('linear and geometric values read in their units', () => {
  assert.equal(format(percent, 0.8), '80 %');
  assert.equal(format(degrees, 0.33), '119°');
  assert.equal(format(speed, 0), '0.25×');
  assert.equal(format(speed, 0.5), '1.00×');
  assert.equal(format(speed, 1), '4.00×');
  assert.ok(Math.abs(shown(speed, 0.75) - 2) < 1e-9);
  assert.equal(format(percent, -0.001), '0 %', 'no minus zero');
  assert.equal(format(percent, NaN), '');
});

test('without a display a value is a plain number sized to its range', () => {
  assert.equal(format(undefined, 0.456), '0.46');
  assert.equal(format(null, 12.34, 20), '12.3');
  assert.equal(format(null, 123.4, 200), '123');
});

test('hue to colour and back', () => {
  assert.equal(hueToHex(0), '#ff0000');
  assert.equal(hueToHex(1 / 3), '#00ff00');
  assert.equal(hueToHex(2 / 3), '#0000ff');
  assert.equal(hueToHex(1), '#ff0000');
  assert.equal(hexToHue('#ff0000'), 0);
  assert.ok(Math.abs(hexToHue('#00ff00') - 1 / 3) < 1e-9);
  assert.ok(Math.abs(hexToHue('#ff00ff') - 5 / 6) < 1e-9);
  for (let i = 0; i < 360; i += 7) {
    const h = i / 360;
    const back = hexToHue(hueToHex(h));
    const d = Math.min(Math.abs(back - h), 1 - Math.abs(back - h));
    assert.ok(d < 1 / 255, `hue ${h} came back as ${back}`);
  }
  assert.equal(hexToHue('#808080'), 0, 'grey has no hue');
  assert.equal(hexToHue('nonsense'), 0);
});
