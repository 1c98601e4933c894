//! Live sources for `k1 run`: audio that arrives in real time, one hop at a time, stamped with
//! the wall-clock time of its newest sample.
//!
//! The offline [`Source`](super::Source)s deliver samples as fast as they are asked; a
//! [`LiveSource`] delivers each hop when it is due and says when that was, which is what the
//! engine's latency figure is measured from. One file per kind:
//!
//! - [`Paced`]: any offline source (a file, the demo loop) played at real time against absolute
//!   deadlines, optionally in step with [`playback`](crate::sources::live::playback).
//! - [`PcmSource`]: raw PCM from a reader (stdin), any rate, mixed and resampled.
//! - `mic` (feature `audio`): capture through cpal, with its buffer size chosen and its real
//!   period measured in `period`.
//! - [`devices`]: the capture devices plugged in, behind a trait tests replace.
//! - [`Reconnecting`]: reopens a failing source with exponential backoff.
//! - [`WledSyncSource`]: audio resynthesised from WLED audio-sync packets (`--input wled-sync`).

pub mod devices;
mod paced;
mod pcm;
mod retry;
mod wled_sync;

#[cfg(feature = "audio")]
pub mod mic;
#[cfg(feature = "audio")]
pub mod period;
#[cfg(feature = "audio")]
pub mod playback;

pub use paced::{Paced, SharedStart};
pub use pcm::{PcmFormat, PcmSource, PcmSpec};
#[cfg_attr(not(feature = "audio"), allow(unused_imports))]
pub use retry::{Reconnecting, SOURCE_BACKOFF};
pub use wled_sync::WledSyncSource;

use std::collections::VecDeque;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use super::SourceError;
use crate::clock::{Clock, Nanos};
use crate::events::Events;

/// True when this build has the microphone and speaker playback (the `audio` feature).
pub const HAS_AUDIO: bool = cfg!(feature = "audio");

/// The longest a [`LiveSource::next_hop`] may block before returning [`HopRead::Idle`], so the
/// audio loop notices a stop request promptly.
pub const IDLE_MAX: Duration = Duration::from_millis(20);

/// When a hop's audio happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HopTiming {
    /// When the hop's newest sample was captured (a microphone) or due to be heard (a paced
    /// source), on the engine clock. Latency is measured from here.
    pub captured: Nanos,
    /// When the hop could first be analysed (all its samples had arrived). The audio loop's
    /// deadline is one hop period after this.
    pub available: Nanos,
}

/// What a [`LiveSource::next_hop`] call produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HopRead {
    /// The hop buffer holds the next hop.
    Ready(HopTiming),
    /// Nothing yet; call again (the call waited up to [`IDLE_MAX`]).
    Idle,
    /// The source is exhausted; it will never produce another hop.
    End,
}

/// Why a live source cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// The underlying file or resampler failed.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The resampler failed.
    #[error(transparent)]
    Resample(#[from] super::ResampleError),
    /// An audio device is missing, was unplugged or refused the stream.
    #[error("{0}")]
    Device(String),
    /// Reading the input stream failed.
    #[error("reading {what}: {err}")]
    Io {
        /// What was being read.
        what: String,
        /// The error.
        err: std::io::Error,
    },
}

/// Counters a source updates as it runs (part of the engine's metrics).
#[derive(Debug, Default)]
pub struct SourceCounters {
    /// Hops that were due before the source had their audio.
    pub underruns: AtomicU64,
    /// Failures (each followed by a retry, or the end).
    pub errors: AtomicU64,
    /// Samples lost because a buffer between threads was full.
    pub overruns: AtomicU64,
}

/// What a live source gets from the engine on every call.
#[derive(Clone, Copy)]
pub struct SourceCtx<'a> {
    /// The engine clock.
    pub clock: &'a dyn Clock,
    /// Where to report state changes (never per hop).
    pub events: &'a Events,
    /// Counters to update.
    pub counters: &'a SourceCounters,
}

/// Audio arriving in real time, one hop at a time.
pub trait LiveSource {
    /// A name for humans ("demo loop", a file path, a device name).
    fn name(&self) -> &str;

    /// Fills `hop` with the next hop once it is due and returns its timing, or returns
    /// [`HopRead::Idle`] after waiting at most [`IDLE_MAX`], or [`HopRead::End`].
    fn next_hop(&mut self, hop: &mut [f32], ctx: &SourceCtx<'_>) -> Result<HopRead, LiveError>;

    /// The air power of the hop the last [`HopRead::Ready`] delivered (see
    /// [`super::read_hop_with_air`]), for [`k1_core::Analyzer::process_hop_with_air`]; `None`
    /// for sources whose native rate cannot carry the air band (the default).
    fn hop_air(&self) -> Option<f32> {
        None
    }
}

impl<T: LiveSource + ?Sized> LiveSource for Box<T> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn next_hop(&mut self, hop: &mut [f32], ctx: &SourceCtx<'_>) -> Result<HopRead, LiveError> {
        (**self).next_hop(hop, ctx)
    }
    fn hop_air(&self) -> Option<f32> {
        (**self).hop_air()
    }
}

/// Moves every sample waiting in `ring` through `resampler` into `ready`, and their air power
/// into `air` when the resampler measures it; returns how many it took from the ring.
pub fn drain_ring(
    ring: &mut rtrb::Consumer<f32>,
    resampler: &mut super::StreamResampler,
    ready: &mut VecDeque<f32>,
    air: &mut VecDeque<f32>,
) -> Result<usize, LiveError> {
    let available = ring.slots();
    if available == 0 {
        return Ok(0);
    }
    let Ok(chunk) = ring.read_chunk(available) else {
        return Ok(0);
    };
    let (a, b) = chunk.as_slices();
    resampler.push_with_air(a, ready, air)?;
    resampler.push_with_air(b, ready, air)?;
    chunk.commit_all();
    Ok(available)
}

/// Takes the air power of the `take` samples just taken from a live source's ready queue (as
/// [`drain_ring`] filled it) and returns the hop's mean over `hop_len` samples, or `None` when
/// the resampler does not measure air.
pub fn take_hop_air(
    resampler: &super::StreamResampler,
    air: &mut VecDeque<f32>,
    take: usize,
    hop_len: usize,
) -> Option<f32> {
    if !resampler.has_air() {
        return None;
    }
    let sum: f32 = air.drain(..take.min(air.len())).sum();
    Some(sum / hop_len.max(1) as f32)
}

/// A [`SourceCtx`]'s parts, owned, for tests.
#[cfg(test)]
pub struct TestCtx<C> {
    /// The clock.
    pub clock: C,
    /// The events' sender.
    pub events: Events,
    /// Where the events go (kept so sends succeed).
    pub inbox: std::sync::mpsc::Receiver<crate::events::Event>,
    /// The counters.
    pub counters: SourceCounters,
}

#[cfg(test)]
impl<C: Clock> TestCtx<C> {
    /// Parts around `clock`.
    pub fn new(clock: C) -> Self {
        let (events, inbox) = Events::channel();
        Self {
            clock,
            events,
            inbox,
            counters: SourceCounters::default(),
        }
    }

    /// The context to pass to a source.
    pub fn ctx(&self) -> SourceCtx<'_> {
        SourceCtx {
            clock: &self.clock,
            events: &self.events,
            counters: &self.counters,
        }
    }
}
