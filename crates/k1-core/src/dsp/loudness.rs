//! Noise floor, automatic range control, VU and silence.

use crate::NUM_BINS;

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
