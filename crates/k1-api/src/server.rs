//! Runs the API beside the engine: a tokio runtime on two threads of its own (`k1-http`), so
//! the audio and render threads never share a scheduler with it, and a watcher that saves a
//! finished noise calibration.

use std::net::SocketAddr;
use std::time::Duration;

use axum::serve::ListenerExt;
use tokio::runtime::Runtime;
use tokio::sync::oneshot;

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
    /// Binds `listen` and serves `state`'s router; announces it on mDNS if `mdns` (warning if
    /// that fails). The address in the result is the bound one (port 0 picks a free port).
    pub fn start(state: ApiState, listen: SocketAddr, mdns: bool) -> std::io::Result<Server> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("k1-http")
            .enable_all()
            .build()?;
        let listener = runtime.block_on(tokio::net::TcpListener::bind(listen))?;
        let addr = listener.local_addr()?;
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
            let _ = socket2::SockRef::from(&*tcp).set_send_buffer_size(SEND_BUFFER);
        });
        let state = state.with_listen(addr);
        let app = super::router(state.clone());
        let (tx, rx) = oneshot::channel::<()>();
        runtime.spawn(async move {
            let serve = axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = rx.await;
            });
            if let Err(e) = serve.await {
                tracing::error!("the HTTP server stopped: {e}");
            }
        });
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
