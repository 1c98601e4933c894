// The strip preview: the LEDs as glowing dots, laid out as the device is.
//
// A frame is one line of LEDs, frame LED 0 at the left end (see k1-core's render/layout.rs). The
// reference device's two strips both start at the centre and run outwards, so the line is drawn
// as the strips lie: one body per output segment, a gap and a mark at the centre between them.
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
    const gap = segs.length > 1 ? Math.max(4, Math.round(W * 0.012)) : 0;
    const pad = Math.round(Math.min(W, H) * 0.12) + 2;
    const usable = W - 2 * pad - gap * (segs.length - 1);
    const pitch = usable / n;
    const cy = H / 2;
    const bodyH = Math.max(6, Math.min(H * 0.34, pitch * 3 + 6));

    // Where each LED sits on the canvas.
    const xs = new Float32Array(n);
    let x = pad;
    for (const s of segs) {
      for (let i = 0; i < s.len; i++) xs[s.start + i] = x + (i + 0.5) * pitch;
      x += s.len * pitch + gap;
    }

    // Strip bodies (the PCB under the LEDs) and the centre marks between them.
    ctx.fillStyle = '#14171f';
    x = pad;
    for (const s of segs) {
      roundRect(ctx, x - 2, cy - bodyH / 2, s.len * pitch + 4, bodyH, Math.min(bodyH / 2, 6));
      x += s.len * pitch + gap;
    }
    ctx.fillStyle = '#3a4050';
    x = pad;
    for (let k = 0; k < segs.length - 1; k++) {
      x += segs[k].len * pitch;
      ctx.fillRect(Math.round(x + gap / 2 - 1), cy - bodyH, 2, bodyH * 2);
      x += gap;
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
    const glowH = Math.min(H, bodyH * 4);
    x = pad;
    for (const s of segs) {
      ctx.drawImage(this.glow, s.start, 0, s.len, GLOW_ROWS.length, x - pitch, cy - glowH / 2, s.len * pitch + 2 * pitch, glowH);
      x += s.len * pitch + gap;
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
      if (r < 1.5) ctx.fillRect(xs[i] - r, cy - r, 2 * r, 2 * r);
      else {
        ctx.beginPath();
        ctx.arc(xs[i], cy, r, 0, Math.PI * 2);
        ctx.fill();
      }
    }
    this.drawn += 1;
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
