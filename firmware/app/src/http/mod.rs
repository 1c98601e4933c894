//! The HTTP server (picoserve): the host's API paths, so the same web UI and clients work
//! against a device, plus the setup page and the signed OTA upload.
//!
//! | Route | Handler |
//! |---|---|
//! | `GET /`, `POST /setup` | [`setup`]: the Wi-Fi setup page and its form |
//! | `GET/POST /api/params`, `POST /api/select`, `GET /api/patterns`, `GET /api/palettes` | [`api`] |
//! | `GET /api/device/performance`, `GET /api/health` | [`api`] |
//! | `POST /api/ota` | [`ota`]: image + ed25519 signature streamed into the inactive slot |
//!
//! Two server tasks listen on the station (one on the C3, short of RAM) and one on the setup
//! access point; each serves one connection at a time, so on the C6 and S3 a slow upload does
//! not block the other station connection.

pub mod api;
pub mod ota;
pub mod setup;

use embassy_executor::Spawner;
use embassy_net::Stack;
use picoserve::routing::{PathRouter, get, post, post_service};
use picoserve::{AppBuilder, Router};
use static_cell::StaticCell;

/// Station connections served at once (each server task costs about 20 KB of RAM, which the
/// ESP32-C3 does not have twice over).
const STA_SERVERS: usize = if cfg!(feature = "esp32c3") { 1 } else { 2 };
/// Server tasks in all: the station's and the access point's one.
const SERVERS: usize = STA_SERVERS + 1;
/// The port.
const PORT: u16 = 80;
/// Largest JSON or form body taken (the setup form, a full parameter object).
pub const BODY_MAX: usize = 512;

/// The routes.
pub struct App;

impl AppBuilder for App {
    type PathRouter = impl PathRouter;

    fn build_app(self) -> Router<Self::PathRouter> {
        Router::new()
            .route("/", get(setup::page))
            .route("/setup", post(setup::submit))
            .route("/api/params", get(api::get_params).post(api::post_params))
            .route("/api/select", post(api::select))
            .route("/api/patterns", get(api::patterns))
            .route("/api/palettes", get(api::palettes))
            .route("/api/device/performance", get(api::performance))
            .route(
                "/api/device/microphone",
                get(api::get_microphone).post(api::post_microphone),
            )
            .route("/api/health", get(api::health))
            .route("/api/ota", post_service(ota::OtaUpload))
    }
}

type AppRouter = Router<<App as AppBuilder>::PathRouter>;

/// Timeouts: a request must arrive within 5 s; an OTA body may pause up to 10 s between reads.
static CONFIG: picoserve::Config = picoserve::Config::new(picoserve::Timeouts {
    start_read_request: embassy_time::Duration::from_secs(5),
    persistent_start_read_request: embassy_time::Duration::from_secs(2),
    read_request: embassy_time::Duration::from_secs(10),
    write: embassy_time::Duration::from_secs(5),
})
.keep_connection_alive();

#[embassy_executor::task(pool_size = SERVERS)]
async fn http_task(id: usize, stack: Stack<'static>, app: &'static AppRouter) -> ! {
    let mut rx = [0u8; 1024];
    let mut tx = [0u8; 1024];
    let mut http = [0u8; 2048];
    match picoserve::Server::new(app, &CONFIG, &mut http)
        .listen_and_serve(id, stack, PORT, &mut rx, &mut tx)
        .await {}
}

/// Starts the servers: [`STA_SERVERS`] on the station, one on the setup access point.
pub fn start(spawner: &Spawner, sta: Stack<'static>, ap: Stack<'static>) {
    static APP: StaticCell<AppRouter> = StaticCell::new();
    let app = APP.init(App.build_app());
    for id in 0..STA_SERVERS {
        spawner.spawn(http_task(id, sta, app).expect("http task"));
    }
    spawner.spawn(http_task(STA_SERVERS, ap, app).expect("http task"));
}
