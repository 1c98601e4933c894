//! Stage 6, gamma: perceptual level → LED duty cycle, `duty = level^γ`.
//!
//! `powf` per channel per LED would cost more than the rest of the frame, so the curve is a table
//! of [`GAMMA_STEPS`] + 1 exact points with linear interpolation between them. Interpolating
//! between rising points cannot fall, so the map is monotone by construction (and a proptest
//! checks it); it is within 1e-6 of `powf` for γ up to 3.

use super::stage::{Stage, StageInput};
use crate::render::Rgb;

/// Intervals in the gamma table.
pub const GAMMA_STEPS: usize = 1024;
const _: () = assert!(GAMMA_STEPS.is_power_of_two(), "lookups mask the index");
/// The default gamma: WS2812-class LEDs against a perceptual level.
pub const DEFAULT_GAMMA: f32 = 2.2;

/// The gamma curve as a table.
#[derive(Clone, Debug, PartialEq)]
pub struct GammaTable {
    gamma: f32,
    /// Per interval `i`: the curve at its start and the rise to its end, `[p_i, p_{i+1} − p_i]`,
    /// so a lookup is one indexed load with no bounds check (`GAMMA_STEPS` is a power of two and
    /// the index is masked). The arithmetic is exactly `p_i + (p_{i+1} − p_i)·t`.
    segments: [[f32; 2]; GAMMA_STEPS],
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
        let x = level.max(0.0).min(1.0) * GAMMA_STEPS as f32;
        let i = (x as usize).min(GAMMA_STEPS - 1);
        let t = x - i as f32;
        let [a, rise] = self.segments[i & (GAMMA_STEPS - 1)];
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
