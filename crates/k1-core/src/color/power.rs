//! Power limiting: an estimate of the current a frame draws, and a brightness gain that keeps it
//! under the supply's budget.
//!
//! A WS2812 LED draws a small quiescent current and, per channel, a current in proportion to
//! that channel's duty cycle (the PWM the LED runs at the byte it is sent). So a frame's current
//! is `idle · n + full · Σ duty` over every channel of every LED, and scaling every duty by `g`
//! scales the second term by `g`. 320 LEDs at full white draw about 19 A; a USB supply gives 2.
//!
//! [`PowerLimiter`] works on the duty cycles (after gamma, before dithering), so the estimate is
//! of the light the LEDs really make. When a frame would draw more than the budget its gain drops
//! at once, in that frame, so the supply is never asked for more; when the frame draws less, the
//! gain recovers over [`RECOVERY_SECONDS`] (a time constant in seconds, whatever the frame rate),
//! so a pattern that hovers at the limit does not flicker.

use crate::rgb::Rgb;

/// Time constant of the gain's recovery once a frame draws less than the budget, seconds.
pub const RECOVERY_SECONDS: f32 = 0.5;

/// The current model and the budget: fixed per installation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PowerBudget {
    /// The supply's budget for the LEDs in mA; 0 turns the limiter off.
    pub budget_ma: f32,
    /// Current of one channel at full duty, mA (WS2812B: about 20).
    pub channel_ma: f32,
    /// Current of one LED when dark, mA (WS2812B: about 1).
    pub idle_ma: f32,
}

impl PowerBudget {
    /// No limit (the LED controller or the installation's supply takes care of it).
    pub const OFF: PowerBudget = PowerBudget {
        budget_ma: 0.0,
        channel_ma: 20.0,
        idle_ma: 1.0,
    };
    /// 2 A for WS2812B LEDs, what a USB supply gives: the K1 device's default.
    pub const USB_2A: PowerBudget = PowerBudget {
        budget_ma: 2000.0,
        channel_ma: 20.0,
        idle_ma: 1.0,
    };

    /// True when the budget is a real limit (positive and finite).
    pub fn enabled(&self) -> bool {
        self.budget_ma > 0.0 && self.budget_ma.is_finite()
    }

    /// Estimated current in mA of `n` LEDs whose duty cycles (0..=1 per channel) sum to
    /// `duty_sum` over every channel.
    pub fn current_ma(&self, n: usize, duty_sum: f32) -> f32 {
        self.idle_ma * n as f32 + self.channel_ma * duty_sum
    }

    /// The largest gain (0..=1) on every duty cycle that keeps `n` LEDs with duty sum `duty_sum`
    /// within the budget: 1 when they already fit or the limiter is off, 0 when even dark LEDs
    /// would not.
    pub fn fitting_gain(&self, n: usize, duty_sum: f32) -> f32 {
        if !self.enabled() {
            return 1.0;
        }
        let lit = self.channel_ma * duty_sum;
        let room = self.budget_ma - self.idle_ma * n as f32;
        if room < 0.0 {
            // Even dark LEDs draw more: no gain helps, so none is lit.
            return 0.0;
        }
        if lit.is_nan() || lit <= room {
            return 1.0;
        }
        (room / lit).clamp(0.0, 1.0)
    }
}

impl Default for PowerBudget {
    fn default() -> Self {
        Self::OFF
    }
}

/// The limiter's state: the gain now applied.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PowerLimiter {
    gain: f32,
}

impl Default for PowerLimiter {
    fn default() -> Self {
        Self::new()
    }
}

impl PowerLimiter {
    /// A limiter at full gain.
    pub const fn new() -> Self {
        Self { gain: 1.0 }
    }

    /// The gain for this frame, given the gain that would make it fit (see
    /// [`PowerBudget::fitting_gain`]) and the seconds since the previous frame: the fitting gain
    /// at once if it is lower than the current one, else a step of the recovery towards it.
    pub fn update(&mut self, fitting: f32, dt: f32) -> f32 {
        let fitting = if fitting.is_nan() {
            0.0
        } else {
            fitting.clamp(0.0, 1.0)
        };
        if fitting <= self.gain {
            self.gain = fitting;
        } else {
            let dt = if dt.is_finite() { dt.max(0.0) } else { 0.0 };
            let step = 1.0 - libm::expf(-dt / RECOVERY_SECONDS);
            self.gain += (fitting - self.gain) * step;
        }
        self.gain
    }

    /// The gain now applied (0..=1).
    pub fn gain(&self) -> f32 {
        self.gain
    }
}

/// Sum of the three channels of every duty in `duties`.
pub fn duty_sum(duties: &[Rgb]) -> f32 {
    duties.iter().map(|d| d.r + d.g + d.b).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_against_a_hand_computed_case() {
        // 100 LEDs, 10 of them full white (3 channels at duty 1), 20 at half red:
        // idle 100 × 1 mA + 20 mA × (10 × 3 + 20 × 0.5) = 100 + 800 = 900 mA.
        let b = PowerBudget::USB_2A;
        let sum = 10.0 * 3.0 + 20.0 * 0.5;
        assert_eq!(b.current_ma(100, sum), 900.0);
        assert_eq!(b.fitting_gain(100, sum), 1.0);
        // 320 LEDs at full white: 320 + 20 × 960 = 19,520 mA, about the 19 A of the datasheet.
        assert_eq!(b.current_ma(320, 960.0), 19_520.0);
        // To fit 2,000 mA the lit part may use 2,000 − 320 = 1,680 of its 19,200 mA.
        let g = b.fitting_gain(320, 960.0);
        assert!((g - 1680.0 / 19_200.0).abs() < 1e-6, "{g}");
        assert!((b.current_ma(320, 960.0 * g) - 2000.0).abs() < 0.01);
    }

    #[test]
    fn off_never_limits_and_an_impossible_budget_goes_dark() {
        assert_eq!(PowerBudget::OFF.fitting_gain(10_000, 30_000.0), 1.0);
        let tiny = PowerBudget {
            budget_ma: 100.0,
            ..PowerBudget::USB_2A
        };
        // 320 idle LEDs alone draw 320 mA: nothing lit fits.
        assert_eq!(tiny.fitting_gain(320, 1.0), 0.0);
        assert_eq!(tiny.fitting_gain(320, 0.0), 0.0);
        let nan = PowerBudget {
            budget_ma: f32::NAN,
            ..PowerBudget::USB_2A
        };
        assert_eq!(nan.fitting_gain(320, 960.0), 1.0);
    }

    #[test]
    fn the_gain_drops_at_once_and_recovers_smoothly_at_any_frame_rate() {
        for fps in [60.0f32, 200.0, 500.0] {
            let mut l = PowerLimiter::new();
            assert_eq!(l.update(0.25, 1.0 / fps), 0.25, "drops in the same frame");
            // Half a second (one time constant) of frames that would fit at full gain.
            let frames = (0.5 * fps) as usize;
            let mut last = 0.25;
            for _ in 0..frames {
                let g = l.update(1.0, 1.0 / fps);
                assert!(g >= last && g <= 1.0, "monotone recovery");
                // No visible step: at most a few percent of the range per frame at 60 FPS.
                assert!(g - last < 0.03, "{fps}: step {}", g - last);
                last = g;
            }
            // 1 − e^{-1} of the way back, the same at every frame rate.
            let want = 0.25 + 0.75 * (1.0 - libm::expf(-1.0));
            assert!((last - want).abs() < 0.01, "{fps}: {last} vs {want}");
        }
    }
}
