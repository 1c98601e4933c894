//! The render loop: at every deadline, reads the newest snapshot and settings, draws the frame
//! with the pattern renderer and the colour pipeline, and offers it to the sinks.
//!
//! It never waits on audio (the snapshot read is a bounded seqlock read), on a controller (the
//! settings are a seqlock too) or on a sink (the frame slot uses `try_lock`). Per frame it reads
//! the clock, sleeps until the deadline, and updates relaxed atomics; it does not allocate, lock
//! or print.

use std::sync::atomic::{AtomicBool, Ordering};

use k1_core::color::{Pipeline, PipelineConfig, Rgb8};
use k1_core::render::{Layout, MAX_LEDS, PowerFade, Renderer, Rgb, spectrum_view};

use super::exchange::{PublishedLock, SettingsLock};
use super::metrics::MetricsHub;
use super::pacing::Pacer;
use super::phase::PhaseLock;
use k1_io::clock::{Clock, Nanos};
use k1_io::sinks::{Frame, FrameSlot};

/// What the render loop draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Look {
    /// The selected pattern through the colour pipeline: what a user sees.
    #[default]
    Patterns,
    /// The raw spectrum, linear, with no smoothing after the analysis: a probe for `k1 latency`,
    /// which must see a click in the first frame that can show it. The patterns and the
    /// pipeline's softness add their own (deliberate) visual smoothing on top.
    Probe,
}

/// Everything the render loop uses.
pub struct RenderLoop<'a> {
    /// Snapshots from the audio loop.
    pub snapshots: &'a PublishedLock,
    /// Settings from the controllers.
    pub settings: &'a SettingsLock,
    /// Where finished frames go.
    pub slot: &'a FrameSlot,
    /// Shared metrics.
    pub metrics: &'a MetricsHub,
    /// The engine clock.
    pub clock: &'a dyn Clock,
    /// Frame period, ns.
    pub period: Nanos,
    /// Hop period of the analysis, ns (for the phase lock).
    pub hop_period: Nanos,
    /// The LED layout.
    pub layout: Layout,
    /// What to draw.
    pub look: Look,
    /// The sink threads, woken (never waited for) when a frame is offered.
    pub sinks: &'a [std::thread::Thread],
    /// The outputs started on the board, whose threads come and go while it runs: woken the
    /// same way (the list is copied only when it changes, with `try_lock`).
    pub live: &'a crate::live_outputs::OutputBoard,
    /// Set when the engine stops (by the render loop itself at `end`).
    pub stop: &'a AtomicBool,
    /// The engine-clock time at which the run is over (`EngineConfig::run_for`), if any: the
    /// last frame drawn is the last one due before it. Ending on the loop's own deadline rather
    /// than when the supervisor next looks makes a timed run's length exact on a virtual clock.
    pub end: Option<Nanos>,
}

/// The renderer, the colour pipeline and their scratch, made once before the loop.
struct Painter {
    renderer: Box<Renderer<MAX_LEDS>>,
    pipeline: Box<Pipeline<MAX_LEDS>>,
    linear: Vec<Rgb>,
    pattern: u32,
    power: PowerFade,
    look: Look,
}

impl Painter {
    fn new(layout: Layout, look: Look, settings: &super::RenderSettings) -> Self {
        Self {
            renderer: Box::new(Renderer::new(layout, settings.pattern_id())),
            pipeline: Box::new(Pipeline::new(PipelineConfig::DEFAULT)),
            linear: vec![Rgb::BLACK; layout.leds()],
            pattern: settings.pattern,
            power: PowerFade::new(settings.powered()),
            look,
        }
    }

    /// Draws one frame of `settings` over `snapshot` into `out`, `dt` seconds after the last.
    fn paint(
        &mut self,
        snapshot: &k1_core::Snapshot,
        settings: &super::RenderSettings,
        dt: f32,
        out: &mut [Rgb8],
    ) {
        match self.look {
            Look::Patterns => {
                if settings.pattern != self.pattern {
                    self.pattern = settings.pattern;
                    self.renderer.set_pattern(settings.pattern_id());
                }
                let standby = settings.standby != 0;
                if standby != self.renderer.standby() {
                    self.renderer.set_standby(standby);
                }
                self.power.set(settings.powered());
                self.renderer
                    .render(snapshot, &settings.params, dt, &mut self.linear);
                self.power.apply(dt, &mut self.linear);
                if self.power.dark() {
                    // Off: true black, and the pipeline's memory forgotten so that switching
                    // on fades in from black rather than from the last frame.
                    self.pipeline.reset();
                    out.fill(Rgb8::BLACK);
                    return;
                }
                let n = self
                    .pipeline
                    .process(&self.linear, &settings.params, dt, out);
                out[n..].fill(Rgb8::BLACK);
            }
            Look::Probe => probe(snapshot, &mut self.linear, out),
        }
    }
}

/// Draws [`Look::Probe`]: the raw spectrum view of `snapshot` into `scratch`, then as linear
/// bytes into `out` (the shorter of the two sets the length). `k1 latency` uses it offline too,
/// so its two measurements see the same frames.
pub fn probe(snapshot: &k1_core::Snapshot, scratch: &mut [Rgb], out: &mut [Rgb8]) {
    spectrum_view(snapshot, scratch);
    for (o, c) in out.iter_mut().zip(scratch.iter()) {
        *o = linear_bytes(c);
    }
}

/// A linear colour as bytes without gamma (the probe's levels stay proportional to the analysis).
fn linear_bytes(c: &Rgb) -> Rgb8 {
    let byte = |v: f32| (v.clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
    Rgb8 {
        r: byte(c.r),
        g: byte(c.g),
        b: byte(c.b),
    }
}

impl RenderLoop<'_> {
    /// Renders until `stop`, or until the first deadline at or after `end`.
    pub fn run(self) {
        let m = self.metrics;
        let mut snapshots = self.snapshots.reader();
        let mut settings = self.settings.reader();
        let mut painter = Painter::new(self.layout, self.look, settings.read());
        let mut frame = Frame::new(self.layout.leds());
        let mut live = crate::live_outputs::LiveWakers::default();
        let mut pacer = Pacer::new(self.clock.now(), self.period);
        let mut phase = PhaseLock::new(self.period, self.hop_period);
        let (mut retries, mut fallbacks) = (0u64, 0u64);
        let mut rendered = 0u64;
        let mut last_woke: Option<Nanos> = None;
        while !self.stop.load(Ordering::Relaxed) {
            let tick = pacer.wait(self.clock);
            if self.end.is_some_and(|end| tick.deadline >= end) {
                self.stop.store(true, Ordering::Relaxed);
                break;
            }
            m.wake_jitter.record(tick.woke - tick.deadline);
            let dt = last_woke.map_or(self.period, |l| tick.woke.saturating_sub(l));
            last_woke = Some(tick.woke);

            let s = *settings.read();
            let published = snapshots.read();
            if !published.consistent() {
                m.torn_reads.fetch_add(1, Ordering::Relaxed);
            }
            pacer.shift(phase.observe(tick.deadline, published.snapshot.hop, published.published));
            painter.paint(&published.snapshot, &s, dt as f32 * 1e-9, &mut frame.leds);
            let has_audio = published.snapshot.hop > 0;
            let captured = published.captured;
            frame.bpm = published.snapshot.bpm;
            frame.confidence = published.snapshot.confidence;
            frame.index = rendered;
            let now = self.clock.now();
            frame.rendered_at = now;
            frame.latency = if has_audio {
                now.saturating_sub(captured)
            } else {
                0
            };
            if self.slot.offer(&frame) {
                // Unpark never blocks: it sets the thread's token and, if it sleeps, wakes it.
                for sink in self.sinks {
                    sink.unpark();
                }
                live.wake(self.live);
            } else {
                m.sink_drops.fetch_add(1, Ordering::Relaxed);
            }
            let done = self.clock.now();

            if has_audio {
                m.latency.record(done.saturating_sub(captured));
            }
            m.frame_time.record(done - tick.woke);
            if done > tick.deadline + self.period {
                m.frame_misses.fetch_add(1, Ordering::Relaxed);
            }
            m.frames.fetch_add(1, Ordering::Relaxed);
            rendered += 1;
            let (r, f) = (snapshots.retries(), snapshots.fallbacks());
            m.seqlock_retries.fetch_add(r - retries, Ordering::Relaxed);
            m.seqlock_fallbacks
                .fetch_add(f - fallbacks, Ordering::Relaxed);
            (retries, fallbacks) = (r, f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RenderSettings;
    use k1_core::params::Params;
    use k1_core::render::{POWER_FADE_SECONDS, PatternId};

    fn lit(frame: &[Rgb8]) -> usize {
        frame.iter().filter(|c| **c != Rgb8::BLACK).count()
    }

    #[test]
    fn the_power_switch_fades_to_black_and_back() {
        let on = RenderSettings::new(PatternId::Departure, Params::DEFAULT);
        let off = RenderSettings { power: 0, ..on };
        let layout = Layout::centre_out(160).unwrap();
        let mut painter = Painter::new(layout, Look::Patterns, &on);
        let snapshot = k1_core::Snapshot::EMPTY;
        let mut out = vec![Rgb8::BLACK; 320];
        let dt = 0.01;
        let frames = |seconds: f32| (seconds / dt).ceil() as usize;
        for _ in 0..frames(0.5) {
            painter.paint(&snapshot, &on, dt, &mut out);
        }
        let full = lit(&out);
        assert!(full > 160, "a still gradient lights the strip: {full} LEDs");
        // Half way through the fade the light is dimmer but not out.
        for _ in 0..frames(POWER_FADE_SECONDS / 2.0) {
            painter.paint(&snapshot, &off, dt, &mut out);
        }
        assert!(lit(&out) > 0, "not black half way");
        for _ in 0..frames(POWER_FADE_SECONDS) {
            painter.paint(&snapshot, &off, dt, &mut out);
        }
        assert_eq!(lit(&out), 0, "black once faded");
        for _ in 0..frames(POWER_FADE_SECONDS + 0.5) {
            painter.paint(&snapshot, &on, dt, &mut out);
        }
        assert!(
            lit(&out) >= full * 9 / 10,
            "back on: {} of {full}",
            lit(&out)
        );
    }

    #[test]
    fn settings_restored_off_start_black() {
        let off = RenderSettings {
            power: 0,
            ..RenderSettings::new(PatternId::Departure, Params::DEFAULT)
        };
        let layout = Layout::centre_out(160).unwrap();
        let mut painter = Painter::new(layout, Look::Patterns, &off);
        let mut out = vec![Rgb8 { r: 1, g: 1, b: 1 }; 320];
        painter.paint(&k1_core::Snapshot::EMPTY, &off, 0.01, &mut out);
        assert_eq!(lit(&out), 0);
    }
}
