//! The 33 named gradient palettes, sampled with interpolation.
//!
//! A palette is a list of keyframes (position 0..=255 and a colour), as the cpt-city gradients
//! were published for FastLED ([`data`]). Those colours were pre-distorted for LEDs with per-channel
//! gammas (2.6, 2.2, 2.5); K1's colour pipeline applies its own gamma once, at the end, so a
//! palette decodes its keyframes back to the gradient's own (perceptual) colours first. Sampling
//! interpolates linearly between keyframes in that space, which is how the gradient was drawn.
//!
//! [`Palette::sample`] is the plain reference (a few `powf` per call); [`PaletteLut`] precomputes
//! 256 entries once so that the renderer pays one interpolation per LED.

mod data;
mod lut;

pub use lut::PaletteLut;

use crate::color::Rgb8;
use crate::rgb::Rgb;

/// The number of palettes.
pub const PALETTE_COUNT: usize = 33;

/// The per-channel gammas the published keyframes were converted with (FastLED's cpt-city
/// converter); decoding raises each channel to the inverse.
pub const SOURCE_GAMMA: [f32; 3] = [2.6, 2.2, 2.5];

/// A named gradient palette.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Palette {
    /// Display name, as the original listed it ("Sunset Real").
    pub name: &'static str,
    /// Stable identifier: the name in snake case ("sunset_real"), for URLs and command lines.
    pub id: &'static str,
    /// Keyframes `[position, r, g, b]` as published: positions rise from 0 to 255 (two equal
    /// positions make a hard edge); colours are the LED-converted bytes (see [`SOURCE_GAMMA`]).
    pub keyframes: &'static [[u8; 4]],
}

/// Every palette, in the original's order: index `i` is palette id `i` of the HTTP API.
pub static PALETTES: [Palette; PALETTE_COUNT] = [
    p("Sunset Real", "sunset_real", data::SUNSET_REAL),
    p("Rivendell", "rivendell", data::RIVENDELL),
    p(
        "Ocean Breeze 036",
        "ocean_breeze_036",
        data::OCEAN_BREEZE_036,
    ),
    p("RGI 15", "rgi_15", data::RGI_15),
    p("Retro 2", "retro_2", data::RETRO_2),
    p("Analogous 1", "analogous_1", data::ANALOGOUS_1),
    p("Pink Splash 08", "pink_splash_08", data::PINK_SPLASH_08),
    p("Coral Reef", "coral_reef", data::CORAL_REEF),
    p(
        "Ocean Breeze 068",
        "ocean_breeze_068",
        data::OCEAN_BREEZE_068,
    ),
    p("Pink Splash 07", "pink_splash_07", data::PINK_SPLASH_07),
    p("Vintage 01", "vintage_01", data::VINTAGE_01),
    p("Departure", "departure", data::DEPARTURE),
    p("Landscape 64", "landscape_64", data::LANDSCAPE_64),
    p("Landscape 33", "landscape_33", data::LANDSCAPE_33),
    p("Rainbow Sherbet", "rainbow_sherbet", data::RAINBOW_SHERBET),
    p("GR65 Hult", "gr65_hult", data::GR65_HULT),
    p("GR64 Hult", "gr64_hult", data::GR64_HULT),
    p("GMT Dry Wet", "gmt_dry_wet", data::GMT_DRY_WET),
    p("IB Jul01", "ib_jul01", data::IB_JUL01),
    p("Vintage 57", "vintage_57", data::VINTAGE_57),
    p("IB15", "ib15", data::IB15),
    p("Fuschia 7", "fuschia_7", data::FUSCHIA_7),
    p("Emerald Dragon", "emerald_dragon", data::EMERALD_DRAGON),
    p("Lava", "lava", data::LAVA),
    p("Fire", "fire", data::FIRE),
    p("Colorful", "colorful", data::COLORFUL),
    p("Magenta Evening", "magenta_evening", data::MAGENTA_EVENING),
    p("Pink Purple", "pink_purple", data::PINK_PURPLE),
    p("Autumn 19", "autumn_19", data::AUTUMN_19),
    p(
        "Blue Magenta White",
        "blue_magenta_white",
        data::BLUE_MAGENTA_WHITE,
    ),
    p(
        "Black Magenta Red",
        "black_magenta_red",
        data::BLACK_MAGENTA_RED,
    ),
    p(
        "Red Magenta Yellow",
        "red_magenta_yellow",
        data::RED_MAGENTA_YELLOW,
    ),
    p(
        "Blue Cyan Yellow",
        "blue_cyan_yellow",
        data::BLUE_CYAN_YELLOW,
    ),
];

const fn p(name: &'static str, id: &'static str, keyframes: &'static [[u8; 4]]) -> Palette {
    Palette {
        name,
        id,
        keyframes,
    }
}

/// The palette with index `index`, if there is one.
pub fn palette(index: usize) -> Option<&'static Palette> {
    PALETTES.get(index)
}

/// The index of the palette whose [`Palette::id`] or [`Palette::name`] is `name` (ASCII case and
/// the difference between spaces, `-` and `_` ignored).
pub fn find(name: &str) -> Option<usize> {
    let same = |a: &str, b: &str| {
        a.len() == b.len()
            && a.bytes().zip(b.bytes()).all(|(x, y)| {
                let norm = |c: u8| match c {
                    b' ' | b'-' => b'_',
                    c => c.to_ascii_lowercase(),
                };
                norm(x) == norm(y)
            })
    };
    PALETTES
        .iter()
        .position(|pal| same(pal.id, name) || same(pal.name, name))
}

/// One published byte of channel `channel` (0 = r), decoded to the gradient's own level 0..=1.
fn decode(byte: u8, channel: usize) -> f32 {
    let gamma = SOURCE_GAMMA.get(channel).copied().unwrap_or(2.2);
    libm::powf(byte as f32 / 255.0, 1.0 / gamma)
}

fn decode_key(key: [u8; 4]) -> Rgb {
    Rgb {
        r: decode(key[1], 0),
        g: decode(key[2], 1),
        b: decode(key[3], 2),
    }
}

impl Palette {
    /// The colour at `x` (0 = first keyframe, 1 = last; clamped; NaN is 0), interpolated
    /// linearly between the two keyframes around it, in the gradient's own colour space.
    ///
    /// This is the reference: it decodes keyframes on every call. Renderers use [`PaletteLut`],
    /// which agrees with it to within 1/255 (tested).
    pub fn sample(&self, x: f32) -> Rgb {
        let pos = if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) } * 255.0;
        let keys = self.keyframes;
        let (Some(&first), Some(&last)) = (keys.first(), keys.last()) else {
            return Rgb::BLACK;
        };
        if pos <= first[0] as f32 {
            return decode_key(first);
        }
        // The last keyframe at or before `pos` and the one after it; with two keyframes at the
        // same position, the later one wins from that position on (a hard edge).
        for pair in keys.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            if pos >= a[0] as f32 && pos < b[0] as f32 {
                let t = (pos - a[0] as f32) / (b[0] as f32 - a[0] as f32);
                let (ca, cb) = (decode_key(a), decode_key(b));
                return Rgb {
                    r: ca.r + (cb.r - ca.r) * t,
                    g: ca.g + (cb.g - ca.g) * t,
                    b: ca.b + (cb.b - ca.b) * t,
                };
            }
        }
        decode_key(last)
    }

    /// Five preview colours, at 0, ¼, ½, ¾ and 1 along the gradient, as sRGB bytes for a screen
    /// (the HTTP API's palette list shows these).
    pub fn preview(&self) -> [Rgb8; 5] {
        let to_byte = |v: f32| (v.clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
        core::array::from_fn(|i| {
            let c = self.sample(i as f32 / 4.0);
            Rgb8::new(to_byte(c.r), to_byte(c.g), to_byte(c.b))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_three_well_formed_palettes() {
        assert_eq!(PALETTES.len(), 33);
        for (i, pal) in PALETTES.iter().enumerate() {
            let keys = pal.keyframes;
            assert!(keys.len() >= 2, "{}", pal.name);
            assert_eq!(keys.first().map(|k| k[0]), Some(0), "{}", pal.name);
            assert_eq!(keys.last().map(|k| k[0]), Some(255), "{}", pal.name);
            assert!(keys.windows(2).all(|w| w[0][0] <= w[1][0]), "{}", pal.name);
            assert_eq!(find(pal.id), Some(i));
            assert_eq!(find(pal.name), Some(i));
            assert!(
                pal.id
                    .bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
            );
        }
        // The names the original listed, in its order.
        assert_eq!(PALETTES[0].name, "Sunset Real");
        assert_eq!(PALETTES[11].name, "Departure");
        assert_eq!(PALETTES[23].name, "Lava");
        assert_eq!(PALETTES[32].name, "Blue Cyan Yellow");
        assert_eq!(find("SUNSET-REAL"), Some(0));
        assert_eq!(find("none"), None);
    }

    #[test]
    fn keyframes_decode_back_to_the_published_bytes() {
        // Re-encoding with the source gammas gives back every published byte.
        for pal in &PALETTES {
            for &key in pal.keyframes {
                let c = decode_key(key);
                for (ch, (v, byte)) in [(c.r, key[1]), (c.g, key[2]), (c.b, key[3])]
                    .into_iter()
                    .enumerate()
                {
                    let back = libm::powf(v, SOURCE_GAMMA[ch]) * 255.0;
                    assert!((back - byte as f32).abs() < 0.01, "{} {key:?}", pal.name);
                }
            }
        }
    }

    #[test]
    fn sample_hits_keyframes_and_interpolates_between() {
        let sunset = &PALETTES[0];
        assert_eq!(sunset.sample(0.0), decode_key([0, 120, 0, 0]));
        assert_eq!(sunset.sample(1.0), decode_key([255, 0, 0, 160]));
        assert_eq!(sunset.sample(51.0 / 255.0), decode_key([51, 255, 104, 0]));
        // Halfway between keyframes 135 and 198: the mean of the two decoded colours.
        let mid = sunset.sample(166.5 / 255.0);
        let (a, b) = (
            decode_key([135, 100, 0, 103]),
            decode_key([198, 16, 0, 130]),
        );
        assert!((mid.r - (a.r + b.r) / 2.0).abs() < 1e-5);
        assert!((mid.b - (a.b + b.b) / 2.0).abs() < 1e-5);
        // Out of range and NaN clamp.
        assert_eq!(sunset.sample(-3.0), sunset.sample(0.0));
        assert_eq!(sunset.sample(7.0), sunset.sample(1.0));
        assert_eq!(sunset.sample(f32::NAN), sunset.sample(0.0));
    }

    #[test]
    fn a_double_keyframe_is_a_hard_edge() {
        let coral = &PALETTES[7];
        let before = coral.sample(95.9 / 255.0);
        let at = coral.sample(96.0 / 255.0);
        assert!((before.b - decode(120, 2)).abs() < 0.01, "{before:?}");
        assert_eq!(at, decode_key([96, 43, 127, 162]));
    }

    #[test]
    fn previews_are_five_samples() {
        let lava = &PALETTES[23];
        let preview = lava.preview();
        assert_eq!(preview[0], Rgb8::BLACK);
        assert_eq!(preview[4], Rgb8::new(255, 255, 255));
        for pal in &PALETTES {
            let pv = pal.preview();
            let first = pal.sample(0.0);
            assert_eq!(pv[0].r, (first.r * 255.0 + 0.5) as u8, "{}", pal.name);
        }
    }
}
