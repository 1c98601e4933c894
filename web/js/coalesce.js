// Coalescing sender: at most one request in flight per control, and the latest value wins.
//
// A slider fires `input` dozens of times a second while it is dragged. Sending each value would
// queue requests behind each other (and, on a server with limits, fail); dropping values would
// lose the one the user let go on. A coalescer sends the first value at once, remembers only the
// newest value while that request is in flight, and sends it when the request settles, so the
// server always ends on the last value and never sees more than one request from this control.

/**
 * Makes a coalescing sender.
 * @param {(value: any) => Promise<any>} send performs one request.
 * @param {{onResult?: (result: any, value: any) => void, onError?: (error: any, value: any) => void}} [hooks]
 *   onResult gets each reply (only when no newer value is waiting, so a stale reply never
 *   overwrites what the user is doing); onError gets each failure.
 * @returns {{push: (value: any) => void, idle: () => Promise<void>, readonly busy: boolean}}
 */
export function coalescer(send, hooks = {}) {
  let inFlight = false;
  let hasPending = false;
  let pending;
  let waiters = [];

  async function pump() {
    inFlight = true;
    while (hasPending) {
      const value = pending;
      hasPending = false;
      pending = undefined;
      try {
        const result = await send(value);
        if (!hasPending && hooks.onResult) hooks.onResult(result, value);
      } catch (error) {
        if (hooks.onError) hooks.onError(error, value);
      }
    }
    inFlight = false;
    const done = waiters;
    waiters = [];
    for (const resolve of done) resolve();
  }

  return {
    /** Queues `value`: sent now if nothing is in flight, else replaces any value still waiting. */
    push(value) {
      pending = value;
      hasPending = true;
      if (!inFlight) pump();
    },
    /** Resolves once nothing is in flight and nothing waits. */
    idle() {
      if (!inFlight && !hasPending) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    get busy() {
      return inFlight || hasPending;
    },
  };
}
