//! Void Trail: three styles, picked by the `style` parameter. `trail`: loudness leaves a fading
//! trail that streams out from the centre. `ripples`: each time the loudness crosses the
//! threshold a thin ring leaves the centre (up to eight at once). `stream`: a flowing sine wave
//! whose brightness follows the loudness.

use core::f32::consts::TAU;

use super::bloom::travel;
use crate::params::{CustomParam, Display, Unit};
use crate::render::Rgb;
use crate::render::ops::{add, argmax, bump, decay, mul, position, unit};
use crate::render::pattern::{Context, Pattern};

/// Void Trail's own parameters.
pub static CUSTOM: [CustomParam; 3] = [
    CustomParam {
        name: "style",
        description: "trail (a fading trail), ripples (rings when loud), or stream (a flowing sine)",
        slot: 0,
        min: 0.0,
        max: 2.0,
        labels: &["trail", "ripples", "stream"],
        display: Display::NUMBER,
    },
    CustomParam {
        name: "threshold",
        description: "the loudness that sends a ripple (ripples style)",
        slot: 1,
        min: 0.1,
        max: 0.9,
        labels: &[],
        display: Display::PERCENT,
    },
    CustomParam {
        name: "fade",
        description: "seconds for a trail or ripple to fade to 5 %",
        slot: 2,
        min: 0.2,
        max: 3.0,
        labels: &[],
        display: Display::linear(1.0, Unit::Seconds, 1),
    },
];

/// Ripples at once.
pub const MAX_RIPPLES: usize = 8;
/// Travel at speed 0.5, in line lengths per second.
const TRAVEL: f32 = 0.8;

#[derive(Clone, Copy, Debug, Default)]
struct Ripple {
    live: bool,
    pos: f32,
    amp: f32,
    hue: f32,
}

/// The void-trail pattern: the trail image, the ripples and the stream's phase.
#[derive(Clone, Debug)]
pub struct VoidTrail<const N: usize> {
    image: [Rgb; N],
    carry: f32,
    ripples: [Ripple; MAX_RIPPLES],
    armed: bool,
    phase: f32,
    level: f32,
}

impl<const N: usize> VoidTrail<N> {
    /// Nothing drawn yet.
    pub fn new() -> Self {
        VoidTrail {
            image: [Rgb::BLACK; N],
            carry: 0.0,
            ripples: [Ripple::default(); MAX_RIPPLES],
            armed: true,
            phase: 0.0,
            level: 0.0,
        }
    }

    /// How many ripples are travelling.
    pub fn live_ripples(&self) -> usize {
        self.ripples.iter().filter(|r| r.live).count()
    }

    fn trail(&mut self, ctx: &Context<'_>, line: &mut [Rgb], vu: f32, keep: f32) {
        let n = line.len().min(N);
        let Some(image) = self.image.get_mut(..n) else {
            return;
        };
        travel(
            image,
            &mut self.carry,
            TRAVEL * ctx.speed() * n as f32 * ctx.dt,
        );
        for led in image.iter_mut() {
            *led = mul(*led, keep);
        }
        // The colour walks slowly round the palette, so the trail shows its age.
        self.phase = (self.phase + 0.05 * ctx.dt) % 1.0;
        if let Some(first) = image.first_mut() {
            *first = mul(ctx.colors.at(self.phase), vu);
        }
        for (out, v) in line.iter_mut().zip(image.iter()) {
            *out = *v;
        }
    }

    fn ripples(&mut self, ctx: &Context<'_>, line: &mut [Rgb], vu: f32, keep: f32) {
        let threshold = CUSTOM[1].value(ctx.params);
        let step = TRAVEL * ctx.speed() * ctx.dt;
        for r in self.ripples.iter_mut().filter(|r| r.live) {
            r.pos += step;
            r.amp *= keep;
            if r.pos > 1.1 || r.amp < 0.01 {
                r.live = false;
            }
        }
        if self.armed && vu >= threshold {
            self.armed = false;
            let slot = match self.ripples.iter().position(|r| !r.live) {
                Some(i) => i,
                None => argmax(&self.ripples.map(|r| r.pos)),
            };
            if let Some(r) = self.ripples.get_mut(slot) {
                *r = Ripple {
                    live: true,
                    pos: 0.0,
                    amp: vu,
                    hue: argmax(&ctx.snapshot.chroma) as f32 / 12.0,
                };
            }
        } else if vu < 0.8 * threshold {
            self.armed = true;
        }
        let n = line.len();
        let radius = (1.5 / n.max(1) as f32).max(0.02);
        line.fill(Rgb::BLACK);
        for r in self.ripples.iter().filter(|r| r.live) {
            let color = mul(ctx.colors.at(r.hue), r.amp);
            for (i, led) in line.iter_mut().enumerate() {
                let b = bump(position(i, n), r.pos, radius);
                if b > 0.0 {
                    *led = add(*led, mul(color, b));
                }
            }
        }
    }

    fn stream(&mut self, ctx: &Context<'_>, line: &mut [Rgb], vu: f32) {
        let fade = CUSTOM[2].value(ctx.params);
        self.level += (vu - self.level) * (1.0 - libm::expf(-ctx.dt * 3.0 / fade));
        self.phase = (self.phase + 0.5 * ctx.speed() * ctx.dt) % 1.0;
        let n = line.len();
        for (i, led) in line.iter_mut().enumerate() {
            let p = position(i, n);
            let wave = 0.5 + 0.5 * libm::sinf(TAU * (3.0 * p - self.phase));
            *led = mul(ctx.colors.along(i, n), self.level * wave);
        }
    }
}

impl<const N: usize> Default for VoidTrail<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Pattern for VoidTrail<N> {
    fn render(&mut self, ctx: &Context<'_>, line: &mut [Rgb]) {
        let s = ctx.snapshot;
        let vu = if s.silent { 0.0 } else { unit(s.vu) };
        // Fade to 5 % in `fade` seconds.
        let keep = decay(libm::powf(0.05, 1.0 / CUSTOM[2].value(ctx.params)), ctx.dt);
        line.fill(Rgb::BLACK);
        match CUSTOM[0].choice(ctx.params) {
            0 => self.trail(ctx, line, vu, keep),
            1 => self.ripples(ctx, line, vu, keep),
            _ => self.stream(ctx, line, vu),
        }
    }
}
