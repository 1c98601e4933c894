//! Bloom: loudness is injected at the centre, and every frame the image drifts outwards with decay
//! and a light blur, so rings bloom out. Speed sets the drift.

use crate::params::{CustomParam, Display};
use crate::render::Rgb;
use crate::render::ops::{argmax, decay, mix, mul, unit};
use crate::render::pattern::{Context, Pattern};

/// Bloom's own parameters.
pub static CUSTOM: [CustomParam; 1] = [CustomParam {
    name: "decay",
    description: "how long rings last: the share of light left after one second, 2 % to 50 %",
    slot: 0,
    min: 0.02,
    max: 0.5,
    labels: &[],
    display: Display::PERCENT,
}];

/// The drift at speed 0.5, in line lengths per second.
const DRIFT: f32 = 0.6;

/// The bloom pattern: the drifting image.
#[derive(Clone, Debug)]
pub struct Bloom<const N: usize> {
    image: [Rgb; N],
    /// Drift not yet applied, in LEDs (below 1).
    carry: f32,
}

impl<const N: usize> Bloom<N> {
    /// A dark image.
    pub fn new() -> Self {
        Bloom {
            image: [Rgb::BLACK; N],
            carry: 0.0,
        }
    }
}

impl<const N: usize> Default for Bloom<N> {
    fn default() -> Self {
        Self::new()
    }
}

/// Moves `image` outwards by `shift` LEDs (0..=1; a fraction interpolates), in place; the first
/// entry fades by the same share (the injection refills it).
pub fn drift(image: &mut [Rgb], shift: f32) {
    // Walking down from the end, each entry reads only entries below it, not yet moved.
    for i in (1..image.len()).rev() {
        let (Some(&inner), Some(&here)) = (image.get(i - 1), image.get(i)) else {
            continue;
        };
        if let Some(led) = image.get_mut(i) {
            *led = mix(here, inner, shift);
        }
    }
    if let Some(first) = image.first_mut() {
        *first = mix(*first, Rgb::BLACK, shift);
    }
}

/// Moves `image` outwards by `distance` LEDs plus the `carry` left from earlier frames, in whole
/// LEDs; what is left under one LED is carried to the next frame. So the distance per second does
/// not depend on the frame rate, and nothing smears (interpolated shifts would blur more at higher
/// frame rates).
pub fn travel(image: &mut [Rgb], carry: &mut f32, distance: f32) {
    let n = image.len() as f32;
    *carry += if distance.is_finite() {
        distance.max(0.0)
    } else {
        0.0
    };
    let steps = libm::floorf(*carry).clamp(0.0, n);
    for _ in 0..steps as usize {
        drift(image, 1.0);
    }
    *carry = (*carry - steps).clamp(0.0, 1.0);
}

/// A 3-tap blur of weight `w` (0 = none) along `image`, in place, ends held.
pub fn blur(image: &mut [Rgb], w: f32) {
    let mut prev = match image.first() {
        Some(&c) => c,
        None => return,
    };
    let n = image.len();
    for i in 0..n {
        let here = image.get(i).copied().unwrap_or_default();
        let next = image.get(i + 1).copied().unwrap_or(here);
        let avg = Rgb {
            r: 0.5 * (prev.r + next.r),
            g: 0.5 * (prev.g + next.g),
            b: 0.5 * (prev.b + next.b),
        };
        if let Some(led) = image.get_mut(i) {
            *led = mix(here, avg, w);
        }
        prev = here;
    }
}

impl<const N: usize> Pattern for Bloom<N> {
    fn render(&mut self, ctx: &Context<'_>, line: &mut [Rgb]) {
        let n = line.len().min(N);
        let Some(image) = self.image.get_mut(..n) else {
            return;
        };
        travel(
            image,
            &mut self.carry,
            DRIFT * ctx.speed() * n as f32 * ctx.dt,
        );
        blur(image, (0.25 * ctx.dt * 60.0).min(0.5));
        let keep = decay(CUSTOM[0].value(ctx.params), ctx.dt);
        for led in image.iter_mut() {
            *led = mul(*led, keep);
        }
        // Inject the loudness at the centre, coloured by the strongest pitch class.
        let s = ctx.snapshot;
        let vu = if s.silent { 0.0 } else { unit(s.vu) };
        let color = ctx.colors.at(argmax(&s.chroma) as f32 / 12.0);
        let width = (n / 40).max(1);
        for led in image.iter_mut().take(width) {
            let c = mul(color, vu);
            led.r = led.r.max(c.r);
            led.g = led.g.max(c.g);
            led.b = led.b.max(c.b);
        }
        for (out, v) in line.iter_mut().zip(image.iter()) {
            *out = *v;
        }
        for out in line.iter_mut().skip(n) {
            *out = Rgb::BLACK;
        }
    }
}
