//! The analyser: feeds each hop through every stage and fills the snapshot.

use crate::{Config, ConfigError, NoiseFloor, Snapshot};

/// A hop of the wrong length was passed to [`Analyzer::process_hop`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("hop has {got} samples, the analyser is configured for {expected}")]
pub struct HopError {
    /// The configured hop size.
    pub expected: usize,
    /// The length that was passed.
    pub got: usize,
}

/// Turns audio, one hop at a time, into [`Snapshot`]s. (Work in progress.)
pub struct Analyzer {
    config: Config,
    snapshot: Snapshot,
}

impl Analyzer {
    /// Builds an analyser for `config`, precomputing every table.
    pub fn new(config: Config) -> Result<Self, ConfigError> {
        config.validate()?;
        Ok(Self { config, snapshot: Snapshot::EMPTY })
    }

    /// The configuration this analyser runs with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The newest snapshot.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// Analyses one hop of mono samples (nominally -1..=1) and returns the new snapshot.
    pub fn process_hop(&mut self, samples: &[f32]) -> Result<&Snapshot, HopError> {
        if samples.len() != self.config.hop {
            return Err(HopError { expected: self.config.hop, got: samples.len() });
        }
        self.snapshot.hop += 1;
        self.snapshot.sample_index += samples.len() as u64;
        Ok(&self.snapshot)
    }

    /// Starts learning the noise floor from the next `seconds` of audio (room noise, no music).
    pub fn start_calibration(&mut self, seconds: f32) {
        let _ = seconds;
    }

    /// True while a noise calibration is running.
    pub fn calibrating(&self) -> bool {
        false
    }

    /// The noise floor in use.
    pub fn noise_floor(&self) -> NoiseFloor {
        NoiseFloor { bins: [0.0; crate::NUM_BINS], rms: 0.0, calibrated: false }
    }

    /// Replaces the noise floor, for example with one loaded from saved settings.
    pub fn set_noise_floor(&mut self, floor: NoiseFloor) {
        let _ = floor;
    }
}
