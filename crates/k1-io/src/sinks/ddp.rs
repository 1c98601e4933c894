//! DDP to one receiver (WLED, ESPixelStick, FPP…): RGB 8-bit, at most 480 pixels a packet, byte
//! offsets, a sequence 1–15 per frame, the push flag on the frame's last packet
//! (`k1_core::proto::ddp`).

use std::io;

use k1_core::color::Rgb8;
use k1_core::proto::ddp;

use super::Frame;
use super::output::{Sent, Transport, rgb_bytes};
use super::udp::UdpLink;

/// Sends frames as DDP.
pub struct DdpTransport {
    link: UdpLink,
    sequence: u8,
    buf: [u8; ddp::HEADER_LEN + ddp::MAX_DATA],
}

impl DdpTransport {
    /// To `host:port`.
    pub fn new(host: &str, port: u16) -> Self {
        Self {
            link: UdpLink::new(host, port),
            sequence: 0,
            buf: [0; ddp::HEADER_LEN + ddp::MAX_DATA],
        }
    }
}

impl Transport for DdpTransport {
    fn send(&mut self, pixels: &[Rgb8], _frame: &Frame) -> io::Result<Sent> {
        self.sequence = self.sequence % 15 + 1;
        let bytes = rgb_bytes(pixels);
        let packets = bytes.len().div_ceil(ddp::MAX_DATA).max(1);
        for i in 0..packets {
            let chunk = bytes
                .get(i * ddp::MAX_DATA..((i + 1) * ddp::MAX_DATA).min(bytes.len()))
                .unwrap_or(&[]);
            let offset = (i * ddp::MAX_DATA) as u32;
            let n = ddp::encode(
                &mut self.buf,
                self.sequence,
                offset,
                chunk,
                i + 1 == packets,
            )
            .map_err(io::Error::other)?;
            self.link.send(&self.buf[..n])?;
        }
        Ok(Sent::Frame)
    }

    fn reset(&mut self) {
        self.link.reset();
    }
}
