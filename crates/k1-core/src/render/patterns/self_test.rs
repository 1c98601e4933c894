//! Self test: one second each of black, red, green and blue, then white at a quarter, for
//! checking the wiring and the colour order. "A quarter" is a quarter of full duty (current) at
//! the default gamma 2.2: level 0.25^(1/2.2).

use crate::render::Rgb;
use crate::render::pattern::{Context, Pattern};

/// The level that the default gamma (2.2) turns into a quarter of full duty.
pub const QUARTER: f32 = 0.532_521_2;

/// The self-test pattern: how long it has run.
#[derive(Clone, Copy, Debug, Default)]
pub struct SelfTest {
    elapsed: f32,
}

impl SelfTest {
    /// The colour shown `t` seconds after the start.
    pub fn color_at(t: f32) -> Rgb {
        let (r, g, b) = match t {
            t if t < 1.0 => (0.0, 0.0, 0.0),
            t if t < 2.0 => (1.0, 0.0, 0.0),
            t if t < 3.0 => (0.0, 1.0, 0.0),
            t if t < 4.0 => (0.0, 0.0, 1.0),
            _ => (QUARTER, QUARTER, QUARTER),
        };
        Rgb { r, g, b }
    }
}

impl Pattern for SelfTest {
    fn render(&mut self, ctx: &Context<'_>, line: &mut [Rgb]) {
        let c = SelfTest::color_at(self.elapsed);
        line.fill(c);
        // Stop counting once on white, so the float never grows without bound.
        self.elapsed = (self.elapsed + ctx.dt).min(10.0);
    }
}
