//! Small wire formats that both the host and the firmware speak: DDP, E1.31 (sACN), Art-Net's
//! ArtDmx and ArtSync, WLED's realtime UDP (DRGB/DNRGB) and audio-sync packet (with [`geq`], the
//! mapping of K1's analysis onto it), and the OPC and Adalight headers.
//!
//! Every encoder writes into a caller's `&mut [u8]` and returns the number of bytes written, or an
//! [`Error`] when the buffer is too small or an argument is out of the format's range. Every
//! decoder takes arbitrary bytes and returns a borrowed view or an [`Error`]; no input makes them
//! panic. Nothing allocates.

pub mod adalight;
pub mod artnet;
pub mod ddp;
pub mod e131;
pub mod geq;
pub mod opc;
pub mod wled_realtime;
pub mod wled_sync;

/// Why a packet could not be encoded or decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The output buffer is smaller than the packet.
    #[error("buffer of {got} bytes is too small: the packet needs {need}")]
    BufferTooSmall {
        /// Bytes the packet needs.
        need: usize,
        /// Bytes available.
        got: usize,
    },
    /// The payload is larger than the format allows in one packet.
    #[error("payload of {got} bytes exceeds the format's {max}")]
    PayloadTooLarge {
        /// The format's limit.
        max: usize,
        /// The payload's length.
        got: usize,
    },
    /// A field is outside the range the format allows.
    #[error("{field} is out of range")]
    OutOfRange {
        /// The field at fault.
        field: &'static str,
    },
    /// The bytes are shorter than the packet's header or its declared length.
    #[error("packet truncated: {need} bytes needed, {got} present")]
    Truncated {
        /// Bytes the header or length field calls for.
        need: usize,
        /// Bytes present.
        got: usize,
    },
    /// The bytes are not this kind of packet (wrong magic, version or opcode).
    #[error("not a {0} packet")]
    NotThisFormat(&'static str),
}

/// Checks that `buf` holds at least `need` bytes.
fn need(buf: &[u8], need: usize) -> Result<(), Error> {
    if buf.len() < need {
        Err(Error::BufferTooSmall {
            need,
            got: buf.len(),
        })
    } else {
        Ok(())
    }
}
