//! Noise floor, automatic range control, VU and silence: everything that turns raw levels into
//! 0..=1 values that look the same for quiet and loud music.

use crate::NUM_BINS;

/// Per-bin magnitude assumed before any calibration: -90 dBFS, below 16-bit dither.
const DEFAULT_FLOOR: f32 = 3.2e-5;
/// Calibrated floors are the measured mean times this margin (+6 dB), so noise sits under them.
const FLOOR_MARGIN: f32 = 2.0;
/// Range control never amplifies by more than 60 dB: its reference level stays above -60 dBFS.
const MIN_RANGE: f32 = 1e-3;
/// Silence: RMS below -60 dBFS, or below twice the calibrated room-noise RMS.
#[cfg(test)]
const SILENCE_DBFS: f32 = -60.0;
/// -60 dBFS (`SILENCE_DBFS`) as a linear RMS, checked by a test.
const SILENCE_RMS: f32 = 1e-3;

/// The learned noise floor: what the room sounds like with no music. It persists between runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NoiseFloor {
    /// Per-bin magnitude of the room noise (linear amplitude, 1.0 = a full-scale sine).
    pub bins: [f32; NUM_BINS],
    /// RMS of the room noise (linear, 1.0 = full scale).
    pub rms: f32,
    /// Whether this floor was measured (true) or is the built-in default (false).
    pub calibrated: bool,
}

impl NoiseFloor {
    /// The floor used until a calibration has run: -90 dBFS everywhere.
    pub const DEFAULT: NoiseFloor = NoiseFloor {
        bins: [DEFAULT_FLOOR; NUM_BINS],
        rms: DEFAULT_FLOOR,
        calibrated: false,
    };

    /// Replaces non-finite or negative values (say, from a corrupt settings file) with the defaults.
    pub fn sanitized(mut self) -> Self {
        for b in &mut self.bins {
            if !b.is_finite() || *b < 0.0 {
                *b = DEFAULT_FLOOR;
            }
        }
        if !self.rms.is_finite() || self.rms < 0.0 {
            self.rms = DEFAULT_FLOOR;
        }
        self
    }
}

impl Default for NoiseFloor {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Averages levels over a fixed number of hops to learn a [`NoiseFloor`].
#[derive(Clone, Debug)]
pub struct Calibration {
    remaining: u32,
    count: u32,
    bins: [f32; NUM_BINS],
    power: f32,
}

impl Calibration {
    /// Starts a calibration lasting `hops` hops.
    pub fn new(hops: u32) -> Self {
        Self {
            remaining: hops.max(1),
            count: 0,
            bins: [0.0; NUM_BINS],
            power: 0.0,
        }
    }

    /// Adds one hop; returns the learned floor when the last hop is in.
    pub fn add(&mut self, magnitude: &[f32; NUM_BINS], rms: f32) -> Option<NoiseFloor> {
        for (acc, m) in self.bins.iter_mut().zip(magnitude) {
            *acc += m;
        }
        self.power += rms * rms;
        self.count += 1;
        self.remaining -= 1;
        if self.remaining > 0 {
            return None;
        }
        let n = self.count as f32;
        let mut floor = NoiseFloor {
            bins: [0.0; NUM_BINS],
            rms: 0.0,
            calibrated: true,
        };
        for (f, acc) in floor.bins.iter_mut().zip(&self.bins) {
            *f = (acc / n * FLOOR_MARGIN).max(DEFAULT_FLOOR);
        }
        floor.rms = (crate::math::sqrt(self.power / n) * FLOOR_MARGIN).max(DEFAULT_FLOOR);
        Some(floor)
    }
}

/// Automatic range control: follows the recent peak level (fast attack, slow release) and divides
/// by it, so the loudest recent moment maps to 1. It freezes while the input is silent.
#[derive(Clone, Debug)]
pub struct RangeControl {
    level: f32,
    attack: f32,
    release: f32,
}

impl RangeControl {
    /// A range control updated `hop_rate` times a second, rising within about 20 ms and falling
    /// with a 4 s time constant.
    pub fn new(hop_rate: f32) -> Self {
        Self {
            level: MIN_RANGE,
            attack: 1.0 - libm::expf(-1.0 / (0.02 * hop_rate)),
            release: libm::expf(-1.0 / (4.0 * hop_rate)),
        }
    }

    /// Updates the reference with this hop's peak and returns the gain to apply.
    pub fn update(&mut self, peak: f32, silent: bool) -> f32 {
        if !silent {
            if peak > self.level {
                self.level += (peak - self.level) * self.attack;
            } else {
                self.level *= self.release;
            }
            self.level = self.level.max(MIN_RANGE);
        }
        1.0 / self.level
    }
}

/// Silence detection with hysteresis: silent after 100 ms below the threshold, loud again as soon
/// as the level is 3 dB above it.
#[derive(Clone, Debug)]
pub struct SilenceGate {
    quiet_hops: u32,
    hold: u32,
    silent: bool,
}

impl SilenceGate {
    /// A gate updated `hop_rate` times a second.
    pub fn new(hop_rate: f32) -> Self {
        Self {
            quiet_hops: 0,
            hold: libm::ceilf(0.1 * hop_rate) as u32,
            silent: true,
        }
    }

    /// Threshold in linear RMS for a given noise floor.
    pub fn threshold(floor: &NoiseFloor) -> f32 {
        // 10^(-60 / 20), written out: a software `powf` every hop costs an MCU hundreds
        // of instructions (checked against `powf` by a test).
        SILENCE_RMS.max(floor.rms * 2.0)
    }

    /// Updates with this hop's RMS; returns whether the input is silent now.
    pub fn update(&mut self, rms: f32, floor: &NoiseFloor) -> bool {
        let t = Self::threshold(floor);
        if rms > t * 1.41 {
            self.quiet_hops = 0;
            self.silent = false;
        } else if rms < t {
            self.quiet_hops = self.quiet_hops.saturating_add(1);
            if self.quiet_hops >= self.hold {
                self.silent = true;
            }
        }
        self.silent
    }

    /// How many consecutive hops have been below the threshold.
    pub fn quiet_hops(&self) -> u32 {
        self.quiet_hops
    }
}

/// Converts linear amplitude to dBFS, with -120 dB for zero.
pub fn to_dbfs(x: f32) -> f32 {
    if x > 1e-6 {
        20.0 * libm::log10f(x)
    } else {
        -120.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_silence_threshold_is_its_dbfs() {
        let want = libm::powf(10.0, SILENCE_DBFS / 20.0);
        assert!(
            (SILENCE_RMS - want).abs() <= 1e-6 * want,
            "{SILENCE_RMS} vs {want}"
        );
        assert_eq!(
            SilenceGate::threshold(&NoiseFloor::DEFAULT),
            SILENCE_RMS.max(NoiseFloor::DEFAULT.rms * 2.0)
        );
    }
}
