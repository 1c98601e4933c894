//! Pictures of a show for `k1 render`: a timeline PNG (x is time, y is the LED) and an animated
//! GIF of the strip.
//!
//! Both take the colour pipeline's bytes, which are LED duty cycles (linear light), and encode
//! them for a screen with the sRGB transfer curve, so the picture looks like the LEDs do rather
//! than like the raw bytes. Both are pure functions of the frames: the same frames give the same
//! file, byte for byte.

mod strip;
mod timeline;

pub use strip::StripGif;
pub use timeline::{MAX_PIXELS, Timeline};

/// Screen (sRGB) byte for a linear duty of 0..=1.
pub fn srgb(duty: f64) -> u8 {
    let d = duty.clamp(0.0, 1.0);
    let v = if d <= 0.003_130_8 {
        12.92 * d
    } else {
        1.055 * d.powf(1.0 / 2.4) - 0.055
    };
    (v * 255.0 + 0.5).clamp(0.0, 255.0) as u8
}

/// [`srgb`] for every LED byte.
pub fn srgb_table() -> [u8; 256] {
    std::array::from_fn(|i| srgb(i as f64 / 255.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srgb_ends_and_midpoint() {
        assert_eq!(srgb(0.0), 0);
        assert_eq!(srgb(1.0), 255);
        // Linear 0.214 is sRGB 128 (mid grey).
        assert!(srgb(0.2140).abs_diff(128) <= 1);
        let t = srgb_table();
        assert!(t.windows(2).all(|w| w[1] >= w[0]));
    }
}
