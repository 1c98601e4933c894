//! Open Pixel Control over TCP: one set-pixel-colours message (command 0) per frame. Connecting
//! and writing are bounded by timeouts; when the server goes away the connection is dropped and
//! made again with backoff (by [`OutputSink`](super::OutputSink)).

use std::io::{self, Write};
use std::net::TcpStream;
use std::time::Duration;

use k1_core::color::Rgb8;
use k1_core::proto::opc;

use super::Frame;
use super::output::{Sent, Transport, rgb_bytes};
use super::udp::resolve;

/// The longest a connection attempt may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);
/// The longest one frame's write may block.
pub const WRITE_TIMEOUT: Duration = Duration::from_millis(100);

/// Sends frames to an OPC server.
pub struct OpcTransport {
    host: String,
    port: u16,
    channel: u8,
    stream: Option<TcpStream>,
    buf: Vec<u8>,
}

impl OpcTransport {
    /// To `host:port`, on `channel`.
    pub fn new(host: &str, port: u16, channel: u8) -> Self {
        Self {
            host: host.to_string(),
            port,
            channel,
            stream: None,
            buf: Vec::new(),
        }
    }

    fn connect(&mut self) -> io::Result<&mut TcpStream> {
        if self.stream.is_none() {
            let addr = resolve(&self.host, self.port)?;
            let stream = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT)?;
            stream.set_nodelay(true)?;
            stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
            self.stream = Some(stream);
        }
        self.stream
            .as_mut()
            .ok_or_else(|| io::Error::other("not connected"))
    }
}

impl Transport for OpcTransport {
    fn send(&mut self, pixels: &[Rgb8], _frame: &Frame) -> io::Result<Sent> {
        let bytes = rgb_bytes(pixels);
        self.buf.resize(opc::HEADER_LEN + bytes.len(), 0);
        opc::encode_header(&mut self.buf, self.channel, bytes.len()).map_err(io::Error::other)?;
        self.buf[opc::HEADER_LEN..].copy_from_slice(bytes);
        let buf = std::mem::take(&mut self.buf);
        let result = self.connect().and_then(|s| s.write_all(&buf));
        self.buf = buf;
        // A timed-out write may have sent part of a message: the stream is out of step, so it is
        // dropped (by `reset`) and made again.
        result.map(|()| Sent::Frame).map_err(|e| {
            if e.kind() == io::ErrorKind::WouldBlock {
                io::Error::new(io::ErrorKind::TimedOut, "write timed out (server too slow)")
            } else {
                e
            }
        })
    }

    fn reset(&mut self) {
        self.stream = None;
    }
}
