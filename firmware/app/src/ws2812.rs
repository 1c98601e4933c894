//! WS2812 over RMT with raw pulse codes: one code per bit, GRB order, MSB first, and a long low
//! pulse to latch. (esp-hal-smartled does not build against esp-hal 1.2, and this is all it does.)

use esp_hal::gpio::Level;
use esp_hal::rmt::PulseCode;
use k1_core::color::Rgb8;

use crate::config::{WS2812_RESET, WS2812_T0H, WS2812_T0L, WS2812_T1H, WS2812_T1L};

/// Pulse codes for `n` LEDs: 24 bits each, a latch and the end marker.
pub const fn codes_for(n: usize) -> usize {
    n * 24 + 2
}

/// Encodes `pixels` (in R, G, B order) as WS2812 GRB pulses into `out`; returns the codes used.
pub fn encode(pixels: &[Rgb8], out: &mut [PulseCode]) -> usize {
    let zero = PulseCode::new(Level::High, WS2812_T0H, Level::Low, WS2812_T0L);
    let one = PulseCode::new(Level::High, WS2812_T1H, Level::Low, WS2812_T1L);
    let n = pixels.len().min(out.len().saturating_sub(2) / 24);
    let mut i = 0;
    for px in &pixels[..n] {
        for byte in [px.g, px.r, px.b] {
            for bit in (0..8).rev() {
                out[i] = if byte >> bit & 1 == 1 { one } else { zero };
                i += 1;
            }
        }
    }
    out[i] = PulseCode::new(Level::Low, WS2812_RESET, Level::Low, 1);
    out[i + 1] = PulseCode::end_marker();
    i + 2
}
