// The outputs card's URL helpers: the form's fields make the --out URL the server parses
// (docs/outputs.md), keys typed into the URL by hand survive a change of the fields, and an
// output's URL fills the form back for an edit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composeUrl, fieldsOf } from '../../js/outputs.js';

test('the fields make the URL', () => {
  assert.equal(composeUrl({ kind: 'ddp', host: '10.0.0.5', first: '0', last: '159', name: 'porch' }), 'ddp://10.0.0.5?leds=0-159&name=porch');
  assert.equal(composeUrl({ kind: 'ddp', host: '10.0.0.5', first: '', last: '', name: '' }), 'ddp://10.0.0.5');
  // One LED, and a name with spaces (form-encoded, as the server reads it).
  assert.equal(composeUrl({ kind: 'wled', host: 'strip.local', first: '7', last: '', name: 'front door' }), 'wled://strip.local?leds=7-7&name=front+door');
  assert.equal(composeUrl({ kind: 'serial', host: '/dev/ttyUSB0', first: '0', last: '59', name: '' }), 'serial:///dev/ttyUSB0?leds=0-59');
  // The audio-sync sender has no LEDs: a range is left out.
  assert.equal(composeUrl({ kind: 'wled-sync', host: '', first: '0', last: '9', name: '' }), 'wled-sync://');
});

test('keys typed into the URL survive a change of the fields', () => {
  const typed = 'e131://10.0.0.6?universe=3&priority=150&leds=0-9&name=old';
  assert.equal(
    composeUrl({ kind: 'e131', host: '10.0.0.6', first: '160', last: '319', name: 'stage' }, typed),
    'e131://10.0.0.6?leds=160-319&universe=3&priority=150&name=stage',
  );
});

test('an output fills the form back', () => {
  assert.deepEqual(fieldsOf({ url: 'ddp://10.0.0.5:4048?leds=0-159&name=porch', leds: { start: 0, end: 160 } }), {
    kind: 'ddp', host: '10.0.0.5:4048', first: '0', last: '159', name: 'porch',
  });
  // No leds= in the URL: the whole frame, the range boxes stay empty.
  assert.deepEqual(fieldsOf({ url: 'opc://10.0.0.7', leds: { start: 0, end: 320 } }), {
    kind: 'opc', host: '10.0.0.7', first: '', last: '', name: '',
  });
  assert.equal(fieldsOf({ url: 'serial:///dev/ttyACM0?baud=500000', leds: { start: 0, end: 320 } }).host, '/dev/ttyACM0');
});
