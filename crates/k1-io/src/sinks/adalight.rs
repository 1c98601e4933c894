//! Adalight over a serial port (the `serialport` crate): `"Ada"`, count − 1 (hi, lo), checksum
//! `hi ^ lo ^ 0x55`, then RGB. The port is opened on the sink's thread and reopened with backoff
//! when it fails (a USB adapter unplugged); writes time out rather than block.

use std::io::{self, Write};
use std::time::Duration;

use k1_core::color::Rgb8;
use k1_core::proto::adalight;

use super::Frame;
use super::output::{Sent, Transport, rgb_bytes};

/// The longest one frame's write may block.
pub const WRITE_TIMEOUT: Duration = Duration::from_millis(200);

/// Frames per second a serial link carries for `leds` LEDs at `baud` (10 bits per byte).
pub fn link_fps(baud: u32, leds: usize) -> f64 {
    f64::from(baud) / (10.0 * (adalight::HEADER_LEN + 3 * leds) as f64)
}

/// Sends frames as Adalight.
pub struct AdalightTransport {
    path: String,
    baud: u32,
    port: Option<Box<dyn serialport::SerialPort>>,
    buf: Vec<u8>,
}

impl AdalightTransport {
    /// To the device at `path`, at `baud`.
    pub fn new(path: &str, baud: u32) -> Self {
        Self {
            path: path.to_string(),
            baud,
            port: None,
            buf: Vec::new(),
        }
    }
}

impl Transport for AdalightTransport {
    fn send(&mut self, pixels: &[Rgb8], _frame: &Frame) -> io::Result<Sent> {
        if pixels.is_empty() {
            return Ok(Sent::Frame);
        }
        let bytes = rgb_bytes(pixels);
        self.buf.resize(adalight::HEADER_LEN + bytes.len(), 0);
        adalight::encode_header(&mut self.buf, pixels.len()).map_err(io::Error::other)?;
        self.buf[adalight::HEADER_LEN..].copy_from_slice(bytes);
        if self.port.is_none() {
            let port = serialport::new(&self.path, self.baud)
                .timeout(WRITE_TIMEOUT)
                .open()
                .map_err(|e| io::Error::other(format!("{}: {e}", self.path)))?;
            self.port = Some(port);
        }
        let port = self
            .port
            .as_mut()
            .ok_or_else(|| io::Error::other("not open"))?;
        port.write_all(&self.buf)?;
        Ok(Sent::Frame)
    }

    fn reset(&mut self) {
        self.port = None;
    }
}
