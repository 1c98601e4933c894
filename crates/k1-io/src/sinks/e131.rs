//! E1.31 / sACN: 170 RGB pixels per universe, consecutive universes from a start universe,
//! unicast to one receiver or multicast to each universe's group 239.255.hi.lo. Priority, source
//! name, a CID stable across restarts, a sequence per universe, optional universe
//! synchronisation, and three stream-terminated packets per universe on shutdown
//! (`k1_core::proto::e131`, which says why this is not the `sacn` crate).

use std::io;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};

use k1_core::color::Rgb8;
use k1_core::proto::e131;

use super::Frame;
use super::output::{Sent, Transport, rgb_bytes};
use super::udp::{UdpLink, bind_for, whole};

/// How many stream-terminated packets each universe gets at the end (E1.31 6.2.6).
pub const TERMINATE_PACKETS: usize = 3;

/// Where packets go.
enum Route {
    Unicast(UdpLink),
    Multicast {
        port: u16,
        socket: Option<UdpSocket>,
    },
}

impl Route {
    /// Sends `bytes` for `universe` (its multicast group, or the one receiver).
    fn send(&mut self, universe: u16, bytes: &[u8]) -> io::Result<()> {
        match self {
            Route::Unicast(link) => link.send(bytes),
            Route::Multicast { port, socket } => {
                let to = SocketAddr::from((Ipv4Addr::from(e131::multicast_group(universe)), *port));
                if socket.is_none() {
                    *socket = Some(bind_for(to)?);
                }
                let s = socket
                    .as_ref()
                    .ok_or_else(|| io::Error::other("no socket"))?;
                whole(s.send_to(bytes, to)?, bytes.len())
            }
        }
    }

    fn reset(&mut self) {
        match self {
            Route::Unicast(link) => link.reset(),
            Route::Multicast { socket, .. } => *socket = None,
        }
    }
}

/// E1.31 options beyond the route.
#[derive(Clone, Debug)]
pub struct E131Options {
    /// First universe.
    pub universe: u16,
    /// 0–200.
    pub priority: u8,
    /// Source name (< 64 bytes).
    pub source: String,
    /// Synchronisation universe.
    pub sync: Option<u16>,
    /// The sender's CID.
    pub cid: [u8; 16],
}

/// Sends frames as E1.31 data packets.
pub struct E131Transport {
    route: Route,
    opts: E131Options,
    /// Next sequence number of each universe, from the first.
    sequences: Vec<u8>,
    sync_sequence: u8,
    /// Universes the last frame used (terminated at the end).
    used: usize,
    buf: [u8; e131::DATA_HEADER_LEN + e131::UNIVERSE_CHANNELS],
}

impl E131Transport {
    /// Unicast to `host:port`.
    pub fn unicast(host: &str, port: u16, opts: E131Options) -> Self {
        Self::with_route(Route::Unicast(UdpLink::new(host, port)), opts)
    }

    /// Multicast, each universe to its group, on `port`.
    pub fn multicast(port: u16, opts: E131Options) -> Self {
        Self::with_route(Route::Multicast { port, socket: None }, opts)
    }

    fn with_route(route: Route, opts: E131Options) -> Self {
        Self {
            route,
            opts,
            sequences: Vec::new(),
            sync_sequence: 0,
            used: 0,
            buf: [0; e131::DATA_HEADER_LEN + e131::UNIVERSE_CHANNELS],
        }
    }

    /// Sends universe `i` (from the first) with `channels` and `options`.
    fn send_universe(&mut self, i: usize, channels: &[u8], options: u8) -> io::Result<()> {
        let universe = u16::try_from(i)
            .ok()
            .and_then(|i| self.opts.universe.checked_add(i))
            .filter(|u| e131::UNIVERSES.contains(u))
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "the frame needs universes past 63999",
                )
            })?;
        if self.sequences.len() <= i {
            self.sequences.resize(i + 1, 0);
        }
        let header = e131::DataHeader {
            cid: self.opts.cid,
            source_name: &self.opts.source,
            priority: self.opts.priority,
            sync_address: self.opts.sync.unwrap_or(0),
            sequence: self.sequences[i],
            options,
            universe,
        };
        let n = e131::encode_data(&mut self.buf, &header, channels).map_err(io::Error::other)?;
        self.sequences[i] = self.sequences[i].wrapping_add(1);
        self.route.send(universe, &self.buf[..n])
    }
}

impl Transport for E131Transport {
    fn send(&mut self, pixels: &[Rgb8], _frame: &Frame) -> io::Result<Sent> {
        let bytes = rgb_bytes(pixels);
        let per = e131::PIXELS_PER_UNIVERSE * 3;
        let count = bytes.len().div_ceil(per).max(1);
        for i in 0..count {
            let chunk = bytes
                .get(i * per..((i + 1) * per).min(bytes.len()))
                .unwrap_or(&[]);
            self.send_universe(i, chunk, 0)?;
        }
        self.used = self.used.max(count);
        if let Some(sync) = self.opts.sync {
            let n = e131::encode_sync(&mut self.buf, &self.opts.cid, self.sync_sequence, sync)
                .map_err(io::Error::other)?;
            self.sync_sequence = self.sync_sequence.wrapping_add(1);
            let bytes = self.buf[..n].to_vec();
            self.route.send(sync, &bytes)?;
        }
        Ok(Sent::Frame)
    }

    fn reset(&mut self) {
        self.route.reset();
    }

    fn finish(&mut self) -> io::Result<()> {
        let dark = [0u8; e131::PIXELS_PER_UNIVERSE * 3];
        let mut result = Ok(());
        for i in 0..self.used {
            for _ in 0..TERMINATE_PACKETS {
                if let Err(e) = self.send_universe(i, &dark, e131::OPT_STREAM_TERMINATED) {
                    result = Err(e);
                }
            }
        }
        result
    }
}
