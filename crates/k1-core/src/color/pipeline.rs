//! [`Pipeline`]: all seven colour stages in order, with their state, for up to `N` LEDs.

use super::brightness::Brightness;
use super::dither::Dither;
use super::gamma::{DEFAULT_GAMMA, GammaTable};
use super::rgb8::Rgb8;
use super::softness::Softness;
use super::stage::{Stage, StageInput};
use super::tone_map::{DEFAULT_KNEE, ToneMap};
use super::warmth::Warmth;
use super::white_balance::WhiteBalance;
use crate::params::Params;
use crate::render::Rgb;

/// The hardware side of the colour pipeline: fixed per installation, not per look.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PipelineConfig {
    /// Gamma exponent (1..=3).
    pub gamma: f32,
    /// Tone-map knee (0..1).
    pub knee: f32,
    /// White-balance gains (0..=1 per channel).
    pub white_balance: Rgb,
}

impl PipelineConfig {
    /// γ 2.2, knee 0.8, neutral white balance.
    pub const DEFAULT: PipelineConfig = PipelineConfig {
        gamma: DEFAULT_GAMMA,
        knee: DEFAULT_KNEE,
        white_balance: WhiteBalance::NEUTRAL.gains,
    };
}

impl Default for PipelineConfig {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The colour pipeline for up to `N` LEDs: softness → tone map → warmth → white balance →
/// brightness → gamma → dithering. It holds a work buffer and the two stateful stages' memory
/// (`≈ 36 · N` bytes); nothing allocates.
///
/// Call [`Pipeline::process`] once per frame with the renderer's frame and the measured frame
/// period.
#[derive(Clone, Debug)]
pub struct Pipeline<const N: usize> {
    softness: Softness<N>,
    tone_map: ToneMap,
    warmth: Warmth,
    white_balance: WhiteBalance,
    brightness: Brightness,
    gamma: GammaTable,
    dither: Dither<N>,
    work: [Rgb; N],
}

impl<const N: usize> Pipeline<N> {
    /// A pipeline with no history.
    pub fn new(config: PipelineConfig) -> Self {
        Pipeline {
            softness: Softness::new(),
            tone_map: ToneMap { knee: config.knee },
            warmth: Warmth,
            white_balance: WhiteBalance {
                gains: config.white_balance,
            },
            brightness: Brightness,
            gamma: GammaTable::new(config.gamma),
            dither: Dither::new(),
            work: [Rgb::BLACK; N],
        }
    }

    /// Runs one frame: `frame` (the renderer's float RGB, one per LED) through every stage into
    /// `out`. `dt` is the measured time since the previous frame in seconds. Handles
    /// `min(frame.len(), out.len(), N)` LEDs and returns that count. `params` are sanitised
    /// first, so no value can upset the output.
    pub fn process(&mut self, frame: &[Rgb], params: &Params, dt: f32, out: &mut [Rgb8]) -> usize {
        let n = frame.len().min(out.len()).min(N);
        let params = params.sanitized();
        let input = StageInput {
            params: &params,
            dt,
        };
        let (Some(work), Some(frame)) = (self.work.get_mut(..n), frame.get(..n)) else {
            return 0;
        };
        work.copy_from_slice(frame);
        self.softness.apply(work, &input);
        self.tone_map.apply(work, &input);
        self.warmth.apply(work, &input);
        self.white_balance.apply(work, &input);
        self.brightness.apply(work, &input);
        self.gamma.apply(work, &input);
        self.dither.quantize(work, params.dithering(), out)
    }

    /// Forgets the softness history, so the next frame shows at once (after a layout change).
    pub fn reset(&mut self) {
        self.softness.reset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn once(frame: &[Rgb], params: &Params) -> [Rgb8; 8] {
        let mut p = Pipeline::<8>::new(PipelineConfig::DEFAULT);
        let mut out = [Rgb8::BLACK; 8];
        p.process(frame, params, 0.01, &mut out);
        out
    }

    fn ramp() -> [Rgb; 8] {
        core::array::from_fn(|i| Rgb {
            r: i as f32 / 10.0,
            g: 0.7 - i as f32 / 20.0,
            b: 0.05 * i as f32,
        })
    }

    /// Brightness `b` gives exactly what a frame pre-scaled by `b` gives at brightness 1:
    /// brightness is applied once, not twice.
    #[test]
    fn brightness_is_applied_once() {
        let undithered = Params {
            dithering: 0,
            ..Params::DEFAULT
        };
        for b in [0.25f32, 0.5, 0.8] {
            let dim = once(
                &ramp(),
                &Params {
                    brightness: b,
                    ..undithered
                },
            );
            let prescaled = ramp().map(|c| c.scaled(b));
            let reference = once(&prescaled, &undithered);
            assert_eq!(dim, reference, "brightness {b}");
            // And it is a perceptual scale: duty goes as b^γ.
            let full = once(
                &[Rgb {
                    r: 0.5,
                    g: 0.5,
                    b: 0.5,
                }],
                &undithered,
            )[0]
            .r as f32;
            let half = once(
                &[Rgb {
                    r: 0.5,
                    g: 0.5,
                    b: 0.5,
                }],
                &Params {
                    brightness: b,
                    ..undithered
                },
            )[0]
            .r as f32;
            let want = full * libm::powf(b, DEFAULT_GAMMA);
            assert!((half - want).abs() <= 1.0, "b {b}: {half} vs {want}");
        }
    }

    #[test]
    fn stages_run_in_order_on_a_white_frame() {
        // White at warmth 1: tone map first (1.0 → shoulder), then warmth, gamma.
        let params = Params {
            warmth: 1.0,
            dithering: 0,
            ..Params::DEFAULT
        };
        let out = once(
            &[Rgb {
                r: 1.0,
                g: 1.0,
                b: 1.0,
            }],
            &params,
        )[0];
        let t = super::super::tone_map::curve(1.0, DEFAULT_KNEE);
        let expect = |gain: f32| (libm::powf(t * gain, DEFAULT_GAMMA) * 255.0 + 0.5) as u8;
        assert_eq!(out, Rgb8::new(expect(1.0), expect(0.655), expect(0.341)));
    }

    #[test]
    fn short_buffers_and_bad_params() {
        let mut p = Pipeline::<4>::new(PipelineConfig::DEFAULT);
        let mut out = [Rgb8::BLACK; 2];
        let frame = [Rgb {
            r: 0.5,
            g: 0.5,
            b: 0.5,
        }; 6];
        assert_eq!(p.process(&frame, &Params::DEFAULT, 0.01, &mut out), 2);
        let bad = Params {
            brightness: f32::NAN,
            softness: f32::INFINITY,
            ..Params::DEFAULT
        };
        let mut out = [Rgb8::BLACK; 8];
        assert_eq!(p.process(&frame, &bad, f32::NAN, &mut out), 4);
        assert_eq!(p.process(&[], &bad, 0.01, &mut out), 0);
    }
}
