//! Open Pixel Control: a 4-byte header per message over TCP port 7890.
//!
//! Header: channel (0 = every channel), command (0 = set 8-bit RGB pixel colours), data length
//! (u16, big-endian); then the data.

use super::{Error, need};

/// TCP port OPC servers listen on.
pub const PORT: u16 = 7890;
/// Header length.
pub const HEADER_LEN: usize = 4;
/// Command 0: set pixel colours (8-bit RGB).
pub const SET_PIXELS: u8 = 0;
/// Most data bytes in one message.
pub const MAX_DATA: usize = u16::MAX as usize;

/// Writes the header of a set-pixel-colours message carrying `data_len` bytes.
pub fn encode_header(out: &mut [u8], channel: u8, data_len: usize) -> Result<usize, Error> {
    if data_len > MAX_DATA {
        return Err(Error::PayloadTooLarge {
            max: MAX_DATA,
            got: data_len,
        });
    }
    need(out, HEADER_LEN)?;
    out[0] = channel;
    out[1] = SET_PIXELS;
    out[2..4].copy_from_slice(&(data_len as u16).to_be_bytes());
    Ok(HEADER_LEN)
}

/// A message header: channel, command and data length.
pub fn decode_header(bytes: &[u8]) -> Result<(u8, u8, usize), Error> {
    match bytes {
        [channel, command, hi, lo, ..] => Ok((
            *channel,
            *command,
            usize::from(u16::from_be_bytes([*hi, *lo])),
        )),
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
    fn header_round_trips() {
        let mut buf = [0u8; 4];
        assert_eq!(encode_header(&mut buf, 1, 960), Ok(4));
        assert_eq!(buf, [1, 0, 0x03, 0xC0]);
        assert_eq!(decode_header(&buf), Ok((1, 0, 960)));
        assert!(encode_header(&mut buf, 0, 70_000).is_err());
        assert!(decode_header(&buf[..3]).is_err());
    }
}
