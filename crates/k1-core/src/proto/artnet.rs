//! Art-Net 4's ArtDmx (one DMX universe of up to 512 channels) and ArtSync, on UDP port 6454.
//!
//! ArtDmx layout: `"Art-Net\0"`, opcode `0x5000` (little-endian), protocol version 14
//! (big-endian), sequence (1–255, 0 = off), physical port, SubUni (sub-net << 4 | universe),
//! Net (7 bits), data length (big-endian, even, 2–512), then the data. The 15-bit port address is
//! `net << 8 | sub_net << 4 | universe`.

use super::{Error, need};

/// UDP port Art-Net nodes listen on.
pub const PORT: u16 = 6454;
/// Header of every Art-Net packet.
pub const ID: &[u8; 8] = b"Art-Net\0";
/// ArtDmx opcode.
pub const OP_DMX: u16 = 0x5000;
/// ArtSync opcode.
pub const OP_SYNC: u16 = 0x5200;
/// Protocol version K1 speaks.
pub const PROTOCOL_VERSION: u16 = 14;
/// ArtDmx header length.
pub const DMX_HEADER_LEN: usize = 18;
/// ArtSync length.
pub const SYNC_LEN: usize = 14;
/// Channels in a DMX universe.
pub const UNIVERSE_CHANNELS: usize = 512;
/// RGB pixels K1 puts in one universe (510 channels).
pub const PIXELS_PER_UNIVERSE: usize = 170;

/// A 15-bit Art-Net port address: net (0–127), sub-net (0–15), universe (0–15).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortAddress(u16);

impl PortAddress {
    /// From its parts; each is checked against its width.
    pub fn new(net: u8, sub_net: u8, universe: u8) -> Result<Self, Error> {
        if net > 127 {
            return Err(Error::OutOfRange { field: "net" });
        }
        if sub_net > 15 {
            return Err(Error::OutOfRange { field: "sub_net" });
        }
        if universe > 15 {
            return Err(Error::OutOfRange { field: "universe" });
        }
        Ok(Self(
            (net as u16) << 8 | (sub_net as u16) << 4 | universe as u16,
        ))
    }

    /// From the 15-bit value.
    pub fn from_raw(raw: u16) -> Result<Self, Error> {
        if raw > 0x7FFF {
            return Err(Error::OutOfRange {
                field: "port address",
            });
        }
        Ok(Self(raw))
    }

    /// The 15-bit value.
    pub fn raw(self) -> u16 {
        self.0
    }

    /// The address `n` universes later (consecutive universes for a long strip).
    pub fn offset(self, n: u16) -> Result<Self, Error> {
        Self::from_raw(self.0.checked_add(n).ok_or(Error::OutOfRange {
            field: "port address",
        })?)
    }
}

/// A decoded ArtDmx packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dmx<'a> {
    /// Sequence, 0 = disabled.
    pub sequence: u8,
    /// Physical input port.
    pub physical: u8,
    /// The universe's port address.
    pub address: PortAddress,
    /// The DMX channel values.
    pub data: &'a [u8],
}

/// Writes an ArtDmx packet. Odd data lengths are padded with one zero, as the spec asks for an
/// even length; returns the packet's length.
pub fn encode_dmx(
    out: &mut [u8],
    sequence: u8,
    address: PortAddress,
    data: &[u8],
) -> Result<usize, Error> {
    if data.len() > UNIVERSE_CHANNELS {
        return Err(Error::PayloadTooLarge {
            max: UNIVERSE_CHANNELS,
            got: data.len(),
        });
    }
    let len_field = (data.len() + data.len() % 2).max(2);
    let len = DMX_HEADER_LEN + len_field;
    need(out, len)?;
    out[..8].copy_from_slice(ID);
    out[8..10].copy_from_slice(&OP_DMX.to_le_bytes());
    out[10..12].copy_from_slice(&PROTOCOL_VERSION.to_be_bytes());
    out[12] = sequence;
    out[13] = 0;
    out[14] = (address.0 & 0xFF) as u8;
    out[15] = (address.0 >> 8) as u8;
    out[16..18].copy_from_slice(&(len_field as u16).to_be_bytes());
    out[DMX_HEADER_LEN..DMX_HEADER_LEN + data.len()].copy_from_slice(data);
    out[DMX_HEADER_LEN + data.len()..len].fill(0);
    Ok(len)
}

/// Writes an ArtSync packet (receivers show the universes they hold at once).
pub fn encode_sync(out: &mut [u8]) -> Result<usize, Error> {
    need(out, SYNC_LEN)?;
    out[..8].copy_from_slice(ID);
    out[8..10].copy_from_slice(&OP_SYNC.to_le_bytes());
    out[10..12].copy_from_slice(&PROTOCOL_VERSION.to_be_bytes());
    out[12] = 0;
    out[13] = 0;
    Ok(SYNC_LEN)
}

/// The opcode of an Art-Net packet, after checking its ID.
pub fn opcode(bytes: &[u8]) -> Result<u16, Error> {
    let head = bytes.get(..10).ok_or(Error::Truncated {
        need: 10,
        got: bytes.len(),
    })?;
    if &head[..8] != ID {
        return Err(Error::NotThisFormat("Art-Net"));
    }
    Ok(u16::from_le_bytes([head[8], head[9]]))
}

/// Reads an ArtDmx packet.
pub fn decode_dmx(bytes: &[u8]) -> Result<Dmx<'_>, Error> {
    if opcode(bytes)? != OP_DMX {
        return Err(Error::NotThisFormat("ArtDmx"));
    }
    let head = bytes.get(..DMX_HEADER_LEN).ok_or(Error::Truncated {
        need: DMX_HEADER_LEN,
        got: bytes.len(),
    })?;
    let len = u16::from_be_bytes([head[16], head[17]]) as usize;
    if len > UNIVERSE_CHANNELS {
        return Err(Error::PayloadTooLarge {
            max: UNIVERSE_CHANNELS,
            got: len,
        });
    }
    let data = bytes
        .get(DMX_HEADER_LEN..DMX_HEADER_LEN + len)
        .ok_or(Error::Truncated {
            need: DMX_HEADER_LEN + len,
            got: bytes.len(),
        })?;
    Ok(Dmx {
        sequence: head[12],
        physical: head[13],
        address: PortAddress::from_raw(u16::from(head[15] & 0x7F) << 8 | u16::from(head[14]))?,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artdmx_bytes_are_the_spec() {
        let mut buf = [0u8; 64];
        let addr = PortAddress::new(1, 2, 3).unwrap();
        let n = encode_dmx(&mut buf, 9, addr, &[10, 20, 30]).unwrap();
        assert_eq!(n, 18 + 4);
        assert_eq!(&buf[..8], b"Art-Net\0");
        assert_eq!(buf[8..18], [0x00, 0x50, 0, 14, 9, 0, 0x23, 1, 0, 4]);
        assert_eq!(buf[18..22], [10, 20, 30, 0]);
        let d = decode_dmx(&buf[..n]).unwrap();
        assert_eq!(
            (d.sequence, d.address, d.data),
            (9, addr, &[10u8, 20, 30, 0][..])
        );
    }

    #[test]
    fn artsync_and_addresses() {
        let mut buf = [0u8; 14];
        assert_eq!(encode_sync(&mut buf), Ok(14));
        assert_eq!(opcode(&buf), Ok(OP_SYNC));
        assert!(decode_dmx(&buf).is_err());
        assert_eq!(
            PortAddress::new(0, 15, 15)
                .unwrap()
                .offset(1)
                .unwrap()
                .raw(),
            0x100
        );
        assert!(PortAddress::new(128, 0, 0).is_err());
        assert!(PortAddress::new(0, 16, 0).is_err());
        assert!(PortAddress::from_raw(0x7FFF).unwrap().offset(1).is_err());
    }

    #[test]
    fn bad_input_is_an_error() {
        let mut buf = [0u8; 600];
        let a = PortAddress::new(0, 0, 0).unwrap();
        assert!(encode_dmx(&mut buf, 1, a, &[0; 513]).is_err());
        assert!(encode_dmx(&mut buf[..20], 1, a, &[0; 10]).is_err());
        assert!(decode_dmx(b"Art-Net").is_err());
        assert!(decode_dmx(b"Art-Nex\0\x00\x50").is_err());
        let n = encode_dmx(&mut buf, 1, a, &[1; 100]).unwrap();
        assert!(decode_dmx(&buf[..n - 1]).is_err());
    }
}
