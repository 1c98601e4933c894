//! Pulse: on each confident beat a soft wave leaves the centre, widening and fading as it
//! travels; its hue comes from the strongest pitch class. Up to six at once.

use crate::params::CustomParam;
use crate::render::Rgb;
use crate::render::beat_watch::BeatWatch;
use crate::render::ops::{add, argmax, bump, decay, mul, position, unit};
use crate::render::pattern::{Context, Pattern};

/// Pulse's own parameters.
pub static CUSTOM: [CustomParam; 2] = [
    CustomParam {
        name: "sensitivity",
        description: "the tempo confidence a beat needs to send a wave: 0.8 at 0, 0 (every beat) at 1",
        slot: 0,
        min: 0.0,
        max: 1.0,
        labels: &[],
    },
    CustomParam {
        name: "width",
        description: "the width of a wave as it leaves the centre, as a share of the line",
        slot: 1,
        min: 0.02,
        max: 0.25,
        labels: &[],
    },
];

/// Waves at once.
pub const MAX_WAVES: usize = 6;
/// Travel at speed 0.5, in line lengths per second.
const TRAVEL: f32 = 0.7;

#[derive(Clone, Copy, Debug, Default)]
struct Wave {
    live: bool,
    pos: f32,
    amp: f32,
    hue: f32,
}

/// The pulse pattern: its waves.
#[derive(Clone, Copy, Debug, Default)]
pub struct Pulse {
    waves: [Wave; MAX_WAVES],
    beats: BeatWatch,
}

impl Pulse {
    /// No waves yet.
    pub fn new() -> Self {
        Pulse {
            waves: [Wave::default(); MAX_WAVES],
            beats: BeatWatch::new(),
        }
    }

    /// The positions (0 = centre, 1 = edge) of the live waves.
    pub fn wave_positions(&self) -> impl Iterator<Item = f32> + '_ {
        self.waves.iter().filter(|w| w.live).map(|w| w.pos)
    }
}

impl Pattern for Pulse {
    fn render(&mut self, ctx: &Context<'_>, line: &mut [Rgb]) {
        let s = ctx.snapshot;
        let min_confidence = 0.8 * (1.0 - CUSTOM[0].value(ctx.params));
        let width = CUSTOM[1].value(ctx.params);
        let step = TRAVEL * ctx.speed() * ctx.dt;
        let fade = decay(0.25, ctx.dt);
        for w in self.waves.iter_mut().filter(|w| w.live) {
            w.pos += step;
            w.amp *= fade;
            if w.pos - width * 4.0 > 1.0 || w.amp < 0.01 {
                w.live = false;
            }
        }
        if self.beats.update(s, ctx.dt) && unit(s.confidence) >= min_confidence {
            // A free slot, or else the wave furthest out.
            let slot = match self.waves.iter().position(|w| !w.live) {
                Some(i) => i,
                None => argmax(&self.waves.map(|w| w.pos)),
            };
            if let Some(w) = self.waves.get_mut(slot) {
                *w = Wave {
                    live: true,
                    pos: 0.0,
                    amp: 0.4 + 0.6 * unit(s.confidence),
                    hue: argmax(&s.chroma) as f32 / 12.0,
                };
            }
        }
        let n = line.len();
        line.fill(Rgb::BLACK);
        for w in self.waves.iter().filter(|w| w.live) {
            // Wider and fainter as it travels.
            let radius = width * (1.0 + 2.0 * w.pos);
            let color = mul(ctx.colors.at(w.hue), w.amp / (1.0 + w.pos));
            for (i, led) in line.iter_mut().enumerate() {
                let b = bump(position(i, n), w.pos, radius);
                if b > 0.0 {
                    *led = add(*led, mul(color, b));
                }
            }
        }
    }
}
