//! [`Timeline`]: the whole show in one picture, x is time and y is the LED.
//!
//! Frames arrive one by one and are summed into columns. Every column covers the same number of
//! frames; when the columns reach twice the wanted width, neighbours are merged and each column
//! covers twice as many frames from then on. So memory stays bounded for any song length. The
//! picture is then exactly the wanted width (each pixel the mean of one or two stored columns), or
//! one column per frame for a short song; the same frames give the same picture.

use image::{ImageEncoder, RgbImage};

use k1_core::color::Rgb8;

/// The most pixels (columns × LEDs) a timeline may have. It stores up to twice its width in
/// columns of three `u32` sums per LED (24 bytes a pixel) and then the picture (3 bytes a pixel,
/// more when short strips are scaled up): 8 M pixels peak at about 220 MB.
pub const MAX_PIXELS: usize = 8_000_000;

/// Accumulates frames into time columns.
#[derive(Clone, Debug)]
pub struct Timeline {
    leds: usize,
    max_width: usize,
    /// Frames per finished column.
    per_column: u64,
    /// Per column: per LED, the sums of r, g, b bytes.
    sums: Vec<Vec<u32>>,
    /// Frames in the last column so far.
    filling: u64,
}

impl Timeline {
    /// A timeline of `leds` LEDs at most `max_width` columns wide (at least 2).
    pub fn new(leds: usize, max_width: usize) -> Timeline {
        Timeline {
            leds,
            max_width: max_width.max(2),
            per_column: 1,
            sums: Vec::new(),
            filling: 0,
        }
    }

    /// Adds one frame (`leds` colours; extra are ignored, missing count as black).
    pub fn push(&mut self, frame: &[Rgb8]) {
        if self.filling == 0 || self.filling >= self.per_column {
            if self.sums.len() >= 2 * self.max_width {
                self.halve();
            }
            if self.filling == 0 || self.filling >= self.per_column {
                self.sums.push(vec![0; 3 * self.leds]);
                self.filling = 0;
            }
        }
        if let Some(column) = self.sums.last_mut() {
            for (sum, c) in column.chunks_exact_mut(3).zip(frame) {
                sum[0] += u32::from(c.r);
                sum[1] += u32::from(c.g);
                sum[2] += u32::from(c.b);
            }
        }
        self.filling += 1;
    }

    /// Merges neighbouring columns: each now covers twice the frames. Called only when every
    /// column is complete and there is an even number of them (exactly `2 · max_width`).
    fn halve(&mut self) {
        let old = std::mem::take(&mut self.sums);
        let mut it = old.into_iter();
        while let Some(mut a) = it.next() {
            if let Some(b) = it.next() {
                for (x, y) in a.iter_mut().zip(&b) {
                    *x += *y;
                }
            }
            self.sums.push(a);
        }
        self.per_column *= 2;
        self.filling = self.per_column;
    }

    /// The picture's width in columns.
    pub fn width(&self) -> usize {
        self.sums.len().clamp(1, self.max_width)
    }

    /// The picture: `min(stored columns, max width)` columns of time, one row per LED (repeated `scale` times), each pixel the mean duty of its frames in sRGB.
    pub fn image(&self, scale: u32) -> RgbImage {
        let table_width = self.sums.len();
        // Each output column takes a run of one or more stored columns, split evenly, so a
        // long show fills exactly the wanted width.
        let width = self.width();
        let span = |x: usize| (x * table_width / width, (x + 1) * table_width / width);
        let scale = scale.max(1) as usize;
        let height = (self.leds * scale).max(1);
        let mut img = RgbImage::new(width as u32, height as u32);
        let total_frames = |first: usize, count: usize| -> u64 {
            // Every column holds `per_column` frames except the last, which holds `filling`.
            (first..first + count)
                .map(|c| {
                    if c + 1 == table_width {
                        self.filling
                    } else {
                        self.per_column
                    }
                })
                .sum()
        };
        for x in 0..width {
            let (first, end) = span(x);
            let count = end - first;
            let frames = total_frames(first, count).max(1) as f64;
            for led in 0..self.leds {
                let mut rgb = [0u64; 3];
                for column in self.sums.iter().skip(first).take(count) {
                    for (ch, acc) in rgb.iter_mut().enumerate() {
                        *acc += u64::from(column.get(3 * led + ch).copied().unwrap_or(0));
                    }
                }
                let px = rgb.map(|s| super::srgb(s as f64 / frames / 255.0));
                for dy in 0..scale {
                    img.put_pixel(x as u32, (led * scale + dy) as u32, image::Rgb(px));
                }
            }
        }
        img
    }

    /// The picture as PNG bytes.
    pub fn png(&self, scale: u32) -> Result<Vec<u8>, image::ImageError> {
        let img = self.image(scale);
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out).write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgb8,
        )?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(v: u8, leds: usize) -> Vec<Rgb8> {
        vec![Rgb8::new(v, 0, 255 - v); leds]
    }

    #[test]
    fn short_shows_get_one_column_per_frame() {
        let mut t = Timeline::new(4, 100);
        for v in [0u8, 255, 0] {
            t.push(&frame(v, 4));
        }
        let img = t.image(1);
        assert_eq!((img.width(), img.height()), (3, 4));
        assert_eq!(img.get_pixel(1, 2).0, [255, 0, 0]);
        assert_eq!(img.get_pixel(0, 0).0, [0, 0, 255]);
    }

    #[test]
    fn long_shows_are_downsampled_within_the_width() {
        for frames in [199usize, 200, 201, 1000, 12_345] {
            let mut t = Timeline::new(3, 50);
            for i in 0..frames {
                t.push(&frame(if i % 2 == 0 { 255 } else { 0 }, 3));
            }
            let img = t.image(2);
            assert!(
                img.width() <= 50 && img.width() >= 25,
                "{frames}: {}",
                img.width()
            );
            assert_eq!(img.height(), 6);
            // Alternating full and off averages to a half duty in every full column.
            let mid = img.get_pixel(img.width() / 2, 0).0[0];
            assert_eq!(mid, super::super::srgb(0.5), "{frames}");
        }
    }

    #[test]
    fn a_ramp_keeps_its_order_through_merges() {
        let mut t = Timeline::new(1, 10);
        for i in 0..1000u32 {
            t.push(&[Rgb8::new((i / 4) as u8, 0, 0)]);
        }
        let img = t.image(1);
        let reds: Vec<u8> = (0..img.width()).map(|x| img.get_pixel(x, 0).0[0]).collect();
        assert!(reds.windows(2).all(|w| w[1] >= w[0]), "{reds:?}");
    }

    #[test]
    fn png_is_deterministic() {
        let mut t = Timeline::new(8, 16);
        for i in 0..100u8 {
            t.push(&frame(i.wrapping_mul(37), 8));
        }
        assert_eq!(t.png(1).unwrap(), t.png(1).unwrap());
        assert!(t.png(1).unwrap().starts_with(b"\x89PNG"));
    }
}
