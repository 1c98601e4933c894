//! [`Colors`]: the colour a pattern gets at a position, from the palette or the hue parameters.
//!
//! Patterns ask for "the colour at `p`" (`p` in 0..=1: a position along the line, a note, a pitch
//! class) and scale it by their own brightness; this is where `palette`, `color`, `color_range`,
//! `saturation`, `reverse_color_range` and the auto colour cycle take effect, once for all
//! patterns.
//!
//! - **Hue mode** (palette none): hue = `color + color_range · p` (turns), at `saturation`.
//! - **Palette mode**: palette position = `fold(p · (1 + 3 · color_range) + color − 0.33)`, where
//!   `fold` reflects at 0 and 1 (no seam). At the default colour the palette shows as drawn;
//!   `color` slides along it and `color_range` repeats it up to four times. `saturation` scales
//!   the palette's own saturation (0.75 = as designed, 0 = grey).
//!
//! `reverse_color_range` runs `p` from 1 to 0. The auto colour cycle adds a drift to `color`.

use super::Rgb;
use super::ops::{floor, position};
use crate::palettes::PaletteLut;
use crate::params::Params;

/// The saturation at which a palette shows as designed.
const PALETTE_SATURATION: f32 = 0.75;
/// The default colour, at which a palette is not shifted.
const PALETTE_ORIGIN: f32 = 0.33;

/// The colour source for one frame.
#[derive(Clone, Copy, Debug)]
pub struct Colors<'a> {
    lut: Option<&'a PaletteLut>,
    hue: f32,
    range: f32,
    saturation: f32,
    reverse: bool,
    /// `at(position(i, line.len()))` for each `i`, when the renderer has it (see
    /// [`Colors::along`]).
    line: Option<&'a [Rgb]>,
}

impl<'a> Colors<'a> {
    /// Colours for `params` (sanitised), with `lut` the chosen palette's table (ignored in hue
    /// mode) and `drift` (turns) added to the colour by the auto colour cycle.
    pub fn new(params: &Params, lut: Option<&'a PaletteLut>, drift: f32) -> Colors<'a> {
        let drift = if drift.is_finite() { drift } else { 0.0 };
        Colors {
            lut: if params.palette_index().is_some() {
                lut
            } else {
                None
            },
            hue: params.color + drift,
            range: params.color_range,
            saturation: params.saturation,
            reverse: params.reverse_color_range(),
            line: None,
        }
    }

    /// Hue mode from the parameters alone, whatever the palette (the Neutral pattern uses this).
    pub fn hue_mode(&self) -> Colors<'a> {
        Colors {
            lut: None,
            line: None,
            ..*self
        }
    }

    /// These colours with `line` as the table [`along`](Self::along) reads: the caller promises
    /// that `line[i]` is `self.at(position(i, line.len()))` (the renderer's
    /// [`Gradient`](super::gradient::Gradient) is).
    pub(crate) fn with_line(self, line: &'a [Rgb]) -> Colors<'a> {
        Colors {
            line: Some(line),
            ..self
        }
    }

    /// Everything [`at`](Self::at) depends on but the palette table's contents, as bits: two
    /// colour sources with the same key and the same table give the same colours.
    pub(crate) fn key(&self) -> [u32; 5] {
        [
            u32::from(self.lut.is_some()),
            self.hue.to_bits(),
            self.range.to_bits(),
            self.saturation.to_bits(),
            u32::from(self.reverse),
        ]
    }

    /// The colour at entry `i` of a line of `n`: exactly `self.at(position(i, n))`, read from the
    /// renderer's table when it has one for `n` entries (the same value, worked out once a frame
    /// or less instead of once per use).
    #[inline]
    pub fn along(&self, i: usize, n: usize) -> Rgb {
        match self.line {
            Some(line) if line.len() == n => match line.get(i) {
                Some(&c) => c,
                None => self.at(position(i, n)),
            },
            _ => self.at(position(i, n)),
        }
    }

    /// The full-brightness colour at `p` (0..=1; outside wraps in hue mode and folds in
    /// palette mode).
    #[inline]
    pub fn at(&self, p: f32) -> Rgb {
        let p = if p.is_nan() { 0.0 } else { p };
        let p = if self.reverse { 1.0 - p } else { p };
        match self.lut {
            None => {
                let full = Rgb::from_hue(self.hue + self.range * p, 1.0);
                let s = self.saturation;
                Rgb {
                    r: 1.0 - s * (1.0 - full.r),
                    g: 1.0 - s * (1.0 - full.g),
                    b: 1.0 - s * (1.0 - full.b),
                }
            }
            Some(lut) => {
                let x = fold(p * (1.0 + 3.0 * self.range) + self.hue - PALETTE_ORIGIN);
                let c = lut.sample(x);
                let k = self.saturation / PALETTE_SATURATION;
                if k == 1.0 {
                    return c;
                }
                let luma = 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b;
                Rgb {
                    r: (luma + (c.r - luma) * k).max(0.0),
                    g: (luma + (c.g - luma) * k).max(0.0),
                    b: (luma + (c.b - luma) * k).max(0.0),
                }
            }
        }
    }
}

/// Reflects `t` into 0..=1: 0 → 0, 1 → 1, 1.5 → 0.5, 2 → 0, −0.25 → 0.25.
pub fn fold(t: f32) -> f32 {
    if !t.is_finite() {
        return 0.0;
    }
    let m = t - 2.0 * floor(t / 2.0); // 0..2
    if m > 1.0 { 2.0 - m } else { m }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::palettes::PALETTES;
    use crate::params::PALETTE_NONE;

    #[test]
    fn fold_reflects() {
        for (t, want) in [
            (0.0, 0.0),
            (0.5, 0.5),
            (1.0, 1.0),
            (1.5, 0.5),
            (2.0, 0.0),
            (-0.25, 0.25),
        ] {
            assert!((fold(t) - want).abs() < 1e-6, "{t}");
        }
    }

    #[test]
    fn hue_mode_uses_color_range_and_saturation() {
        let params = Params {
            palette: PALETTE_NONE,
            color: 0.0,
            color_range: 0.5,
            saturation: 1.0,
            ..Params::DEFAULT
        };
        let c = Colors::new(&params, None, 0.0);
        assert_eq!(c.at(0.0), Rgb::from_hue(0.0, 1.0));
        let far = c.at(1.0);
        assert!((far.b - 1.0).abs() < 1e-5 && far.r < 0.01, "{far:?}"); // hue 0.5 = cyan
        let grey = Colors::new(
            &Params {
                saturation: 0.0,
                ..params
            },
            None,
            0.0,
        )
        .at(0.3);
        assert_eq!(
            grey,
            Rgb {
                r: 1.0,
                g: 1.0,
                b: 1.0
            }
        );
        let rev = Colors::new(
            &Params {
                reverse_color_range: 1,
                ..params
            },
            None,
            0.0,
        );
        assert_eq!(rev.at(0.0), c.at(1.0));
    }

    #[test]
    fn palette_mode_shows_the_palette_as_drawn_by_default() {
        let lut = PaletteLut::new(&PALETTES[23]);
        let c = Colors::new(
            &Params {
                palette: 23,
                ..Params::DEFAULT
            },
            Some(&lut),
            0.0,
        );
        for i in 0..=10 {
            let p = i as f32 / 10.0;
            let (a, b) = (c.at(p), lut.sample(p));
            assert!((a.r - b.r).abs() < 1e-5 && (a.g - b.g).abs() < 1e-5, "{p}");
        }
        // Colour slides along the palette.
        let shifted = Colors::new(
            &Params {
                palette: 23,
                color: 0.5,
                ..Params::DEFAULT
            },
            Some(&lut),
            0.0,
        );
        assert_ne!(shifted.at(0.0), c.at(0.0));
    }
}
