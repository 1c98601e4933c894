//! A non-blocking UDP socket to one receiver, opened (and its host name resolved) on the sink's
//! own thread when first needed and again after a failure.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs, UdpSocket};

/// A lazily opened, connected, non-blocking UDP socket.
#[derive(Debug)]
pub struct UdpLink {
    host: String,
    port: u16,
    socket: Option<(UdpSocket, SocketAddr)>,
}

impl UdpLink {
    /// A link to `host:port`; nothing is opened yet.
    pub fn new(host: impl Into<String>, port: u16) -> Self {
        Self {
            host: host.into(),
            port,
            socket: None,
        }
    }

    /// The socket and the receiver's address, opening them if needed.
    pub fn open(&mut self) -> io::Result<&(UdpSocket, SocketAddr)> {
        if self.socket.is_none() {
            let addr = resolve(&self.host, self.port)?;
            let socket = bind_for(addr)?;
            socket.connect(addr)?;
            self.socket = Some((socket, addr));
        }
        self.socket
            .as_ref()
            .ok_or_else(|| io::Error::other("socket not open"))
    }

    /// Sends one datagram to the receiver.
    pub fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        let (socket, _) = self.open()?;
        whole(socket.send(bytes)?, bytes.len())
    }

    /// Forgets the socket (the next send resolves and opens again).
    pub fn reset(&mut self) {
        self.socket = None;
    }
}

/// The first address of `host:port`, IPv4 preferred.
pub fn resolve(host: &str, port: u16) -> io::Result<SocketAddr> {
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| io::Error::new(e.kind(), format!("cannot resolve {host}: {e}")))?
        .collect();
    addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or(addrs.first())
        .copied()
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("{host} has no address")))
}

/// A non-blocking socket on an ephemeral port of the family of `addr`; multicast stays on the
/// local network (TTL 1).
pub fn bind_for(addr: SocketAddr) -> io::Result<UdpSocket> {
    let any: IpAddr = if addr.is_ipv4() {
        Ipv4Addr::UNSPECIFIED.into()
    } else {
        Ipv6Addr::UNSPECIFIED.into()
    };
    let socket = UdpSocket::bind((any, 0))?;
    socket.set_nonblocking(true)?;
    if addr.ip().is_multicast() && addr.is_ipv4() {
        socket.set_multicast_ttl_v4(1)?;
    }
    Ok(socket)
}

/// An error unless all `len` bytes went.
pub fn whole(sent: usize, len: usize) -> io::Result<()> {
    if sent == len {
        Ok(())
    } else {
        Err(io::Error::other(format!("sent {sent} of {len} bytes")))
    }
}
