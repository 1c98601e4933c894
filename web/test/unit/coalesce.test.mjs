// The coalescer's promise: never more than one request in flight, the last value pushed is the
// last value sent, stale replies are not reported, and a failure does not stop later values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coalescer } from '../../js/coalesce.js';

/** A fake server whose requests settle when the test says so. */
function server() {
  const calls = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const send = (value) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise((resolve, reject) => {
      calls.push({
        value,
        ok: (r) => { inFlight -= 1; resolve(r); },
        fail: (e) => { inFlight -= 1; reject(e); },
      });
    });
  };
  return { send, calls, max: () => maxInFlight };
}

const tick = () => new Promise((r) => setImmediate(r));

test('a burst sends the first value at once and only the last one after it', async () => {
  const s = server();
  const results = [];
  const c = coalescer(s.send, { onResult: (r, v) => results.push([r, v]) });
  for (let i = 0; i <= 100; i++) c.push(i / 100);
  assert.equal(s.calls.length, 1);
  assert.equal(s.calls[0].value, 0);
  s.calls[0].ok('first');
  await tick();
  assert.equal(s.calls.length, 2);
  assert.equal(s.calls[1].value, 1);
  s.calls[1].ok('last');
  await c.idle();
  assert.equal(s.max(), 1);
  // The first reply came while a newer value was waiting: it is stale and not reported.
  assert.deepEqual(results, [['last', 1]]);
  assert.equal(c.busy, false);
});

test('values pushed while idle are each sent', async () => {
  const s = server();
  const c = coalescer(s.send);
  c.push('a');
  s.calls[0].ok();
  await c.idle();
  c.push('b');
  s.calls[1].ok();
  await c.idle();
  assert.deepEqual(s.calls.map((x) => x.value), ['a', 'b']);
});

test('a failure is reported and the waiting value still goes out', async () => {
  const s = server();
  const errors = [];
  const c = coalescer(s.send, { onError: (e, v) => errors.push([e.message, v]) });
  c.push(1);
  c.push(2);
  s.calls[0].fail(new Error('boom'));
  await tick();
  assert.deepEqual(errors, [['boom', 1]]);
  assert.equal(s.calls.length, 2);
  assert.equal(s.calls[1].value, 2);
  s.calls[1].ok();
  await c.idle();
  assert.equal(s.max(), 1);
});

test('random bursts against a slow server: one in flight, ends on the last value', async () => {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  let inFlight = 0;
  let max = 0;
  const sent = [];
  const send = async (v) => {
    inFlight += 1;
    max = Math.max(max, inFlight);
    await new Promise((r) => setTimeout(r, Math.floor(rand() * 3)));
    sent.push(v);
    inFlight -= 1;
  };
  const c = coalescer(send);
  let last;
  for (let i = 0; i < 300; i++) {
    last = rand();
    c.push(last);
    if (rand() < 0.3) await new Promise((r) => setTimeout(r, 1));
  }
  await c.idle();
  assert.equal(max, 1);
  assert.equal(sent.at(-1), last);
  assert.ok(sent.length < 300, `coalesced: ${sent.length} requests for 300 values`);
});
