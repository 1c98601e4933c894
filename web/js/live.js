// The live connection: WebSocket /ws carries binary LED frames (at the rate this page asks for)
// and JSON telemetry (about ten times a second). It reconnects with backoff (0.5 s doubling to
// 10 s) and says what it is doing through `onState`.

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
  }

  url() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const q = new URLSearchParams({ fps: String(this.fps) });
    const t = this.hooks.token();
    if (t) q.set('token', t);
    return `${proto}//${location.host}/ws?${q}`;
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
      this.sendFps();
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data === 'string') {
        let msg;
        try {
          msg = JSON.parse(ev.data);
        } catch {
          return;
        }
        this.hooks.onMessage(msg);
      } else {
        this.frames += 1;
        this.hooks.onFrame(new Uint8Array(ev.data));
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

  /** Asks the server for `fps` LED frames a second. */
  setFps(fps) {
    this.fps = fps;
    this.sendFps();
  }

  sendFps() {
    this.send({ type: 'subscribe', fps: this.fps });
  }

  /** Sends a JSON command if connected; returns whether it went. */
  send(msg) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }
}
