//! Who may hold a connection, and for how long: the limits that keep a few hundred half-open or
//! slow sockets from one host from using up K1's file descriptors and locking everyone else out
//! of the API.
//!
//! - [`HttpLimits::header_timeout`]: a connection that does not send a whole request head within
//!   this is closed, whether it is new or kept alive between requests (hyper's header-read timer
//!   starts whenever the connection waits for a head).
//! - [`HttpLimits::idle_timeout`]: a request body or a reply that moves no byte for this long is
//!   dropped (a client that stops reading, or dribbles a body).
//! - [`HttpLimits::per_client`] and [`HttpLimits::max_connections`]: [`Connections::admit`] turns
//!   a connection away (a short 503, then close) when its IP address already holds
//!   `per_client` or the server `max_connections`. A WebSocket counts for as long as it is open.

use std::collections::HashMap;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

/// The connection limits of the API server; [`Default`] is what `k1 run` uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpLimits {
    /// The longest wait for a request head (a new connection, or a kept-alive one).
    pub header_timeout: Duration,
    /// The longest a request body or a reply may go without moving a byte.
    pub idle_timeout: Duration,
    /// Connections one IP address may hold at once (a browser opens about 6, plus the
    /// WebSocket, per tab).
    pub per_client: usize,
    /// Connections the server holds at once, from everyone.
    pub max_connections: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            per_client: 32,
            max_connections: 512,
        }
    }
}

/// The open connections by client address, and how many were turned away (for `/metrics`).
#[derive(Debug, Default)]
pub struct Connections {
    by_client: Mutex<HashMap<IpAddr, usize>>,
    refused: AtomicU64,
}

impl Connections {
    /// A slot for one connection from `ip`, or `None` (counted as refused) if `ip` or the whole
    /// server is at its limit. The slot frees itself when dropped.
    pub fn admit(self: &Arc<Self>, ip: IpAddr, limits: &HttpLimits) -> Option<Slot> {
        let ip = ip.to_canonical();
        let mut map = self
            .by_client
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let total: usize = map.values().sum();
        let mine = map.get(&ip).copied().unwrap_or(0);
        if mine >= limits.per_client || total >= limits.max_connections {
            self.refused.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        map.insert(ip, mine + 1);
        Some(Slot {
            conns: Arc::clone(self),
            ip,
        })
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        let map = self
            .by_client
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        map.values().sum()
    }

    /// Connections turned away since the start.
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }
}

/// One admitted connection; see [`Connections::admit`].
#[derive(Debug)]
pub struct Slot {
    conns: Arc<Connections>,
    ip: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = self
            .conns
            .by_client
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// A connection's socket with its [`Slot`] (held as long as the socket, through a WebSocket
/// upgrade too) and the idle timer on writes: a write or flush that stays pending for
/// `idle` fails with `TimedOut`, which ends the connection.
pub struct Held<S> {
    io: S,
    _slot: Slot,
    idle: Duration,
    stalled: Option<Pin<Box<Sleep>>>,
}

impl<S> Held<S> {
    /// Wraps `io`, admitted with `slot`.
    pub fn new(io: S, slot: Slot, idle: Duration) -> Self {
        Held {
            io,
            _slot: slot,
            idle,
            stalled: None,
        }
    }

    /// After a pending write: starts the idle timer, or reports that it ran out.
    fn stall(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        let idle = self.idle;
        let timer = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
        ready!(timer.as_mut().poll(cx));
        self.stalled = None;
        Poll::Ready(io::Error::new(
            io::ErrorKind::TimedOut,
            "the client took no data for the idle timeout",
        ))
    }

    /// Maps a write-side poll: progress clears the timer, a pending one runs it.
    fn watch<T>(&mut self, cx: &mut Context<'_>, r: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        match r {
            Poll::Ready(v) => {
                self.stalled = None;
                Poll::Ready(v)
            }
            Poll::Pending => self.stall(cx).map(Err),
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Held<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Held<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.io).poll_write(cx, buf);
        self.watch(cx, r)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let r = Pin::new(&mut self.io).poll_flush(cx);
        self.watch(cx, r)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let r = Pin::new(&mut self.io).poll_shutdown(cx);
        self.watch(cx, r)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.io).poll_write_vectored(cx, bufs);
        self.watch(cx, r)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_is_capped_and_its_slots_come_back() {
        let conns = Arc::new(Connections::default());
        let limits = HttpLimits {
            per_client: 2,
            max_connections: 3,
            ..HttpLimits::default()
        };
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let s1 = conns.admit(a, &limits).expect("first");
        let _s2 = conns.admit(a, &limits).expect("second");
        assert!(
            conns.admit(a, &limits).is_none(),
            "a third from the same client"
        );
        // The same client written as an IPv4-mapped IPv6 address is the same client.
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert!(conns.admit(mapped, &limits).is_none());
        let _s3 = conns.admit(b, &limits).expect("another client");
        assert!(conns.admit(b, &limits).is_none(), "the server is full");
        assert_eq!((conns.open(), conns.refused()), (3, 3));
        drop(s1);
        assert!(conns.admit(a, &limits).is_some(), "a freed slot is reused");
    }
}
