//! Stage 5, brightness: the user's brightness, applied here and nowhere else.
//!
//! It scales the perceptual level before gamma, so brightness 0.5 looks half as bright. The
//! original applied brightness twice (output went as brightness²); the pipeline test checks that
//! a frame at brightness `b` gives exactly what the same frame scaled by `b` gives at brightness 1.

use super::stage::{Stage, StageInput};
use crate::rgb::Rgb;

/// The brightness stage (reads `params.brightness`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Brightness;

/// The brightness as applied: 0..=1, NaN as 0.
pub fn level(brightness: f32) -> f32 {
    if brightness.is_nan() {
        0.0
    } else {
        brightness.clamp(0.0, 1.0)
    }
}

impl Stage for Brightness {
    fn apply(&mut self, frame: &mut [Rgb], input: &StageInput<'_>) {
        let b = level(input.params.brightness);
        for led in frame.iter_mut() {
            led.r *= b;
            led.g *= b;
            led.b *= b;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;

    #[test]
    fn scales_linearly() {
        for b in [0.0, 0.3, 1.0] {
            let params = Params {
                brightness: b,
                ..Params::DEFAULT
            };
            let mut f = [Rgb {
                r: 0.8,
                g: 0.4,
                b: 0.2,
            }];
            Brightness.apply(
                &mut f,
                &StageInput {
                    params: &params,
                    dt: 0.0,
                },
            );
            assert_eq!(
                f[0],
                Rgb {
                    r: 0.8 * b,
                    g: 0.4 * b,
                    b: 0.2 * b
                }
            );
        }
    }
}
