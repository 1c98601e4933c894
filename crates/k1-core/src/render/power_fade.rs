//! [`PowerFade`]: the power switch's fade to black and back.
//!
//! Switching the light off is not a cut: the frame fades to black over [`POWER_FADE_SECONDS`]
//! and, switched on again, fades back in the same way (on a smoothstep curve, like the
//! renderer's other fades). The fade scales the renderer's line before the colour pipeline, so
//! brightness is still applied once, there; when it has reached black the caller may send black
//! without running the pipeline at all ([`PowerFade::dark`]).

use super::Rgb;
use super::ops::{mul, smoothstep};

/// How long the fade to black (or back) takes, seconds.
pub const POWER_FADE_SECONDS: f32 = 0.7;

/// The power switch's state and how far its fade has come. Time is passed in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PowerFade {
    on: bool,
    level: f32,
}

impl PowerFade {
    /// A switch that is `on` (or off) already: it starts at full level (or black), with no fade.
    pub const fn new(on: bool) -> Self {
        PowerFade {
            on,
            level: if on { 1.0 } else { 0.0 },
        }
    }

    /// Switches on or off; the fade starts from wherever the last one stopped.
    pub fn set(&mut self, on: bool) {
        self.on = on;
    }

    /// Whether the switch is on (the light may still be fading).
    pub fn is_on(&self) -> bool {
        self.on
    }

    /// Whether the light is fully off: switched off and faded to black.
    pub fn dark(&self) -> bool {
        !self.on && self.level <= 0.0
    }

    /// Advances the fade by `dt` seconds (negative or NaN counts as 0) and returns the gain to
    /// apply, 0..=1.
    pub fn step(&mut self, dt: f32) -> f32 {
        let dt = if dt.is_nan() { 0.0 } else { dt.max(0.0) };
        let delta = dt / POWER_FADE_SECONDS;
        self.level = if self.on {
            (self.level + delta).min(1.0)
        } else {
            (self.level - delta).max(0.0)
        };
        smoothstep(self.level)
    }

    /// Advances the fade by `dt` seconds and scales `line` by it.
    pub fn apply(&mut self, dt: f32, line: &mut [Rgb]) {
        let gain = self.step(dt);
        if gain >= 1.0 {
            return;
        }
        for led in line.iter_mut() {
            *led = mul(*led, gain);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WHITE: Rgb = Rgb {
        r: 1.0,
        g: 1.0,
        b: 1.0,
    };

    #[test]
    fn off_fades_to_black_and_on_fades_back() {
        let mut p = PowerFade::new(true);
        let mut line = [WHITE; 4];
        p.apply(0.1, &mut line);
        assert_eq!(line, [WHITE; 4], "on: untouched");
        p.set(false);
        assert!(!p.is_on() && !p.dark(), "switched off but still fading");
        let mut last = 1.0;
        let mut t = 0.0;
        while !p.dark() {
            let g = p.step(0.05);
            assert!(g < last, "the fade falls steadily: {last} -> {g}");
            last = g;
            t += 0.05;
            assert!(t < 2.0, "never reached black");
        }
        assert!((t - POWER_FADE_SECONDS).abs() < 0.051, "took {t} s");
        let mut line = [WHITE; 4];
        p.apply(0.05, &mut line);
        assert!(line.iter().all(|c| *c == Rgb::BLACK), "dark: black");
        p.set(true);
        assert!(!p.dark());
        let g = p.step(POWER_FADE_SECONDS / 2.0);
        assert!((g - 0.5).abs() < 1e-6, "half way up at half the time: {g}");
        assert_eq!(p.step(POWER_FADE_SECONDS), 1.0);
    }

    #[test]
    fn a_switch_restored_off_starts_dark_and_bad_time_is_no_time() {
        let mut p = PowerFade::new(false);
        assert!(p.dark());
        p.set(true);
        assert_eq!(p.step(f32::NAN), 0.0);
        assert_eq!(p.step(-1.0), 0.0);
        assert!(p.step(f32::INFINITY) == 1.0);
    }
}
