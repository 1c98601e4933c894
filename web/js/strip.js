// The strip preview: the LEDs as glowing dots, laid out as the device is.
//
// A frame is one line of LEDs, frame LED 0 at the left end (see k1-core's render/layout.rs). The
// reference device's two strips both start at the centre and run outwards, so the line is drawn
// as the strips lie: one body per output segment, a gap and a mark at the centre between them. On
// a narrow screen, where that would leave each LED a pixel or two, the segments are drawn one per
// row instead (the line folded where they meet, marked at both ends), so each LED is readable.
// Each LED is a dot in its colour over a soft glow. The glow is the frame itself, put into a tiny
// offscreen image (one column per LED, five rows falling off from the middle) and scaled up with
// smoothing: the GPU does the blur, so a phone keeps up at 60 FPS.

const GLOW_ROWS = [0.12, 0.45, 1, 0.45, 0.12];

/**
 * LED byte → screen byte. The frame holds what the LEDs are sent (after K1's gamma), and an LED's
 * light is linear in that value, while a screen's light goes as (value/255)^2.2 (sRGB). Showing
 * 255·(v/255)^(1/2.2) makes the screen give off the light the LED would: dim levels stay
 * visible, as they are in a room, instead of vanishing into black.
 */
const TO_SCREEN = new Uint8Array(256).map((_, v) => Math.round(255 * Math.pow(v / 255, 1 / 2.2)));

export class StripView {
  /** @param {HTMLCanvasElement} canvas */
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d', { alpha: false });
    this.glow = document.createElement('canvas');
    this.glowCtx = this.glow.getContext('2d');
    this.segments = null;
    this.frame = null;
    this.dirty = true;
    this.drawn = 0;
    new ResizeObserver(() => this.resize()).observe(canvas);
    this.resize();
  }

  /** Sets the output segments `[{start, len, reversed}]` from the device info, if it gives them. */
  setSegments(segments) {
    this.segments = Array.isArray(segments) && segments.length ? segments : null;
    this.dirty = true;
  }

  /** Takes a frame: `rgb` holds 3 bytes per LED in frame order. */
  setFrame(rgb) {
    this.frame = rgb;
    this.dirty = true;
  }

  resize() {
    const dpr = Math.min(window.devicePixelRatio || 1, 2);
    const w = Math.max(1, Math.round(this.canvas.clientWidth * dpr));
    const h = Math.max(1, Math.round(this.canvas.clientHeight * dpr));
    if (w !== this.canvas.width || h !== this.canvas.height) {
      this.canvas.width = w;
      this.canvas.height = h;
      this.dirty = true;
    }
  }

  /** Draws if something changed since the last call (call it from requestAnimationFrame). */
  draw() {
    if (!this.dirty) return;
    this.dirty = false;
    const { ctx, canvas } = this;
    const W = canvas.width;
    const H = canvas.height;
    ctx.globalCompositeOperation = 'source-over';
    ctx.fillStyle = '#07080b';
    ctx.fillRect(0, 0, W, H);
    const frame = this.frame;
    const n = frame ? Math.floor(frame.length / 3) : 0;
    if (n === 0) return;

    const segs = this.segmentsFor(n);
    const pad = Math.round(Math.min(W, H) * 0.12) + 2;
    const rows = this.rowsFor(segs, n, W - 2 * pad);
    const gap = segs.length > 1 && rows === 1 ? Math.max(4, Math.round(W * 0.012)) : 0;
    // Side by side (rows = 1): the segments in a line, a gap and a mark between them. In rows
    // (a narrow screen): segment k on row k, all from the left, so each LED is wider.
    const longest = Math.max(...segs.map((s) => s.len));
    const pitch = rows === 1 ? (W - 2 * pad - gap * (segs.length - 1)) / n : (W - 2 * pad) / longest;
    const rowH = H / rows;
    const bodyH = Math.max(6, Math.min(rowH * 0.34, pitch * 3 + 6));
    // For tests and the curious: how the strip is laid out and how wide one LED is, in CSS pixels.
    const dpr = Math.min(window.devicePixelRatio || 1, 2);
    canvas.dataset.rows = String(rows);
    canvas.dataset.ledPx = (pitch / dpr).toFixed(2);
    const places = [];
    let x = pad;
    segs.forEach((s, k) => {
      if (rows === 1) {
        places.push({ ...s, x, cy: H / 2 });
        x += s.len * pitch + gap;
      } else {
        places.push({ ...s, x: pad, cy: rowH * (k + 0.5) });
      }
    });

    // Where each LED sits on the canvas.
    const xs = new Float32Array(n);
    const ys = new Float32Array(n);
    for (const p of places) {
      for (let i = 0; i < p.len; i++) {
        xs[p.start + i] = p.x + (i + 0.5) * pitch;
        ys[p.start + i] = p.cy;
      }
    }

    // Strip bodies (the PCB under the LEDs) and the centre marks between them.
    ctx.fillStyle = '#14171f';
    for (const p of places) roundRect(ctx, p.x - 2, p.cy - bodyH / 2, p.len * pitch + 4, bodyH, Math.min(bodyH / 2, 6));
    ctx.fillStyle = '#3a4050';
    if (rows === 1) {
      for (let k = 0; k < places.length - 1; k++) {
        const end = places[k].x + places[k].len * pitch;
        ctx.fillRect(Math.round(end + gap / 2 - 1), H / 2 - bodyH, 2, bodyH * 2);
      }
    } else {
      // Where one row's strip meets the next: the end of row k and the start of row k + 1.
      for (let k = 0; k < places.length - 1; k++) {
        const a = places[k];
        const b = places[k + 1];
        ctx.fillRect(Math.round(a.x + a.len * pitch + 1), a.cy - bodyH / 2, 2, bodyH);
        ctx.fillRect(Math.round(b.x - 4), b.cy - bodyH / 2, 2, bodyH);
      }
    }

    // Glow: the frame as an n×5 image, scaled up smoothly and added to the picture.
    if (this.glow.width !== n) {
      this.glow.width = n;
      this.glow.height = GLOW_ROWS.length;
      this.glowImage = this.glowCtx.createImageData(n, GLOW_ROWS.length);
    }
    const img = this.glowImage;
    const px = img.data;
    for (let r = 0; r < GLOW_ROWS.length; r++) {
      const k = GLOW_ROWS[r];
      let o = r * n * 4;
      for (let i = 0; i < n; i++, o += 4) {
        px[o] = TO_SCREEN[frame[i * 3]] * k;
        px[o + 1] = TO_SCREEN[frame[i * 3 + 1]] * k;
        px[o + 2] = TO_SCREEN[frame[i * 3 + 2]] * k;
        px[o + 3] = 255;
      }
    }
    this.glowCtx.putImageData(img, 0, 0);
    ctx.globalCompositeOperation = 'lighter';
    ctx.imageSmoothingEnabled = true;
    const glowH = Math.min(rowH, bodyH * 4);
    for (const p of places) {
      ctx.drawImage(this.glow, p.start, 0, p.len, GLOW_ROWS.length, p.x - pitch, p.cy - glowH / 2, p.len * pitch + 2 * pitch, glowH);
    }

    // The LEDs themselves: unlit ones as faint sites when there is room, lit ones as bright dots.
    ctx.globalCompositeOperation = 'source-over';
    const r = Math.max(0.6, Math.min(pitch * 0.42, bodyH * 0.32));
    const showSites = pitch >= 4;
    for (let i = 0; i < n; i++) {
      const R = frame[i * 3];
      const G = frame[i * 3 + 1];
      const B = frame[i * 3 + 2];
      if (R + G + B === 0) {
        if (!showSites) continue;
        ctx.fillStyle = '#242833';
      } else {
        ctx.fillStyle = `rgb(${TO_SCREEN[R]},${TO_SCREEN[G]},${TO_SCREEN[B]})`;
      }
      if (r < 1.5) ctx.fillRect(xs[i] - r, ys[i] - r, 2 * r, 2 * r);
      else {
        ctx.beginPath();
        ctx.arc(xs[i], ys[i], r, 0, Math.PI * 2);
        ctx.fill();
      }
    }
    this.drawn += 1;
  }

  /**
   * How many rows to draw `segs` in, over `width` device pixels: one (side by side) unless that
   * leaves an LED less than 2.5 CSS pixels and the screen is tall enough for one row per segment
   * (at most 4), as on a phone.
   */
  rowsFor(segs, n, width) {
    const dpr = Math.min(window.devicePixelRatio || 1, 2);
    if (this.canvas.clientWidth > 700) return 1;
    const sideBySide = width / n / dpr;
    const rows = segs.length;
    if (rows < 2 || rows > 4 || sideBySide >= 2.5) return 1;
    return this.canvas.height / rows >= 24 * dpr ? rows : 1;
  }

  /** The segments to draw for `n` LEDs: the device's own if they fit, else the line as one strip. */
  segmentsFor(n) {
    const segs = this.segments;
    if (segs) {
      const sorted = [...segs].sort((a, b) => a.start - b.start);
      let next = 0;
      let fits = true;
      for (const s of sorted) {
        if (s.start !== next || s.len <= 0) fits = false;
        next = s.start + s.len;
      }
      if (fits && next === n) return sorted;
    }
    return [{ start: 0, len: n }];
  }
}

function roundRect(ctx, x, y, w, h, r) {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
  ctx.fill();
}
