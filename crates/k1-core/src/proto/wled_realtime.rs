//! WLED's realtime UDP protocols on port 21324: DRGB (LEDs from index 0) and DNRGB (LEDs from a
//! start index), the two that carry plain RGB.
//!
//! | protocol | byte 0 | byte 1 | then |
//! |---|---|---|---|
//! | DRGB | 2 | timeout, s | R, G, B for LEDs 0.. (at most [`DRGB_MAX`]) |
//! | DNRGB | 4 | timeout, s | start index (u16, big-endian), then R, G, B (at most [`DNRGB_MAX`]) |
//!
//! The timeout is how long WLED keeps showing realtime data after the last packet before it
//! returns to its own effects; 255 means never.

use super::{Error, need};

/// UDP port of WLED's realtime protocols.
pub const PORT: u16 = 21324;
/// Protocol byte of DRGB.
pub const DRGB: u8 = 2;
/// Protocol byte of DNRGB.
pub const DNRGB: u8 = 4;
/// Most LEDs in one DRGB packet.
pub const DRGB_MAX: usize = 490;
/// Most LEDs in one DNRGB packet.
pub const DNRGB_MAX: usize = 489;
/// Largest packet either protocol makes.
pub const MAX_PACKET: usize = 2 + DRGB_MAX * 3;

/// Writes a DRGB packet for `rgb` (3 bytes per LED, at most 490 LEDs); returns its length.
pub fn encode_drgb(out: &mut [u8], timeout_s: u8, rgb: &[u8]) -> Result<usize, Error> {
    check_rgb(rgb, DRGB_MAX)?;
    let len = 2 + rgb.len();
    need(out, len)?;
    out[0] = DRGB;
    out[1] = timeout_s;
    out[2..len].copy_from_slice(rgb);
    Ok(len)
}

/// Writes a DNRGB packet for `rgb` starting at LED `start` (at most 489 LEDs); returns its length.
pub fn encode_dnrgb(out: &mut [u8], timeout_s: u8, start: u16, rgb: &[u8]) -> Result<usize, Error> {
    check_rgb(rgb, DNRGB_MAX)?;
    let len = 4 + rgb.len();
    need(out, len)?;
    out[0] = DNRGB;
    out[1] = timeout_s;
    out[2..4].copy_from_slice(&start.to_be_bytes());
    out[4..len].copy_from_slice(rgb);
    Ok(len)
}

fn check_rgb(rgb: &[u8], max_leds: usize) -> Result<(), Error> {
    if rgb.len() > max_leds * 3 {
        return Err(Error::PayloadTooLarge {
            max: max_leds * 3,
            got: rgb.len(),
        });
    }
    if !rgb.len().is_multiple_of(3) {
        return Err(Error::OutOfRange {
            field: "RGB length (a multiple of 3)",
        });
    }
    Ok(())
}

/// A decoded DRGB or DNRGB packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Packet<'a> {
    /// The timeout byte.
    pub timeout_s: u8,
    /// Index of the first LED (0 for DRGB).
    pub start: u16,
    /// R, G, B per LED.
    pub rgb: &'a [u8],
}

/// Reads a DRGB or DNRGB packet (a trailing partial LED is an error).
pub fn decode(bytes: &[u8]) -> Result<Packet<'_>, Error> {
    let (start, data) = match bytes {
        [DRGB, _, rest @ ..] => (0, rest),
        [DNRGB, _, hi, lo, rest @ ..] => (u16::from_be_bytes([*hi, *lo]), rest),
        [DRGB | DNRGB, ..] | [] => {
            return Err(Error::Truncated {
                need: 4,
                got: bytes.len(),
            });
        }
        _ => return Err(Error::NotThisFormat("WLED DRGB/DNRGB")),
    };
    if !data.len().is_multiple_of(3) {
        return Err(Error::OutOfRange {
            field: "RGB length (a multiple of 3)",
        });
    }
    Ok(Packet {
        timeout_s: bytes[1],
        start,
        rgb: data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packets_are_the_spec() {
        let mut buf = [0u8; MAX_PACKET];
        assert_eq!(encode_drgb(&mut buf, 2, &[1, 2, 3]), Ok(5));
        assert_eq!(buf[..5], [2, 2, 1, 2, 3]);
        assert_eq!(decode(&buf[..5]).unwrap().rgb, &[1, 2, 3]);
        assert_eq!(encode_dnrgb(&mut buf, 255, 0x0203, &[4, 5, 6]), Ok(7));
        assert_eq!(buf[..7], [4, 255, 2, 3, 4, 5, 6]);
        let p = decode(&buf[..7]).unwrap();
        assert_eq!(
            (p.timeout_s, p.start, p.rgb),
            (255, 0x0203, &[4u8, 5, 6][..])
        );
    }

    #[test]
    fn bad_input_is_an_error() {
        let mut buf = [0u8; 2000];
        assert!(encode_drgb(&mut buf, 1, &[0; 491 * 3]).is_err());
        assert!(encode_dnrgb(&mut buf, 1, 0, &[0; 490 * 3]).is_err());
        assert!(encode_drgb(&mut buf, 1, &[0; 4]).is_err());
        assert!(encode_drgb(&mut buf[..4], 1, &[0; 3]).is_err());
        assert!(decode(&[]).is_err());
        assert!(decode(&[4, 1, 0]).is_err());
        assert!(decode(&[9, 1, 0]).is_err());
        assert!(decode(&[2, 1, 0, 0]).is_err());
    }
}
