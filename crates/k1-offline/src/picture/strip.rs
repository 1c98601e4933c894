//! [`StripGif`]: the show as an animated GIF of the strip, one GIF frame per slice of time.
//!
//! GIF delays are whole hundredths of a second, so the animation runs at a rate that divides
//! 100 (at most [`GIF_MAX_FPS`]): the show's frames are picked on that clock. Each GIF frame is
//! the strip drawn as a band (`px` pixels per LED across, `height` pixels tall).

use image::codecs::gif::{GifEncoder, Repeat};
use image::{Delay, Frame, RgbaImage};

use k1_core::color::Rgb8;

/// The fastest GIF rate used (frames per second).
pub const GIF_MAX_FPS: u32 = 25;

/// Collects strip frames for an animated GIF.
#[derive(Clone, Debug)]
pub struct StripGif {
    leds: usize,
    delay_cs: u32,
    frames: Vec<Vec<Rgb8>>,
    next_time: f64,
}

impl StripGif {
    /// A GIF of `leds` LEDs for a show rendered at `show_fps`.
    pub fn new(leds: usize, show_fps: f64) -> StripGif {
        let fps = show_fps.clamp(1.0, f64::from(GIF_MAX_FPS));
        // Whole hundredths of a second per frame.
        let delay_cs = (100.0 / fps).round().max(4.0) as u32;
        StripGif {
            leds,
            delay_cs,
            frames: Vec::new(),
            next_time: 0.0,
        }
    }

    /// Offers the show frame at `time` seconds; it is kept if it is the first at or after the
    /// next GIF frame's time.
    pub fn offer(&mut self, time: f64, frame: &[Rgb8]) {
        if time + 1e-9 >= self.next_time {
            self.frames
                .push(frame.iter().take(self.leds).copied().collect());
            self.next_time = self.frames.len() as f64 * f64::from(self.delay_cs) / 100.0;
        }
    }

    /// GIF frames kept so far.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// True before the first frame is kept.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Hundredths of a second per GIF frame.
    pub fn delay_cs(&self) -> u32 {
        self.delay_cs
    }

    /// Encodes the animation, looping forever: each LED `px` pixels wide, the band `height` tall.
    pub fn encode(&self, px: u32, height: u32) -> Result<Vec<u8>, image::ImageError> {
        let table = super::srgb_table();
        let px = px.max(1);
        let height = height.max(1);
        let width = (self.leds as u32 * px).max(1);
        let mut out = Vec::new();
        {
            let mut encoder = GifEncoder::new_with_speed(&mut out, 10);
            encoder.set_repeat(Repeat::Infinite)?;
            let delay = Delay::from_numer_denom_ms(self.delay_cs * 10, 1);
            for frame in &self.frames {
                let mut img = RgbaImage::new(width, height);
                for (x, _y, pixel) in img.enumerate_pixels_mut() {
                    let c = frame.get((x / px) as usize).copied().unwrap_or_default();
                    *pixel = image::Rgba([
                        table[c.r as usize],
                        table[c.g as usize],
                        table[c.b as usize],
                        255,
                    ]);
                }
                encoder.encode_frame(Frame::from_parts(img, 0, 0, delay))?;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_frames_on_the_gif_clock() {
        let mut g = StripGif::new(2, 100.0);
        assert_eq!(g.delay_cs(), 4);
        for k in 0..100 {
            g.offer(k as f64 / 100.0, &[Rgb8::new(k as u8, 0, 0); 2]);
        }
        assert_eq!(g.len(), 25);
        let slow = StripGif::new(2, 10.0);
        assert_eq!(slow.delay_cs(), 10);
    }

    #[test]
    fn encodes_a_deterministic_looping_gif() {
        let mut g = StripGif::new(3, 25.0);
        for k in 0..10u8 {
            g.offer(
                f64::from(k) / 25.0,
                &[Rgb8::new(k * 20, 255 - k * 20, 0); 3],
            );
        }
        let a = g.encode(2, 4).unwrap();
        assert!(a.starts_with(b"GIF89a"));
        assert_eq!(a, g.encode(2, 4).unwrap());
        let decoded = image::load_from_memory(&a).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (6, 4));
    }
}
