//! The audio loop: pulls hops from the live source, analyses them and publishes each snapshot.
//!
//! It never waits on the renderer: publishing is a seqlock write. Per hop it reads the clock
//! twice and does relaxed atomic adds; it does not allocate, lock or print (events go through a
//! channel, and only on state changes).

use std::sync::atomic::{AtomicBool, Ordering};

use k1_core::Analyzer;

use super::audio_control::AudioControl;
use super::exchange::{Published, PublishedWriter};
use super::metrics::MetricsHub;
use crate::clock::{Clock, Nanos};
use crate::events::{Event, Events};
use crate::sources::live::{HopRead, LiveSource, SourceCtx};

/// Everything the audio loop uses.
pub struct AudioLoop<'a> {
    /// Where hops come from.
    pub source: Box<dyn LiveSource>,
    /// The analyser (boxed: it is large).
    pub analyzer: Box<Analyzer>,
    /// The snapshot exchange's writing end.
    pub writer: PublishedWriter<'a>,
    /// Shared metrics.
    pub metrics: &'a MetricsHub,
    /// Gain and calibration requests from controllers.
    pub control: &'a AudioControl,
    /// The engine clock.
    pub clock: &'a dyn Clock,
    /// State changes for the supervisor.
    pub events: Events,
    /// Set when the engine stops.
    pub stop: &'a AtomicBool,
}

impl AudioLoop<'_> {
    /// Runs until `stop`, the end of the source (reported as [`Event::SourceEnded`]) or a source
    /// failure ([`Event::SourceFailed`]).
    pub fn run(mut self) {
        let hop_len = self.analyzer.config().hop;
        let hop_period: Nanos =
            hop_len as u64 * 1_000_000_000 / u64::from(self.analyzer.config().sample_rate.max(1));
        let mut hop = vec![0.0f32; hop_len];
        // A finished calibration whose result is not yet handed to the controllers.
        let mut unreported = None;
        let ctx = SourceCtx {
            clock: self.clock,
            events: &self.events,
            counters: &self.metrics.source,
        };
        while !self.stop.load(Ordering::Relaxed) {
            match self.source.next_hop(&mut hop, &ctx) {
                Ok(HopRead::Ready(timing)) => {
                    let t0 = self.clock.now();
                    let gain = self.control.gain();
                    if gain != 1.0 {
                        hop.iter_mut().for_each(|s| *s *= gain);
                    }
                    if let Some(seconds) = self.control.take_request() {
                        self.analyzer.start_calibration(seconds);
                        unreported = None;
                    }
                    let was_calibrating = self.analyzer.calibrating();
                    let snapshot = match self.analyzer.process_hop(&hop) {
                        Ok(s) => *s,
                        Err(e) => {
                            self.events.send(Event::SourceFailed(e.to_string()));
                            return;
                        }
                    };
                    if was_calibrating && !self.analyzer.calibrating() {
                        unreported = Some(self.analyzer.noise_floor());
                    }
                    if let Some(floor) = unreported
                        && self.control.try_finish(floor)
                    {
                        unreported = None;
                    }
                    let mut published = Published {
                        snapshot,
                        captured: timing.captured,
                        published: 0,
                        hop_check: snapshot.hop,
                    };
                    let t1 = self.clock.now();
                    published.published = t1;
                    self.writer.write(&published);
                    let m = self.metrics;
                    m.hop_time.record(t1.saturating_sub(t0));
                    m.hops.fetch_add(1, Ordering::Relaxed);
                    if t1 > timing.available + hop_period {
                        m.hop_misses.fetch_add(1, Ordering::Relaxed);
                    }
                    m.bpm.store(snapshot.bpm.to_bits(), Ordering::Relaxed);
                    m.confidence
                        .store(snapshot.confidence.to_bits(), Ordering::Relaxed);
                }
                Ok(HopRead::Idle) => {}
                Ok(HopRead::End) => {
                    self.events
                        .send(Event::SourceEnded(self.source.name().to_string()));
                    return;
                }
                Err(e) => {
                    self.events
                        .send(Event::SourceFailed(format!("{}: {e}", self.source.name())));
                    return;
                }
            }
        }
    }
}
