//! Art-Net ArtDmx to one node: 170 pixels per universe from a start port address, consecutive
//! universes for more, a sequence 1–255 per frame, and ArtSync after the frame if asked
//! (`k1_core::proto::artnet`).

use std::io;

use k1_core::color::Rgb8;
use k1_core::proto::artnet::{self, PortAddress};

use super::Frame;
use super::output::{Sent, Transport, rgb_bytes};
use super::udp::UdpLink;

/// Sends frames as ArtDmx.
pub struct ArtNetTransport {
    link: UdpLink,
    address: u16,
    sync: bool,
    sequence: u8,
    buf: [u8; artnet::DMX_HEADER_LEN + artnet::UNIVERSE_CHANNELS],
}

impl ArtNetTransport {
    /// To `host:port`, from port address `address`, with ArtSync if `sync`.
    pub fn new(host: &str, port: u16, address: u16, sync: bool) -> Self {
        Self {
            link: UdpLink::new(host, port),
            address,
            sync,
            sequence: 0,
            buf: [0; artnet::DMX_HEADER_LEN + artnet::UNIVERSE_CHANNELS],
        }
    }
}

impl Transport for ArtNetTransport {
    fn send(&mut self, pixels: &[Rgb8], _frame: &Frame) -> io::Result<Sent> {
        self.sequence = self.sequence % 255 + 1;
        let first = PortAddress::from_raw(self.address).map_err(io::Error::other)?;
        let bytes = rgb_bytes(pixels);
        let per = artnet::PIXELS_PER_UNIVERSE * 3;
        for (i, chunk) in bytes.chunks(per).enumerate() {
            let address = first.offset(i as u16).map_err(|e| {
                io::Error::new(io::ErrorKind::InvalidInput, format!("universe {i}: {e}"))
            })?;
            let n = artnet::encode_dmx(&mut self.buf, self.sequence, address, chunk)
                .map_err(io::Error::other)?;
            self.link.send(&self.buf[..n])?;
        }
        if self.sync {
            let n = artnet::encode_sync(&mut self.buf).map_err(io::Error::other)?;
            self.link.send(&self.buf[..n])?;
        }
        Ok(Sent::Frame)
    }

    fn reset(&mut self) {
        self.link.reset();
    }
}
