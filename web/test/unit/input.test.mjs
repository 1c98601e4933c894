// input.js: a capture device's line in the list, and the level meter's reading of the
// telemetry's `input` field (floor, clamping, the gate), on stand-in elements.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deviceLabel, LevelMeter, METER_FLOOR } from '../../js/input.js';

test('a device reads as its name, default mark and rates in kHz', () => {
  assert.equal(deviceLabel({ name: 'USB Audio', default: true, rates: [44100, 48000] }), 'USB Audio (default) · 44.1/48 kHz');
  assert.equal(deviceLabel({ name: 'Line In', default: false, rates: [] }), 'Line In');
  assert.equal(deviceLabel({ name: 'X', default: false }), 'X');
});

function meter() {
  const els = { meter: { value: 0 }, text: { textContent: '' }, gate: { dataset: {}, textContent: '', title: '' } };
  return { els, m: new LevelMeter(els) };
}

test('the meter shows dBFS, clamps to its range and names the gate', () => {
  const { els, m } = meter();
  m.update({ dbfs: -23.46, gate: 'open', vu: 0.5 });
  assert.equal(els.meter.value, -23.46);
  assert.equal(els.text.textContent, '-23.5 dBFS');
  assert.equal(els.gate.dataset.gate, 'open');
  assert.equal(els.gate.textContent, 'sound');
  m.update({ dbfs: -120, gate: 'closed' });
  assert.equal(els.meter.value, METER_FLOOR);
  assert.equal(els.text.textContent, `≤ ${METER_FLOOR} dBFS`);
  assert.equal(els.gate.dataset.gate, 'closed');
  assert.equal(els.gate.textContent, 'silence');
  m.update({ dbfs: 3, gate: 'open' });
  assert.equal(els.meter.value, 0);
});

test('telemetry without a level leaves the meter as it was', () => {
  const { els, m } = meter();
  m.update({ dbfs: -40, gate: 'open' });
  for (const bad of [undefined, null, {}, { dbfs: null }, { dbfs: 'loud' }]) m.update(bad);
  assert.equal(els.meter.value, -40);
  assert.equal(els.text.textContent, '-40.0 dBFS');
});
