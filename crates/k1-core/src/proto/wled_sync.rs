//! WLED's audio-sync packet: what the sound-reactive usermod sends and receives on UDP multicast
//! 239.0.0.1:11988 so that many WLED devices can share one microphone.
//!
//! **Version 2** (`"00002\0"`, upstream WLED 0.14+ and WLED-MM): 44 bytes, little-endian, no
//! padding. Upstream WLED zeroes the packet and never writes bytes 6–7, 17 and 34–35; WLED-MM
//! writes its sound pressure, a frame counter and the zero-crossing count there.
//!
//! | bytes | field |
//! |---|---|
//! | 0–5 | header `"00002\0"` |
//! | 6–7 | WLED-MM `pressure`: 8.8 fixed point, byte 6 the integer part, byte 7 the fraction (upstream: zero) |
//! | 8–11 | `sampleRaw`, f32 |
//! | 12–15 | `sampleSmth`, f32 |
//! | 16 | `samplePeak`, u8 (non-zero on a peak) |
//! | 17 | WLED-MM `frameCounter`, u8 (upstream: always 0) |
//! | 18–33 | `fftResult`, 16 × u8 (0–254), the GEQ channels |
//! | 34–35 | WLED-MM `zeroCrossingCount`, u16 (upstream: zero) |
//! | 36–39 | `FFT_Magnitude`, f32 |
//! | 40–43 | `FFT_MajorPeak`, f32 in Hz |
//!
//! **Version 1** (`"00001\0"`, WLED 0.13-era sound-reactive senders): a C struct of 83 bytes of
//! fields sent with the ESP32 compiler's padding, 88 bytes. No frame counter.
//!
//! | bytes | field |
//! |---|---|
//! | 0–5 | header `"00001\0"` |
//! | 6–37 | `myVals`, 32 × u8 (recent samples; not used by receivers) |
//! | 38–39 | padding |
//! | 40–43 | `sampleAgc`, i32 |
//! | 44–47 | `sample` (raw), i32 |
//! | 48–51 | `sampleAvg`, f32 |
//! | 52 | `samplePeak`, bool |
//! | 53–68 | `fftResult`, 16 × u8 |
//! | 69–71 | padding |
//! | 72–79 | `FFT_Magnitude`, f64 |
//! | 80–87 | `FFT_MajorPeak`, f64 in Hz |

use super::{Error, need};

/// Multicast group the usermod listens on.
pub const MULTICAST: [u8; 4] = [239, 0, 0, 1];
/// UDP port.
pub const PORT: u16 = 11988;
/// Version-2 packet length.
pub const LEN: usize = 44;
/// Version-2 header.
pub const HEADER: &[u8; 6] = b"00002\0";
/// Version-1 packet length (with the sender's compiler padding).
pub const LEN_V1: usize = 88;
/// Version-1 header.
pub const HEADER_V1: &[u8; 6] = b"00001\0";
/// Number of GEQ channels.
pub const CHANNELS: usize = 16;

/// The contents of one audio-sync packet (a version-1 packet is read into the same fields).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AudioSync {
    /// WLED-MM's sound pressure, 8.8 fixed point (`value / 256` is 0..256, about 5 dB to
    /// 105 dB SPL on a log scale); 0 when the sender does not fill it (upstream WLED, v1).
    pub pressure: u16,
    /// Raw sample level, 0..255.
    pub sample_raw: f32,
    /// Smoothed sample level, 0..255.
    pub sample_smooth: f32,
    /// Non-zero when a peak (beat or onset) was detected.
    pub sample_peak: u8,
    /// WLED-MM's frame counter, +1 per packet and wrapping; 0 means "no sequence" (upstream
    /// WLED never writes it, and WLED-MM's own receiver always accepts 0).
    pub frame_counter: u8,
    /// The 16 GEQ channels, 0–254.
    pub fft: [u8; CHANNELS],
    /// Zero crossings in the last block (WLED-MM; 0 from upstream WLED).
    pub zero_crossings: u16,
    /// Magnitude of the strongest frequency.
    pub fft_magnitude: f32,
    /// The strongest frequency, Hz.
    pub fft_major_peak: f32,
}

/// Which layout a packet came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// `"00001"`, 88 bytes (WLED 0.13-era).
    V1,
    /// `"00002"`, 44 bytes (upstream WLED and WLED-MM).
    V2,
}

/// Writes a version-2 packet; returns [`LEN`].
pub fn encode(out: &mut [u8], p: &AudioSync) -> Result<usize, Error> {
    need(out, LEN)?;
    if p.fft.contains(&255) {
        return Err(Error::OutOfRange {
            field: "fftResult (0-254)",
        });
    }
    out[..6].copy_from_slice(HEADER);
    out[6..8].copy_from_slice(&p.pressure.to_be_bytes());
    out[8..12].copy_from_slice(&p.sample_raw.to_le_bytes());
    out[12..16].copy_from_slice(&p.sample_smooth.to_le_bytes());
    out[16] = p.sample_peak;
    out[17] = p.frame_counter;
    out[18..34].copy_from_slice(&p.fft);
    out[34..36].copy_from_slice(&p.zero_crossings.to_le_bytes());
    out[36..40].copy_from_slice(&p.fft_magnitude.to_le_bytes());
    out[40..44].copy_from_slice(&p.fft_major_peak.to_le_bytes());
    Ok(LEN)
}

/// A float that is not finite reads as 0, so a bad sender cannot poison a receiver's patterns.
fn finite(v: f64) -> f32 {
    let v = v as f32;
    if v.is_finite() { v } else { 0.0 }
}

/// The first `len` bytes of `bytes` if they start with `header`, else the error saying why.
fn packet<'a>(
    bytes: &'a [u8],
    len: usize,
    header: &[u8; 6],
    what: &'static str,
) -> Result<&'a [u8], Error> {
    let b = bytes.get(..len).ok_or(Error::Truncated {
        need: len,
        got: bytes.len(),
    })?;
    if &b[..6] == header {
        Ok(b)
    } else {
        Err(Error::NotThisFormat(what))
    }
}

/// The four bytes of `b` at `i`.
fn word(b: &[u8], i: usize) -> [u8; 4] {
    [b[i], b[i + 1], b[i + 2], b[i + 3]]
}

/// Reads a version-2 packet from the first [`LEN`] bytes. Another header, or fewer than 44
/// bytes, is an error; floats that are not finite are read as 0.
pub fn decode(bytes: &[u8]) -> Result<AudioSync, Error> {
    let b = packet(bytes, LEN, HEADER, "WLED audio sync v2")?;
    let f = |i: usize| finite(f64::from(f32::from_le_bytes(word(b, i))));
    let mut fft = [0u8; CHANNELS];
    fft.copy_from_slice(&b[18..34]);
    Ok(AudioSync {
        pressure: u16::from_be_bytes([b[6], b[7]]),
        sample_raw: f(8),
        sample_smooth: f(12),
        sample_peak: b[16],
        frame_counter: b[17],
        fft,
        zero_crossings: u16::from_le_bytes([b[34], b[35]]),
        fft_magnitude: f(36),
        fft_major_peak: f(40),
    })
}

/// Reads a version-1 packet from the first [`LEN_V1`] bytes, as WLED's own receiver reads it:
/// `sampleAgc` becomes both the raw and the smoothed level; the counter, pressure and zero
/// crossings, which v1 lacks, are 0. Floats that are not finite are read as 0.
pub fn decode_v1(bytes: &[u8]) -> Result<AudioSync, Error> {
    let b = packet(bytes, LEN_V1, HEADER_V1, "WLED audio sync v1")?;
    let double = |i: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[i..i + 8]);
        finite(f64::from_le_bytes(w))
    };
    let agc = i32::from_le_bytes(word(b, 40)) as f32;
    let mut fft = [0u8; CHANNELS];
    fft.copy_from_slice(&b[53..69]);
    Ok(AudioSync {
        pressure: 0,
        sample_raw: agc,
        sample_smooth: agc,
        sample_peak: u8::from(b[52] != 0),
        frame_counter: 0,
        fft,
        zero_crossings: 0,
        fft_magnitude: double(72),
        fft_major_peak: double(80),
    })
}

/// Reads a packet of either version. Like WLED's receiver, the length must be exactly the
/// version's; anything else is an error.
pub fn decode_any(bytes: &[u8]) -> Result<(Version, AudioSync), Error> {
    let (version, len) = match bytes.get(..6) {
        Some(h) if h == HEADER => (Version::V2, LEN),
        Some(h) if h == HEADER_V1 => (Version::V1, LEN_V1),
        Some(_) => return Err(Error::NotThisFormat("WLED audio sync")),
        None => {
            return Err(Error::Truncated {
                need: 6,
                got: bytes.len(),
            });
        }
    };
    if bytes.len() > len {
        return Err(Error::PayloadTooLarge {
            max: len,
            got: bytes.len(),
        });
    }
    let p = match version {
        Version::V1 => decode_v1(bytes)?,
        Version::V2 => decode(bytes)?,
    };
    Ok((version, p))
}

/// Whether a packet with counter `next` follows `last` (within half the counter's range, with
/// wrap-around).
pub fn is_newer(last: u8, next: u8) -> bool {
    let d = next.wrapping_sub(last);
    d != 0 && d < 128
}

/// A receiver's frame-counter check. Counter 0 means "no sequence" and is always taken: upstream
/// WLED never writes the counter and v1 has none, and WLED-MM's receiver accepts 0 the same way.
/// A counting sender's packet is taken when it is newer than the last one taken ([`is_newer`]),
/// so stale and duplicate packets are dropped, also across the wrap from 255 through 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sequence {
    last: Option<u8>,
}

impl Sequence {
    /// A check that takes the first packet whatever its counter.
    pub const fn new() -> Self {
        Self { last: None }
    }

    /// Whether to take a packet with `counter`; a taken counter becomes the last one.
    pub fn accept(&mut self, counter: u8) -> bool {
        let take = counter == 0 || self.last.is_none_or(|last| is_newer(last, counter));
        if take {
            self.last = Some(counter);
        }
        take
    }

    /// Forgets the last counter (the sender went quiet and may have restarted).
    pub fn reset(&mut self) {
        self.last = None;
    }

    /// The last counter taken.
    pub fn last(&self) -> Option<u8> {
        self.last
    }
}

/// WLED-MM's 8.8 fixed-point pressure for `value` (0..256, saturating; NaN is 0).
pub fn pressure_fixed(value: f32) -> u16 {
    if value.is_nan() {
        return 0;
    }
    libm::roundf(value.clamp(0.0, 255.0 + 255.0 / 256.0) * 256.0) as u16
}

/// The value of an 8.8 fixed-point pressure.
pub fn pressure_value(fixed: u16) -> f32 {
    f32::from(fixed) / 256.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> AudioSync {
        AudioSync {
            pressure: 0x4A80,
            sample_raw: 123.5,
            sample_smooth: 100.25,
            sample_peak: 1,
            frame_counter: 77,
            fft: core::array::from_fn(|i| (i * 16) as u8),
            zero_crossings: 513,
            fft_magnitude: 4321.0,
            fft_major_peak: 440.0,
        }
    }

    #[test]
    fn layout_is_44_bytes_little_endian_with_mm_pressure_integer_first() {
        let mut buf = [0xAAu8; 50];
        assert_eq!(encode(&mut buf, &sample()), Ok(44));
        assert_eq!(&buf[..6], b"00002\0");
        assert_eq!(
            buf[6..8],
            [0x4A, 0x80],
            "pressure[0] integer 74, pressure[1] fraction 0.5"
        );
        assert_eq!(pressure_value(sample().pressure), 74.5);
        assert_eq!(buf[8..12], 123.5f32.to_le_bytes());
        assert_eq!((buf[16], buf[17]), (1, 77));
        assert_eq!(buf[18], 0);
        assert_eq!(buf[33], 240);
        assert_eq!(buf[34..36], [1, 2]);
        assert_eq!(buf[40..44], 440.0f32.to_le_bytes());
        assert_eq!(buf[44], 0xAA, "nothing written past the packet");
        assert_eq!(decode(&buf), Ok(sample()));
        assert_eq!(decode_any(&buf[..44]), Ok((Version::V2, sample())));
    }

    #[test]
    fn a_v1_packet_is_read_at_the_esp32_offsets() {
        // The 0.13-era struct as its ESP32 compiler lays it out: ints after 2 bytes of padding,
        // doubles after 3 more; the padding bytes are whatever was on the sender's stack.
        let mut b = [0x5Au8; 88];
        b[..6].copy_from_slice(b"00001\0");
        b[40..44].copy_from_slice(&200i32.to_le_bytes());
        b[44..48].copy_from_slice(&90i32.to_le_bytes());
        b[48..52].copy_from_slice(&80.5f32.to_le_bytes());
        b[52] = 1;
        for (i, v) in b[53..69].iter_mut().enumerate() {
            *v = 10 * i as u8;
        }
        b[72..80].copy_from_slice(&1234.5f64.to_le_bytes());
        b[80..88].copy_from_slice(&f64::INFINITY.to_le_bytes());
        let (v, p) = decode_any(&b).unwrap();
        assert_eq!(v, Version::V1);
        assert_eq!(
            (p.sample_raw, p.sample_smooth, p.sample_peak),
            (200.0, 200.0, 1)
        );
        assert_eq!((p.fft[0], p.fft[15]), (0, 150));
        assert_eq!((p.fft_magnitude, p.fft_major_peak), (1234.5, 0.0));
        assert_eq!((p.frame_counter, p.pressure, p.zero_crossings), (0, 0, 0));
        assert!(decode(&b).is_err(), "not a v2 packet");
        assert!(decode_v1(&b[..87]).is_err());
    }

    #[test]
    fn bad_input_is_an_error_or_sanitised() {
        let mut buf = [0u8; 44];
        encode(&mut buf, &sample()).unwrap();
        assert!(decode(&buf[..43]).is_err());
        let mut v1 = buf;
        v1[4] = b'1';
        assert!(decode(&v1).is_err());
        assert!(
            decode_any(&v1).is_err(),
            "a v1 header on 44 bytes is truncated"
        );
        let mut long = [0u8; 45];
        long[..44].copy_from_slice(&buf);
        assert!(matches!(
            decode_any(&long),
            Err(Error::PayloadTooLarge { .. })
        ));
        assert!(decode_any(&buf[..5]).is_err());
        assert!(decode_any(b"00003\0xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx").is_err());
        let mut nan = buf;
        nan[8..12].copy_from_slice(&f32::NAN.to_le_bytes());
        assert_eq!(decode(&nan).unwrap().sample_raw, 0.0);
        let mut p = sample();
        p.fft[3] = 255;
        assert!(encode(&mut buf, &p).is_err());
        assert!(encode(&mut [0u8; 43], &sample()).is_err());
        assert_eq!(pressure_fixed(f32::NAN), 0);
        assert_eq!(pressure_fixed(-3.0), 0);
        assert_eq!(pressure_fixed(1e9), 0xFFFF);
        assert_eq!(pressure_fixed(74.5), 0x4A80);
    }

    #[test]
    fn frame_counter_order_wraps() {
        assert!(is_newer(10, 11));
        assert!(is_newer(255, 0));
        assert!(!is_newer(11, 10));
        assert!(!is_newer(5, 5));
        assert!(!is_newer(0, 200));
    }

    #[test]
    fn counter_zero_is_no_sequence_and_a_counting_sender_is_kept_in_order() {
        let mut s = Sequence::new();
        assert!(
            (0..300).all(|_| s.accept(0)),
            "upstream WLED: always 0, always taken"
        );
        let mut s = Sequence::new();
        let taken: [bool; 12] = [250, 254, 255, 0, 254, 1, 1, 2, 200, 3, 0, 4].map(|c| s.accept(c));
        assert_eq!(
            taken,
            [
                true, true, true, true, false, true, false, true, false, true, true, true
            ],
            "late 254 after the wrap, the duplicate 1 and the stale 200 dropped; 0 always taken"
        );
        assert_eq!(s.last(), Some(4));
        s.reset();
        assert!(
            s.accept(100),
            "after a reset any counter starts the sequence"
        );
    }
}
