//! WLED realtime UDP: DRGB for up to 490 LEDs, DNRGB packets with start indices beyond that,
//! with a configurable timeout byte (`k1_core::proto::wled_realtime`).

use std::io;

use k1_core::color::Rgb8;
use k1_core::proto::wled_realtime as wr;

use super::Frame;
use super::output::{Sent, Transport, rgb_bytes};
use super::udp::UdpLink;

/// Sends frames as DRGB or DNRGB.
pub struct WledTransport {
    link: UdpLink,
    timeout: u8,
    buf: [u8; wr::MAX_PACKET],
}

impl WledTransport {
    /// To `host:port`; WLED returns to its own effects `timeout` seconds after the last packet.
    pub fn new(host: &str, port: u16, timeout: u8) -> Self {
        Self {
            link: UdpLink::new(host, port),
            timeout,
            buf: [0; wr::MAX_PACKET],
        }
    }
}

impl Transport for WledTransport {
    fn send(&mut self, pixels: &[Rgb8], _frame: &Frame) -> io::Result<Sent> {
        let bytes = rgb_bytes(pixels);
        if pixels.len() <= wr::DRGB_MAX {
            let n =
                wr::encode_drgb(&mut self.buf, self.timeout, bytes).map_err(io::Error::other)?;
            self.link.send(&self.buf[..n])?;
            return Ok(Sent::Frame);
        }
        for (i, chunk) in bytes.chunks(wr::DNRGB_MAX * 3).enumerate() {
            let start = u16::try_from(i * wr::DNRGB_MAX).map_err(io::Error::other)?;
            let n = wr::encode_dnrgb(&mut self.buf, self.timeout, start, chunk)
                .map_err(io::Error::other)?;
            self.link.send(&self.buf[..n])?;
        }
        Ok(Sent::Frame)
    }

    fn reset(&mut self) {
        self.link.reset();
    }
}
