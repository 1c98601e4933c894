//! Adalight: the serial framing of Arduino LED controllers (and Hyperion, Prismatik, WLED's
//! serial input): `"Ada"`, the LED count minus one (u16, big-endian), a checksum
//! (`hi ^ lo ^ 0x55`), then R, G, B per LED.

use super::{Error, need};

/// Header length.
pub const HEADER_LEN: usize = 6;
/// Most LEDs a header can announce.
pub const MAX_LEDS: usize = 65536;

/// Writes the header for `leds` LEDs (1..=65536).
pub fn encode_header(out: &mut [u8], leds: usize) -> Result<usize, Error> {
    if leds == 0 || leds > MAX_LEDS {
        return Err(Error::OutOfRange {
            field: "LED count (1-65536)",
        });
    }
    need(out, HEADER_LEN)?;
    let [hi, lo] = ((leds - 1) as u16).to_be_bytes();
    out[..3].copy_from_slice(b"Ada");
    out[3] = hi;
    out[4] = lo;
    out[5] = hi ^ lo ^ 0x55;
    Ok(HEADER_LEN)
}

/// Reads a header: the LED count, after checking the magic and the checksum.
pub fn decode_header(bytes: &[u8]) -> Result<usize, Error> {
    match bytes {
        [b'A', b'd', b'a', hi, lo, sum, ..] if *sum == hi ^ lo ^ 0x55 => {
            Ok(usize::from(u16::from_be_bytes([*hi, *lo])) + 1)
        }
        [_, _, _, _, _, _, ..] => Err(Error::NotThisFormat("Adalight")),
        _ => Err(Error::Truncated {
            need: HEADER_LEN,
            got: bytes.len(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_the_spec() {
        let mut buf = [0u8; 6];
        assert_eq!(encode_header(&mut buf, 320), Ok(6));
        // 319 = 0x013F; 0x01 ^ 0x3F ^ 0x55 = 0x6B.
        assert_eq!(buf, [b'A', b'd', b'a', 0x01, 0x3F, 0x6B]);
        assert_eq!(decode_header(&buf), Ok(320));
        assert!(encode_header(&mut buf, 0).is_err());
        assert!(encode_header(&mut buf, 65537).is_err());
        buf[5] ^= 1;
        assert!(decode_header(&buf).is_err());
        assert!(decode_header(b"Ada").is_err());
    }
}
