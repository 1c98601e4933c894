//! Small colour and shape helpers the patterns share.

use super::Rgb;

/// The brightest channel.
#[inline]
pub fn level(c: Rgb) -> f32 {
    c.r.max(c.g).max(c.b)
}

/// `a + b`, channel by channel.
#[inline]
pub fn add(a: Rgb, b: Rgb) -> Rgb {
    Rgb {
        r: a.r + b.r,
        g: a.g + b.g,
        b: a.b + b.b,
    }
}

/// `a · k` (any `k`, unlike [`Rgb::scaled`], which clamps to 0..=1).
#[inline]
pub fn mul(a: Rgb, k: f32) -> Rgb {
    Rgb {
        r: a.r * k,
        g: a.g * k,
        b: a.b * k,
    }
}

/// From `a` (t = 0) to `b` (t = 1).
#[inline]
pub fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    Rgb {
        r: a.r + (b.r - a.r) * t,
        g: a.g + (b.g - a.g) * t,
        b: a.b + (b.b - a.b) * t,
    }
}

/// A value in 0..=1: NaN is 0.
#[inline]
pub fn unit(v: f32) -> f32 {
    if v.is_nan() { 0.0 } else { v.clamp(0.0, 1.0) }
}

/// A soft bump: 1 at `x = centre`, falling as a raised cosine to 0 at `|x − centre| = radius`.
#[inline]
pub fn bump(x: f32, centre: f32, radius: f32) -> f32 {
    if radius <= 0.0 {
        return 0.0;
    }
    let d = (x - centre).abs() / radius;
    if d >= 1.0 {
        0.0
    } else {
        0.5 + 0.5 * libm::cosf(core::f32::consts::PI * d)
    }
}

/// Smooth 0 → 1 for `t` in 0..=1 (clamped).
#[inline]
pub fn smoothstep(t: f32) -> f32 {
    let t = unit(t);
    t * t * (3.0 - 2.0 * t)
}

/// Position of line entry `i` of `len` along the line, 0 (first) to 1 (last); 0 for one entry.
#[inline]
pub fn position(i: usize, len: usize) -> f32 {
    if len <= 1 {
        0.0
    } else {
        i as f32 / (len - 1) as f32
    }
}

/// The largest value's index (0 for an empty or all-NaN slice).
pub fn argmax(values: &[f32]) -> usize {
    let mut best = 0;
    let mut best_v = f32::NEG_INFINITY;
    for (i, &v) in values.iter().enumerate() {
        if v > best_v {
            best = i;
            best_v = v;
        }
    }
    best
}

/// Samples `values` at fractional index `x` (clamped), interpolating linearly; NaN entries are 0.
pub fn sample(values: &[f32], x: f32) -> f32 {
    let n = values.len();
    if n == 0 {
        return 0.0;
    }
    let x = if x.is_nan() {
        0.0
    } else {
        x.clamp(0.0, (n - 1) as f32)
    };
    let i = x as usize;
    let t = x - i as f32;
    let at = |k: usize| {
        let v = values.get(k.min(n - 1)).copied().unwrap_or(0.0);
        if v.is_nan() { 0.0 } else { v }
    };
    at(i) + (at(i + 1) - at(i)) * t
}

/// The largest of `values`, each read as [`unit`] (0 for none): the strongest tempo hypothesis.
#[inline]
pub fn strongest(values: &[f32]) -> f32 {
    values.iter().fold(0.0f32, |m, &v| m.max(unit(v)))
}

/// [`crate::math::floor`], re-exported where the patterns have always found it.
pub use crate::math::floor;

/// The frame-rate-independent factor for a decay of `per_second` (e.g. 0.2 = to 20 % in one
/// second) over `dt` seconds.
#[inline]
pub fn decay(per_second: f32, dt: f32) -> f32 {
    libm::powf(per_second.clamp(1e-6, 1.0), dt)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `floor` is `libm::floorf` bit for bit: around every power of two, at halves, at the
    /// edges of the quick path, and for zeros, negatives, infinities and NaN.
    #[test]
    fn floor_is_floorf() {
        let check = |x: f32| {
            assert_eq!(floor(x).to_bits(), libm::floorf(x).to_bits(), "{x:e}");
        };
        for x in [
            0.0f32,
            -0.0,
            f32::MIN_POSITIVE,
            1e-45,
            f32::MAX,
            f32::MIN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
            -f32::NAN,
        ] {
            check(x);
        }
        for e in -30..40 {
            let base = libm::ldexpf(1.0, e);
            for v in [base, base * 1.5, base * 0.999_999, base * 1.000_001] {
                for d in -3..=3 {
                    let x = f32::from_bits((v.to_bits() as i32 + d) as u32);
                    for y in [x, -x, x + 0.5, -(x + 0.5)] {
                        check(y);
                    }
                }
            }
        }
        for i in 0..20_000 {
            check(i as f32 * 0.0137 - 100.0);
        }
    }
}
