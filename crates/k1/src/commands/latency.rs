//! `k1 latency`: click→light latency through the real engine threads.
//!
//! A click train is played by a paced source on the real audio thread, analysed, published
//! through the seqlock, drawn by the real render thread and offered to a watching sink on its own
//! thread, all on the wall clock, exactly as `k1 run` would play a file. For each click the
//! watcher keeps the last frame rendered before the click's first sample was due, and finds the
//! first later frame in which some LED's brightest channel rose by at least the threshold. The
//! latency runs from the sample's due time (when a listener hears it) to that frame: as it left
//! the renderer, and as the sink received it, which is when an LED output would send it.
//!
//! What reacts: the render loop draws the smoothed spectrum. A click is broadband, and the top
//! notes' windows are a few milliseconds long, so the ends of the strip light within the hop
//! that holds the click (if the click is not in its last few samples) or the next one; the low
//! notes follow tens of milliseconds later. The first visible change, which is what this
//! measures, is that top end.

use std::io::Write;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use crate::cli::LatencyJob;
use k1_engine::{EngineConfig, Look, Metrics, StopReason, Supervisor};
use k1_io::clock::{Clock, MonotonicClock, Nanos, samples_nanos};
use k1_io::events::Event;
use k1_io::messages::{note, warn};
use k1_io::sinks::{Frame, Sink, SinkError};
use k1_io::sources::ClipSource;
use k1_io::sources::live::{LiveSource, Paced, SharedStart};

/// Silence before the first click, seconds: the threads start, the analyser settles.
const LEAD_SECONDS: f64 = 1.0;
/// Silence after the last click, seconds, so its response is seen.
const TAIL_SECONDS: f64 = 0.5;
/// Length of a click, seconds.
const CLICK_SECONDS: f64 = 0.0025;
/// Decay time constant of a click, seconds.
const CLICK_DECAY_SECONDS: f32 = 0.0006;
/// Peak amplitude of a click.
const CLICK_AMPLITUDE: f32 = 0.8;

/// A click train: the samples, and the index of each click's first sample.
#[derive(Clone, Debug)]
pub struct ClickTrain {
    /// Mono samples at the engine rate.
    pub samples: Vec<f32>,
    /// First sample of each click.
    pub clicks: Vec<u64>,
}

/// `count` clicks every `interval` seconds after a second of silence, at `rate` Hz. Click `k`
/// is moved `(37 k) mod hop` samples into its hop, so successive clicks start at every position
/// within a hop (37 is odd, so with a power-of-two hop all positions come up).
pub fn click_train(rate: u32, hop: usize, count: u32, interval: f64) -> ClickTrain {
    let rate_f = f64::from(rate);
    let lead = (LEAD_SECONDS * rate_f) as u64;
    let step = ((interval * rate_f) as u64 / hop as u64).max(1) * hop as u64;
    let len = (CLICK_SECONDS * rate_f).ceil() as usize;
    let clicks: Vec<u64> = (0..u64::from(count))
        .map(|k| lead + k * step + (37 * k) % hop as u64)
        .collect();
    let total = clicks.last().copied().unwrap_or(lead) + step + (TAIL_SECONDS * rate_f) as u64;
    let mut samples = vec![0.0f32; usize::try_from(total).unwrap_or(0)];
    let mut seed = 0x2545_f491_u32;
    let decay = (-1.0 / (CLICK_DECAY_SECONDS * rate as f32)).exp();
    for &c in &clicks {
        let mut gain = CLICK_AMPLITUDE;
        for i in 0..len {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let noise = (seed >> 8) as f32 / (1u32 << 23) as f32 - 1.0;
            if let Some(s) = usize::try_from(c).ok().and_then(|c| samples.get_mut(c + i)) {
                *s = gain * noise;
            }
            gain *= decay;
        }
    }
    ClickTrain { samples, clicks }
}

/// The same clicks without threads or clocks: the click train through the analyser and the
/// render loop's view, one frame per hop. For each click, the time from its first sample to the
/// end of the first hop whose frame responds (the same rule as the watcher): the part of the
/// latency that is the analysis and the view, which no scheduling can remove.
pub fn offline_response(
    train: &ClickTrain,
    config: k1_core::Config,
    leds: usize,
    threshold: f32,
) -> Result<Vec<Nanos>, k1_core::ConfigError> {
    let mut analyzer = Box::new(k1_core::Analyzer::new(config)?);
    let hop = config.hop;
    let mut scratch = vec![k1_core::render::Rgb::BLACK; leds];
    let mut frame = vec![k1_core::color::Rgb8::BLACK; leds];
    let mut before: Vec<f32> = vec![0.0; leds];
    let mut out = Vec::with_capacity(train.clicks.len());
    let mut clicks = train.clicks.iter().peekable();
    let mut pending: Option<u64> = None;
    for (h, chunk) in train.samples.chunks_exact(hop).enumerate() {
        let end = (h as u64 + 1) * hop as u64;
        if pending.is_none() {
            pending = clicks.next_if(|&&c| c < end).copied();
        }
        let Ok(snapshot) = analyzer.process_hop(chunk) else {
            break;
        };
        k1_engine::probe(snapshot, &mut scratch, &mut frame);
        if let Some(click) = pending {
            let rise = frame
                .iter()
                .zip(&before)
                .map(|(c, b)| level(c) - b)
                .fold(f32::MIN, f32::max);
            if rise >= threshold {
                out.push(samples_nanos(end - (click + 1), config.sample_rate));
                pending = None;
            }
        }
        if pending.is_none() {
            // The reference for the next click: the frame before its hop.
            for (b, c) in before.iter_mut().zip(&frame) {
                *b = level(c);
            }
        }
    }
    Ok(out)
}

/// What the watcher found for one click.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ClickResult {
    /// When the click's first sample was due, engine clock.
    pub due: Nanos,
    /// When the first responding frame left the renderer (None: no response).
    pub rendered: Option<Nanos>,
    /// When the sink received it.
    pub received: Option<Nanos>,
    /// The watcher missed a frame between the reference and the response (the figure may be up
    /// to one frame late).
    pub gap: bool,
}

/// A sink that watches every frame for the responses to the clicks.
struct Watcher {
    clock: MonotonicClock,
    start: Arc<SharedStart>,
    rate: u32,
    clicks: Vec<u64>,
    threshold: f32,
    /// How long after a click a response may come.
    window: Nanos,
    next: usize,
    /// Brightest channel per LED of the last frame before the pending click.
    reference: Vec<f32>,
    reference_index: Option<u64>,
    /// The newest frame seen, and whether a frame was missed since the reference.
    last_index: Option<u64>,
    gapped: bool,
    results: Arc<Mutex<Vec<ClickResult>>>,
}

impl Watcher {
    fn due(&self, start: Nanos, k: usize) -> Option<Nanos> {
        let sample = *self.clicks.get(k)?;
        Some(start + samples_nanos(sample + 1, self.rate))
    }

    fn record(&mut self, result: ClickResult) {
        if let Ok(mut r) = self.results.lock() {
            r.push(result);
        }
        self.next += 1;
        self.reference_index = None;
    }
}

fn level(c: &k1_core::color::Rgb8) -> f32 {
    f32::from(c.r.max(c.g).max(c.b)) / 255.0
}

impl Sink for Watcher {
    fn name(&self) -> &str {
        "click watcher"
    }

    fn write(&mut self, frame: &Frame) -> Result<(), SinkError> {
        let received = self.clock.now();
        let skipped = self.last_index.is_some_and(|l| frame.index > l + 1);
        self.last_index = Some(frame.index);
        let Some(start) = self.start.get() else {
            return Ok(());
        };
        let Some(due) = self.due(start, self.next) else {
            return Ok(());
        };
        if frame.rendered_at < due {
            // Still before the click: this frame is the reference.
            self.reference.clear();
            self.reference.extend(frame.leds.iter().map(level));
            self.reference_index = Some(frame.index);
            self.gapped = false;
            return Ok(());
        }
        self.gapped |= skipped;
        let rise = frame
            .leds
            .iter()
            .zip(&self.reference)
            .map(|(c, r)| level(c) - r)
            .fold(f32::MIN, f32::max);
        if self.reference_index.is_some() && rise >= self.threshold {
            self.record(ClickResult {
                due,
                rendered: Some(frame.rendered_at),
                received: Some(received),
                gap: self.gapped,
            });
        } else if frame.rendered_at > due + self.window || self.reference_index.is_none() {
            // No response in time, or no frame seen before the click to compare with.
            self.record(ClickResult {
                due,
                ..ClickResult::default()
            });
        }
        Ok(())
    }
}

/// Prints what the engine says (warnings only).
struct Quiet;

impl Supervisor for Quiet {
    fn event(&mut self, event: &Event) {
        if let Event::Warning(m) = event {
            warn(m);
        }
    }
    fn second(&mut self, _window: &Metrics, _total: &Metrics) {}
}

/// Quantiles of a list of nanosecond figures, ms: (p50, p99, max), nearest rank.
pub fn quantiles_ms(values: &[Nanos]) -> Option<(f64, f64, f64)> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_unstable();
    let rank = |q: f64| {
        let i = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1;
        v.get(i).map(|&ns| ns as f64 / 1e6)
    };
    Some((rank(0.50)?, rank(0.99)?, *v.last()? as f64 / 1e6))
}

/// Runs `k1 latency` and prints its report.
pub fn run(job: LatencyJob) -> anyhow::Result<()> {
    let rate = job.config.sample_rate;
    let hop = job.config.hop;
    let interval = job.interval.as_secs_f64();
    let train = click_train(rate, hop, job.clicks, interval);
    let clock = MonotonicClock::new();
    let start = Arc::new(SharedStart::default());
    let clip = ClipSource::new("click train".into(), &train.samples, rate, 1, rate)?;
    let paced =
        Paced::new(clip, "click train".into(), rate, hop).with_shared_start(Arc::clone(&start), 0);
    let open: k1_engine::OpenSource = Box::new(move || Ok(Box::new(paced) as Box<dyn LiveSource>));
    let results = Arc::new(Mutex::new(Vec::new()));
    let watcher = Watcher {
        clock,
        start,
        rate,
        clicks: train.clicks.clone(),
        threshold: job.threshold,
        window: (job.interval.as_nanos() as u64) * 3 / 4,
        next: 0,
        reference: Vec::with_capacity(job.leds),
        reference_index: None,
        last_index: None,
        gapped: false,
        results: Arc::clone(&results),
    };
    let config = EngineConfig {
        pin_threads: job.pin,
        realtime: job.realtime,
        look: Look::Probe,
        ..EngineConfig::new(job.config, job.fps, job.leds)
    };
    let hop_ms = hop as f64 * 1e3 / f64::from(rate);
    let frame_ms = 1e3 / f64::from(job.fps);
    note(format!(
        "latency: {} clicks, {:.0} ms apart ({:.0} s)",
        job.clicks,
        interval * 1e3,
        train.samples.len() as f64 / f64::from(rate)
    ));
    let stop = AtomicBool::new(false);
    let outcome = k1_engine::run(
        &config,
        open,
        vec![Box::new(watcher)],
        &clock,
        &stop,
        &mut Quiet,
    )?;
    if let StopReason::SourceFailed(why) = &outcome.reason {
        anyhow::bail!("the click source failed: {why}");
    }
    let results = results.lock().map(|r| r.clone()).unwrap_or_default();
    let offline = offline_response(&train, job.config, job.leds, job.threshold)?;
    let report = Report {
        job: &job,
        results: &results,
        offline: &offline,
        metrics: &outcome.metrics,
        target_ms: hop_ms + frame_ms,
        hop_ms,
        frame_ms,
    };
    let mut out = std::io::stdout().lock();
    write!(out, "{}", report.text())?;
    out.flush()?;
    if !report.passed() {
        anyhow::bail!("the latency target was missed (see the report above)");
    }
    Ok(())
}

/// The findings of a run.
struct Report<'a> {
    job: &'a LatencyJob,
    results: &'a [ClickResult],
    /// The analysis's own share per click, from [`offline_response`].
    offline: &'a [Nanos],
    metrics: &'a Metrics,
    target_ms: f64,
    hop_ms: f64,
    frame_ms: f64,
}

impl Report<'_> {
    fn responded(&self) -> usize {
        self.results.iter().filter(|r| r.received.is_some()).count()
    }

    fn light(&self) -> Option<(f64, f64, f64)> {
        let v: Vec<Nanos> = self
            .results
            .iter()
            .filter_map(|r| r.received.map(|t| t.saturating_sub(r.due)))
            .collect();
        quantiles_ms(&v)
    }

    fn rendered(&self) -> Option<(f64, f64, f64)> {
        let v: Vec<Nanos> = self
            .results
            .iter()
            .filter_map(|r| r.rendered.map(|t| t.saturating_sub(r.due)))
            .collect();
        quantiles_ms(&v)
    }

    fn passed(&self) -> bool {
        self.responded() == self.job.clicks as usize
            && self
                .light()
                .is_some_and(|(_, p99, _)| p99 <= self.target_ms)
    }

    fn text(&self) -> String {
        let j = self.job;
        let m = self.metrics;
        let mut s = format!(
            "k1 latency: {} clicks through the live engine ({} Hz, hop {} = {:.2} ms, {} FPS = {:.2} ms, {} LEDs)\n",
            j.clicks, j.config.sample_rate, j.config.hop, self.hop_ms, j.fps, self.frame_ms, j.leds
        );
        let gaps = self.results.iter().filter(|r| r.gap).count();
        s += &format!(
            "  responded  {} of {} (some LED's brightest channel >= {} above the last frame before the click){}\n",
            self.responded(),
            j.clicks,
            j.threshold,
            if gaps > 0 {
                format!("; {gaps} seen after a frame the watcher missed")
            } else {
                String::new()
            }
        );
        let fmt = |q: Option<(f64, f64, f64)>| {
            q.map_or("no responses".into(), |(p50, p99, max)| {
                format!("p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms")
            })
        };
        s += &format!(
            "  to light   {}  (click sample due -> sink receives the frame)\n",
            fmt(self.light())
        );
        s += &format!(
            "  rendered   {}  (click sample due -> frame leaves the renderer)\n",
            fmt(self.rendered())
        );
        s += &format!(
            "  analysis   {}  (the same clicks offline, no threads: click sample -> end of the first hop whose view responds)\n",
            fmt(quantiles_ms(self.offline))
        );
        s += &format!(
            "  engine     {:.1} FPS, {} frame + {} hop deadline misses, {} torn reads, {} sink drops; hop time p99 {:.3} ms\n",
            m.fps, m.frame_misses, m.hop_misses, m.torn_reads, m.sink_drops, m.hop_time.p99_ms
        );
        let verdict = if self.passed() { "PASS" } else { "FAIL" };
        s += &format!(
            "  {verdict}  to-light p99 <= {:.2} ms (one hop + one frame){}\n",
            self.target_ms,
            if self.responded() < j.clicks as usize {
                ", and every click answered"
            } else {
                ""
            }
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clicks_visit_every_position_in_a_hop() {
        let train = click_train(12_800, 64, 64, 0.2);
        assert_eq!(train.clicks.len(), 64);
        let mut positions: Vec<u64> = train.clicks.iter().map(|c| c % 64).collect();
        positions.sort_unstable();
        positions.dedup();
        assert_eq!(positions.len(), 64);
        // Each click starts on its sample and is silent before it.
        for &c in &train.clicks {
            let c = c as usize;
            assert!(train.samples[c].abs() > 0.0);
            assert_eq!(train.samples[c - 1], 0.0);
        }
        // A second of silence first, half a second after the last click's interval.
        assert_eq!(train.clicks[0], 12_800);
        assert!(train.samples.len() as u64 > train.clicks[63] + 6_400);
        assert!(train.samples.iter().all(|s| s.abs() <= CLICK_AMPLITUDE));
    }

    #[test]
    fn offline_every_click_responds_within_two_hops() {
        let train = click_train(12_800, 64, 64, 0.2);
        let offline = offline_response(&train, k1_core::Config::DEFAULT, 320, 0.02).unwrap();
        assert_eq!(offline.len(), 64);
        // From the click to the end of its own hop or of the next one: under 10 ms.
        assert!(offline.iter().all(|&ns| ns < 10_000_000), "{offline:?}");
        // Clicks early in a hop show in that hop: some responses come in under one hop.
        assert!(offline.iter().any(|&ns| ns < 5_000_000), "{offline:?}");
    }

    #[test]
    fn nearest_rank_quantiles() {
        let v: Vec<Nanos> = (1..=100).map(|i| i * 1_000_000).collect();
        assert_eq!(quantiles_ms(&v), Some((50.0, 99.0, 100.0)));
        assert_eq!(quantiles_ms(&[3_000_000]), Some((3.0, 3.0, 3.0)));
        assert_eq!(quantiles_ms(&[]), None);
    }

    fn frame(index: u64, at: Nanos, level: f32) -> Frame {
        let mut f = Frame::new(4);
        f.index = index;
        f.rendered_at = at;
        f.leds[3] = k1_core::color::Rgb8 {
            r: (level * 255.0).round() as u8,
            g: 0,
            b: 0,
        };
        f
    }

    /// A watcher of clicks at `clicks` (sample indices) whose stream started at `start`.
    fn watcher(start: Nanos, clicks: Vec<u64>, window: Nanos) -> (Watcher, Results) {
        let shared = Arc::new(SharedStart::default());
        shared.set(start);
        let results: Results = Arc::default();
        let w = Watcher {
            clock: MonotonicClock::new(),
            start: shared,
            rate: 12_800,
            clicks,
            threshold: 0.02,
            window,
            next: 0,
            reference: Vec::new(),
            reference_index: None,
            last_index: None,
            gapped: false,
            results: Arc::clone(&results),
        };
        (w, results)
    }

    type Results = Arc<Mutex<Vec<ClickResult>>>;

    #[test]
    fn the_watcher_times_the_first_frame_that_rises() {
        // One click at sample 127: due at start + 128 samples = start + 10 ms.
        let (mut w, results) = watcher(1_000, vec![127], 100_000_000);
        let due = 1_000 + 10_000_000;
        // Decaying light before the click, a frame after it that only decays, then a rise.
        w.write(&frame(0, due - 6_000_000, 0.5)).unwrap();
        w.write(&frame(1, due - 1_000_000, 0.4)).unwrap();
        w.write(&frame(2, due + 4_000_000, 0.41)).unwrap();
        w.write(&frame(3, due + 9_000_000, 0.45)).unwrap();
        let r = results.lock().unwrap().clone();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].due, due);
        assert_eq!(r[0].rendered, Some(due + 9_000_000));
        assert!(!r[0].gap);
    }

    #[test]
    fn a_missed_frame_before_the_response_is_flagged() {
        let (mut w, results) = watcher(1, vec![0], 100_000_000);
        w.write(&frame(0, 0, 0.0)).unwrap();
        w.write(&frame(2, 6_000_000, 0.3)).unwrap();
        let r = results.lock().unwrap().clone();
        assert_eq!(r.len(), 1);
        assert!(r[0].gap);
    }

    #[test]
    fn no_response_in_the_window_is_recorded_as_none() {
        let (mut w, results) = watcher(1, vec![0], 50_000_000);
        w.write(&frame(0, 0, 0.1)).unwrap();
        w.write(&frame(1, 30_000_000, 0.1)).unwrap();
        assert!(results.lock().unwrap().is_empty());
        w.write(&frame(2, 60_000_000, 0.1)).unwrap();
        let r = results.lock().unwrap().clone();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].received, None);
    }
}
