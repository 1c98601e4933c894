//! The still patterns: Departure, Lava and Twilight (fixed gradients) and Neutral (a gradient from
//! the colour parameters). They do not listen to the music.

use crate::palettes::{Palette, PaletteLut};
use crate::render::Rgb;
use crate::render::ops::position;
use crate::render::pattern::{Context, Pattern};

/// Twilight's own gradient: amber → purple → navy (K1's, in the same LED-converted byte form as
/// the cpt-city palettes).
pub const TWILIGHT: Palette = Palette {
    name: "Twilight",
    id: "twilight",
    keyframes: &[
        [0, 255, 96, 6],
        [64, 200, 40, 12],
        [128, 90, 8, 96],
        [192, 24, 3, 70],
        [255, 2, 2, 30],
    ],
};

/// A fixed gradient from the centre to the edges (Departure, Lava, Twilight).
#[derive(Clone, Debug)]
pub struct Still {
    lut: PaletteLut,
}

impl Still {
    /// The gradient of `palette`.
    pub fn new(palette: &Palette) -> Still {
        Still {
            lut: PaletteLut::new(palette),
        }
    }
}

impl Pattern for Still {
    fn render(&mut self, _ctx: &Context<'_>, line: &mut [Rgb]) {
        let n = line.len();
        for (i, led) in line.iter_mut().enumerate() {
            *led = self.lut.sample(position(i, n));
        }
    }
}

/// Neutral: the hue gradient of `color`, `color_range` and `saturation`, whatever the palette.
#[derive(Clone, Copy, Debug, Default)]
pub struct Neutral;

impl Pattern for Neutral {
    fn render(&mut self, ctx: &Context<'_>, line: &mut [Rgb]) {
        let colors = ctx.colors.hue_mode();
        let n = line.len();
        for (i, led) in line.iter_mut().enumerate() {
            *led = colors.at(position(i, n));
        }
    }
}
