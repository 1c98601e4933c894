//! The WLED audio-sync sender: K1's analysis as WLED's sound-reactive v2 packet, to multicast
//! 239.0.0.1:11988 (or one host), at most one packet per [`DEFAULT_INTERVAL`] (20 ms, as WLED's
//! own sender: it sends when more than 20 ms have passed, about 47 packets a second) unless the
//! URL's `fps=` asks for another rate.
//!
//! It runs as a sink so it gets a thread of its own and is woken with every frame; on each wake
//! it reads the newest snapshot ([`Shared::latest`]) and [`SyncPacer`] latches any onset or beat
//! since the last packet (also a beat-phase wrap, so a beat in a hop between two reads is not
//! lost) and holds it until a packet carries it. Time is the frame's render time on the engine
//! clock, so the pacing is exact under a virtual clock. The field mapping is
//! `k1_core::proto::geq`'s (documented in `docs/outputs.md`).
//!
//! Latency compensation: a receiver shows the analysis the moment a packet arrives, so with a
//! positive audio offset (the speaker is heard late) the sender holds each analysis back by the
//! offset ([`AnalysisDelay`]), by the same rule as the LED outputs' frames
//! (`k1_io::sinks::delay::effective_delay`, its own delay being 0): a packet sent at `t` carries
//! the analysis published at `t - offset`. The sink runner hands it every frame at once
//! (`Sink::delays_itself`), since holding the frame back would not hold back the analysis.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use k1_core::Snapshot;
use k1_core::color::Rgb8;
use k1_core::proto::wled_sync::AudioSync;
use k1_core::proto::{geq, wled_sync};

use k1_io::clock::{Nanos, duration_nanos};
use k1_io::sinks::delay::{CAPACITY, effective_delay};
use k1_io::sinks::{Frame, Sent, Transport, UdpLink};

use crate::Shared;

/// The shortest time between two packets unless the URL says otherwise.
pub const DEFAULT_INTERVAL: Duration = Duration::from_millis(20);
/// Smoothing of `sampleSmth` per packet (one-pole; about 100 ms at 50 packets a second).
const SMOOTHING: f32 = 0.2;

/// Decides when a packet is due and what it carries: the peak latch, the smoothed VU and the
/// frame counter. Pure state over (snapshot, time), so it is tested on virtual time.
#[derive(Debug)]
pub struct SyncPacer {
    interval: Nanos,
    lowest_note: u8,
    last_sent: Option<Nanos>,
    last_hop: u64,
    last_phase: f32,
    peak: bool,
    smooth: f32,
    counter: u8,
}

impl SyncPacer {
    /// At most one packet per `interval`; `lowest_note` is the MIDI note of spectrum bin 0.
    pub fn new(interval: Duration, lowest_note: u8) -> Self {
        Self {
            interval: duration_nanos(interval),
            lowest_note,
            last_sent: None,
            last_hop: 0,
            last_phase: 0.0,
            peak: false,
            smooth: 0.0,
            counter: 0,
        }
    }

    /// Takes in a snapshot without sending: latches its onset or beat for the next packet.
    pub fn observe(&mut self, snap: &Snapshot) {
        if snap.hop != self.last_hop {
            let wrapped = snap.confidence > 0.0 && snap.beat_phase + 0.5 < self.last_phase;
            self.peak |= snap.onset || snap.beat || wrapped;
            self.last_hop = snap.hop;
            self.last_phase = snap.beat_phase;
        }
    }

    /// Takes in the newest snapshot at time `now`; returns the packet if one is due.
    pub fn step(&mut self, snap: &Snapshot, now: Nanos) -> Option<AudioSync> {
        self.observe(snap);
        if self
            .last_sent
            .is_some_and(|t| now.saturating_sub(t) < self.interval)
        {
            return None;
        }
        let vu = if snap.vu.is_finite() {
            snap.vu.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.smooth += SMOOTHING * (vu - self.smooth);
        // WLED-MM's receivers read 0 as "no sequence"; a counting sender skips it.
        self.counter = self.counter.wrapping_add(1).max(1);
        let packet = geq::audio_sync(snap, self.smooth, self.peak, self.counter, self.lowest_note);
        self.last_sent = Some(now);
        self.peak = false;
        Some(packet)
    }
}

/// The analyses seen, each held until its publication time plus the delay: the audio-sync
/// sender's latency compensation (see the module doc). Bounded: at most
/// [`CAPACITY`] analyses (a second at 200 FPS needs 200); when full the oldest goes.
#[derive(Debug, Default)]
pub struct AnalysisDelay {
    held: std::collections::VecDeque<(Nanos, Snapshot)>,
    /// The newest analysis released so far (the empty one before the first).
    current: Option<Snapshot>,
}

impl AnalysisDelay {
    /// An empty delay.
    pub fn new() -> Self {
        Self::default()
    }

    /// Holds `snap`, published at `at`, unless it is the same hop as the newest held.
    pub fn push(&mut self, at: Nanos, snap: &Snapshot) {
        let newest = self
            .held
            .back()
            .map(|(_, s)| s.hop)
            .or(self.current.map(|s| s.hop));
        if newest == Some(snap.hop) {
            return;
        }
        if self.held.len() >= CAPACITY {
            self.held.pop_front();
        }
        self.held.push_back((at, *snap));
    }

    /// Releases every analysis due at `now` under `delay`, oldest first, through `each` (the
    /// pacer latches their beats); returns the newest released so far.
    pub fn release(
        &mut self,
        now: Nanos,
        delay: Nanos,
        mut each: impl FnMut(&Snapshot),
    ) -> Snapshot {
        while let Some((at, _)) = self.held.front() {
            if at.saturating_add(delay) > now {
                break;
            }
            if let Some((_, snap)) = self.held.pop_front() {
                each(&snap);
                self.current = Some(snap);
            }
        }
        self.current.unwrap_or(Snapshot::EMPTY)
    }

    /// Analyses held now.
    pub fn len(&self) -> usize {
        self.held.len()
    }

    /// True when none is held.
    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }
}

/// Sends the analysis as audio-sync packets.
pub struct WledSyncTransport {
    link: UdpLink,
    shared: Arc<Shared>,
    pacer: SyncPacer,
    delay: AnalysisDelay,
    buf: [u8; wled_sync::LEN],
}

impl WledSyncTransport {
    /// To `host:port`, reading `shared`, at most one packet per `interval`; `lowest_note` is
    /// the MIDI note of spectrum bin 0.
    pub fn new(
        host: &str,
        port: u16,
        shared: Arc<Shared>,
        lowest_note: u8,
        interval: Duration,
    ) -> Self {
        Self {
            link: UdpLink::new(host, port),
            shared,
            pacer: SyncPacer::new(interval, lowest_note),
            delay: AnalysisDelay::new(),
            buf: [0; wled_sync::LEN],
        }
    }
}

impl Transport for WledSyncTransport {
    fn send(&mut self, _pixels: &[Rgb8], frame: &Frame) -> io::Result<Sent> {
        let latest = self.shared.latest();
        let now = frame.rendered_at;
        self.delay.push(latest.published, &latest.snapshot);
        let delay = effective_delay(0, self.shared.audio_offset_ms());
        let pacer = &mut self.pacer;
        let snap = self.delay.release(now, delay, |s| pacer.observe(s));
        let Some(packet) = self.pacer.step(&snap, now) else {
            return Ok(Sent::NotDue);
        };
        let n = wled_sync::encode(&mut self.buf, &packet).map_err(io::Error::other)?;
        self.link.send(&self.buf[..n])?;
        Ok(Sent::Frame)
    }

    fn reset(&mut self) {
        self.link.reset();
    }
}

#[cfg(test)]
mod tests;
