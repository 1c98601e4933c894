//! Tempiscope: the tempo bank drawn, slow tempi at the centre; brightness is each hypothesis's
//! strength, pulsing with its beat phase.

use core::f32::consts::TAU;

use crate::NUM_TEMPI;
use crate::render::Rgb;
use crate::render::ops::{mul, position, unit};
use crate::render::pattern::{Context, Pattern};

/// The tempiscope pattern (stateless).
#[derive(Clone, Copy, Debug, Default)]
pub struct Tempiscope;

impl Pattern for Tempiscope {
    fn render(&mut self, ctx: &Context<'_>, line: &mut [Rgb]) {
        let s = ctx.snapshot;
        let n = line.len();
        for (i, led) in line.iter_mut().enumerate() {
            let p = position(i, n);
            let k = libm::roundf(p * (NUM_TEMPI - 1) as f32) as usize;
            let mag = unit(s.tempo_magnitude.get(k).copied().unwrap_or(0.0));
            let phase = s.tempo_phase.get(k).copied().unwrap_or(0.0);
            let phase = if phase.is_finite() { phase } else { 0.0 };
            // Full on the beat, a quarter between beats.
            let pulse = 0.25 + 0.75 * (0.5 + 0.5 * libm::cosf(TAU * phase));
            *led = mul(ctx.colors.along(i, n), mag * mag * pulse);
        }
    }
}
