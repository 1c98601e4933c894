//! Any offline source played in real time: hop `n` is released at `start + (n + 1) · hop / rate`.
//!
//! Deadlines are absolute (counted from one start time, never from the previous hop), so a slow
//! moment never makes the stream drift: after a stall the hops that fell due are released at once
//! and the stream is back on time. Each hop is decoded ahead, before its deadline, so decoding is
//! not part of the latency.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{HopRead, HopTiming, IDLE_MAX, LiveError, LiveSource, SourceCtx};
use crate::clock::{Nanos, samples_nanos, sleep_towards};
use crate::sources::{Source, read_hop_with_air};

/// The start time of a paced stream, shared with whoever must keep in step with it (playback).
/// 0 until the stream starts.
#[derive(Debug, Default)]
pub struct SharedStart(AtomicU64);

impl SharedStart {
    /// The start time, once set.
    pub fn get(&self) -> Option<Nanos> {
        match self.0.load(Ordering::Acquire) {
            0 => None,
            t => Some(t),
        }
    }

    /// Sets the start time (0 is stored as 1, so it reads as set). The stream does this when it
    /// starts; tests of its followers set it by hand.
    pub fn set(&self, t: Nanos) {
        self.0.store(t.max(1), Ordering::Release);
    }
}

/// An offline [`Source`] released hop by hop at real time.
pub struct Paced<S> {
    source: S,
    name: String,
    rate: u32,
    next: Vec<f32>,
    /// Scratch for the air power of each sample of `next`.
    next_air_samples: Vec<f32>,
    /// The air power of `next`, then of the hop last released.
    next_air: Option<f32>,
    released_air: Option<f32>,
    have_next: bool,
    start: Option<Nanos>,
    /// Hops released so far.
    released: u64,
    /// How long after the first request the stream starts (time for playback to fill its buffer).
    lead: Nanos,
    shared: Option<Arc<SharedStart>>,
}

impl<S: Source> Paced<S> {
    /// Paces `source` (at `rate` Hz, the engine rate) in hops of `hop` samples, starting as soon
    /// as the first hop is asked for.
    pub fn new(source: S, name: String, rate: u32, hop: usize) -> Self {
        Self {
            source,
            name,
            rate,
            next: vec![0.0; hop],
            next_air_samples: vec![0.0; hop],
            next_air: None,
            released_air: None,
            have_next: false,
            start: None,
            released: 0,
            lead: 0,
            shared: None,
        }
    }

    /// Starts `lead` ns after the first request and publishes the start time to `shared`, for a
    /// playback stream that must keep in step.
    pub fn with_shared_start(mut self, shared: Arc<SharedStart>, lead: Nanos) -> Self {
        self.shared = Some(shared);
        self.lead = lead;
        self
    }
}

impl<S: Source> LiveSource for Paced<S> {
    fn name(&self) -> &str {
        &self.name
    }

    fn next_hop(&mut self, hop: &mut [f32], ctx: &SourceCtx<'_>) -> Result<HopRead, LiveError> {
        if hop.len() != self.next.len() {
            self.next.resize(hop.len(), 0.0);
            self.next_air_samples.resize(hop.len(), 0.0);
            self.have_next = false;
        }
        if !self.have_next {
            let read =
                read_hop_with_air(&mut self.source, &mut self.next, &mut self.next_air_samples)?;
            let Some((_, air)) = read else {
                return Ok(HopRead::End);
            };
            self.next_air = air;
            self.have_next = true;
        }
        let start = match self.start {
            Some(s) => s,
            None => {
                let s = ctx.clock.now() + self.lead;
                if let Some(shared) = &self.shared {
                    shared.set(s);
                }
                self.start = Some(s);
                s
            }
        };
        let samples = (self.released + 1) * hop.len() as u64;
        let due = start + samples_nanos(samples, self.rate);
        if !sleep_towards(ctx.clock, due, IDLE_MAX) {
            return Ok(HopRead::Idle);
        }
        hop.copy_from_slice(&self.next);
        self.released_air = self.next_air;
        self.have_next = false;
        self.released += 1;
        Ok(HopRead::Ready(HopTiming {
            captured: due,
            available: due,
        }))
    }

    fn hop_air(&self) -> Option<f32> {
        self.released_air
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::VirtualClock;
    use crate::clock::{Clock, SECOND};
    use crate::sources::ClipSource;
    use crate::sources::live::TestCtx;

    #[test]
    fn hops_are_released_on_absolute_deadlines_then_the_end() {
        let parts = TestCtx::new(VirtualClock::default());
        let (clock, ctx) = (&parts.clock, parts.ctx());
        // One second of a ramp at 12,800 Hz: 200 hops of 64.
        let samples: Vec<f32> = (0..12_800).map(|i| i as f32).collect();
        let clip = ClipSource::new("ramp".into(), &samples, 12_800, 1, 12_800).unwrap();
        let mut paced = Paced::new(clip, "ramp".into(), 12_800, 64);
        let mut hop = [0.0f32; 64];
        let mut n = 0u64;
        loop {
            match paced.next_hop(&mut hop, &ctx).unwrap() {
                HopRead::Ready(t) => {
                    n += 1;
                    assert_eq!(t.captured, n * 5_000_000);
                    assert!(clock.now() >= t.captured);
                    assert_eq!(hop[0], ((n - 1) * 64) as f32);
                    // A slow hop now and then must not shift the schedule.
                    if n.is_multiple_of(50) {
                        clock.advance(12_000_000);
                    }
                }
                HopRead::Idle => {}
                HopRead::End => break,
            }
        }
        assert_eq!(n, 200);
        assert!(clock.now() >= SECOND && clock.now() < SECOND + 20_000_000);
    }
}
