//! Stage 2, tone map: linear up to a knee, then a soft shoulder that approaches 1 and never clips.
//!
//! Patterns may add light (rings over rings, a wave over a floor glow) past 1. The map keeps
//! values below the knee exactly as they are, and above it bends them smoothly (the curve and its
//! slope are continuous at the knee) toward 1. It acts on each LED's largest channel and scales
//! the other two by the same factor, so a colour keeps its hue as it saturates. Negative and NaN
//! channels become 0.

use super::stage::{Stage, StageInput, finite};
use crate::rgb::Rgb;

/// The default knee.
pub const DEFAULT_KNEE: f32 = 0.8;

/// The tone curve for one level: `v` below `knee`, `knee + (1 − knee)(1 − e^{−(v − knee)/(1 − knee)})`
/// above it (strictly below 1 for any finite `v`).
pub fn curve(v: f32, knee: f32) -> f32 {
    let v = finite(v).max(0.0);
    if v <= knee {
        return v;
    }
    let head = 1.0 - knee;
    if head <= 0.0 {
        return v.min(1.0);
    }
    knee + head * (1.0 - libm::expf(-(v - knee) / head))
}

/// The tone-map stage with its knee (0..1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ToneMap {
    /// Levels up to here pass unchanged.
    pub knee: f32,
}

impl Default for ToneMap {
    fn default() -> Self {
        ToneMap { knee: DEFAULT_KNEE }
    }
}

impl ToneMap {
    /// One LED through the map (any input: NaN and negative channels become 0).
    #[inline]
    pub fn pixel(&self, led: Rgb) -> Rgb {
        self.pixel_clean(Rgb {
            r: finite(led.r).max(0.0),
            g: finite(led.g).max(0.0),
            b: finite(led.b).max(0.0),
        })
    }

    /// One LED through the map, for channels already finite and non-negative (the softness
    /// stage's output): no clamps. Below the knee, the common case, the LED is returned as it is
    /// (exactly what scaling by 1 gives). The result is finite, non-negative, and its largest
    /// channel is at most 1 to within a rounding step.
    #[inline]
    pub(crate) fn pixel_clean(&self, led: Rgb) -> Rgb {
        // Plain comparisons: the channels are never NaN here, and `f32::max`'s NaN handling
        // costs a second compare on an FPU without a max instruction (the Cortex-M4F's).
        let max = |a: f32, b: f32| if a > b { a } else { b };
        let m = max(max(led.r, led.g), led.b);
        if m > self.knee {
            let k = curve(m, self.knee) / m;
            Rgb {
                r: led.r * k,
                g: led.g * k,
                b: led.b * k,
            }
        } else {
            led
        }
    }
}

impl Stage for ToneMap {
    fn apply(&mut self, frame: &mut [Rgb], _input: &StageInput<'_>) {
        for led in frame.iter_mut() {
            *led = self.pixel(*led);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;

    fn map(c: Rgb) -> Rgb {
        let mut f = [c];
        ToneMap::default().apply(
            &mut f,
            &StageInput {
                params: &Params::DEFAULT,
                dt: 0.0,
            },
        );
        f[0]
    }

    #[test]
    fn identity_below_the_knee() {
        for i in 0..=80 {
            let v = i as f32 / 100.0;
            assert_eq!(curve(v, DEFAULT_KNEE), v);
        }
        let c = Rgb {
            r: 0.1,
            g: 0.5,
            b: 0.79,
        };
        assert_eq!(map(c), c);
    }

    #[test]
    fn soft_and_monotone_above_it() {
        let mut last = curve(0.8, DEFAULT_KNEE);
        for i in 1..=2000 {
            let v = 0.8 + i as f32 * 0.01;
            let y = curve(v, DEFAULT_KNEE);
            assert!(y >= last && y < 1.0 + 1e-6, "{v}: {y}");
            last = y;
        }
        // Continuous slope at the knee.
        let slope = (curve(0.8001, DEFAULT_KNEE) - curve(0.8, DEFAULT_KNEE)) / 0.0001;
        assert!((slope - 1.0).abs() < 0.01, "{slope}");
        assert!(curve(1.0, DEFAULT_KNEE) < 0.95);
    }

    #[test]
    fn keeps_hue_and_cleans_bad_values() {
        let c = map(Rgb {
            r: 3.0,
            g: 1.5,
            b: 0.0,
        });
        assert!(
            c.r < 1.0 && (c.g / c.r - 0.5).abs() < 1e-5 && c.b == 0.0,
            "{c:?}"
        );
        let c = map(Rgb {
            r: f32::NAN,
            g: -2.0,
            b: f32::INFINITY,
        });
        assert!(c.r == 0.0 && c.g == 0.0 && c.b <= 1.0, "{c:?}");
    }
}
