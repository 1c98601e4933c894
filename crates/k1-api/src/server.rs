//! Runs the API beside the engine: a tokio runtime on two threads of its own (`k1-http`), so
//! the audio and render threads never share a scheduler with it, and a watcher that saves a
//! finished noise calibration.
//!
//! Connections are accepted here rather than by `axum::serve`, which has no header-read timeout
//! and no per-client cap: each one is admitted by [`Connections`](super::conn::Connections)
//! and served by hyper's HTTP/1 with the [`HttpLimits`] timeouts (see `conn.rs`).

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;
use tokio::sync::oneshot;

use super::conn::{Held, HttpLimits};
use super::state::ApiState;
use crate::store::Doc;
use k1_engine::CalibrationState;

/// The kernel send buffer of each API connection, bytes (Linux doubles it). A WebSocket client
/// that stops reading fills it within about a second at 200 frames of 320 LEDs a second, after
/// which its sends stall and [`super::ws::SEND_TIMEOUT`] drops it; until then it is at most this
/// far behind.
const SEND_BUFFER: usize = 16 * 1024;

/// How often the calibration watcher looks for a finished calibration.
const CALIBRATION_POLL: Duration = Duration::from_millis(250);

/// The running server; [`Server::stop`] ends it.
pub struct Server {
    runtime: Runtime,
    shutdown: Option<oneshot::Sender<()>>,
    addr: SocketAddr,
    _mdns: Option<super::mdns::Announcement>,
}

impl Server {
    /// Binds `listen` and serves `state`'s router within `limits`; announces it on mDNS if
    /// `mdns` (warning if that fails). The address in the result is the bound one (port 0 picks
    /// a free port).
    pub fn start(
        state: ApiState,
        listen: SocketAddr,
        mdns: bool,
        limits: HttpLimits,
    ) -> std::io::Result<Server> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("k1-http")
            .enable_all()
            .build()?;
        let listener = runtime.block_on(tokio::net::TcpListener::bind(listen))?;
        let addr = listener.local_addr()?;
        let state = state.with_listen(addr);
        let app = super::router_with(state.clone(), &limits);
        let (tx, rx) = oneshot::channel::<()>();
        runtime.spawn(accept(listener, app, state.clone(), limits, rx));
        runtime.spawn(watch_calibration(state.clone()));
        let announcement = if mdns {
            match super::mdns::announce(&state.device.name, addr.port()) {
                Ok(a) => {
                    tracing::info!(
                        "announced on mDNS as {}.local (_http._tcp)",
                        super::mdns::host_label(&state.device.name)
                    );
                    Some(a)
                }
                Err(e) => {
                    tracing::warn!(
                        "cannot announce on mDNS ({e}); the UI is still at http://{addr}/"
                    );
                    None
                }
            }
        } else {
            None
        };
        Ok(Server {
            runtime,
            shutdown: Some(tx),
            addr,
            _mdns: announcement,
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, gives open requests a moment, and ends the runtime.
    pub fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.runtime.shutdown_timeout(Duration::from_millis(500));
    }
}

/// Accepts connections until `stop` fires: each admitted one is served on a task of its own,
/// one turned away gets a short 503 and is closed.
async fn accept(
    listener: TcpListener,
    app: Router,
    state: ApiState,
    limits: HttpLimits,
    mut stop: oneshot::Receiver<()>,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors (or another passing fault): wait instead of spinning.
                    tracing::warn!("cannot accept an API connection: {e}");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
            _ = &mut stop => return,
        };
        let Some(slot) = state.connections.admit(peer.ip(), &limits) else {
            tracing::debug!("API connection from {peer} refused: too many open");
            refuse(tcp);
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let _ = socket2::SockRef::from(&tcp).set_send_buffer_size(SEND_BUFFER);
        let io = TokioIo::new(Held::new(tcp, slot, limits.idle_timeout));
        let conn = http
            .serve_connection(io, TowerToHyperService::new(app.clone()))
            .with_upgrades();
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!("API connection from {peer} ended: {e}");
            }
        });
    }
}

/// How long the accept loop waits after a failed accept.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Tells a connection turned away why (if its buffer takes it at once: the socket is not
/// blocking), then closes it.
fn refuse(tcp: TcpStream) {
    const BODY: &str = "{\"error\":\"too_many_connections\",\"field\":null,\"message\":\"this client \
        has too many connections open to K1\",\"status\":503}";
    let reply = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{BODY}",
        BODY.len()
    );
    if let Ok(mut std) = tcp.into_std() {
        let _ = std::io::Write::write(&mut std, reply.as_bytes());
    }
}

/// Saves each calibration the audio thread finishes, so it is loaded at the next start.
async fn watch_calibration(state: ApiState) {
    let mut saved: Option<k1_core::NoiseFloor> = None;
    let mut tick = tokio::time::interval(CALIBRATION_POLL);
    loop {
        tick.tick().await;
        if let CalibrationState::Done(floor) = state.shared.audio().calibration()
            && saved.as_ref() != Some(&*floor)
        {
            match serde_json::from_str(&k1_io::noise::to_json(&floor)) {
                Ok(doc) => {
                    state.store.put(Doc::Calibration, doc);
                    tracing::info!("noise calibration finished and saved");
                }
                Err(e) => tracing::error!("cannot encode the noise floor: {e}"),
            }
            saved = Some(*floor);
        }
    }
}
