//! Octave: the 12 pitch classes laid out from the centre (C first), lifted by tempo confidence.

use crate::NUM_CHROMA;
use crate::render::Rgb;
use crate::render::ops::{mul, position, sample, unit};
use crate::render::pattern::{Context, Pattern};

/// The octave pattern (stateless).
#[derive(Clone, Copy, Debug, Default)]
pub struct Octave;

impl Pattern for Octave {
    fn render(&mut self, ctx: &Context<'_>, line: &mut [Rgb]) {
        let s = ctx.snapshot;
        // Confident rhythm lifts the whole image: from 40 % with no tempo lock to 100 %.
        let lift = 0.4 + 0.6 * unit(s.confidence);
        let n = line.len();
        for (i, led) in line.iter_mut().enumerate() {
            let p = position(i, n);
            let x = p * (NUM_CHROMA - 1) as f32;
            let m = unit(sample(&s.chroma, x));
            // Squaring sharpens the chord tones against the rest.
            *led = mul(ctx.colors.at(x / NUM_CHROMA as f32), m * m * lift);
        }
    }
}
