//! Stage 1, softness: a one-pole temporal low-pass per LED and channel.
//!
//! The cut-off runs from 15 Hz (softness 0, crisp) to 0.5 Hz (softness 1, slow), evenly on a log
//! scale. The filter is the exact discretisation of a continuous one-pole with time constant
//! `τ = 1 / (2π f_c)`: each frame moves `1 − exp(−dt/τ)` of the way to the input, with `dt` the
//! measured frame period. So the light follows the same curve in time at 60 and at 500 frames
//! per second (tested).
//!
//! Input levels are taken as light, which cannot be negative: a negative or NaN level counts as
//! 0 and +∞ as the largest float ([`level_in`]). With every input in `0..=f32::MAX` and the
//! weight in 0..=1, each new memory value lies between the old one and the input (the
//! difference cannot overflow and rounding is monotone), so the memory stays finite and
//! non-negative for ever, and the stages after this one need no clamps of their own.

use core::f32::consts::PI;

use super::stage::{Stage, StageInput};
use crate::rgb::Rgb;

/// Cut-off at softness 0, in Hz.
pub const MAX_CUTOFF_HZ: f32 = 15.0;
/// Cut-off at softness 1, in Hz.
pub const MIN_CUTOFF_HZ: f32 = 0.5;
/// Longest frame period the filter accepts; a longer gap (a stall, a pause) counts as this.
pub const MAX_DT: f32 = 0.25;

/// The cut-off frequency in Hz for a softness of 0..=1 (clamped; NaN is 0).
pub fn cutoff_hz(softness: f32) -> f32 {
    let s = if softness.is_nan() {
        0.0
    } else {
        softness.clamp(0.0, 1.0)
    };
    MAX_CUTOFF_HZ * libm::powf(MIN_CUTOFF_HZ / MAX_CUTOFF_HZ, s)
}

/// The share of the way to the input that one frame of `dt` seconds moves (0..=1).
pub fn step_weight(softness: f32, dt: f32) -> f32 {
    let dt = if dt.is_nan() {
        0.0
    } else {
        dt.clamp(0.0, MAX_DT)
    };
    let tau = 1.0 / (2.0 * PI * cutoff_hz(softness));
    1.0 - libm::expf(-dt / tau)
}

/// The low-pass state: the last output of each LED.
#[derive(Clone, Debug)]
pub struct Softness<const N: usize> {
    state: [Rgb; N],
    primed: bool,
}

impl<const N: usize> Softness<N> {
    /// A filter with no history: its first frame passes through unchanged.
    pub const fn new() -> Self {
        Softness {
            state: [Rgb::BLACK; N],
            primed: false,
        }
    }

    /// Forgets the history (the next frame passes through).
    pub fn reset(&mut self) {
        self.primed = false;
    }
}

impl<const N: usize> Default for Softness<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Softness<N> {
    /// Starts a frame: the step weight for it (1 on the first frame, which passes through).
    pub(crate) fn begin(&mut self, input: &StageInput<'_>) -> f32 {
        // `step_weight` is in 0..=1 already; the clamp (once a frame) makes the memory's bound
        // independent of libm's rounding.
        let k = if self.primed {
            step_weight(input.params.softness, input.dt).clamp(0.0, 1.0)
        } else {
            1.0
        };
        self.primed = true;
        k
    }

    /// The per-LED memory, for the pipeline's single pass.
    pub(crate) fn state_mut(&mut self) -> &mut [Rgb; N] {
        &mut self.state
    }
}

/// A level as the filter takes it: light, so negative levels and NaN are 0, and +∞ is the
/// largest float. The result is in `0..=f32::MAX`.
#[inline]
pub fn level_in(v: f32) -> f32 {
    // `v > 0` is false for NaN, 0, -0 and negatives; `min` caps +∞.
    if v > 0.0 { v.min(f32::MAX) } else { 0.0 }
}

/// [`level_in`] for all three channels of an LED.
///
/// The usual LED (every channel finite and non-negative) is recognised with one test and
/// passed through: a float whose bits, read as an unsigned integer, are below `0x7f80_0000` has
/// its sign bit clear and an exponent below the one of infinities and NaN, and the bitwise OR of
/// the three channels is at least each channel. An OR can reach that bound with every channel
/// fine (it mixes bits); such LEDs, like those with a negative, NaN or infinite channel, take
/// the per-channel path, which gives the same result for fine channels. Either way the result
/// is exactly `level_in` of each channel.
#[inline]
pub fn led_in(led: Rgb) -> Rgb {
    const INFINITY_BITS: u32 = 0x7f80_0000;
    if (led.r.to_bits() | led.g.to_bits() | led.b.to_bits()) < INFINITY_BITS {
        led
    } else {
        Rgb {
            r: level_in(led.r),
            g: level_in(led.g),
            b: level_in(led.b),
        }
    }
}

/// One LED through the low-pass: moves its memory `y` the share `k` (0..=1) toward `led` and
/// returns it. The result is finite and non-negative (see the module doc).
#[inline]
pub(crate) fn step(y: &mut Rgb, led: Rgb, k: f32) -> Rgb {
    let x = led_in(led);
    y.r += k * (x.r - y.r);
    y.g += k * (x.g - y.g);
    y.b += k * (x.b - y.b);
    *y
}

impl<const N: usize> Stage for Softness<N> {
    fn apply(&mut self, frame: &mut [Rgb], input: &StageInput<'_>) {
        let k = self.begin(input);
        for (led, y) in frame.iter_mut().zip(self.state.iter_mut()) {
            *led = step(y, *led, k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;

    fn run(fps: f32, softness: f32, seconds: f32) -> f32 {
        let params = Params {
            softness,
            ..Params::DEFAULT
        };
        let mut f = Softness::<1>::new();
        let dt = 1.0 / fps;
        // Start dark, then a step to full at t = 0.
        f.apply(
            &mut [Rgb::BLACK],
            &StageInput {
                params: &params,
                dt,
            },
        );
        let frames = libm::roundf(seconds * fps) as usize;
        let mut out = Rgb::BLACK;
        for _ in 0..frames {
            let mut frame = [Rgb {
                r: 1.0,
                g: 1.0,
                b: 1.0,
            }];
            f.apply(
                &mut frame,
                &StageInput {
                    params: &params,
                    dt,
                },
            );
            out = frame[0];
        }
        out.r
    }

    #[test]
    fn cutoff_spans_half_to_fifteen_hertz() {
        assert!((cutoff_hz(0.0) - 15.0).abs() < 1e-4);
        assert!((cutoff_hz(1.0) - 0.5).abs() < 1e-5);
        assert!((cutoff_hz(0.5) - libm::sqrtf(7.5)).abs() < 1e-4);
        assert!(cutoff_hz(0.25) > cutoff_hz(0.5));
    }

    /// The step response at the same moments is the same at 60 and at 500 frames per second.
    #[test]
    fn same_look_at_60_and_500_fps() {
        for softness in [0.0, 0.25, 0.6, 1.0] {
            for t in [0.05, 0.1, 0.3, 1.0] {
                let slow = run(60.0, softness, t);
                let fast = run(500.0, softness, t);
                assert!(
                    (slow - fast).abs() < 0.01,
                    "softness {softness}, t {t}: {slow} at 60 fps, {fast} at 500"
                );
            }
        }
        // And it is a real low-pass: after one time constant, 1 - 1/e of the step.
        let tau = 1.0 / (2.0 * PI * cutoff_hz(0.6));
        let y = run(500.0, 0.6, tau);
        assert!((y - (1.0 - libm::expf(-1.0))).abs() < 0.01, "{y}");
    }

    #[test]
    fn more_softness_is_slower() {
        assert!(run(100.0, 0.0, 0.05) > 0.95);
        assert!(run(100.0, 1.0, 0.05) < 0.2);
        assert!(run(100.0, 0.25, 0.05) > run(100.0, 0.75, 0.05));
    }

    /// Light cannot be negative: a negative level is remembered as 0, so it does not hold the
    /// LED dark for a while after the input rises again.
    #[test]
    fn negative_levels_count_as_zero() {
        let input = StageInput {
            params: &Params::DEFAULT,
            dt: 0.01,
        };
        let run = |first: f32| {
            let mut f = Softness::<1>::new();
            let mut frame = [Rgb {
                r: first,
                g: f32::NAN,
                b: -0.0,
            }];
            f.apply(&mut frame, &input);
            assert_eq!(frame[0], Rgb::BLACK, "{first}");
            let mut frame = [Rgb {
                r: 0.5,
                g: 0.5,
                b: 0.5,
            }];
            f.apply(&mut frame, &input);
            frame[0]
        };
        assert_eq!(run(-3.0), run(0.0));
        assert_eq!(run(f32::NEG_INFINITY), run(0.0));
        assert!(run(0.0).r > 0.0);
        assert_eq!(level_in(f32::INFINITY), f32::MAX);
        assert_eq!(level_in(f32::NAN), 0.0);
    }

    /// The one-test path of `led_in` agrees with `level_in` per channel for every kind of
    /// value, including channels whose bits OR past the bound while each is fine.
    #[test]
    fn led_in_is_level_in_per_channel() {
        let values = [
            0.0,
            -0.0,
            1e-40,
            0.5,
            1.0,
            1.5,
            2.0,
            3.0e38,
            f32::MAX,
            f32::MIN_POSITIVE,
            f32::from_bits(0x7f00_0000),
            f32::from_bits(0x0080_0000),
            -1.0,
            -1e-40,
            f32::MIN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
            -f32::NAN,
        ];
        for &r in &values {
            for &g in &values {
                for &b in &values {
                    let got = led_in(Rgb { r, g, b });
                    let want = [level_in(r), level_in(g), level_in(b)];
                    assert_eq!(
                        [got.r.to_bits(), got.g.to_bits(), got.b.to_bits()],
                        want.map(f32::to_bits),
                        "{r} {g} {b}"
                    );
                }
            }
        }
    }

    #[test]
    fn bad_input_stays_finite() {
        let params = Params::DEFAULT;
        let mut f = Softness::<2>::new();
        for dt in [f32::NAN, -1.0, 1e9, 0.0, 0.01] {
            let mut frame = [
                Rgb {
                    r: f32::NAN,
                    g: f32::INFINITY,
                    b: -1.0,
                },
                Rgb {
                    r: 0.5,
                    g: 0.5,
                    b: 0.5,
                },
            ];
            f.apply(
                &mut frame,
                &StageInput {
                    params: &params,
                    dt,
                },
            );
            assert!(
                frame
                    .iter()
                    .all(|c| c.r.is_finite() && c.g.is_finite() && c.b.is_finite())
            );
        }
    }
}
