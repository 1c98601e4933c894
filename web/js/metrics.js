// The engine panel: the live metrics (FPS, latency, misses, torn reads, ...) and the device.

/** Fills `dl` with `[label, value, bad?]` rows, reusing its elements (it runs often). */
export function fillList(dl, rows) {
  while (dl.children.length > rows.length) dl.lastElementChild.remove();
  rows.forEach(([label, value, bad], i) => {
    let div = dl.children[i];
    if (!div) {
      div = document.createElement('div');
      div.append(document.createElement('dt'), document.createElement('dd'));
      dl.appendChild(div);
    }
    div.firstChild.textContent = label;
    div.lastChild.textContent = value;
    div.classList.toggle('bad', Boolean(bad));
    div.dataset.metric = label;
  });
}

const ms = (q) => (q && Number.isFinite(q.p50_ms) ? `${q.p50_ms.toFixed(2)} / ${q.p99_ms.toFixed(2)} ms` : '–');
const n = (v) => (Number.isFinite(v) ? String(v) : '–');

/** Rows for the engine's Metrics object (`/api/device/performance`, telemetry `metrics`). */
export function metricRows(m) {
  if (!m || typeof m !== 'object') return [];
  const misses = (m.frame_misses ?? 0) + (m.hop_misses ?? 0);
  const rows = [
    ['FPS', Number.isFinite(m.fps) ? m.fps.toFixed(1) : '–'],
    ['Latency p50 / p99', ms(m.latency), m.latency && m.latency.p99_ms >= 20],
    ['Frame time p50 / p99', ms(m.frame_time)],
    ['Hop time p50 / p99', ms(m.hop_time)],
    ['Deadline misses', `${n(misses)} (frames ${n(m.frame_misses)}, hops ${n(m.hop_misses)})`, misses > 0],
    ['Torn reads', n(m.torn_reads), m.torn_reads > 0],
    ['Seqlock retries / fallbacks', `${n(m.seqlock_retries)} / ${n(m.seqlock_fallbacks)}`],
    ['Hops / s', Number.isFinite(m.hops_per_second) ? m.hops_per_second.toFixed(1) : '–'],
  ];
  if (m.sink_frames || m.sink_drops || m.sink_errors) {
    rows.push(['Sink frames / drops / errors', `${n(m.sink_frames)} / ${n(m.sink_drops)} / ${n(m.sink_errors)}`, m.sink_errors > 0]);
  }
  if (m.source_underruns || m.source_errors || m.audio_overruns) {
    rows.push(['Audio underruns / errors / overruns', `${n(m.source_underruns)} / ${n(m.source_errors)} / ${n(m.audio_overruns)}`, true]);
  }
  if (Number.isFinite(m.seconds)) rows.push(['Window', `${m.seconds.toFixed(1)} s`]);
  return rows;
}

/** "3 h 05 min", "42 s". */
export function duration(seconds) {
  if (!Number.isFinite(seconds)) return '–';
  const s = Math.floor(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
