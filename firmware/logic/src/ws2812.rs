//! WS2812 frames for two strips as one SPI bit stream, sent by DMA with no CPU refills.
//!
//! # Why SPI with DMA
//!
//! A WS2812 frame must reach the strip without a gap: a low longer than the LED's reset time in
//! the middle of a frame latches a half frame, and a late edge turns a 0 into a 1. The RMT
//! peripheral holds only a small window of the frame. In esp-hal 1.2.2 a channel owns one or
//! more 48-word blocks (one word per WS2812 bit), and the driver refills half of the window from
//! the future's `poll` (async) or from `TxTransaction::poll` (blocking) each time the threshold
//! is crossed. A 160-LED strip is 3,840 bits plus the latch, but the S3 has 8 blocks (384
//! words) for all its channels and the C6 and C3 have 4 (192): even every block chained onto one
//! channel holds a tenth of one strip. With one block per channel, a refill is due every 24 bits
//! (30 µs); with the S3's 8 blocks split between the two strips, every 96 bits (120 µs). Either
//! way the refill depends on how soon the executor runs the task: on the C6 and C3 the analysis
//! (hundreds of µs a hop) shares it, on the S3 the Wi-Fi tasks do, and flash erases stall the
//! CPU for milliseconds. An interrupt-priority executor narrows that window but does not close
//! it (the radio's interrupts and flash operations still run first).
//!
//! The GP-SPI peripheral's DMA engine instead reads the whole frame from RAM by itself, and keeps
//! reading while the CPU is busy, interrupted or stalled on flash. One SPI in dual-output mode
//! drives two data lines, one strip each, from one buffer: SIO0 carries strip A and SIO1 strip
//! B, two bits per clock, the first clock in the byte's top two bits, SIO1's bit above SIO0's
//! (the order of the SPI flash protocols' dual mode). Every chip K1 builds for has that SPI
//! (SPI2) and a free DMA channel, so the C6, C3 and S3 share the code. If a board's SPI put the
//! two lines the other way round, only the strips would swap; the timing of each is the same.
//!
//! # The encoding
//!
//! The SPI clock is [`SPI_HZ`] (2.5 MHz, 80 MHz / 32 on every chip, so exact): one clock is
//! 400 ns. Each WS2812 bit is three clocks, high, the bit, low: a 0 is 400 ns high and 800 ns
//! low, a 1 is 800 ns high and 400 ns low, a bit period of 1.2 µs. The WS2812B datasheet asks for
//! 0.4 µs / 0.85 µs (0) and 0.8 µs / 0.45 µs (1), each ±150 ns, and 1.25 µs ± 600 ns per bit: all
//! are met ([`LedTiming::classify`], tested). Each LED is 24 bits, green then red then blue, most
//! significant bit first. After the last LED the lines stay low for [`LATCH_NS`] or more (the
//! buffer ends in zero bytes, and esp-hal idles both lines low between transfers): the
//! WS2812B-V5 needs at least 280 µs, older WS2812B parts 50 µs.
//!
//! A frame of `n` LEDs per strip is `18 n` bytes plus [`LATCH_BYTES`] ([`frame_bytes`]); two
//! strips of 160 take 3,068 bytes and [`wire_ns`] 4,908.8 µs on the wire, so at most 203.7
//! frames a second.

use k1_core::color::Rgb8;

/// SPI clock: 2.5 MHz, 400 ns a clock; 80 MHz / 32 on the C3, C6 and S3.
pub const SPI_HZ: u32 = 2_500_000;
/// One SPI clock, ns.
pub const CLOCK_NS: u32 = 1_000_000_000 / SPI_HZ;
/// SPI clocks per WS2812 bit: high, the bit, low.
pub const CLOCKS_PER_BIT: usize = 3;
/// Bits per LED: green, red, blue, 8 each.
pub const BITS_PER_LED: usize = 24;
/// SPI clocks per byte in dual mode (two bits a clock).
pub const CLOCKS_PER_BYTE: usize = 4;
/// Buffer bytes per LED of each strip: 24 bits × 3 clocks, 4 clocks a byte.
pub const BYTES_PER_LED: usize = BITS_PER_LED * CLOCKS_PER_BIT / CLOCKS_PER_BYTE;
/// The shortest low that latches a frame: the WS2812B-V5's reset time is at least 280 µs; this
/// leaves 20 µs of margin.
pub const LATCH_NS: u32 = 300_000;
/// Zero bytes after the last LED: the latch rounded up to whole bytes (752 clocks, 300.8 µs).
pub const LATCH_BYTES: usize = (LATCH_NS as usize)
    .div_ceil(CLOCK_NS as usize)
    .div_ceil(CLOCKS_PER_BYTE);

/// Buffer bytes for a frame of `leds_per_strip` LEDs on each of the two strips.
pub const fn frame_bytes(leds_per_strip: usize) -> usize {
    leds_per_strip * BYTES_PER_LED + LATCH_BYTES
}

/// Time on the wire of such a frame, ns: the LEDs' bits and the latch.
pub const fn wire_ns(leds_per_strip: usize) -> u64 {
    (frame_bytes(leds_per_strip) * CLOCKS_PER_BYTE) as u64 * CLOCK_NS as u64
}

/// Time from the start of a frame to the last LED's last bit, ns: when the latch begins.
pub const fn data_ns(leds_per_strip: usize) -> u64 {
    (leds_per_strip * BITS_PER_LED * CLOCKS_PER_BIT) as u64 * CLOCK_NS as u64
}

/// Why a frame could not be encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// The buffer holds fewer bytes than the frame needs.
    BufferTooSmall {
        /// Bytes the frame needs ([`frame_bytes`]).
        needed: usize,
        /// Bytes the buffer has.
        got: usize,
    },
}

impl core::fmt::Display for EncodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            EncodeError::BufferTooSmall { needed, got } => {
                write!(f, "WS2812 frame needs {needed} bytes, the buffer has {got}")
            }
        }
    }
}

/// Writes the frame for strip `a` (on SIO0) and strip `b` (on SIO1) into `out` and returns its
/// length in bytes. Strips of different lengths are allowed: the shorter one's line stays low
/// while the longer one's last LEDs are sent. Colours are taken as R, G, B and sent as G, R, B.
pub fn encode_dual(a: &[Rgb8], b: &[Rgb8], out: &mut [u8]) -> Result<usize, EncodeError> {
    let leds = a.len().max(b.len());
    let needed = frame_bytes(leds);
    if out.len() < needed {
        return Err(EncodeError::BufferTooSmall {
            needed,
            got: out.len(),
        });
    }
    let (data, rest) = out.split_at_mut(leds * BYTES_PER_LED);
    for (i, led) in data.chunks_exact_mut(BYTES_PER_LED).enumerate() {
        put_led(a.get(i), b.get(i), led);
    }
    rest[..LATCH_BYTES].fill(0);
    Ok(needed)
}

/// One LED of each strip (`None`: that line stays low) as [`BYTES_PER_LED`] bytes.
#[inline(always)]
fn put_led(a: Option<&Rgb8>, b: Option<&Rgb8>, out: &mut [u8]) {
    let ca = a.map(|p| [p.g, p.r, p.b]);
    let cb = b.map(|p| [p.g, p.r, p.b]);
    // Six nibbles per LED (G high, G low, R high, …), each 12 clocks, 3 bytes.
    for (k, chunk) in out.chunks_exact_mut(3).enumerate() {
        let shift = if k % 2 == 0 { 4 } else { 0 };
        let line =
            |c: Option<[u8; 3]>| c.map_or(0, |c| NIBBLE[usize::from(c[k / 2] >> shift & 15)]);
        let pairs = line(ca) | line(cb) << 1;
        chunk.copy_from_slice(&pairs.to_be_bytes()[1..]);
    }
}

/// A nibble's 4 bits as 12 clocks on one line, in the low bit of each clock's pair: clock `c`
/// (0 first) is bit `22 - 2c`, so the other line's bit is the one above it (`<< 1`) and the 24
/// bits are 3 bytes, first clock in the top pair. Each bit is `1 b 0`.
const NIBBLE: [u32; 16] = {
    let mut table = [0u32; 16];
    let mut n = 0;
    while n < 16 {
        let mut word = 0;
        let mut j = 0;
        while j < 4 {
            word |= 1 << (22 - 6 * j);
            word |= ((n as u32) >> (3 - j) & 1) << (20 - 6 * j);
            j += 1;
        }
        table[n] = word;
        n += 1;
    }
    table
};

/// A WS2812 part's timing limits, ns, for checking an encoding against its datasheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LedTiming {
    /// A 0 bit's high time: shortest and longest.
    pub t0h: (u32, u32),
    /// A 0 bit's low time.
    pub t0l: (u32, u32),
    /// A 1 bit's high time.
    pub t1h: (u32, u32),
    /// A 1 bit's low time.
    pub t1l: (u32, u32),
    /// A whole bit (high plus low).
    pub bit: (u32, u32),
    /// The shortest low that latches.
    pub reset_min: u32,
}

impl LedTiming {
    /// The WS2812B datasheet: 0.4/0.85 µs and 0.8/0.45 µs, each ±150 ns, 1.25 µs ± 600 ns a
    /// bit, and the WS2812B-V5's reset of at least 280 µs (older parts: 50 µs).
    pub const WS2812B: LedTiming = LedTiming {
        t0h: (250, 550),
        t0l: (700, 1000),
        t1h: (650, 950),
        t1l: (300, 600),
        bit: (650, 1850),
        reset_min: 280_000,
    };

    /// Whether a high/low pair is a valid 0 (`Some(false)`), a valid 1 (`Some(true)`) or
    /// neither (`None`).
    pub fn classify(&self, high_ns: u32, low_ns: u32) -> Option<bool> {
        let within = |v: u32, (lo, hi): (u32, u32)| (lo..=hi).contains(&v);
        if !within(high_ns + low_ns, self.bit) {
            return None;
        }
        if within(high_ns, self.t0h) && within(low_ns, self.t0l) {
            Some(false)
        } else if within(high_ns, self.t1h) && within(low_ns, self.t1l) {
            Some(true)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests;
