//! E1.31 (Streaming ACN, "sACN", ANSI E1.31-2018): DMX universes over UDP port 5568.
//!
//! K1 writes this small encoder itself rather than using the `sacn` crate: that crate sends its
//! stream-terminated packets only to the multicast group (so a unicast receiver never learns the
//! stream ended), runs a thread of its own that prints to stdout, and allocates per packet. The
//! format is a fixed 126-byte header before the DMX data, all fields big-endian:
//!
//! | bytes | layer | field |
//! |---|---|---|
//! | 0–15 | root | preamble size `0x0010`, post-amble `0`, `"ASC-E1.17\0\0\0"` |
//! | 16–17 | root | flags `0x7` and the length from byte 16 to the end |
//! | 18–21 | root | vector: 4 = data, 8 = extended (synchronisation) |
//! | 22–37 | root | CID: the sender's 16-byte UUID, the same across restarts |
//! | 38–39 | framing | flags and the length from byte 38 |
//! | 40–43 | framing | vector: 2 = data packet |
//! | 44–107 | framing | source name, UTF-8, NUL-padded to 64 bytes |
//! | 108 | framing | priority, 0–200 (default 100) |
//! | 109–110 | framing | synchronisation address (universe), 0 = none |
//! | 111 | framing | sequence number, per universe |
//! | 112 | framing | options: preview `0x80`, stream terminated `0x40`, force sync `0x20` |
//! | 113–114 | framing | universe, 1–63999 |
//! | 115–116 | DMP | flags and the length from byte 115 |
//! | 117–124 | DMP | vector `0x02`, type `0xA1`, first address 0, increment 1, count (1 + channels) |
//! | 125 | DMP | START code (0) |
//! | 126– | DMP | up to 512 channel values |
//!
//! A synchronisation packet is 49 bytes: the root layer with vector 8, then framing flags and
//! length, vector 1, a sequence, the synchronisation address and two reserved bytes.

use super::{Error, need};

/// UDP port of E1.31.
pub const PORT: u16 = 5568;
/// Length of a data packet before its channel values.
pub const DATA_HEADER_LEN: usize = 126;
/// Length of a synchronisation packet.
pub const SYNC_LEN: usize = 49;
/// Most channels in a universe.
pub const UNIVERSE_CHANNELS: usize = 512;
/// RGB pixels K1 puts in one universe (510 channels).
pub const PIXELS_PER_UNIVERSE: usize = 170;
/// Lowest and highest universe numbers.
pub const UNIVERSES: core::ops::RangeInclusive<u16> = 1..=63999;
/// Highest priority.
pub const MAX_PRIORITY: u8 = 200;
/// Priority receivers assume when none is set.
pub const DEFAULT_PRIORITY: u8 = 100;
/// Option bit: preview data, not for live output.
pub const OPT_PREVIEW: u8 = 0x80;
/// Option bit: this source stops sending to the universe.
pub const OPT_STREAM_TERMINATED: u8 = 0x40;
/// Option bit: force synchronisation.
pub const OPT_FORCE_SYNC: u8 = 0x20;
/// Length of the source-name field.
pub const SOURCE_NAME_LEN: usize = 64;

const ACN_ID: &[u8; 12] = b"ASC-E1.17\0\0\0";
const VECTOR_ROOT_DATA: u32 = 0x0000_0004;
const VECTOR_ROOT_EXTENDED: u32 = 0x0000_0008;
const VECTOR_FRAMING_DATA: u32 = 0x0000_0002;
const VECTOR_FRAMING_SYNC: u32 = 0x0000_0001;

/// The framing fields of a data packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataHeader<'a> {
    /// The sender's component identifier (a UUID).
    pub cid: [u8; 16],
    /// A name for humans, at most 63 bytes of UTF-8 (longer is an error).
    pub source_name: &'a str,
    /// 0–200.
    pub priority: u8,
    /// The universe whose synchronisation packet releases this data; 0 = show at once.
    pub sync_address: u16,
    /// Per-universe sequence number.
    pub sequence: u8,
    /// Option bits (`OPT_*`).
    pub options: u8,
    /// The universe, 1–63999.
    pub universe: u16,
}

/// A decoded data packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Data<'a> {
    /// The framing fields; `source_name` is the name up to its first NUL.
    pub header: DataHeader<'a>,
    /// The START code.
    pub start_code: u8,
    /// The channel values after the START code.
    pub channels: &'a [u8],
}

/// The multicast group of a universe: 239.255.hi.lo.
pub fn multicast_group(universe: u16) -> [u8; 4] {
    let [hi, lo] = universe.to_be_bytes();
    [239, 255, hi, lo]
}

fn check_universe(universe: u16, field: &'static str) -> Result<(), Error> {
    if UNIVERSES.contains(&universe) {
        Ok(())
    } else {
        Err(Error::OutOfRange { field })
    }
}

/// Writes the root layer (bytes 0–37) for a packet of `len` bytes.
fn root(out: &mut [u8], len: usize, vector: u32, cid: &[u8; 16]) {
    out[0..2].copy_from_slice(&0x0010u16.to_be_bytes());
    out[2..4].fill(0);
    out[4..16].copy_from_slice(ACN_ID);
    out[16..18].copy_from_slice(&flags_length(len - 16));
    out[18..22].copy_from_slice(&vector.to_be_bytes());
    out[22..38].copy_from_slice(cid);
}

/// The flags (`0x7`) and 12-bit length of a PDU.
fn flags_length(len: usize) -> [u8; 2] {
    (0x7000 | (len as u16 & 0x0FFF)).to_be_bytes()
}

/// Writes a data packet carrying `channels` (up to 512, START code 0); returns its length.
pub fn encode_data(out: &mut [u8], h: &DataHeader<'_>, channels: &[u8]) -> Result<usize, Error> {
    if channels.len() > UNIVERSE_CHANNELS {
        return Err(Error::PayloadTooLarge {
            max: UNIVERSE_CHANNELS,
            got: channels.len(),
        });
    }
    check_universe(h.universe, "universe")?;
    if h.sync_address != 0 {
        check_universe(h.sync_address, "sync address")?;
    }
    if h.priority > MAX_PRIORITY {
        return Err(Error::OutOfRange { field: "priority" });
    }
    let name = h.source_name.as_bytes();
    if name.len() >= SOURCE_NAME_LEN {
        return Err(Error::OutOfRange {
            field: "source name (at most 63 bytes)",
        });
    }
    let len = DATA_HEADER_LEN + channels.len();
    need(out, len)?;
    root(out, len, VECTOR_ROOT_DATA, &h.cid);
    out[38..40].copy_from_slice(&flags_length(len - 38));
    out[40..44].copy_from_slice(&VECTOR_FRAMING_DATA.to_be_bytes());
    out[44..44 + name.len()].copy_from_slice(name);
    out[44 + name.len()..108].fill(0);
    out[108] = h.priority;
    out[109..111].copy_from_slice(&h.sync_address.to_be_bytes());
    out[111] = h.sequence;
    out[112] = h.options;
    out[113..115].copy_from_slice(&h.universe.to_be_bytes());
    out[115..117].copy_from_slice(&flags_length(len - 115));
    out[117] = 0x02;
    out[118] = 0xA1;
    out[119..121].copy_from_slice(&0u16.to_be_bytes());
    out[121..123].copy_from_slice(&1u16.to_be_bytes());
    out[123..125].copy_from_slice(&(channels.len() as u16 + 1).to_be_bytes());
    out[125] = 0;
    out[DATA_HEADER_LEN..len].copy_from_slice(channels);
    Ok(len)
}

/// Writes a universe synchronisation packet for `sync_address`; returns [`SYNC_LEN`].
pub fn encode_sync(
    out: &mut [u8],
    cid: &[u8; 16],
    sequence: u8,
    sync_address: u16,
) -> Result<usize, Error> {
    check_universe(sync_address, "sync address")?;
    need(out, SYNC_LEN)?;
    root(out, SYNC_LEN, VECTOR_ROOT_EXTENDED, cid);
    out[38..40].copy_from_slice(&flags_length(SYNC_LEN - 38));
    out[40..44].copy_from_slice(&VECTOR_FRAMING_SYNC.to_be_bytes());
    out[44] = sequence;
    out[45..47].copy_from_slice(&sync_address.to_be_bytes());
    out[47..49].fill(0);
    Ok(SYNC_LEN)
}

/// Reads a data packet. Checks the identifier, the vectors and the declared lengths; anything
/// else about the bytes is reported as found.
pub fn decode_data(bytes: &[u8]) -> Result<Data<'_>, Error> {
    let head = bytes.get(..DATA_HEADER_LEN).ok_or(Error::Truncated {
        need: DATA_HEADER_LEN,
        got: bytes.len(),
    })?;
    let be32 = |i: usize| u32::from_be_bytes([head[i], head[i + 1], head[i + 2], head[i + 3]]);
    let be16 = |i: usize| u16::from_be_bytes([head[i], head[i + 1]]);
    if &head[4..16] != ACN_ID
        || be32(18) != VECTOR_ROOT_DATA
        || be32(40) != VECTOR_FRAMING_DATA
        || head[117] != 0x02
    {
        return Err(Error::NotThisFormat("E1.31 data"));
    }
    let count = usize::from(be16(123));
    if count == 0 || count > UNIVERSE_CHANNELS + 1 {
        return Err(Error::OutOfRange {
            field: "property value count",
        });
    }
    let channels = bytes
        .get(DATA_HEADER_LEN..DATA_HEADER_LEN + count - 1)
        .ok_or(Error::Truncated {
            need: DATA_HEADER_LEN + count - 1,
            got: bytes.len(),
        })?;
    let name_field = &head[44..108];
    let name_len = name_field
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(SOURCE_NAME_LEN);
    let source_name = core::str::from_utf8(&name_field[..name_len])
        .map_err(|_| Error::NotThisFormat("E1.31 data (source name is not UTF-8)"))?;
    let mut cid = [0u8; 16];
    cid.copy_from_slice(&head[22..38]);
    Ok(Data {
        header: DataHeader {
            cid,
            source_name,
            priority: head[108],
            sync_address: be16(109),
            sequence: head[111],
            options: head[112],
            universe: be16(113),
        },
        start_code: head[125],
        channels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(universe: u16) -> DataHeader<'static> {
        DataHeader {
            cid: core::array::from_fn(|i| i as u8 + 1),
            source_name: "K1",
            priority: 100,
            sync_address: 0,
            sequence: 7,
            options: 0,
            universe,
        }
    }

    #[test]
    fn data_header_bytes_are_the_spec() {
        let mut buf = [0u8; 700];
        let n = encode_data(&mut buf, &header(0x0102), &[1, 2, 3]).unwrap();
        assert_eq!(n, 129);
        assert_eq!(buf[..4], [0x00, 0x10, 0x00, 0x00]);
        assert_eq!(&buf[4..16], b"ASC-E1.17\0\0\0");
        // Root length 129 - 16 = 113 = 0x71, framing 91 = 0x5B, DMP 14 = 0x0E.
        assert_eq!(buf[16..22], [0x70, 0x71, 0, 0, 0, 4]);
        assert_eq!(buf[38..44], [0x70, 0x5B, 0, 0, 0, 2]);
        assert_eq!(&buf[44..47], b"K1\0");
        assert_eq!(buf[108..115], [100, 0, 0, 7, 0, 0x01, 0x02]);
        assert_eq!(buf[115..126], [0x70, 0x0E, 2, 0xA1, 0, 0, 0, 1, 0, 4, 0]);
        assert_eq!(buf[126..129], [1, 2, 3]);
        let d = decode_data(&buf[..n]).unwrap();
        assert_eq!(
            (d.header, d.start_code, d.channels),
            (header(0x0102), 0, &[1u8, 2, 3][..])
        );
    }

    #[test]
    fn sync_packet_is_49_bytes() {
        let mut buf = [0u8; 49];
        assert_eq!(encode_sync(&mut buf, &[9; 16], 3, 1), Ok(49));
        assert_eq!(buf[16..22], [0x70, 33, 0, 0, 0, 8]);
        assert_eq!(buf[38..49], [0x70, 11, 0, 0, 0, 1, 3, 0, 1, 0, 0]);
        assert!(decode_data(&buf).is_err());
    }

    #[test]
    fn bad_input_is_an_error() {
        let mut buf = [0u8; 700];
        assert!(encode_data(&mut buf, &header(0), &[]).is_err());
        assert!(encode_data(&mut buf, &header(64000), &[]).is_err());
        assert!(encode_data(&mut buf, &header(1), &[0; 513]).is_err());
        assert!(encode_data(&mut buf[..130], &header(1), &[0; 10]).is_err());
        let long = [b'x'; 64];
        let h = DataHeader {
            source_name: core::str::from_utf8(&long).unwrap(),
            ..header(1)
        };
        assert!(encode_data(&mut buf, &h, &[]).is_err());
        let h = DataHeader {
            priority: 201,
            ..header(1)
        };
        assert!(encode_data(&mut buf, &h, &[]).is_err());
        assert!(encode_sync(&mut buf, &[0; 16], 0, 0).is_err());
        let n = encode_data(&mut buf, &header(1), &[5; 20]).unwrap();
        assert!(decode_data(&buf[..n - 1]).is_err());
        assert!(decode_data(&buf[..50]).is_err());
        assert_eq!(multicast_group(0x0102), [239, 255, 1, 2]);
    }
}
