//! Spectrum: the smoothed 64-note spectrum, low notes at the centre; brightness is the magnitude,
//! colour the palette position. Spectronome builds on it.

use crate::NUM_BINS;
use crate::render::Rgb;
use crate::render::ops::{mul, position, sample, unit};
use crate::render::pattern::{Context, Pattern};

/// The spectrum pattern (stateless).
#[derive(Clone, Copy, Debug, Default)]
pub struct Spectrum;

/// Draws the spectrum into `line`, each entry scaled by `gain`.
pub fn draw(ctx: &Context<'_>, line: &mut [Rgb], gain: f32) {
    let n = line.len();
    for (i, led) in line.iter_mut().enumerate() {
        let p = position(i, n);
        let m = unit(sample(
            &ctx.snapshot.spectrum_smooth,
            p * (NUM_BINS - 1) as f32,
        ));
        *led = mul(ctx.colors.along(i, n), m * gain);
    }
}

impl Pattern for Spectrum {
    fn render(&mut self, ctx: &Context<'_>, line: &mut [Rgb]) {
        draw(ctx, line, 1.0);
    }
}
