//! The server on a real socket against slow and half-open clients, and the WebSocket's size
//! limit.
//!
//! Strategy: the slow clients connect from 127.0.0.2 (all of 127/8 is this machine on Linux) and
//! a well-behaved one from 127.0.0.1, so the per-client cap can be seen to hold one back without
//! the other. Timeouts are set short here, and the tests assert on outcomes only (the slow
//! sockets get closed, the normal request is answered, the counters say why); waits are bounded
//! by a generous deadline that is a failure, never a measurement.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::conn::HttpLimits;
use crate::server::Server;

use super::*;

/// Slow sockets per test.
const SLOW: usize = 300;
/// How long a test may wait for the server to close what it should.
const DEADLINE: Duration = Duration::from_secs(60);
/// One socket test at a time: each holds hundreds of descriptors.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn start(limits: HttpLimits) -> (Server, ApiState) {
    let s = state();
    let server = Server::start(s.clone(), "127.0.0.1:0".parse().unwrap(), false, limits)
        .expect("the server starts");
    (server, s)
}

/// A connection from `from` (an address of this machine) to `to`.
fn connect_from(from: &str, to: SocketAddr) -> TcpStream {
    let socket =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("socket");
    let local: SocketAddr = format!("{from}:0").parse().unwrap();
    socket.bind(&local.into()).expect("bind the client address");
    socket.connect(&to.into()).expect("connect");
    socket.into()
}

/// Opens `n` connections from 127.0.0.2 that send half a request head and stop.
fn slow_sockets(n: usize, to: SocketAddr) -> Vec<TcpStream> {
    (0..n)
        .map(|_| {
            let mut s = connect_from("127.0.0.2", to);
            // A refused connection may already be closed: the write is allowed to fail.
            let _ = s.write_all(b"GET /api/params HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
            s.set_nonblocking(true).expect("nonblocking");
            s
        })
        .collect()
}

/// Whether the server has closed `s` (EOF or reset, after any reply), without waiting.
fn closed(s: &mut TcpStream) -> bool {
    let mut buf = [0u8; 1024];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if e.kind() == ErrorKind::WouldBlock => return false,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => return true,
        }
    }
}

/// Waits (up to [`DEADLINE`]) until at least `want` of `sockets` are closed; returns how many.
fn wait_closed(sockets: &mut [TcpStream], want: usize) -> usize {
    let end = Instant::now() + DEADLINE;
    let mut done = vec![false; sockets.len()];
    loop {
        for (s, d) in sockets.iter_mut().zip(done.iter_mut()) {
            *d = *d || closed(s);
        }
        let n = done.iter().filter(|d| **d).count();
        if n >= want || Instant::now() > end {
            return n;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A whole request from 127.0.0.1; the reply's status line.
fn normal_request(to: SocketAddr) -> String {
    let mut s = connect_from("127.0.0.1", to);
    s.set_read_timeout(Some(DEADLINE)).unwrap();
    s.write_all(b"GET /api/params HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).expect("a reply");
    reply.lines().next().unwrap_or("").to_string()
}

#[test]
fn a_flood_of_half_open_sockets_from_one_host_is_capped_and_others_still_get_in() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // Timeouts far beyond the test: only the cap can close anything here.
    let limits = HttpLimits {
        header_timeout: Duration::from_secs(600),
        idle_timeout: Duration::from_secs(600),
        per_client: 8,
        max_connections: 64,
    };
    let (server, state) = start(limits);
    let mut slow = slow_sockets(SLOW, server.addr());
    // Accepted in order, so once this is answered every slow socket was admitted or refused.
    assert_eq!(normal_request(server.addr()), "HTTP/1.1 200 OK");
    assert_eq!(state.connections.refused(), (SLOW - 8) as u64);
    let n = wait_closed(&mut slow, SLOW - 8);
    assert_eq!(n, SLOW - 8, "the sockets over the cap were not all closed");
    // The 8 admitted ones are still open, waiting for their head.
    assert_eq!(slow.iter_mut().map(closed).filter(|c| !c).count(), 8);
    // A second normal request while they hold their slots.
    assert_eq!(normal_request(server.addr()), "HTTP/1.1 200 OK");
    drop(slow);
    server.stop();
}

#[test]
fn slow_and_idle_connections_are_closed_by_the_timeouts() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let limits = HttpLimits {
        header_timeout: Duration::from_millis(300),
        idle_timeout: Duration::from_millis(300),
        per_client: 1000,
        max_connections: 1000,
    };
    let (server, state) = start(limits);
    let mut slow = slow_sockets(SLOW, server.addr());
    assert_eq!(normal_request(server.addr()), "HTTP/1.1 200 OK");
    assert_eq!(state.connections.refused(), 0, "nothing over the cap here");
    assert_eq!(
        wait_closed(&mut slow, SLOW),
        SLOW,
        "half-open sockets left open"
    );

    // A kept-alive connection that goes quiet after a request is closed too.
    let mut kept = connect_from("127.0.0.1", server.addr());
    kept.write_all(b"GET /api/params HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let mut head = [0u8; 12];
    kept.set_read_timeout(Some(DEADLINE)).unwrap();
    kept.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");
    kept.set_nonblocking(true).unwrap();
    assert_eq!(
        wait_closed(std::slice::from_mut(&mut kept), 1),
        1,
        "idle keep-alive left open"
    );

    // A body that stops arriving gets a 408.
    let mut dribble = connect_from("127.0.0.1", server.addr());
    dribble
        .write_all(
            b"POST /api/params HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{\"speed\":",
        )
        .unwrap();
    dribble.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut reply = Vec::new();
    let _ = dribble.read_to_end(&mut reply);
    let reply = String::from_utf8_lossy(&reply);
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    assert!(reply.contains("body_timeout"), "{reply}");

    // Every slot came back.
    let end = Instant::now() + DEADLINE;
    while state.connections.open() > 0 && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(state.connections.open(), 0);
    server.stop();
}

#[test]
fn a_websocket_message_over_the_limit_is_closed_with_1009() {
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
    let (server, _state) = start(HttpLimits::default());
    let url = format!("ws://{}/ws", server.addr());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let close = rt.block_on(async {
        use futures_util::{SinkExt, StreamExt};
        let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str())
            .await
            .expect("the WebSocket opens");
        let big = "x".repeat(crate::ws::MAX_MESSAGE + 1);
        ws.send(Message::text(big)).await.expect("sent");
        let wait = async {
            while let Some(msg) = ws.next().await {
                match msg {
                    Ok(Message::Close(frame)) => return frame,
                    Ok(_) => continue,
                    Err(e) => panic!("the connection broke instead of closing: {e}"),
                }
            }
            panic!("the connection ended without a close frame");
        };
        tokio::time::timeout(DEADLINE, wait)
            .await
            .expect("a close frame in time")
    });
    let frame = close.expect("a close code");
    assert_eq!(frame.code, CloseCode::Size, "{frame:?}");
    assert_eq!(u16::from(frame.code), 1009);
    server.stop();
}
