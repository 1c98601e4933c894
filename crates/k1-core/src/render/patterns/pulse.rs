//! Pulse: on each confident beat a soft wave leaves the centre, widening and fading as it
//! travels; its hue comes from the strongest pitch class. Up to six at once.
//!
//! Until the tracker is confident, the onsets send the waves instead (the onset flag, a rise of
//! the novelty through [`ONSET_LEVEL`], or a jump of the loudness of [`VU_JUMP`] over its recent
//! average; at most one per [`ONSET_GAP_S`]), so the strip follows the music from the first note
//! rather than staying dark until the beat locks. A soft glow of the loudness sits
//! at the centre, where the waves leave.

use crate::params::{CustomParam, Display};
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
        display: Display::PERCENT,
    },
    CustomParam {
        name: "width",
        description: "the width of a wave as it leaves the centre, as a share of the line",
        slot: 1,
        min: 0.02,
        max: 0.25,
        labels: &[],
        display: Display::PERCENT,
    },
];

/// Waves at once.
pub const MAX_WAVES: usize = 6;
/// Travel at speed 0.5, in line lengths per second.
const TRAVEL: f32 = 0.7;
/// The novelty an onset must rise through to send a wave before the beat locks.
pub const ONSET_LEVEL: f32 = 0.5;
/// The jump of the VU over its recent average that counts as an onset.
pub const VU_JUMP: f32 = 0.15;
/// The time constant of that average, in seconds.
const VU_AVERAGE_S: f32 = 0.3;
/// The least time between two onset waves, in seconds.
pub const ONSET_GAP_S: f32 = 0.15;
/// The centre glow at full loudness.
const GLOW: f32 = 0.5;

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
    /// The novelty at the previous frame.
    last_novelty: f32,
    /// Seconds since the last onset wave.
    since_onset: f32,
    /// The VU's recent average.
    vu_average: f32,
}

impl Pulse {
    /// No waves yet.
    pub fn new() -> Self {
        Pulse {
            waves: [Wave::default(); MAX_WAVES],
            beats: BeatWatch::new(),
            last_novelty: 0.0,
            since_onset: f32::MAX,
            vu_average: 0.0,
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
        let locked = unit(s.confidence) >= min_confidence;
        let beat = self.beats.update(s, ctx.dt) && locked;
        let novelty = unit(s.novelty);
        let vu = unit(s.vu);
        self.since_onset = (self.since_onset + ctx.dt).min(f32::MAX);
        let cue = s.onset
            || (novelty >= ONSET_LEVEL && self.last_novelty < ONSET_LEVEL)
            || vu > self.vu_average + VU_JUMP;
        let onset = !locked && !s.silent && cue && self.since_onset >= ONSET_GAP_S;
        self.last_novelty = novelty;
        let follow = 1.0 - decay(libm::expf(-1.0 / VU_AVERAGE_S), ctx.dt);
        self.vu_average += (vu - self.vu_average) * follow;
        if onset {
            self.since_onset = 0.0;
        }
        if beat || onset {
            // A free slot, or else the wave furthest out.
            let slot = match self.waves.iter().position(|w| !w.live) {
                Some(i) => i,
                None => argmax(&self.waves.map(|w| w.pos)),
            };
            if let Some(w) = self.waves.get_mut(slot) {
                *w = Wave {
                    live: true,
                    pos: 0.0,
                    amp: if beat {
                        0.4 + 0.6 * unit(s.confidence)
                    } else {
                        0.4 + 0.6 * novelty.max(vu)
                    },
                    hue: argmax(&s.chroma) as f32 / 12.0,
                };
            }
        }
        let n = line.len();
        line.fill(Rgb::BLACK);
        if !s.silent {
            let glow = mul(
                ctx.colors.at(argmax(&s.chroma) as f32 / 12.0),
                GLOW * unit(s.vu),
            );
            for (i, led) in line.iter_mut().enumerate() {
                *led = mul(glow, bump(position(i, n), 0.0, width * 2.0));
            }
        }
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
