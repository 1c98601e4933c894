//! [`Rgb`]: one LED's colour in linear light. A leaf: rendering, the colour pipeline and the
//! palettes all use it, and it uses nothing of theirs.

/// One LED's colour: linear light, each channel in 0..=1.
#[derive(Clone, Copy, Debug, Default, PartialEq, bytemuck::NoUninit)]
#[repr(C)]
pub struct Rgb {
    /// Red.
    pub r: f32,
    /// Green.
    pub g: f32,
    /// Blue.
    pub b: f32,
}

impl Rgb {
    /// Off.
    pub const BLACK: Rgb = Rgb {
        r: 0.0,
        g: 0.0,
        b: 0.0,
    };

    /// A fully saturated colour of `hue` (in turns: 0 = red, 1/3 = green, 2/3 = blue; wraps) at
    /// `value` (0..=1, clamped; NaN is 0). Each channel is exact to within f32 rounding.
    pub fn from_hue(hue: f32, value: f32) -> Rgb {
        let v = if value.is_nan() {
            0.0
        } else {
            value.clamp(0.0, 1.0)
        };
        let h = if hue.is_finite() {
            hue - crate::math::floor(hue)
        } else {
            0.0
        };
        // Six sectors of 60°; in each, one channel is full, one is off and one ramps.
        let x = h * 6.0;
        let sector = crate::math::floor(x);
        let f = x - sector;
        let (r, g, b) = match sector as u8 {
            0 => (1.0, f, 0.0),
            1 => (1.0 - f, 1.0, 0.0),
            2 => (0.0, 1.0, f),
            3 => (0.0, 1.0 - f, 1.0),
            4 => (f, 0.0, 1.0),
            _ => (1.0, 0.0, 1.0 - f),
        };
        Rgb {
            r: r * v,
            g: g * v,
            b: b * v,
        }
    }

    /// This colour with every channel multiplied by `k` (clamped to 0..=1).
    pub fn scaled(self, k: f32) -> Rgb {
        let k = if k.is_nan() { 0.0 } else { k.clamp(0.0, 1.0) };
        Rgb {
            r: self.r * k,
            g: self.g * k,
            b: self.b * k,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Rgb;

    #[test]
    fn primaries_and_wrap() {
        assert_eq!(
            Rgb::from_hue(0.0, 1.0),
            Rgb {
                r: 1.0,
                g: 0.0,
                b: 0.0
            }
        );
        let g = Rgb::from_hue(1.0 / 3.0, 1.0);
        assert!(
            (g.g - 1.0).abs() < 1e-6 && g.r < 1e-5 && g.b < 1e-5,
            "{g:?}"
        );
        let b = Rgb::from_hue(2.0 / 3.0, 0.5);
        assert!(
            (b.b - 0.5).abs() < 1e-6 && b.r < 1e-5 && b.g < 1e-5,
            "{b:?}"
        );
        assert_eq!(Rgb::from_hue(1.25, 1.0), Rgb::from_hue(0.25, 1.0));
        assert_eq!(Rgb::from_hue(-0.75, 1.0), Rgb::from_hue(0.25, 1.0));
    }

    /// Every hue at full value has its largest channel at 1 and its smallest at 0, and all
    /// channels stay in range, whatever the input.
    #[test]
    fn every_hue_is_saturated_and_in_range() {
        for i in 0..=3600 {
            let c = Rgb::from_hue(i as f32 / 3600.0, 1.0);
            let max = c.r.max(c.g).max(c.b);
            let min = c.r.min(c.g).min(c.b);
            assert!((max - 1.0).abs() < 1e-5 && min.abs() < 1e-5, "{i}: {c:?}");
        }
        for (h, v) in [
            (f32::NAN, 1.0),
            (0.3, f32::NAN),
            (f32::INFINITY, 2.0),
            (0.1, -1.0),
        ] {
            let c = Rgb::from_hue(h, v);
            for ch in [c.r, c.g, c.b] {
                assert!((0.0..=1.0).contains(&ch), "{h} {v}: {c:?}");
            }
        }
    }
}
