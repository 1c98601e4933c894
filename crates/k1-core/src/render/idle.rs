//! The two quiet images: the screensaver's idle animation, and standby's breath.

use core::f32::consts::TAU;

use super::Rgb;
use super::colors::{Colors, fold};
use super::ops::{bump, mul, position};

/// Period of the idle animation's slow swell (seconds).
const SWELL_PERIOD: f32 = 8.0;
/// Period of standby's breath (seconds).
pub const BREATH_PERIOD: f32 = 6.0;
/// The breath's peak level.
pub const BREATH_PEAK: f32 = 0.08;

/// A clock for the quiet images, wrapped so it never loses precision.
#[derive(Clone, Copy, Debug, Default)]
pub struct IdleClock {
    t: f32,
}

impl IdleClock {
    /// Advances by `dt` seconds.
    pub fn tick(&mut self, dt: f32) {
        // 24 s is a whole number of both periods.
        self.t = (self.t + dt) % (3.0 * SWELL_PERIOD);
    }

    /// Seconds, modulo 24.
    pub fn seconds(&self) -> f32 {
        self.t
    }
}

/// The screensaver: soft palette waves drifting outwards, swelling slowly, at about a fifth of
/// full level.
pub fn screensaver(colors: &Colors<'_>, clock: &IdleClock, line: &mut [Rgb]) {
    let t = clock.seconds();
    let swell = 0.14 + 0.06 * libm::sinf(TAU * t / SWELL_PERIOD);
    let n = line.len();
    for (i, led) in line.iter_mut().enumerate() {
        let p = position(i, n);
        let wave = 0.5 + 0.5 * libm::sinf(TAU * (1.5 * p - t / (3.0 * SWELL_PERIOD)));
        *led = mul(
            colors.at(fold(p + t / (3.0 * SWELL_PERIOD))),
            swell * (0.3 + 0.7 * wave),
        );
    }
}

/// Standby: dark but for a slow breath at the centre, `BREATH_PEAK` at its height.
pub fn breath(colors: &Colors<'_>, clock: &IdleClock, line: &mut [Rgb]) {
    let t = clock.seconds();
    let level = BREATH_PEAK * (0.5 - 0.5 * libm::cosf(TAU * t / BREATH_PERIOD));
    let n = line.len();
    let color = colors.at(0.0);
    for (i, led) in line.iter_mut().enumerate() {
        *led = mul(color, level * bump(position(i, n), 0.0, 0.4));
    }
}
