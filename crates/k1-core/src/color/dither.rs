//! Stage 7, temporal dithering: float duty → bytes, carrying each LED's rounding error forward.
//!
//! An 8-bit LED has 255 steps of duty, and the dim end is where eyes see steps most: a slow fade
//! through the bottom levels shows as visible jumps (banding). With dithering on, each LED and
//! channel keeps the error its last byte made and adds it to the next target, so over frames the
//! bytes average to the exact float duty: a level of 0.3/255 is 1 in 3 of 10 frames and 0 in
//! the rest. The initial errors are spread over the strip (a golden-ratio sequence), so LEDs at
//! the same level do not all flicker in step. With dithering off, each byte is simply rounded.
//!
//! This is the last stage and its output is bytes, so it is not a [`super::Stage`].

use super::rgb8::Rgb8;
use crate::rgb::Rgb;

/// Per-LED, per-channel error carried between frames, in byte units.
#[derive(Clone, Debug)]
pub struct Dither<const N: usize> {
    error: [[f32; 3]; N],
}

/// The starting error of LED `i`: spread evenly in -0.5..0.5 along the strip.
fn initial_error(i: usize) -> f32 {
    const PHI: f32 = 0.618_034;
    let x = i as f32 * PHI;
    x - libm::floorf(x) - 0.5
}

impl<const N: usize> Dither<N> {
    /// A ditherer with spread starting errors.
    pub fn new() -> Self {
        Dither {
            error: core::array::from_fn(|i| {
                let e = initial_error(i);
                [e, e, e]
            }),
        }
    }

    /// Converts `frame` (duty 0..=1 per channel) into `out`, dithered or rounded. Handles
    /// `min(frame.len(), out.len(), N)` LEDs and returns that count.
    pub fn quantize(&mut self, frame: &[Rgb], dithering: bool, out: &mut [Rgb8]) -> usize {
        let mut count = 0;
        for ((led, byte), err) in frame.iter().zip(out.iter_mut()).zip(self.error.iter_mut()) {
            *byte = pixel(*led, err, dithering);
            count += 1;
        }
        count
    }

    /// The carried errors, for the pipeline's single pass.
    pub(crate) fn errors_mut(&mut self) -> &mut [[f32; 3]; N] {
        &mut self.error
    }
}

/// One LED quantised: dithered with its carried error `err` (updated), or rounded. Any input:
/// each channel is clamped to 0..=1 first (NaN is 0).
#[inline]
pub(crate) fn pixel(led: Rgb, err: &mut [f32; 3], dithering: bool) -> Rgb8 {
    let led = Rgb {
        r: duty(led.r),
        g: duty(led.g),
        b: duty(led.b),
    };
    if dithering {
        pixel_dithered(led, err)
    } else {
        pixel_rounded(led)
    }
}

/// One LED dithered with its carried error `err` (updated); each channel must be in 0..=1 (the
/// gamma stage's output is).
#[inline]
pub(crate) fn pixel_dithered(led: Rgb, err: &mut [f32; 3]) -> Rgb8 {
    let [er, eg, eb] = err;
    Rgb8::new(
        dithered(led.r, er),
        dithered(led.g, eg),
        dithered(led.b, eb),
    )
}

/// One LED rounded to the nearest bytes; each channel must be in 0..=1.
#[inline]
pub(crate) fn pixel_rounded(led: Rgb) -> Rgb8 {
    Rgb8::new(rounded(led.r), rounded(led.g), rounded(led.b))
}

/// A duty cycle clamped to 0..=1; NaN is 0.
#[inline]
fn duty(v: f32) -> f32 {
    #[allow(clippy::manual_clamp)] // `max`/`min` drop NaN, `clamp` would keep it
    v.max(0.0).min(1.0)
}

/// One channel (0..=1) quantised with its carried error `e` (in -0.5..=0.5), which is updated.
///
/// With `v` in 0..=1 and `e` in -0.5..=0.5, `want + 0.5` is in 0..=256, so the conversion needs
/// no lower clamp and only 256 is capped (to 255, when `want` is exactly 255.5, which leaves an
/// error of exactly 0.5). The new error `want − q` is then at most 0.5; it can fall a rounding
/// step below −0.5 (when `want + 0.5` rounds up to a whole number), so that side is clamped.
#[inline]
fn dithered(v: f32, e: &mut f32) -> u8 {
    let want = v * 255.0 + *e;
    let q = ((want + 0.5) as u32).min(255);
    let err = want - q as f32;
    *e = if err < -0.5 { -0.5 } else { err };
    q as u8
}

/// One channel (0..=1) rounded to the nearest byte.
#[inline]
fn rounded(v: f32) -> u8 {
    ((v * 255.0 + 0.5) as u32).min(255) as u8
}

impl<const N: usize> Default for Dither<N> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grey(v: f32) -> Rgb {
        Rgb { r: v, g: v, b: v }
    }

    /// Over many frames, a dim level's bytes average to the exact level, for every LED.
    #[test]
    fn dim_levels_average_right() {
        for level in [0.1f32, 0.3, 0.5, 1.7, 2.25, 7.9, 254.6] {
            let mut d = Dither::<16>::new();
            let frame = [grey(level / 255.0); 16];
            let mut out = [Rgb8::BLACK; 16];
            let mut sums = [0u32; 16];
            let frames = 1000;
            for _ in 0..frames {
                d.quantize(&frame, true, &mut out);
                for (s, o) in sums.iter_mut().zip(out.iter()) {
                    *s += o.r as u32;
                }
            }
            for (i, &s) in sums.iter().enumerate() {
                let mean = s as f32 / frames as f32;
                assert!(
                    (mean - level).abs() < 0.002,
                    "level {level}, led {i}: mean {mean}"
                );
            }
        }
    }

    /// A slow ramp through the bottom four byte levels: without dithering it collapses into five
    /// flat bands; with it, every one of the 64 input levels keeps its own average, in order.
    #[test]
    fn a_dim_ramp_does_not_band() {
        const N: usize = 64;
        let frame: [Rgb; N] = core::array::from_fn(|i| grey(i as f32 / 16.0 / 255.0));
        let mut out = [Rgb8::BLACK; N];
        let mut mean = |dithering: bool| -> [f32; N] {
            let mut d = Dither::<N>::new();
            let mut sums = [0u32; N];
            for _ in 0..4096 {
                d.quantize(&frame, dithering, &mut out);
                for (s, o) in sums.iter_mut().zip(out.iter()) {
                    *s += o.g as u32;
                }
            }
            sums.map(|s| s as f32 / 4096.0)
        };
        let plain = mean(false);
        let mut distinct = plain.to_vec();
        distinct.dedup();
        assert_eq!(distinct.len(), 5, "{plain:?}");
        let dithered = mean(true);
        for (i, &got) in dithered.iter().enumerate() {
            let want = i as f32 / 16.0;
            assert!((got - want).abs() < 0.01, "led {i}: {got} vs {want}");
        }
        assert!(dithered.windows(2).all(|w| w[1] > w[0]), "{dithered:?}");
    }

    #[test]
    fn off_rounds_and_rails_hold() {
        let mut d = Dither::<3>::new();
        let mut out = [Rgb8::BLACK; 3];
        let n = d.quantize(&[grey(0.0), grey(1.0), grey(0.5)], false, &mut out);
        assert_eq!(n, 3);
        assert_eq!(
            out,
            [
                Rgb8::new(0, 0, 0),
                Rgb8::new(255, 255, 255),
                Rgb8::new(128, 128, 128)
            ]
        );
        // Full and zero stay exactly full and zero with dithering on, frame after frame.
        for _ in 0..10 {
            d.quantize(&[grey(0.0), grey(1.0), grey(f32::NAN)], true, &mut out);
            assert_eq!(out[0], Rgb8::BLACK);
            assert_eq!(out[1], Rgb8::new(255, 255, 255));
            assert_eq!(out[2], Rgb8::BLACK);
        }
    }
}
