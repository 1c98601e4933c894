//! Second-order IIR sections (RBJ cookbook), used to split the signal into onset bands.

use core::f32::consts::PI;

/// A biquad filter in transposed direct form II.
#[derive(Clone, Copy, Debug, Default)]
pub struct Biquad {
    b0: f32,
    b1: f32,
    b2: f32,
    a1: f32,
    a2: f32,
    z1: f32,
    z2: f32,
}

impl Biquad {
    fn from_raw(b: [f32; 3], a: [f32; 3]) -> Self {
        Self {
            b0: b[0] / a[0],
            b1: b[1] / a[0],
            b2: b[2] / a[0],
            a1: a[1] / a[0],
            a2: a[2] / a[0],
            z1: 0.0,
            z2: 0.0,
        }
    }

    /// Butterworth-style low-pass (Q = 0.707) at `f` Hz.
    pub fn low_pass(f: f32, fs: f32) -> Self {
        let (cw, alpha) = Self::prewarp(f, fs, core::f32::consts::FRAC_1_SQRT_2);
        Self::from_raw(
            [(1.0 - cw) / 2.0, 1.0 - cw, (1.0 - cw) / 2.0],
            [1.0 + alpha, -2.0 * cw, 1.0 - alpha],
        )
    }

    /// Butterworth-style high-pass (Q = 0.707) at `f` Hz.
    pub fn high_pass(f: f32, fs: f32) -> Self {
        let (cw, alpha) = Self::prewarp(f, fs, core::f32::consts::FRAC_1_SQRT_2);
        Self::from_raw(
            [(1.0 + cw) / 2.0, -(1.0 + cw), (1.0 + cw) / 2.0],
            [1.0 + alpha, -2.0 * cw, 1.0 - alpha],
        )
    }

    /// Band-pass from `lo` to `hi` Hz (0 dB peak gain at their geometric mean).
    pub fn band_pass(lo: f32, hi: f32, fs: f32) -> Self {
        let centre = libm::sqrtf(lo * hi);
        let q = centre / (hi - lo);
        let (cw, alpha) = Self::prewarp(centre, fs, q);
        Self::from_raw([alpha, 0.0, -alpha], [1.0 + alpha, -2.0 * cw, 1.0 - alpha])
    }

    fn prewarp(f: f32, fs: f32, q: f32) -> (f32, f32) {
        let w = 2.0 * PI * (f / fs).min(0.49);
        (libm::cosf(w), libm::sinf(w) / (2.0 * q))
    }

    /// Filters one sample.
    #[inline]
    pub fn process(&mut self, x: f32) -> f32 {
        let y = self.b0 * x + self.z1;
        self.z1 = self.b1 * x - self.a1 * y + self.z2;
        self.z2 = self.b2 * x - self.a2 * y;
        y
    }
}
