//! The render loop: at every deadline, reads the newest snapshot and parameters, draws the frame
//! and offers it to the sinks.
//!
//! It never waits on audio (the snapshot read is a bounded seqlock read) or on a sink (the frame
//! slot uses `try_lock`). Per frame it reads the clock, sleeps until the deadline, and
//! updates relaxed atomics; it does not allocate, lock or print.

use std::sync::atomic::{AtomicBool, Ordering};

use k1_core::render::spectrum_view;

use super::exchange::{ParamLock, PublishedLock};
use super::metrics::MetricsHub;
use super::pacing::Pacer;
use super::phase::PhaseLock;
use crate::clock::{Clock, Nanos};
use crate::sinks::{Frame, FrameSlot};

/// Everything the render loop uses.
pub struct RenderLoop<'a> {
    /// Snapshots from the audio loop.
    pub snapshots: &'a PublishedLock,
    /// Parameters from the UI.
    pub params: &'a ParamLock,
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
    /// LEDs in a frame.
    pub leds: usize,
    /// The sink threads, woken (never waited for) when a frame is offered.
    pub sinks: &'a [std::thread::Thread],
    /// Set when the engine stops.
    pub stop: &'a AtomicBool,
}

impl RenderLoop<'_> {
    /// Renders until `stop`.
    pub fn run(self) {
        let m = self.metrics;
        let mut snapshots = self.snapshots.reader();
        let mut params = self.params.reader();
        let mut frame = Frame::new(self.leds);
        let mut pacer = Pacer::new(self.clock.now(), self.period);
        let mut phase = PhaseLock::new(self.period, self.hop_period);
        let (mut retries, mut fallbacks) = (0u64, 0u64);
        let mut rendered = 0u64;
        while !self.stop.load(Ordering::Relaxed) {
            let tick = pacer.wait(self.clock);
            m.wake_jitter.record(tick.woke - tick.deadline);

            let p = *params.read();
            let published = snapshots.read();
            if !published.consistent() {
                m.torn_reads.fetch_add(1, Ordering::Relaxed);
            }
            pacer.shift(phase.observe(tick.deadline, published.snapshot.hop, published.published));
            let lit = (p.leds as usize).min(frame.leds.len());
            let (on, off) = frame.leds.split_at_mut(lit);
            spectrum_view(&published.snapshot, on);
            if p.brightness < 1.0 {
                for led in on.iter_mut() {
                    *led = led.scaled(p.brightness);
                }
            }
            off.fill(k1_core::render::Rgb::BLACK);
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
