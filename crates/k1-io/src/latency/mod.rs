//! The latency wizard: how late the speaker plays, measured with a click train.
//!
//! ```text
//!  clicks::train ─► Speaker::play(at = now + LEAD) ─► the room ─► microphone (LiveSource, stamped hops)
//!                                                                       │
//!  lag::estimate_lag(train, recording) ◄── recording and its start time ┘ ─► Measurement
//! ```
//!
//! K1 schedules the train to be heard at `at` on the engine clock (playback is timed by the
//! output device's own playback timestamps, as for `--playback`), and the microphone stamps each
//! hop with its capture time. What is left between the two is what the devices do not report:
//! a Bluetooth speaker's buffering (100–300 ms), a sound server's, the air (3 ms a metre). That
//! is the audio offset to set ([`Measurement::offset_ms`]), so the light waits for the sound.
//!
//! [`measure`] takes the speaker and the microphone as traits, so the tests run it with
//! synthetic ones on a virtual clock; [`devices`] has the real ones (feature `audio`). The maths
//! is a pure function ([`lag::estimate_lag`]), tested on synthetic recordings.

pub mod clicks;
#[cfg(feature = "audio")]
pub mod devices;
pub mod lag;

use std::time::Duration;

use crate::clock::{Nanos, SECOND, samples_nanos};
use crate::sinks::delay::{MAX_DELAY_MS, check_offset};
use crate::sources::live::{HopRead, LiveError, LiveSource, SourceCtx};
use lag::{LagError, estimate_lag};

/// The rate the wizard records and correlates at, Hz.
pub const RATE: u32 = 16_000;
/// Samples per hop read from the microphone.
pub const HOP: usize = 128;
/// How long after the request the train starts, ns: time for both streams to settle.
pub const LEAD: Nanos = 500_000_000;
/// The earliest the train may be heard, relative to when it was due, ms (a device that reports
/// more latency than it has).
pub const EARLIEST_MS: i64 = -200;
/// How long past the expected end the microphone may deliver nothing before the wizard gives up.
pub const PATIENCE: Nanos = 2 * SECOND;

/// The speaker side of the wizard.
pub trait Speaker {
    /// The device's name, for the report.
    fn name(&self) -> String;
    /// Starts playing the click train ([`clicks::train`] at the device's rate) so that its
    /// start is heard at `at` on the engine clock, and returns at once.
    fn play(&mut self, at: Nanos) -> Result<(), WizardError>;
}

/// What the wizard found.
#[derive(Clone, Debug, PartialEq)]
pub struct Measurement {
    /// How much later than scheduled the train was heard, ms.
    pub measured_ms: f64,
    /// The audio offset to set: `measured_ms` rounded to whole ms and limited to what K1 takes
    /// (-1000..=1000).
    pub offset_ms: i32,
    /// The correlation peak over its background (see [`lag::LagEstimate::confidence`]).
    pub confidence: f32,
    /// The speaker and microphone used.
    pub speaker: String,
    /// The microphone used.
    pub microphone: String,
}

/// Why the wizard could not propose an offset.
#[derive(Debug, thiserror::Error)]
pub enum WizardError {
    /// There is no speaker or no microphone (or this build has no audio).
    #[error("{0}")]
    NoDevice(String),
    /// A device failed.
    #[error("audio device: {0}")]
    Device(#[from] LiveError),
    /// The microphone stopped before the train was over.
    #[error("the microphone stopped before the click train was over")]
    MicEnded,
    /// The microphone delivered nothing for too long.
    #[error("the microphone delivered no audio for {0:?}")]
    NoAudio(Duration),
    /// The click train was not found in the recording.
    #[error(transparent)]
    NotHeard(#[from] LagError),
}

/// Plays the click train through `speaker`, records it from `mic` (which delivers [`RATE`] Hz),
/// and measures how late it was heard. `ctx` is the engine clock's context; see the module doc.
pub fn measure(
    speaker: &mut dyn Speaker,
    mic: &mut dyn LiveSource,
    ctx: &SourceCtx<'_>,
) -> Result<Measurement, WizardError> {
    let reference = clicks::train(RATE);
    let at = ctx.clock.now() + LEAD;
    speaker.play(at)?;
    let latest = i64::from(MAX_DELAY_MS);
    let end = at
        + samples_nanos(reference.len() as u64, RATE)
        + u64::try_from(latest).unwrap_or(0) * 1_000_000
        + 100_000_000;
    let mut recording: Vec<f32> = Vec::new();
    let mut first: Option<Nanos> = None;
    let mut hop = vec![0.0f32; HOP];
    let mut heard_last = ctx.clock.now();
    loop {
        match mic.next_hop(&mut hop, ctx)? {
            HopRead::Ready(timing) => {
                first.get_or_insert(
                    timing
                        .captured
                        .saturating_sub(samples_nanos(HOP as u64 - 1, RATE)),
                );
                recording.extend_from_slice(&hop);
                heard_last = ctx.clock.now();
                if timing.captured >= end {
                    break;
                }
            }
            HopRead::Idle => {
                if ctx.clock.now().saturating_sub(heard_last) > PATIENCE {
                    return Err(WizardError::NoAudio(Duration::from_nanos(PATIENCE)));
                }
            }
            HopRead::End => return Err(WizardError::MicEnded),
        }
    }
    let start = first.unwrap_or(at);
    // Lags in samples of the recording: the train heard from EARLIEST_MS to MAX_DELAY_MS late.
    let to_lag = |ms: i64| -> i64 {
        let heard = at as f64 + ms as f64 * 1e6;
        ((heard - start as f64) * f64::from(RATE) / 1e9).round() as i64
    };
    let estimate = estimate_lag(
        &reference,
        &recording,
        RATE,
        to_lag(EARLIEST_MS)..=to_lag(latest),
    )?;
    let heard = start as f64 + estimate.lag * 1e9 / f64::from(RATE);
    let measured_ms = (heard - at as f64) / 1e6;
    let offset_ms = check_offset(measured_ms.round() as i64).unwrap_or(if measured_ms < 0.0 {
        -(MAX_DELAY_MS as i32)
    } else {
        MAX_DELAY_MS as i32
    });
    Ok(Measurement {
        measured_ms,
        offset_ms,
        confidence: estimate.confidence,
        speaker: speaker.name(),
        microphone: mic.name().to_string(),
    })
}

#[cfg(test)]
mod tests;
