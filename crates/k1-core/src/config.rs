//! Analysis configuration: sample rate, hop size and the note range, checked once up front.

use crate::NUM_BINS;

/// The largest hop the analyser accepts, in samples. Buffers are sized for it at compile time.
pub const MAX_HOP: usize = 256;

/// How the analyser is set up. Plain data; [`Config::validate`] says whether it can run.
///
/// The defaults are K1's engine rate (12,800 Hz) and a 64-sample hop (5 ms), with the 64 notes
/// starting at A1 (55 Hz) and A4 tuned to 440 Hz.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Config {
    /// Engine sample rate in Hz. 12,800 and 16,000 are the tested rates; 8,000 to 48,000 are accepted.
    pub sample_rate: u32,
    /// Samples per hop: the analyser is fed and publishes one snapshot per hop.
    pub hop: usize,
    /// MIDI number of the lowest of the 64 semitone bins (33 = A1 = 55 Hz).
    pub lowest_note: u8,
    /// Frequency of A4 in Hz, the tuning reference for every bin centre.
    pub tuning_a4: f32,
}

impl Config {
    /// K1's default: 12,800 Hz, hop 64, A1..C7, A4 = 440 Hz.
    pub const DEFAULT: Config = Config {
        sample_rate: 12_800,
        hop: 64,
        lowest_note: 33,
        tuning_a4: 440.0,
    };

    /// The second supported engine setup: 16,000 Hz with a 128-sample hop (8 ms).
    pub const RATE_16K: Config = Config {
        sample_rate: 16_000,
        hop: 128,
        lowest_note: 33,
        tuning_a4: 440.0,
    };

    /// Centre frequency in Hz of bin `k` (0..64), exactly on its equal-tempered note.
    pub fn bin_frequency(&self, k: usize) -> f32 {
        let midi = self.lowest_note as f32 + k as f32;
        self.tuning_a4 * libm::exp2f((midi - 69.0) / 12.0)
    }

    /// Hops per second.
    pub fn hop_rate(&self) -> f32 {
        self.sample_rate as f32 / self.hop as f32
    }

    /// Checks that every part of the configuration is usable, and names the part that is not.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(8_000..=48_000).contains(&self.sample_rate) {
            return Err(ConfigError::SampleRate(self.sample_rate));
        }
        if self.hop == 0 || self.hop > MAX_HOP || !self.hop.is_multiple_of(8) {
            return Err(ConfigError::Hop(self.hop));
        }
        let hop_rate = self.hop_rate();
        if !(50.0..=400.0).contains(&hop_rate) {
            return Err(ConfigError::HopRate(hop_rate));
        }
        if !(self.tuning_a4 >= 400.0 && self.tuning_a4 <= 480.0) {
            return Err(ConfigError::Tuning(self.tuning_a4));
        }
        if self.lowest_note < 21 {
            return Err(ConfigError::LowestNote(self.lowest_note));
        }
        // The top bin must sit well below Nyquist, where the decimation filters are flat.
        let top = self.bin_frequency(NUM_BINS - 1);
        if top > 0.3 * self.sample_rate as f32 {
            return Err(ConfigError::TopNote {
                lowest_note: self.lowest_note,
                top_hz: top,
                sample_rate: self.sample_rate,
            });
        }
        Ok(())
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Why a [`Config`] cannot run.
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// The sample rate is outside 8,000..=48,000 Hz.
    #[error("sample rate {0} Hz is outside 8000..=48000 Hz")]
    SampleRate(u32),
    /// The hop is zero, larger than [`MAX_HOP`], or not a multiple of 8.
    #[error("hop of {0} samples must be a multiple of 8 between 8 and 256")]
    Hop(usize),
    /// The hop rate (sample rate / hop) is outside 50..=400 hops per second.
    #[error("hop rate {0:.1} per second is outside 50..=400")]
    HopRate(f32),
    /// The tuning reference is outside 400..=480 Hz.
    #[error("A4 tuning {0} Hz is outside 400..=480 Hz")]
    Tuning(f32),
    /// The lowest note is below A0 (MIDI 21).
    #[error("lowest note MIDI {0} is below A0 (21)")]
    LowestNote(u8),
    /// The windows for this configuration do not fit the analyser's fixed-size tables.
    #[error("the note windows for this configuration do not fit the analyser's tables")]
    TooLarge,
    /// The top of the 64 notes is too close to Nyquist for this sample rate.
    #[error(
        "lowest note MIDI {lowest_note} puts the top bin at {top_hz:.0} Hz, above 0.3 x {sample_rate} Hz"
    )]
    TopNote {
        /// The configured lowest note.
        lowest_note: u8,
        /// The frequency of the top bin.
        top_hz: f32,
        /// The configured sample rate.
        sample_rate: u32,
    },
}
