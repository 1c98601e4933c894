//! Tempiscope: the tempo bank drawn, slow tempi at the centre; brightness is each hypothesis's
//! strength, pulsing with its beat phase.
//!
//! Strength is relative to the strongest hypothesis of the moment (the bank's absolute
//! magnitudes are small and fall as the tracker settles, which left the strip black), and the
//! whole bank breathes with the loudness, so the scope is lit from the first onset, before any
//! tempo is found, and its light follows the music.

use core::f32::consts::TAU;

use crate::NUM_TEMPI;
use crate::render::Rgb;
use crate::render::ops::{mul, position, strongest, unit};
use crate::render::pattern::{Context, Pattern};

/// Below this strongest magnitude the bank holds no tempo worth drawing.
const MIN_STRENGTH: f32 = 1e-4;

/// The tempiscope pattern (stateless).
#[derive(Clone, Copy, Debug, Default)]
pub struct Tempiscope;

impl Pattern for Tempiscope {
    fn render(&mut self, ctx: &Context<'_>, line: &mut [Rgb]) {
        let s = ctx.snapshot;
        let n = line.len();
        let strongest = strongest(&s.tempo_magnitude);
        let loudness = if s.silent { 0.0 } else { unit(s.vu) };
        // Half lit at the quietest music, full at the loudest.
        let level = if s.silent { 0.0 } else { 0.5 + 0.5 * loudness };
        for (i, led) in line.iter_mut().enumerate() {
            let p = position(i, n);
            let k = libm::roundf(p * (NUM_TEMPI - 1) as f32) as usize;
            let mag = unit(s.tempo_magnitude.get(k).copied().unwrap_or(0.0));
            let rel = if strongest > MIN_STRENGTH {
                mag / strongest
            } else {
                0.0
            };
            let phase = s.tempo_phase.get(k).copied().unwrap_or(0.0);
            let phase = if phase.is_finite() { phase } else { 0.0 };
            // Full on the beat, a quarter between beats.
            let pulse = 0.25 + 0.75 * (0.5 + 0.5 * libm::cosf(TAU * phase));
            // A glow of the loudness under the bank: lit before the tracker has a tempo.
            let glow = 0.15 * loudness;
            *led = mul(ctx.colors.along(i, n), rel * rel * pulse * level + glow);
        }
    }
}
