//! Stage 3, warmth: a tint toward incandescent light.
//!
//! Each channel is multiplied by a gain that moves from white (warmth 0) to the colour of a
//! 2700 K incandescent lamp (warmth 1): red stays, green and blue drop.

use super::stage::{Stage, StageInput};
use crate::rgb::Rgb;

/// The colour of 2700 K light relative to white (sRGB of a 2700 K black body, normalised).
pub const INCANDESCENT: Rgb = Rgb {
    r: 1.0,
    g: 0.655,
    b: 0.341,
};

/// The per-channel gains for a warmth of 0..=1 (clamped; NaN is 0).
pub fn gains(warmth: f32) -> Rgb {
    let w = if warmth.is_nan() {
        0.0
    } else {
        warmth.clamp(0.0, 1.0)
    };
    Rgb {
        r: 1.0 + (INCANDESCENT.r - 1.0) * w,
        g: 1.0 + (INCANDESCENT.g - 1.0) * w,
        b: 1.0 + (INCANDESCENT.b - 1.0) * w,
    }
}

/// The warmth stage (reads `params.warmth`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Warmth;

impl Stage for Warmth {
    fn apply(&mut self, frame: &mut [Rgb], input: &StageInput<'_>) {
        let k = gains(input.params.warmth);
        if k == (Rgb {
            r: 1.0,
            g: 1.0,
            b: 1.0,
        }) {
            return;
        }
        for led in frame.iter_mut() {
            led.r *= k.r;
            led.g *= k.g;
            led.b *= k.b;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;

    fn warm(c: Rgb, warmth: f32) -> Rgb {
        let params = Params {
            warmth,
            ..Params::DEFAULT
        };
        let mut f = [c];
        Warmth.apply(
            &mut f,
            &StageInput {
                params: &params,
                dt: 0.0,
            },
        );
        f[0]
    }

    #[test]
    fn zero_is_neutral_and_one_is_incandescent() {
        let white = Rgb {
            r: 1.0,
            g: 1.0,
            b: 1.0,
        };
        assert_eq!(warm(white, 0.0), white);
        let full = warm(white, 1.0);
        assert!((full.g - INCANDESCENT.g).abs() < 1e-6 && (full.b - INCANDESCENT.b).abs() < 1e-6);
        let half = warm(white, 0.5);
        assert!(half.r == 1.0 && half.g < 1.0 && half.g > INCANDESCENT.g && half.b < half.g);
    }
}
