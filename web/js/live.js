// The live connection: WebSocket /ws carries binary LED frames (at the rate this page asks for)
// and JSON telemetry (about ten times a second). It reconnects with backoff (0.5 s doubling to
// 10 s) and says what it is doing through `onState`.
//
// A binary frame (docs/api.md) is a 12-byte header, 'K', version 1, the LED count (u16 LE) and
// the frame index (u64 LE), then R, G, B per LED. The frame rate is asked for once the server's
// welcome says the most it gives (`max_fps`, the render rate), so the request is always valid.

const FRAME_MAGIC = 0x4b; // 'K'
const FRAME_VERSION = 1;
const FRAME_HEADER = 12;

export class Live {
  /**
   * @param {object} hooks
   * @param {(rgb: Uint8Array) => void} hooks.onFrame
   * @param {(msg: any) => void} hooks.onMessage every JSON message.
   * @param {(state: 'connecting'|'live'|'down', detail?: string) => void} hooks.onState
   * @param {() => string|null} hooks.token the bearer token, if the server wants one.
   */
  constructor(hooks) {
    this.hooks = hooks;
    this.fps = 30;
    this.ws = null;
    this.retry = 0;
    this.timer = null;
    this.frames = 0;
    this.closed = false;
    this.paused = false;
  }

  url() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const t = this.hooks.token();
    const q = t ? `?${new URLSearchParams({ token: t })}` : '';
    return `${proto}//${location.host}/ws${q}`;
  }

  connect() {
    clearTimeout(this.timer);
    this.hooks.onState('connecting');
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch (e) {
      this.hooks.onState('down', String(e));
      this.schedule();
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      this.retry = 0;
      this.hooks.onState('live');
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data === 'string') {
        let msg;
        try {
          msg = JSON.parse(ev.data);
        } catch {
          return;
        }
        if (msg && msg.type === 'welcome') {
          this.maxFps = Number.isInteger(msg.max_fps) && msg.max_fps > 0 ? msg.max_fps : null;
          this.readOnly = Boolean(msg.read_only);
          this.sendFps();
        }
        this.hooks.onMessage(msg);
      } else {
        const rgb = decodeFrame(ev.data);
        if (rgb) {
          this.frames += 1;
          this.hooks.onFrame(rgb);
        } else if (!this.badFrame) {
          this.badFrame = true;
          this.hooks.onMessage({ type: 'error', message: 'a binary frame in an unknown format (not K1 frame version 1)' });
        }
      }
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.closed) return;
      this.hooks.onState('down', ev.reason || `closed (${ev.code})`);
      this.schedule();
    };
    ws.onerror = () => {
      // The close event follows and carries what there is to say.
    };
  }

  schedule() {
    const delay = Math.min(10000, 500 * 2 ** this.retry);
    this.retry += 1;
    this.timer = setTimeout(() => this.connect(), delay);
  }

  /** Closes the socket and opens a new one (e.g. with a new token). */
  reconnect() {
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close();
    this.retry = 0;
    this.connect();
  }

  /** Asks the server for `fps` LED frames a second. */
  setFps(fps) {
    this.fps = fps;
    this.sendFps();
  }

  sendFps() {
    const fps = this.maxFps ? Math.min(this.fps, this.maxFps) : this.fps;
    const on = !this.paused;
    this.send({ type: 'subscribe', fps, frames: on, telemetry: on });
  }

  /** Stops (or restarts) the stream while the page is hidden, to spare a phone's battery. */
  setPaused(paused) {
    if (this.paused === paused) return;
    this.paused = paused;
    this.sendFps();
  }

  /** Sends a JSON command if connected; returns whether it went. */
  send(msg) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }
}

/** The LED bytes of a binary frame (a view, no copy), or null if it is not a K1 v1 frame. */
export function decodeFrame(buf) {
  if (!(buf instanceof ArrayBuffer) || buf.byteLength < FRAME_HEADER) return null;
  const head = new DataView(buf, 0, FRAME_HEADER);
  if (head.getUint8(0) !== FRAME_MAGIC || head.getUint8(1) !== FRAME_VERSION) return null;
  const leds = head.getUint16(2, true);
  if (buf.byteLength < FRAME_HEADER + leds * 3) return null;
  return new Uint8Array(buf, FRAME_HEADER, leds * 3);
}
