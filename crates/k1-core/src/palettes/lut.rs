//! [`PaletteLut`]: a palette decoded once into 256 entries, for one interpolation per LED.

use super::Palette;
use crate::rgb::Rgb;

/// Entries in a [`PaletteLut`]: one per palette position 0..=255.
pub const LUT_SIZE: usize = 256;

/// A palette precomputed at its 256 positions (3 KB). Build it when the palette changes (it costs
/// 768 `powf`), then [`PaletteLut::sample`] is a table lookup and one interpolation.
///
/// Use [`Palette::sample`] instead where speed does not matter: it is the reference this is
/// tested against.
#[derive(Clone, Debug, PartialEq)]
pub struct PaletteLut {
    entries: [Rgb; LUT_SIZE],
}

impl PaletteLut {
    /// Decodes `palette` at positions 0, 1/255, ..., 1.
    pub fn new(palette: &Palette) -> PaletteLut {
        PaletteLut {
            entries: core::array::from_fn(|i| palette.sample(i as f32 / 255.0)),
        }
    }

    /// The colour at `x` (0..=1, clamped; NaN is 0), interpolated between the two nearest entries.
    /// Equal to [`Palette::sample`] at every multiple of 1/255 and within 1/255 elsewhere, except
    /// across a hard edge (two keyframes at one position), which becomes a 1/255-wide ramp.
    #[inline]
    pub fn sample(&self, x: f32) -> Rgb {
        let pos = if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) } * 255.0;
        // `pos` is in 0..=255, so `i` is in 0..=255 and `j` in 1..=255.
        let i = (pos as usize).min(LUT_SIZE - 2);
        let t = pos - i as f32;
        let (Some(a), Some(b)) = (self.entries.get(i), self.entries.get(i + 1)) else {
            return Rgb::BLACK;
        };
        Rgb {
            r: a.r + (b.r - a.r) * t,
            g: a.g + (b.g - a.g) * t,
            b: a.b + (b.b - a.b) * t,
        }
    }

    /// The 256 decoded entries.
    pub fn entries(&self) -> &[Rgb; LUT_SIZE] {
        &self.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::palettes::PALETTES;

    fn close(a: Rgb, b: Rgb, tol: f32) -> bool {
        (a.r - b.r).abs() <= tol && (a.g - b.g).abs() <= tol && (a.b - b.b).abs() <= tol
    }

    #[test]
    fn lut_agrees_with_the_reference() {
        for pal in &PALETTES {
            let lut = PaletteLut::new(pal);
            let edges: heapless_edges::Edges = heapless_edges::edges(pal.keyframes);
            for k in 0..=255u32 {
                let x = k as f32 / 255.0;
                assert!(
                    close(lut.sample(x), pal.sample(x), 1e-6),
                    "{} at {k}",
                    pal.name
                );
                let mid = (k as f32 + 0.37) / 255.0;
                if k < 255 && !edges.contains(k + 1) {
                    assert!(
                        close(lut.sample(mid), pal.sample(mid), 1.0 / 255.0),
                        "{} at {k}.37",
                        pal.name
                    );
                }
            }
        }
    }

    /// Positions of the hard edges (two keyframes at one position) of a palette.
    mod heapless_edges {
        pub struct Edges([bool; 256]);
        impl Edges {
            pub fn contains(&self, pos: u32) -> bool {
                self.0.get(pos as usize).copied().unwrap_or(false)
            }
        }
        pub fn edges(keys: &[[u8; 4]]) -> Edges {
            let mut e = [false; 256];
            for w in keys.windows(2) {
                if w[0][0] == w[1][0] {
                    e[w[0][0] as usize] = true;
                }
            }
            Edges(e)
        }
    }
}
