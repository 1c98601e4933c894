//! [`Gradient`]: the colour at each position of the line, kept from frame to frame while the
//! colours do not change.
//!
//! Most patterns and the background glow colour line entry `i` of `n` with
//! `Colors::at(position(i, n))`: a palette lookup (a fold with a floor, an interpolation) per
//! entry, twice a frame, for a value that changes only when a colour parameter, the palette,
//! the colour drift or the line length does. The renderer keeps the values here and hands them
//! to the frame through [`Colors::along`], which returns exactly what `at` would.

use super::Rgb;
use super::colors::Colors;
use super::ops::position;

/// What the table was filled for: the line length, the palette table's index and the colour
/// source's [`Colors::key`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Key {
    len: usize,
    palette: usize,
    colors: [u32; 5],
}

/// The colours along a line of up to `N` entries.
#[derive(Clone, Debug)]
pub struct Gradient<const N: usize> {
    colors: [Rgb; N],
    key: Option<Key>,
}

impl<const N: usize> Gradient<N> {
    /// An empty table (filled on first use).
    pub const fn new() -> Self {
        Gradient {
            colors: [Rgb::BLACK; N],
            key: None,
        }
    }

    /// The colours `colors.at(position(i, len))` for `i` in `0..len` (`len` capped at `N`),
    /// worked out again only when the key changed. `palette` identifies the contents of the
    /// palette table `colors` reads (the renderer's table index).
    pub fn update(&mut self, colors: &Colors<'_>, palette: usize, len: usize) -> &[Rgb] {
        let len = len.min(N);
        let key = Key {
            len,
            palette,
            colors: colors.key(),
        };
        let line = self.colors.get_mut(..len).unwrap_or_default();
        if self.key != Some(key) {
            for (i, c) in line.iter_mut().enumerate() {
                *c = colors.at(position(i, len));
            }
            self.key = Some(key);
        }
        line
    }
}

impl<const N: usize> Default for Gradient<N> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::palettes::{PALETTES, PaletteLut};
    use crate::params::{PALETTE_NONE, Params};

    /// The table holds exactly `at(position(i, n))`, follows every change of what the colours
    /// depend on, and `along` gives the same as `at` with and without it.
    #[test]
    fn equals_at_and_follows_changes() {
        let luts = [
            PaletteLut::new(&PALETTES[0]),
            PaletteLut::new(&PALETTES[23]),
        ];
        let mut g = Gradient::<64>::new();
        let base = Params::DEFAULT;
        let cases = [
            (base, 0, 0.0, 40),
            (base, 0, 0.0, 40),
            (base, 0, 0.0, 33),
            (base, 1, 0.0, 33),
            (base, 1, 0.125, 33),
            (Params { color: 0.7, ..base }, 1, 0.125, 33),
            (
                Params {
                    color_range: 0.4,
                    ..base
                },
                1,
                0.125,
                33,
            ),
            (
                Params {
                    saturation: 0.2,
                    ..base
                },
                1,
                0.125,
                33,
            ),
            (
                Params {
                    reverse_color_range: 1,
                    ..base
                },
                1,
                0.125,
                33,
            ),
            (
                Params {
                    palette: PALETTE_NONE,
                    ..base
                },
                1,
                0.125,
                33,
            ),
            (base, 0, 0.0, 200),
            (base, 0, 0.0, 1),
        ];
        for (k, &(params, lut, drift, len)) in cases.iter().enumerate() {
            let colors = Colors::new(&params, Some(&luts[lut]), drift);
            let line = g.update(&colors, lut, len);
            let n = len.min(64);
            assert_eq!(line.len(), n, "case {k}");
            let with = colors.with_line(line);
            for (i, &got) in line.iter().enumerate() {
                let want = colors.at(position(i, n));
                assert_eq!(got, want, "case {k}, entry {i}");
                assert_eq!(with.along(i, n), want, "case {k}, entry {i}");
                assert_eq!(colors.along(i, n), want, "case {k}, entry {i}");
            }
            // A table for another length is not used.
            assert_eq!(with.along(0, n + 1), colors.at(0.0), "case {k}");
        }
    }
}
