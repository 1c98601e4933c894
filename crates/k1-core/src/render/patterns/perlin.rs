//! Perlin: two octaves of smooth flowing noise through the palette; speed sets the flow, and the
//! music's loudness can lift it (the `energy` parameter).
//!
//! The noise is 2-D value noise over (position, time) with a smooth (quintic) blend between
//! lattice points, from an integer hash: deterministic and the same on every machine. Time runs
//! on a lattice period of 1024, so the clock wraps without a seam.

use crate::params::{CustomParam, Display, Unit};
use crate::render::Rgb;
use crate::render::ops::{floor, mul, position, unit};
use crate::render::pattern::{Context, Pattern};

/// Perlin's own parameters.
pub static CUSTOM: [CustomParam; 2] = [
    CustomParam {
        name: "scale",
        description: "how many noise features fit along the line, 1 to 8",
        slot: 0,
        min: 1.0,
        max: 8.0,
        labels: &[],
        display: Display::linear(1.0, Unit::Number, 1),
    },
    CustomParam {
        name: "energy",
        description: "how much the music's loudness lifts the brightness (0 = not at all)",
        slot: 1,
        min: 0.0,
        max: 1.0,
        labels: &[],
        display: Display::PERCENT,
    },
];

/// The time lattice period: time wraps here.
const PERIOD: u32 = 1024;
/// Flow at speed 0.5, in lattice steps per second.
const FLOW: f32 = 0.35;

/// A hash of a lattice point to 0..1.
fn hash(x: i32, t: u32) -> f32 {
    let mut h = (x as u32).wrapping_mul(0x9E37_79B1) ^ (t % PERIOD).wrapping_mul(0x85EB_CA77);
    h ^= h >> 15;
    h = h.wrapping_mul(0x2C1B_3C6D);
    h ^= h >> 12;
    h = h.wrapping_mul(0x297A_2D39);
    h ^= h >> 15;
    (h >> 8) as f32 / (1u32 << 24) as f32
}

fn fade(t: f32) -> f32 {
    t * t * t * (t * (t * 6.0 - 15.0) + 10.0)
}

/// Smooth value noise at (x, t), 0..1.
pub fn noise(x: f32, t: f32) -> f32 {
    NoiseRow::new(t).at(x)
}

/// Value noise along `x` at one time `t`, for a sweep over the line: the time's lattice row and
/// blend are worked out once, and the four lattice hashes of the cell `x` is in are kept while
/// the next `x` stays in it (a feature spans tens of LEDs). Each value is exactly
/// [`noise`]`(x, t)`: the same operations on the same numbers.
#[derive(Clone, Copy, Debug)]
pub struct NoiseRow {
    ti: u32,
    ft: f32,
    /// The last cell's `x` lattice index and its hashes at `(xi, ti)`, `(xi + 1, ti)`,
    /// `(xi, ti + 1)`, `(xi + 1, ti + 1)`.
    cell: Option<(i32, [f32; 4])>,
}

impl NoiseRow {
    /// The row at time `t`.
    pub fn new(t: f32) -> NoiseRow {
        let t0 = floor(t);
        NoiseRow {
            ti: t0.rem_euclid_u32(),
            ft: fade(t - t0),
            cell: None,
        }
    }

    /// The noise at `x` on this row.
    #[inline]
    pub fn at(&mut self, x: f32) -> f32 {
        let x0 = floor(x);
        let fx = fade(x - x0);
        let xi = x0 as i32;
        let [h00, h10, h01, h11] = match self.cell {
            Some((c, h)) if c == xi => h,
            _ => {
                // `wrapping_add`: `hash` wraps the index anyway, and `xi` may be `i32::MAX`.
                let (ti, x1) = (self.ti, xi.wrapping_add(1));
                let h = [
                    hash(xi, ti),
                    hash(x1, ti),
                    hash(xi, ti + 1),
                    hash(x1, ti + 1),
                ];
                self.cell = Some((xi, h));
                h
            }
        };
        let a = h00 + (h10 - h00) * fx;
        let b = h01 + (h11 - h01) * fx;
        a + (b - a) * self.ft
    }
}

/// `floor(t) mod PERIOD` as a lattice index, for any finite `t`.
trait RemEuclidU32 {
    fn rem_euclid_u32(self) -> u32;
}

impl RemEuclidU32 for f32 {
    fn rem_euclid_u32(self) -> u32 {
        let p = PERIOD as f32;
        let m = self - p * floor(self / p);
        (m as u32) % PERIOD
    }
}

/// The perlin pattern: the flow clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct Perlin {
    time: f32,
    level: f32,
}

impl Pattern for Perlin {
    fn render(&mut self, ctx: &Context<'_>, line: &mut [Rgb]) {
        self.time += FLOW * ctx.speed() * ctx.dt;
        if self.time >= PERIOD as f32 {
            self.time -= PERIOD as f32;
        }
        let vu = if ctx.snapshot.silent {
            0.0
        } else {
            unit(ctx.snapshot.vu)
        };
        self.level += (vu - self.level) * (1.0 - libm::expf(-ctx.dt / 0.15));
        let energy = CUSTOM[1].value(ctx.params);
        let lift = 1.0 - energy + energy * (0.25 + 0.75 * self.level);
        let scale = CUSTOM[0].value(ctx.params);
        let n = line.len();
        let t = self.time;
        let (mut low, mut high) = (NoiseRow::new(t), NoiseRow::new(t * 1.7 + 5.0));
        for (i, led) in line.iter_mut().enumerate() {
            let p = position(i, n);
            let v = 0.65 * low.at(p * scale) + 0.35 * high.at(p * scale * 2.0 + 17.0);
            let v = unit(v);
            *led = mul(ctx.colors.at(v), (0.15 + 0.85 * v * v) * lift);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_is_smooth_bounded_and_wraps() {
        let mut last = noise(0.0, 3.3);
        for i in 1..=1000 {
            let v = noise(i as f32 * 0.01, 3.3);
            assert!((0.0..=1.0).contains(&v));
            assert!((v - last).abs() < 0.05, "{i}");
            last = v;
        }
        assert_eq!(noise(2.5, 0.25), noise(2.5, 0.25 + PERIOD as f32));
    }

    /// The straight formula, kept as the reference for [`NoiseRow`].
    fn noise_reference(x: f32, t: f32) -> f32 {
        let (x0, t0) = (libm::floorf(x), libm::floorf(t));
        let (fx, ft) = (fade(x - x0), fade(t - t0));
        let ti = {
            let p = PERIOD as f32;
            ((t0 - p * libm::floorf(t0 / p)) as u32) % PERIOD
        };
        let xi = x0 as i32;
        let x1 = xi.wrapping_add(1);
        let a = hash(xi, ti) + (hash(x1, ti) - hash(xi, ti)) * fx;
        let b = hash(xi, ti + 1) + (hash(x1, ti + 1) - hash(xi, ti + 1)) * fx;
        a + (b - a) * ft
    }

    /// A row swept forwards, backwards and jumping gives exactly the formula's values (so the
    /// kept cell is only reused for the same cell), at times before, on and after lattice
    /// points, negative and past the period.
    #[test]
    fn row_equals_the_formula() {
        for t in [0.0f32, 0.3, 1.0, 5.99, -2.25, 1023.7, 1500.2, 3.0e9] {
            let mut row = NoiseRow::new(t);
            let xs = (0..400)
                .map(|i| i as f32 * 0.037)
                .chain((0..400).map(|i| 20.0 - i as f32 * 0.05))
                .chain([-3.5, 7.25, -0.0, 1e9, -1e9, 0.999_999, 1.0]);
            for x in xs {
                let (got, want) = (row.at(x), noise_reference(x, t));
                assert_eq!(got.to_bits(), want.to_bits(), "x {x}, t {t}");
                assert_eq!(noise(x, t).to_bits(), want.to_bits(), "x {x}, t {t}");
            }
        }
    }
}
