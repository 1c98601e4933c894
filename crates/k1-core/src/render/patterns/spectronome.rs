//! Spectronome: the spectrum, dimmed as the tempo confidence rises, with the metronome on top.

use super::{metronome, spectrum};
use crate::render::Rgb;
use crate::render::ops::unit;
use crate::render::pattern::{Context, Pattern};

/// The spectronome pattern (stateless).
#[derive(Clone, Copy, Debug, Default)]
pub struct Spectronome;

impl Pattern for Spectronome {
    fn render(&mut self, ctx: &Context<'_>, line: &mut [Rgb]) {
        let confidence = unit(ctx.snapshot.confidence);
        // Full spectrum with no tempo lock; a quarter of it when the beat is certain.
        spectrum::draw(ctx, line, 1.0 - 0.75 * confidence);
        metronome::draw(ctx, line, 1.0);
    }
}
