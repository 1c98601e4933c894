//! Stage 6, gamma: perceptual level → LED duty cycle, `duty = level^γ`.
//!
//! `powf` per channel per LED would cost more than the rest of the frame, so the curve is a table
//! of [`GAMMA_STEPS`] + 1 exact points with linear interpolation between them. Interpolating
//! between rising points cannot fall, so the map is monotone by construction (and a proptest
//! checks it); it is within 1e-6 of `powf` for γ up to 3.

use super::stage::{Stage, StageInput};
use crate::rgb::Rgb;

/// Intervals in the gamma table.
pub const GAMMA_STEPS: usize = 1024;
/// The default gamma: WS2812-class LEDs against a perceptual level.
pub const DEFAULT_GAMMA: f32 = 2.2;

/// The gamma curve as a table.
#[derive(Clone, Debug, PartialEq)]
pub struct GammaTable {
    gamma: f32,
    /// Per interval `i`: the curve at its start and the rise to its end, `[p_i, p_{i+1} − p_i]`,
    /// so a lookup is one indexed load. The arithmetic is exactly `p_i + (p_{i+1} − p_i)·t`. A last
    /// entry `[1, 0]` (the curve at 1, flat) catches every level from 1 up, so a lookup needs no
    /// upper clamp: its index is capped at `GAMMA_STEPS`, which also proves it in bounds.
    segments: [[f32; 2]; GAMMA_STEPS + 1],
}

impl GammaTable {
    /// The table for `gamma`, clamped to 1..=3 (NaN gives [`DEFAULT_GAMMA`]).
    pub fn new(gamma: f32) -> GammaTable {
        let gamma = if gamma.is_nan() {
            DEFAULT_GAMMA
        } else {
            gamma.clamp(1.0, 3.0)
        };
        let point = |i: usize| libm::powf(i as f32 / GAMMA_STEPS as f32, gamma);
        GammaTable {
            gamma,
            segments: core::array::from_fn(|i| {
                if i == GAMMA_STEPS {
                    return [1.0, 0.0];
                }
                let (a, b) = (point(i), point(i + 1));
                [a, b - a]
            }),
        }
    }

    /// The exponent in use.
    pub fn gamma(&self) -> f32 {
        self.gamma
    }

    /// The duty cycle (0..=1) for a level (clamped to 0..=1; NaN is 0).
    #[inline]
    pub fn map(&self, level: f32) -> f32 {
        // `max`/`min` drop NaN (`clamp` would keep it), so NaN maps to 0.
        #[allow(clippy::manual_clamp)]
        self.map_clean(level.max(0.0).min(1.0))
    }

    /// [`map`](Self::map) for a level that is already finite and non-negative (the colour
    /// pipeline's, after the tone map): no clamps. Levels from 1 up give exactly 1, as `map`
    /// does; below 1 the arithmetic is `map`'s.
    #[inline]
    pub(crate) fn map_clean(&self, level: f32) -> f32 {
        let x = level * GAMMA_STEPS as f32;
        // Below 1, `i` is the interval and `t` the share of it; from 1 up, `i` is the flat last
        // entry and `a + 0·t` is exactly 1 (`t` is finite).
        let i = (x as usize).min(GAMMA_STEPS);
        let t = x - i as f32;
        let [a, rise] = self.segments[i];
        a + rise * t
    }
}

impl Default for GammaTable {
    fn default() -> Self {
        Self::new(DEFAULT_GAMMA)
    }
}

impl Stage for GammaTable {
    fn apply(&mut self, frame: &mut [Rgb], _input: &StageInput<'_>) {
        for led in frame.iter_mut() {
            led.r = self.map(led.r);
            led.g = self.map(led.g);
            led.b = self.map(led.b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_powf() {
        for gamma in [1.0, 1.8, 2.2, 2.8, 3.0] {
            let t = GammaTable::new(gamma);
            for i in 0..=10_000 {
                let v = i as f32 / 10_000.0;
                let exact = libm::powf(v, gamma);
                assert!((t.map(v) - exact).abs() < 1e-6, "γ {gamma}, {v}");
            }
        }
        assert_eq!(GammaTable::new(f32::NAN).gamma(), DEFAULT_GAMMA);
        assert_eq!(GammaTable::new(9.0).gamma(), 3.0);
    }

    #[test]
    fn ends_and_bad_levels() {
        let t = GammaTable::default();
        assert_eq!(t.map(0.0), 0.0);
        assert_eq!(t.map(1.0), 1.0);
        assert_eq!(t.map(-1.0), 0.0);
        assert_eq!(t.map(5.0), 1.0);
        assert_eq!(t.map(f32::NAN), 0.0);
    }
}
