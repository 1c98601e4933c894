// decodeFrame reads the server's binary LED frame ('K', version 1, u16 LE LED count, u64 LE frame
// index, then RGB per LED) and refuses anything else rather than drawing garbage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame } from '../../js/live.js';

function frame(leds, { magic = 0x4b, version = 1, count = leds.length, index = 7n } = {}) {
  const buf = new ArrayBuffer(12 + leds.length * 3);
  const v = new DataView(buf);
  v.setUint8(0, magic);
  v.setUint8(1, version);
  v.setUint16(2, count, true);
  v.setBigUint64(4, index, true);
  leds.forEach(([r, g, b], i) => {
    v.setUint8(12 + i * 3, r);
    v.setUint8(13 + i * 3, g);
    v.setUint8(14 + i * 3, b);
  });
  return buf;
}

test('a v1 frame gives its LED bytes in order', () => {
  const rgb = decodeFrame(frame([[1, 2, 3], [250, 251, 252], [0, 0, 9]]));
  assert.deepEqual(Array.from(rgb), [1, 2, 3, 250, 251, 252, 0, 0, 9]);
});

test('320 LEDs (the reference device) decode to 960 bytes', () => {
  const leds = Array.from({ length: 320 }, (_, i) => [i & 255, (i * 3) & 255, 255 - (i & 255)]);
  const rgb = decodeFrame(frame(leds));
  assert.equal(rgb.length, 960);
  assert.deepEqual(Array.from(rgb.subarray(957)), [319 & 255, (319 * 3) & 255, 255 - (319 & 255)]);
});

test('wrong magic, wrong version, short body or short header are refused', () => {
  assert.equal(decodeFrame(frame([[1, 2, 3]], { magic: 0x4c })), null);
  assert.equal(decodeFrame(frame([[1, 2, 3]], { version: 2 })), null);
  assert.equal(decodeFrame(frame([[1, 2, 3]], { count: 2 })), null);
  assert.equal(decodeFrame(new ArrayBuffer(11)), null);
  assert.equal(decodeFrame('K1'), null);
});
