//! DDP (Distributed Display Protocol, 3waylabs), the protocol WLED and many pixel controllers
//! take on UDP port 4048.
//!
//! Header (10 bytes, big-endian fields):
//!
//! | byte | field |
//! |---|---|
//! | 0 | flags: version 1 (`0x40`), push (`0x01`) on the last packet of a frame |
//! | 1 | sequence number, 1–15 (0 = unused) in the low 4 bits |
//! | 2 | data type: `0x0B` = RGB, 8 bits per channel |
//! | 3 | destination: 1 = the default output device |
//! | 4–7 | data offset in bytes |
//! | 8–9 | data length in bytes |
//!
//! A frame larger than [`MAX_DATA`] bytes (480 RGB pixels) is split into packets with increasing
//! byte offsets; only the last carries the push flag, so the receiver shows the whole frame at once.

use super::{Error, need};

/// UDP port DDP receivers listen on.
pub const PORT: u16 = 4048;
/// Header length in bytes (no timecode).
pub const HEADER_LEN: usize = 10;
/// Most data bytes K1 puts in one packet: 480 RGB pixels.
pub const MAX_DATA: usize = 1440;
/// Version 1 in the flags byte.
pub const FLAG_VERSION_1: u8 = 0x40;
/// The push flag: show the frame now.
pub const FLAG_PUSH: u8 = 0x01;
/// Data type for 8-bit RGB.
pub const TYPE_RGB8: u8 = 0x0B;
/// The default output device.
pub const DEST_DEFAULT: u8 = 1;

/// One DDP data packet, as decoded from bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Packet<'a> {
    /// The push flag.
    pub push: bool,
    /// Sequence number, 0–15.
    pub sequence: u8,
    /// Data type byte.
    pub data_type: u8,
    /// Destination id.
    pub destination: u8,
    /// Byte offset of `data` within the frame.
    pub offset: u32,
    /// The pixel bytes.
    pub data: &'a [u8],
}

/// Writes one packet carrying `data` at byte `offset`; returns its length. `sequence` is taken
/// modulo 16 (callers cycle it 1–15).
pub fn encode(
    out: &mut [u8],
    sequence: u8,
    offset: u32,
    data: &[u8],
    push: bool,
) -> Result<usize, Error> {
    if data.len() > MAX_DATA {
        return Err(Error::PayloadTooLarge {
            max: MAX_DATA,
            got: data.len(),
        });
    }
    let len = HEADER_LEN + data.len();
    need(out, len)?;
    out[0] = FLAG_VERSION_1 | if push { FLAG_PUSH } else { 0 };
    out[1] = sequence & 0x0F;
    out[2] = TYPE_RGB8;
    out[3] = DEST_DEFAULT;
    out[4..8].copy_from_slice(&offset.to_be_bytes());
    out[8..10].copy_from_slice(&(data.len() as u16).to_be_bytes());
    out[HEADER_LEN..len].copy_from_slice(data);
    Ok(len)
}

/// Reads a DDP data packet (version 1, with or without the 4-byte timecode). Extra trailing
/// bytes are ignored; a data length beyond the bytes present is an error.
pub fn decode(bytes: &[u8]) -> Result<Packet<'_>, Error> {
    let header = bytes.get(..HEADER_LEN).ok_or(Error::Truncated {
        need: HEADER_LEN,
        got: bytes.len(),
    })?;
    if header[0] & 0xC0 != FLAG_VERSION_1 {
        return Err(Error::NotThisFormat("DDP v1"));
    }
    let timecode = header[0] & 0x10 != 0;
    let start = if timecode { HEADER_LEN + 4 } else { HEADER_LEN };
    let offset = u32::from_be_bytes([header[4], header[5], header[6], header[7]]);
    let len = u16::from_be_bytes([header[8], header[9]]) as usize;
    let data = bytes.get(start..start + len).ok_or(Error::Truncated {
        need: start + len,
        got: bytes.len(),
    })?;
    Ok(Packet {
        push: header[0] & FLAG_PUSH != 0,
        sequence: header[1] & 0x0F,
        data_type: header[2],
        destination: header[3],
        offset,
        data,
    })
}

/// Splits a frame of RGB bytes into DDP packets, calling `send` with each encoded packet in
/// order. `sequence` is the frame's sequence number (1–15). Returns the number of packets.
pub fn for_each_packet(
    frame: &[u8],
    sequence: u8,
    scratch: &mut [u8; HEADER_LEN + MAX_DATA],
    mut send: impl FnMut(&[u8]),
) -> Result<usize, Error> {
    let chunks = frame.len().div_ceil(MAX_DATA).max(1);
    for (i, chunk) in frame.chunks(MAX_DATA).enumerate() {
        let offset = (i * MAX_DATA) as u32;
        let n = encode(scratch, sequence, offset, chunk, i + 1 == chunks)?;
        send(&scratch[..n]);
    }
    if frame.is_empty() {
        let n = encode(scratch, sequence, 0, &[], true)?;
        send(&scratch[..n]);
    }
    Ok(chunks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_bytes_are_the_spec() {
        let mut buf = [0u8; 16];
        let n = encode(&mut buf, 3, 0x0102_0304, &[9, 8, 7], true).unwrap();
        assert_eq!(n, 13);
        assert_eq!(buf[..13], [0x41, 3, 0x0B, 1, 1, 2, 3, 4, 0, 3, 9, 8, 7]);
        let p = decode(&buf[..n]).unwrap();
        assert_eq!(
            (p.push, p.sequence, p.offset, p.data),
            (true, 3, 0x0102_0304, &[9u8, 8, 7][..])
        );
    }

    #[test]
    fn a_960_pixel_frame_is_two_full_packets_push_on_the_last() {
        let frame: [u8; 2880] = core::array::from_fn(|i| i as u8);
        let mut scratch = [0u8; HEADER_LEN + MAX_DATA];
        let mut seen = [(0u32, 0usize, false); 4];
        let mut count = 0;
        let n = for_each_packet(&frame, 7, &mut scratch, |bytes| {
            let p = decode(bytes).unwrap();
            seen[count] = (p.offset, p.data.len(), p.push);
            count += 1;
        })
        .unwrap();
        assert_eq!(n, 2);
        assert_eq!(seen[..2], [(0, 1440, false), (1440, 1440, true)]);
    }

    #[test]
    fn bad_input_is_an_error() {
        let mut small = [0u8; 11];
        assert!(matches!(
            encode(&mut small, 1, 0, &[0; 2], true),
            Err(Error::BufferTooSmall { .. })
        ));
        let mut big = [0u8; 2000];
        assert!(matches!(
            encode(&mut big, 1, 0, &[0; 1441], true),
            Err(Error::PayloadTooLarge { .. })
        ));
        assert!(matches!(
            decode(&[0x41, 1, 0x0B]),
            Err(Error::Truncated { .. })
        ));
        assert!(matches!(decode(&[0x81; 10]), Err(Error::NotThisFormat(_))));
        // Declares 5 data bytes but carries 2.
        assert!(matches!(
            decode(&[0x41, 1, 0x0B, 1, 0, 0, 0, 0, 0, 5, 1, 2]),
            Err(Error::Truncated { .. })
        ));
    }
}
