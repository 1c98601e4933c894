//! WLED's audio-sync packet, version 2: what the sound-reactive usermod sends and receives on
//! UDP multicast 239.0.0.1:11988 so that many WLED devices can share one microphone.
//!
//! 44 bytes, little-endian, no padding:
//!
//! | bytes | field |
//! |---|---|
//! | 0–5 | header `"00002\0"` |
//! | 6–7 | reserved (zero) |
//! | 8–11 | `sampleRaw`, f32 |
//! | 12–15 | `sampleSmth`, f32 |
//! | 16 | `samplePeak`, u8 (non-zero on a peak) |
//! | 17 | `frameCounter`, u8 |
//! | 18–33 | `fftResult`, 16 × u8 (0–254), the GEQ channels |
//! | 34–35 | `zeroCrossingCount`, u16 |
//! | 36–39 | `FFT_Magnitude`, f32 |
//! | 40–43 | `FFT_MajorPeak`, f32 in Hz |

use super::{Error, need};

/// Multicast group the usermod listens on.
pub const MULTICAST: [u8; 4] = [239, 0, 0, 1];
/// UDP port.
pub const PORT: u16 = 11988;
/// Packet length.
pub const LEN: usize = 44;
/// Version-2 header.
pub const HEADER: &[u8; 6] = b"00002\0";
/// Number of GEQ channels.
pub const CHANNELS: usize = 16;

/// The contents of one audio-sync packet.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AudioSync {
    /// Raw sample level.
    pub sample_raw: f32,
    /// Smoothed sample level.
    pub sample_smooth: f32,
    /// Non-zero when a peak (beat or onset) was detected.
    pub sample_peak: u8,
    /// Increments with each packet; receivers use it to drop stale or out-of-order ones.
    pub frame_counter: u8,
    /// The 16 GEQ channels, 0–254.
    pub fft: [u8; CHANNELS],
    /// Zero crossings in the last block.
    pub zero_crossings: u16,
    /// Magnitude of the strongest frequency.
    pub fft_magnitude: f32,
    /// The strongest frequency, Hz.
    pub fft_major_peak: f32,
}

/// Writes the packet; returns [`LEN`].
pub fn encode(out: &mut [u8], p: &AudioSync) -> Result<usize, Error> {
    need(out, LEN)?;
    if p.fft.contains(&255) {
        return Err(Error::OutOfRange {
            field: "fftResult (0-254)",
        });
    }
    out[..6].copy_from_slice(HEADER);
    out[6..8].fill(0);
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

/// Reads a version-2 packet. Other versions, or fewer than 44 bytes, are errors; floats that are
/// not finite are read as 0 so a bad sender cannot poison a receiver's patterns.
pub fn decode(bytes: &[u8]) -> Result<AudioSync, Error> {
    let b = bytes.get(..LEN).ok_or(Error::Truncated {
        need: LEN,
        got: bytes.len(),
    })?;
    if &b[..6] != HEADER {
        return Err(Error::NotThisFormat("WLED audio sync v2"));
    }
    let f = |i: usize| {
        let v = f32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        if v.is_finite() { v } else { 0.0 }
    };
    let mut fft = [0u8; CHANNELS];
    fft.copy_from_slice(&b[18..34]);
    Ok(AudioSync {
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

/// Whether a packet with counter `next` follows `last` (within half the counter's range, with
/// wrap-around); receivers drop packets for which this is false as out of order.
pub fn is_newer(last: u8, next: u8) -> bool {
    let d = next.wrapping_sub(last);
    d != 0 && d < 128
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> AudioSync {
        AudioSync {
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
    fn layout_is_44_bytes_little_endian() {
        let mut buf = [0xAAu8; 50];
        assert_eq!(encode(&mut buf, &sample()), Ok(44));
        assert_eq!(&buf[..8], b"00002\0\0\0");
        assert_eq!(buf[8..12], 123.5f32.to_le_bytes());
        assert_eq!((buf[16], buf[17]), (1, 77));
        assert_eq!(buf[18], 0);
        assert_eq!(buf[33], 240);
        assert_eq!(buf[34..36], [1, 2]);
        assert_eq!(buf[40..44], 440.0f32.to_le_bytes());
        assert_eq!(buf[44], 0xAA, "nothing written past the packet");
        assert_eq!(decode(&buf), Ok(sample()));
    }

    #[test]
    fn bad_input_is_an_error_or_sanitised() {
        let mut buf = [0u8; 44];
        encode(&mut buf, &sample()).unwrap();
        assert!(decode(&buf[..43]).is_err());
        let mut v1 = buf;
        v1[4] = b'1';
        assert!(decode(&v1).is_err());
        let mut nan = buf;
        nan[8..12].copy_from_slice(&f32::NAN.to_le_bytes());
        assert_eq!(decode(&nan).unwrap().sample_raw, 0.0);
        let mut p = sample();
        p.fft[3] = 255;
        assert!(encode(&mut buf, &p).is_err());
        assert!(encode(&mut [0u8; 43], &sample()).is_err());
    }

    #[test]
    fn frame_counter_order_wraps() {
        assert!(is_newer(10, 11));
        assert!(is_newer(255, 0));
        assert!(!is_newer(11, 10));
        assert!(!is_newer(5, 5));
        assert!(!is_newer(0, 200));
    }
}
