//! The audio loop: pulls hops from the live source, analyses them and publishes each snapshot.
//!
//! It never waits on the renderer: publishing is a seqlock write. Per hop it reads the clock
//! twice and does relaxed atomic adds; it does not allocate, lock or print (events go through a
//! channel, and only on state changes).
//!
//! Between hops it looks in the [`SourceMailbox`] for a new source (one relaxed load when none
//! waits) and swaps it in. The analyser is kept across a swap: its hop counter (which the render
//! loop's phase lock follows), noise floor and calibration stay valid, and the tempo bank's
//! resonators let the old tempo decay within seconds as the new audio drives them.

use std::sync::atomic::{AtomicBool, Ordering};

use k1_core::Analyzer;

use super::audio_control::AudioControl;
use super::exchange::{Published, PublishedWriter};
use super::metrics::MetricsHub;
use super::swap::{Handover, SourceMailbox};
use k1_io::clock::{Clock, Nanos};
use k1_io::events::{Event, Events};
use k1_io::sources::Ended;
use k1_io::sources::live::{HopRead, LiveSource, SourceCtx};

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
    /// New sources from controllers.
    pub swap: &'a SourceMailbox,
    /// Whether the end (or failure) of `source` ends the run; otherwise the loop idles until a
    /// new source arrives.
    pub ends_run: bool,
}

impl AudioLoop<'_> {
    /// Runs until `stop`, or the end of a source that ends the run (reported as
    /// [`Event::SourceEnded`]) or its failure ([`Event::SourceFailed`]).
    pub fn run(mut self) {
        let hop_len = self.analyzer.config().hop;
        let hop_period: Nanos =
            hop_len as u64 * 1_000_000_000 / u64::from(self.analyzer.config().sample_rate.max(1));
        let mut hop = vec![0.0f32; hop_len];
        // A finished calibration whose result is not yet handed to the controllers.
        let mut unreported = None;
        // The sources' own copy of the sender, so the loop can still change `self` (a swap).
        let source_events = self.events.clone();
        let ctx = SourceCtx {
            clock: self.clock,
            events: &source_events,
            counters: &self.metrics.source,
        };
        while !self.stop.load(Ordering::Relaxed) {
            if let Some(handover) = self.swap.take() {
                self.install(handover);
            }
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
                    // The air band is a power: the gain applies squared.
                    let air = self.source.hop_air().map(|p| p * gain * gain);
                    let snapshot = match self.analyzer.process_hop_with_air(&hop, air) {
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
                    let name = self.source.name().to_string();
                    if self.ends_run {
                        self.events.send(Event::SourceEnded(name));
                        return;
                    }
                    self.events.send(Event::Note(format!(
                        "end of input: {name}; waiting for another source"
                    )));
                    self.idle(name);
                }
                Err(e) => {
                    let name = self.source.name().to_string();
                    if self.ends_run {
                        self.events
                            .send(Event::SourceFailed(format!("{name}: {e}")));
                        return;
                    }
                    self.events.send(Event::Warning(format!(
                        "the audio source failed: {name}: {e}; waiting for another source"
                    )));
                    self.idle(name);
                }
            }
        }
    }

    /// Replaces the source with the one handed over, and answers the controller. On failure the
    /// old source stays.
    fn install(&mut self, handover: Handover) {
        match (handover.install)() {
            Ok(source) => {
                // The old source is dropped here: a file or the demo at once, a device after
                // its stream has stopped (a few ms, once per swap, never per hop).
                self.source = source;
                self.ends_run = handover.ends_run;
                self.swap.set_ended(false);
                self.events
                    .send(Event::Note(format!("audio source: {}", handover.name)));
                let _ = handover.done.send(Ok(()));
            }
            Err(e) => {
                let _ = handover.done.send(Err(e.to_string()));
            }
        }
    }

    /// The source ended or failed for good, and the run goes on: read nothing until the next
    /// source arrives.
    fn idle(&mut self, name: String) {
        self.source = Box::new(Ended::new(name));
        self.swap.set_ended(true);
    }
}
