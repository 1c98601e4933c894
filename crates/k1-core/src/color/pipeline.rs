//! [`Pipeline`]: all seven colour stages in order, with their state, for up to `N` LEDs.

use super::brightness;
use super::dither::{self, Dither};
use super::gamma::{DEFAULT_GAMMA, GammaTable};
use super::power::{self, PowerBudget, PowerLimiter};
use super::rgb8::Rgb8;
use super::softness::{self, Softness};
use super::stage::StageInput;
use super::tone_map::{DEFAULT_KNEE, ToneMap};
use super::warmth;
use super::white_balance::WhiteBalance;
use crate::params::Params;
use crate::rgb::Rgb;

/// The hardware side of the colour pipeline: fixed per installation, not per look.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PipelineConfig {
    /// Gamma exponent (1..=3).
    pub gamma: f32,
    /// Tone-map knee (0..1).
    pub knee: f32,
    /// White-balance gains (0..=1 per channel).
    pub white_balance: Rgb,
    /// The supply's current budget and the LEDs' current model (see [`super::power`]).
    pub power: PowerBudget,
}

impl PipelineConfig {
    /// γ 2.2, knee 0.8, neutral white balance, no power limit: the host's default, whose LED
    /// controllers limit their own current (WLED does by default).
    pub const DEFAULT: PipelineConfig = PipelineConfig {
        gamma: DEFAULT_GAMMA,
        knee: DEFAULT_KNEE,
        white_balance: WhiteBalance::NEUTRAL.gains,
        power: PowerBudget::OFF,
    };

    /// [`PipelineConfig::DEFAULT`] with the power limited to 2 A (a USB supply): the K1 device,
    /// which drives its strips itself.
    pub const DEVICE: PipelineConfig = PipelineConfig {
        power: PowerBudget::USB_2A,
        ..PipelineConfig::DEFAULT
    };
}

impl Default for PipelineConfig {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The colour pipeline for up to `N` LEDs: softness → tone map → warmth → white balance →
/// brightness → gamma → power limit → dithering. It holds the two stateful stages' memory
/// (`24 · N` bytes) and the duty cycles of a frame for the power limit (`12 · N`); nothing
/// allocates.
///
/// Call [`Pipeline::process`] once per frame with the renderer's frame and the measured frame
/// period.
#[derive(Clone, Debug)]
pub struct Pipeline<const N: usize> {
    softness: Softness<N>,
    tone_map: ToneMap,
    white_balance: WhiteBalance,
    gamma: GammaTable,
    dither: Dither<N>,
    power: PowerBudget,
    limiter: PowerLimiter,
    /// A frame's duty cycles, kept between the power limiter's two passes.
    duty: [Rgb; N],
}

/// What one frame of the single pass uses, worked out once per frame.
struct FrameValues {
    /// The softness step weight (0..=1).
    k: f32,
    /// Warmth gains (0..=1).
    warm: Rgb,
    /// White-balance gains (0..=1).
    balance: Rgb,
    /// Brightness (0..=1).
    level: f32,
}

impl FrameValues {
    /// One LED from the renderer's level to its duty cycle (0..=1 per channel): softness (its
    /// memory `y` is updated), tone map, warmth, white balance, brightness and gamma.
    ///
    /// No clamps after the softness stage's input: its memory is finite and non-negative (see
    /// [`softness`]), the tone map keeps it so, the gains are in 0..=1, and the gamma table
    /// takes any finite non-negative level (1 and up give 1). Each product is formed in the
    /// stages' order, so the result is bit for bit what the stages give.
    #[inline(always)]
    fn duty(&self, tone: &ToneMap, gamma: &GammaTable, y: &mut Rgb, led: Rgb) -> Rgb {
        let c = tone.pixel_clean(softness::step(y, led, self.k));
        let (warm, balance, level) = (self.warm, self.balance, self.level);
        Rgb {
            r: gamma.map_clean(c.r * warm.r * balance.r * level),
            g: gamma.map_clean(c.g * warm.g * balance.g * level),
            b: gamma.map_clean(c.b * warm.b * balance.b * level),
        }
    }
}

impl<const N: usize> Pipeline<N> {
    /// A pipeline with no history.
    pub fn new(config: PipelineConfig) -> Self {
        Pipeline {
            softness: Softness::new(),
            tone_map: ToneMap { knee: config.knee },
            white_balance: WhiteBalance {
                gains: config.white_balance,
            },
            gamma: GammaTable::new(config.gamma),
            dither: Dither::new(),
            power: config.power,
            limiter: PowerLimiter::new(),
            duty: [Rgb::BLACK; N],
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
        let Some(frame) = frame.get(..n) else {
            return 0;
        };
        // One pass over the LEDs with every stage's per-frame values worked out first: the same
        // operations in the same order as running the stages one after another (their `apply`,
        // which the stage tests use), so the bytes are identical, but each LED is loaded and
        // stored once instead of seven times.
        let frame_values = FrameValues {
            k: self.softness.begin(&input),
            warm: warmth::gains(params.warmth),
            balance: self.white_balance.effective(),
            level: brightness::level(params.brightness),
        };
        let (tone, gamma) = (&self.tone_map, &self.gamma);
        if self.power.enabled() {
            // Two passes: the duty cycles and their current first, then the gain that keeps the
            // frame within the budget, applied before dithering.
            let states = self.softness.state_mut().iter_mut();
            for ((led, y), d) in frame.iter().zip(states).zip(self.duty.iter_mut()) {
                *d = frame_values.duty(tone, gamma, y, *led);
            }
            let duties = self.duty.get(..n).unwrap_or(&[]);
            let fitting = self.power.fitting_gain(n, power::duty_sum(duties));
            let g = self.limiter.update(fitting, dt);
            let errors = self.dither.errors_mut().iter_mut();
            let dithering = params.dithering();
            for ((d, err), byte) in duties.iter().zip(errors).zip(out.iter_mut()) {
                let d = Rgb {
                    r: d.r * g,
                    g: d.g * g,
                    b: d.b * g,
                };
                *byte = if dithering {
                    dither::pixel_dithered(d, err)
                } else {
                    dither::pixel_rounded(d)
                };
            }
            return n;
        }
        let lanes = frame
            .iter()
            .zip(self.softness.state_mut().iter_mut())
            .zip(self.dither.errors_mut().iter_mut())
            .zip(out.iter_mut());
        // Two copies of the loop, so the dithering choice is not a branch per LED.
        if params.dithering() {
            for (((led, y), err), byte) in lanes {
                *byte = dither::pixel_dithered(frame_values.duty(tone, gamma, y, *led), err);
            }
        } else {
            for (((led, y), _), byte) in lanes {
                *byte = dither::pixel_rounded(frame_values.duty(tone, gamma, y, *led));
            }
        }
        n
    }

    /// Forgets the softness history, so the next frame shows at once (after a layout change).
    pub fn reset(&mut self) {
        self.softness.reset();
    }

    /// The power limiter's gain on the last frame (1 when it did not limit or is off).
    pub fn power_gain(&self) -> f32 {
        self.limiter.gain()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::color::{Brightness, Stage, Warmth, WhiteBalance};

    /// The single pass must give exactly the bytes of the seven stages run one after another,
    /// frame after frame (so the two stateful stages' memory agrees too), for any input: levels
    /// past 1, negative, NaN and infinite, with every parameter that the per-frame values use
    /// varying.
    #[test]
    fn one_pass_equals_the_stages_in_order() {
        let mut seed = 0x2545_f491_u32;
        let mut next = move || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            seed as f32 / u32::MAX as f32
        };
        let config = PipelineConfig {
            white_balance: Rgb {
                r: 1.0,
                g: 0.69,
                b: 0.94,
            },
            ..PipelineConfig::DEFAULT
        };
        let mut fused = Pipeline::<16>::new(config);
        let mut softness = Softness::<16>::new();
        let mut tone = ToneMap { knee: config.knee };
        let mut warmth = Warmth;
        let mut balance = WhiteBalance {
            gains: config.white_balance,
        };
        let mut brightness = Brightness;
        let mut gamma = GammaTable::new(config.gamma);
        let mut dither = Dither::<16>::new();
        for frame_no in 0..200 {
            let mut frame: [Rgb; 16] = core::array::from_fn(|_| Rgb {
                r: next() * 1.4,
                g: next() * 1.6 - 0.2,
                b: next() * 1.6 - 0.2,
            });
            if frame_no % 7 == 3 {
                frame[2].g = f32::NAN;
                frame[5].r = f32::INFINITY;
                frame[9].b = f32::NEG_INFINITY;
            }
            let params = Params {
                softness: next(),
                warmth: if frame_no % 3 == 0 { 0.0 } else { next() },
                brightness: next(),
                dithering: u8::from(frame_no % 5 != 0),
                ..Params::DEFAULT
            }
            .sanitized();
            let dt = next() * 0.02;
            let mut want = [Rgb8::BLACK; 16];
            let mut work = frame;
            let input = StageInput {
                params: &params,
                dt,
            };
            softness.apply(&mut work, &input);
            tone.apply(&mut work, &input);
            warmth.apply(&mut work, &input);
            balance.apply(&mut work, &input);
            brightness.apply(&mut work, &input);
            gamma.apply(&mut work, &input);
            dither.quantize(&work, params.dithering(), &mut want);
            let mut got = [Rgb8::BLACK; 16];
            assert_eq!(fused.process(&frame, &params, dt, &mut got), 16);
            assert_eq!(got, want, "frame {frame_no}");
        }
    }

    /// What changed when the softness stage began to take levels as light (0..=`f32::MAX`)
    /// instead of clamping them to ±`f32::MAX`: only negative levels, which no pattern draws.
    /// For light, with NaN and +∞ among it, the bytes are exactly the previous pipeline's: its
    /// softness written out here as it was, followed by the (unchanged) stages.
    #[test]
    fn light_gives_the_bytes_it_gave_before() {
        let mut seed = 0x1234_5678_u32;
        let mut next = move || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            seed as f32 / u32::MAX as f32
        };
        let config = PipelineConfig::DEFAULT;
        let mut fused = Pipeline::<16>::new(config);
        let mut memory = [Rgb::BLACK; 16];
        let tone = ToneMap { knee: config.knee };
        let (mut warmth, mut brightness) = (Warmth, Brightness);
        let mut balance = WhiteBalance {
            gains: config.white_balance,
        };
        let mut gamma = GammaTable::new(config.gamma);
        let mut dither = Dither::<16>::new();
        let old_finite = |v: f32| {
            if v.is_nan() {
                0.0
            } else {
                v.clamp(-f32::MAX, f32::MAX)
            }
        };
        for frame_no in 0..300 {
            let mut frame: [Rgb; 16] = core::array::from_fn(|_| Rgb {
                r: next() * 1.4,
                g: next() * 1.4,
                b: next() * 1.4,
            });
            if frame_no % 11 == 4 {
                frame[1].r = f32::NAN;
                frame[6].b = f32::INFINITY;
            }
            let params = Params {
                softness: next(),
                warmth: next(),
                brightness: next(),
                dithering: u8::from(frame_no % 4 != 0),
                ..Params::DEFAULT
            }
            .sanitized();
            let dt = next() * 0.02;
            let k = if frame_no == 0 {
                1.0
            } else {
                softness::step_weight(params.softness, dt)
            };
            let mut work = frame;
            for (led, y) in work.iter_mut().zip(memory.iter_mut()) {
                y.r += k * (old_finite(led.r) - y.r);
                y.g += k * (old_finite(led.g) - y.g);
                y.b += k * (old_finite(led.b) - y.b);
                *led = tone.pixel(*y);
            }
            let input = StageInput {
                params: &params,
                dt,
            };
            warmth.apply(&mut work, &input);
            balance.apply(&mut work, &input);
            brightness.apply(&mut work, &input);
            gamma.apply(&mut work, &input);
            let mut want = [Rgb8::BLACK; 16];
            dither.quantize(&work, params.dithering(), &mut want);
            let mut got = [Rgb8::BLACK; 16];
            fused.process(&frame, &params, dt, &mut got);
            assert_eq!(got, want, "frame {frame_no}");
        }
    }

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

    /// +∞ on an LED, then −∞, then an ordinary level. The softness memory used to take inputs
    /// clamped to ±`f32::MAX`: +∞ put it at `MAX`, −∞ then made the difference overflow to −∞,
    /// and the next ordinary level gave ∞ − ∞ = NaN, which no later frame could undo: the LED
    /// stayed dark until a reset. Inputs are now taken as light (0..=`MAX`), so it recovers.
    #[test]
    fn infinite_levels_do_not_leave_an_led_dark() {
        let params = Params {
            dithering: 0,
            ..Params::DEFAULT
        };
        let mut p = Pipeline::<2>::new(PipelineConfig::DEFAULT);
        let mut out = [Rgb8::BLACK; 2];
        let grey = |v: f32| Rgb { r: v, g: v, b: v };
        let steady = |p: &mut Pipeline<2>, out: &mut [Rgb8; 2]| {
            for _ in 0..2000 {
                p.process(&[grey(0.5); 2], &params, 0.01, out);
            }
        };
        steady(&mut p, &mut out);
        let want = out;
        assert!(want[0].r > 40, "{want:?}");
        p.process(&[grey(f32::INFINITY), grey(0.5)], &params, 0.01, &mut out);
        p.process(
            &[grey(f32::NEG_INFINITY), grey(0.5)],
            &params,
            0.01,
            &mut out,
        );
        steady(&mut p, &mut out);
        assert_eq!(out, want);
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
