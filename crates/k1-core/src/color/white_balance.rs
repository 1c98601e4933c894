//! Stage 4, white balance: fixed per-channel gains for the LED strip.
//!
//! LED strips are rarely neutral (most WS2812s are bluish-green at full white); the gains bring
//! their white back to white. They belong to the hardware, not to the look, so they come from the
//! pipeline configuration rather than the user's parameters. FastLED's "typical LED strip"
//! correction, for example, is (1.0, 0.69, 0.94).

use super::stage::{Stage, StageInput};
use crate::rgb::Rgb;

/// The white-balance stage: multiplies each channel by its gain (0..=1, clamped).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WhiteBalance {
    /// Gains for red, green and blue.
    pub gains: Rgb,
}

impl WhiteBalance {
    /// No correction.
    pub const NEUTRAL: WhiteBalance = WhiteBalance {
        gains: Rgb {
            r: 1.0,
            g: 1.0,
            b: 1.0,
        },
    };
}

impl Default for WhiteBalance {
    fn default() -> Self {
        Self::NEUTRAL
    }
}

impl WhiteBalance {
    /// The gains as applied: each clamped to 0..=1, NaN as 0.
    pub fn effective(&self) -> Rgb {
        let gain = |v: f32| if v.is_nan() { 0.0 } else { v.clamp(0.0, 1.0) };
        Rgb {
            r: gain(self.gains.r),
            g: gain(self.gains.g),
            b: gain(self.gains.b),
        }
    }
}

impl Stage for WhiteBalance {
    fn apply(&mut self, frame: &mut [Rgb], _input: &StageInput<'_>) {
        let g = self.effective();
        for led in frame.iter_mut() {
            led.r *= g.r;
            led.g *= g.g;
            led.b *= g.b;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;

    #[test]
    fn gains_per_channel() {
        let mut wb = WhiteBalance {
            gains: Rgb {
                r: 1.0,
                g: 0.69,
                b: 0.94,
            },
        };
        let mut f = [Rgb {
            r: 0.5,
            g: 1.0,
            b: 1.0,
        }];
        wb.apply(
            &mut f,
            &StageInput {
                params: &Params::DEFAULT,
                dt: 0.0,
            },
        );
        assert_eq!(
            f[0],
            Rgb {
                r: 0.5,
                g: 0.69,
                b: 0.94
            }
        );
        // Out-of-range gains clamp to 0..=1.
        let mut wb = WhiteBalance {
            gains: Rgb {
                r: 3.0,
                g: -1.0,
                b: f32::NAN,
            },
        };
        let mut f = [Rgb {
            r: 0.5,
            g: 0.5,
            b: 0.5,
        }];
        wb.apply(
            &mut f,
            &StageInput {
                params: &Params::DEFAULT,
                dt: 0.0,
            },
        );
        assert_eq!(
            f[0],
            Rgb {
                r: 0.5,
                g: 0.0,
                b: 0.0
            }
        );
    }
}
