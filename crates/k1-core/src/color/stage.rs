//! [`Stage`]: one step of the colour pipeline, applied in place to a frame of float RGB.

use crate::params::Params;
use crate::rgb::Rgb;

/// What every stage may read: the user's parameters and the measured frame period.
#[derive(Clone, Copy, Debug)]
pub struct StageInput<'a> {
    /// The (sanitised) parameters.
    pub params: &'a Params,
    /// Seconds since the previous frame, as measured (0 on the first frame).
    pub dt: f32,
}

/// One colour stage: changes a frame in place. Stages are small and run in the order the
/// [module doc](super) gives; each is tested alone.
pub trait Stage {
    /// Applies the stage to `frame` (one entry per LED).
    fn apply(&mut self, frame: &mut [Rgb], input: &StageInput<'_>);
}

/// Replaces NaN by 0 (infinities clamp to the float range), so no stage ever sees NaN.
#[inline]
pub(crate) fn finite(v: f32) -> f32 {
    if v.is_nan() {
        0.0
    } else {
        v.clamp(-f32::MAX, f32::MAX)
    }
}
