//! The WLED audio-sync sender: K1's analysis as WLED's sound-reactive v2 packet, to multicast
//! 239.0.0.1:11988 (or one host), at most one packet per 10 ms.
//!
//! It runs as a sink so it gets a thread of its own and is woken with every frame; on each wake
//! it reads the newest snapshot ([`Shared::latest`]), latches any onset or beat since the last
//! packet (also a beat-phase wrap, so a beat in a hop between two reads is not lost), and sends
//! when 10 ms have passed since the last packet. The field mapping is
//! `k1_core::proto::geq`'s (documented in `docs/outputs.md`).

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use k1_core::color::Rgb8;
use k1_core::proto::{geq, wled_sync};

use k1_io::sinks::{Frame, Sent, Transport, UdpLink};

use crate::Shared;

/// The shortest time between two packets.
pub const MIN_INTERVAL: Duration = Duration::from_millis(10);
/// Smoothing of `sampleSmth` per packet (one-pole; about 50 ms at 100 packets a second).
const SMOOTHING: f32 = 0.2;

/// Sends the analysis as audio-sync packets.
pub struct WledSyncTransport {
    link: UdpLink,
    shared: Arc<Shared>,
    lowest_note: u8,
    last_sent: Option<Instant>,
    last_hop: u64,
    last_phase: f32,
    peak: bool,
    smooth: f32,
    counter: u8,
    buf: [u8; wled_sync::LEN],
}

impl WledSyncTransport {
    /// To `host:port`, reading `shared`; `lowest_note` is the MIDI note of spectrum bin 0.
    pub fn new(host: &str, port: u16, shared: Arc<Shared>, lowest_note: u8) -> Self {
        Self {
            link: UdpLink::new(host, port),
            shared,
            lowest_note,
            last_sent: None,
            last_hop: 0,
            last_phase: 0.0,
            peak: false,
            smooth: 0.0,
            counter: 0,
            buf: [0; wled_sync::LEN],
        }
    }
}

impl Transport for WledSyncTransport {
    fn send(&mut self, _pixels: &[Rgb8], _frame: &Frame) -> io::Result<Sent> {
        let snap = self.shared.latest().snapshot;
        if snap.hop != self.last_hop {
            let wrapped = snap.confidence > 0.0 && snap.beat_phase + 0.5 < self.last_phase;
            self.peak |= snap.onset || snap.beat || wrapped;
            self.last_hop = snap.hop;
            self.last_phase = snap.beat_phase;
        }
        let now = Instant::now();
        if self
            .last_sent
            .is_some_and(|t| now.duration_since(t) < MIN_INTERVAL)
        {
            return Ok(Sent::NotDue);
        }
        let vu = if snap.vu.is_finite() {
            snap.vu.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.smooth += SMOOTHING * (vu - self.smooth);
        self.counter = self.counter.wrapping_add(1);
        let packet = geq::audio_sync(
            &snap,
            self.smooth,
            self.peak,
            self.counter,
            self.lowest_note,
        );
        let n = wled_sync::encode(&mut self.buf, &packet).map_err(io::Error::other)?;
        self.link.send(&self.buf[..n])?;
        self.last_sent = Some(now);
        self.peak = false;
        Ok(Sent::Frame)
    }

    fn reset(&mut self) {
        self.link.reset();
    }
}

#[cfg(test)]
mod tests {
    use std::net::UdpSocket;
    use std::sync::Arc;
    use std::time::Duration;

    use k1_io::sinks::{Frame, Sent, Transport};

    use super::WledSyncTransport;

    fn receiver() -> (UdpSocket, u16) {
        let s = UdpSocket::bind("127.0.0.1:0").unwrap();
        s.set_read_timeout(Some(Duration::from_millis(300)))
            .unwrap();
        let port = s.local_addr().unwrap().port();
        (s, port)
    }

    /// Every datagram that arrives until the socket is quiet for its read timeout.
    fn drain(s: &UdpSocket) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut buf = [0u8; 2048];
        while let Ok(n) = s.recv(&mut buf) {
            out.push(buf[..n].to_vec());
        }
        out
    }

    /// The audio-sync v2 packet read from the usermod's struct: 44 bytes, little-endian.
    #[test]
    fn wled_sync_sender_paces_and_is_read_by_the_spec() {
        let (rx, port) = receiver();
        let shared = Arc::new(crate::Shared::new(
            crate::layout_for(8),
            crate::RenderSettings::DEFAULT,
        ));
        let mut t = WledSyncTransport::new("127.0.0.1", port, shared, 33);
        let f = Frame::new(8);
        assert_eq!(t.send(&[], &f).unwrap(), Sent::Frame);
        assert_eq!(
            t.send(&[], &f).unwrap(),
            Sent::NotDue,
            "at most one per 10 ms"
        );
        std::thread::sleep(Duration::from_millis(11));
        assert_eq!(t.send(&[], &f).unwrap(), Sent::Frame);
        let packets = drain(&rx);
        assert_eq!(packets.len(), 2);
        for (i, p) in packets.iter().enumerate() {
            assert_eq!(p.len(), 44);
            assert_eq!(&p[..8], b"00002\0\0\0");
            let f32_at = |o: usize| f32::from_le_bytes([p[o], p[o + 1], p[o + 2], p[o + 3]]);
            assert_eq!(
                (f32_at(8), f32_at(12), p[16]),
                (0.0, 0.0, 0),
                "silence before any audio"
            );
            assert_eq!(p[17], i as u8 + 1, "frame counter");
            assert_eq!(&p[18..34], &[0u8; 16]);
            assert_eq!((f32_at(36), f32_at(40)), (0.0, 0.0));
        }
    }
}
