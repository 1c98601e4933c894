// The music views: spectrum (64 semitone bins), chromagram (12 pitch classes) and tempo (BPM,
// confidence and a beat-phase dial).
//
// Telemetry arrives about ten times a second; the views are drawn with requestAnimationFrame and
// ease toward each new reading, and the beat dial runs on between readings at the current tempo,
// so the motion stays smooth at the display's rate while the socket stays light.

const NOTES = ['C', 'C♯', 'D', 'D♯', 'E', 'F', 'F♯', 'G', 'G♯', 'A', 'A♯', 'B'];

export class MusicView {
  constructor({ spectrum, chroma, beat, bpm, confidence, confidenceText }) {
    this.c = { spectrum, chroma, beat };
    this.bpmEl = bpm;
    this.confEl = confidence;
    this.confText = confidenceText;
    this.spec = new Float32Array(64);
    this.specTarget = new Float32Array(64);
    this.chroma = new Float32Array(12);
    this.chromaTarget = new Float32Array(12);
    this.bpm = 0;
    this.confidence = 0;
    this.phase = 0;
    this.phaseAt = 0;
    this.hasPhase = false;
    this.last = 0;
    this.flash = 0;
    this.prevPhase = 0;
    for (const cv of [spectrum, chroma]) new ResizeObserver(() => fit(cv)).observe(cv);
    fit(spectrum);
    fit(chroma);
  }

  /** Takes one telemetry reading (arrays may be shorter or missing; missing parts keep their value). */
  update({ spectrum, chroma, bpm, confidence, phase }) {
    if (Array.isArray(spectrum)) {
      if (spectrum.length !== this.specTarget.length) {
        this.specTarget = new Float32Array(spectrum.length);
        this.spec = new Float32Array(spectrum.length);
      }
      spectrum.forEach((v, i) => (this.specTarget[i] = clamp01(v)));
    }
    if (Array.isArray(chroma)) chroma.slice(0, 12).forEach((v, i) => (this.chromaTarget[i] = clamp01(v)));
    if (Number.isFinite(bpm)) this.bpm = bpm;
    if (Number.isFinite(confidence)) this.confidence = clamp01(confidence);
    if (Number.isFinite(phase)) {
      this.phase = phase - Math.floor(phase);
      this.phaseAt = performance.now();
      this.hasPhase = true;
    }
    this.bpmEl.textContent = this.bpm > 0 ? this.bpm.toFixed(1) : '–';
    this.confEl.value = this.confidence;
    this.confText.textContent = `${Math.round(this.confidence * 100)} %`;
  }

  /** Draws one animation frame. */
  draw(now) {
    const dt = this.last ? Math.min(0.1, (now - this.last) / 1000) : 0;
    this.last = now;
    const k = 1 - Math.exp(-dt * 18);
    for (let i = 0; i < this.spec.length; i++) this.spec[i] += (this.specTarget[i] - this.spec[i]) * k;
    for (let i = 0; i < 12; i++) this.chroma[i] += (this.chromaTarget[i] - this.chroma[i]) * k;
    this.drawSpectrum();
    this.drawChroma();
    this.drawBeat(now, dt);
  }

  drawSpectrum() {
    const cv = this.c.spectrum;
    const ctx = cv.getContext('2d');
    const { width: W, height: H } = cv;
    ctx.clearRect(0, 0, W, H);
    const n = this.spec.length;
    const bw = W / n;
    for (let i = 0; i < n; i++) {
      const v = this.spec[i];
      const h = Math.max(1, v * (H - 2));
      ctx.fillStyle = `hsl(${(i / n) * 300},85%,${35 + v * 30}%)`;
      ctx.fillRect(i * bw + bw * 0.1, H - h, Math.max(1, bw * 0.8), h);
    }
  }

  drawChroma() {
    const cv = this.c.chroma;
    const ctx = cv.getContext('2d');
    const { width: W, height: H } = cv;
    ctx.clearRect(0, 0, W, H);
    const cw = W / 12;
    const labelH = Math.min(18 * (window.devicePixelRatio || 1), H * 0.35);
    ctx.font = `${Math.round(labelH * 0.7)}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    let top = 0;
    for (let i = 1; i < 12; i++) if (this.chroma[i] > this.chroma[top]) top = i;
    for (let i = 0; i < 12; i++) {
      const v = this.chroma[i];
      ctx.fillStyle = `hsla(${i * 30},80%,55%,${0.12 + v * 0.88})`;
      ctx.fillRect(i * cw + 1, 0, cw - 2, H - labelH - 2);
      ctx.fillStyle = i === top && v > 0.05 ? '#fff' : '#8a92a6';
      ctx.fillText(NOTES[i], i * cw + cw / 2, H - labelH / 2);
    }
  }

  drawBeat(now, dt) {
    const cv = this.c.beat;
    const ctx = cv.getContext('2d');
    const { width: W, height: H } = cv;
    const cx = W / 2;
    const cy = H / 2;
    const R = Math.min(W, H) / 2 - 8;
    let phase = this.phase;
    if (this.hasPhase && this.bpm > 0) phase += ((now - this.phaseAt) / 1000) * (this.bpm / 60);
    phase -= Math.floor(phase);
    if (phase < this.prevPhase - 0.5 && this.hasPhase) this.flash = 1;
    this.prevPhase = phase;
    this.flash = Math.max(0, this.flash - dt * 4);
    ctx.clearRect(0, 0, W, H);
    ctx.lineWidth = 3;
    ctx.strokeStyle = '#252a36';
    ctx.beginPath();
    ctx.arc(cx, cy, R, 0, Math.PI * 2);
    ctx.stroke();
    if (!this.hasPhase) return;
    const conf = this.confidence;
    ctx.fillStyle = `rgba(255,190,90,${0.15 + 0.6 * this.flash * conf})`;
    ctx.beginPath();
    ctx.arc(cx, cy, R * (0.35 + 0.25 * this.flash), 0, Math.PI * 2);
    ctx.fill();
    const a = phase * Math.PI * 2 - Math.PI / 2;
    ctx.strokeStyle = `rgba(255,190,90,${0.35 + 0.65 * conf})`;
    ctx.beginPath();
    ctx.arc(cx, cy, R, -Math.PI / 2, a);
    ctx.stroke();
    ctx.fillStyle = '#ffd08a';
    ctx.beginPath();
    ctx.arc(cx + Math.cos(a) * R, cy + Math.sin(a) * R, 5, 0, Math.PI * 2);
    ctx.fill();
  }
}

function clamp01(v) {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}

function fit(cv) {
  const dpr = Math.min(window.devicePixelRatio || 1, 2);
  const w = Math.max(1, Math.round(cv.clientWidth * dpr));
  const h = Math.max(1, Math.round(cv.clientHeight * dpr));
  if (cv.width !== w || cv.height !== h) {
    cv.width = w;
    cv.height = h;
  }
}
