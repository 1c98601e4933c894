//! `k1-api`: the control side of `k1 run`: the HTTP and WebSocket API, the web UI it serves
//! (embedded from `web/` at build time; `build.rs` rebuilds when a file there changes), and the
//! persistence of settings, presets and calibration ([`store`]).
//!
//! It reads and changes a running engine only through `k1_engine::Shared` and the source switch,
//! and never the other way round: it must not depend on `k1` (the command line), and nothing
//! below it (`k1-engine`, `k1-io`, `k1-core`) may depend on it (`crates/k1/tests/crate_graph.rs`
//! checks). [`ApiConfig`] is what a caller resolves for it.
//!
//! [`router`] builds the whole `axum::Router` from an [`ApiState`], so tests drive it with
//! `tower::ServiceExt::oneshot` and no socket; [`server`] runs it on a small tokio runtime of
//! its own, beside the engine's threads, which never wait for it.
//!
//! The routes follow the original device's API (`docs/api.md`, `/api/openapi.json`): the same
//! paths, field names and shapes, extended but not renamed, with its faults fixed: no rate
//! limits, an empty POST body is `{}`, and a value out of range is a 400
//! `{error, field, message, status}` instead of being clamped in silence.
//!
//! ```text
//!  request ─► CORS (--cors-origin) ─► guard (Host, Origin, token) ─► handler ─► control ─► Shared::update
//!                                                                                   └──► Store::put (debounced)
//! ```

#![deny(missing_docs)]

mod audio;
mod backup;
mod conn;
mod control;
mod device;
pub mod discover;
mod error;
mod extract;
mod guard;
mod headers;
mod input;
mod latency;
mod launch;
mod looks;
mod mdns;
mod openapi;
mod outputs;
mod params;
mod power;
mod presets;
mod server;
mod source;
mod state;
pub mod store;
mod web;
mod ws;

#[cfg(test)]
mod tests;

pub use conn::HttpLimits;
pub use latency::Wizard;
pub use launch::{
    ApiConfig, Auth, Control, DEFAULT_LISTEN, open_store, outputs_to_use, saved_source,
};
pub use outputs::Discovery;
pub use presets::saved_look;
pub use source::{CurrentSource, SourceSwitch};
pub use state::ApiState;

use axum::Router;
use axum::http::{Method, Uri, header};
use axum::middleware;
use axum::response::Response;
use axum::routing::{MethodRouter, delete, get, post};

/// Every route: its path and its handlers. The router is built from this list, and a test
/// checks it against the OpenAPI document both ways.
pub fn routes() -> Vec<(&'static str, MethodRouter<ApiState>)> {
    vec![
        ("/api/patterns", get(looks::patterns)),
        (
            "/api/params",
            get(looks::get_params).post(looks::post_params),
        ),
        ("/api/select", post(looks::select)),
        ("/api/reset", post(looks::reset)),
        ("/api/power", get(power::get).post(power::post)),
        ("/api/palettes", get(looks::palettes)),
        ("/api/audio-config", get(audio::get).post(audio::post)),
        ("/api/audio/inputs", get(input::get)),
        ("/api/audio/input", post(input::post)),
        ("/api/device/info", get(device::info)),
        // The name the original device's newer firmware and its client's discovery use.
        ("/api/device-info", get(device::info)),
        ("/api/device/performance", get(device::performance)),
        ("/api/health", get(device::health)),
        ("/api/test-connection", get(device::test_connection)),
        ("/metrics", get(device::metrics)),
        ("/api/latency", get(latency::get).post(latency::post)),
        ("/api/latency/measure", post(latency::measure)),
        ("/api/outputs", get(outputs::list).post(outputs::add)),
        ("/api/outputs/discover", post(outputs::discover)),
        (
            "/api/outputs/{id}",
            post(outputs::edit).delete(outputs::remove),
        ),
        ("/api/outputs/{id}/test", post(outputs::test)),
        ("/api/config/backup", get(backup::backup)),
        ("/api/config/restore", post(backup::restore)),
        ("/api/presets", get(presets::list).post(presets::create)),
        ("/api/presets/{name}", delete(presets::delete)),
        ("/api/presets/{name}/apply", post(presets::apply_route)),
        ("/api/openapi.json", get(openapi::serve)),
        ("/ws", get(ws::upgrade)),
    ]
}

/// The API's routes, the web UI and the checks, over `state`, with the default limits.
pub fn router(state: ApiState) -> Router {
    router_with(state, &HttpLimits::default())
}

/// [`router`] with `limits` (a request body that stalls for their idle timeout is dropped).
pub fn router_with(state: ApiState, limits: &HttpLimits) -> Router {
    let mut api = Router::new();
    for (path, handlers) in routes() {
        api = api.route(path, handlers);
    }
    let api = api
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(fallback);
    let mut app = api
        .layer(middleware::from_fn_with_state(state.clone(), guard::guard))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            limits.idle_timeout,
        ))
        .with_state(state.clone());
    app = headers::layer(app);
    if !state.security.cors_origins.is_empty() {
        let cors = tower_http::cors::CorsLayer::new()
            .allow_origin(state.security.cors_origins.clone())
            .allow_methods([Method::GET, Method::POST, Method::DELETE, Method::OPTIONS])
            .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION]);
        app = app.layer(cors);
    }
    app
}

/// Paths that are no route: a file of the web UI, or a JSON 404.
async fn fallback(method: Method, uri: Uri) -> Response {
    if uri.path().starts_with("/api/") || !matches!(method, Method::GET | Method::HEAD) {
        return web::not_found(&uri);
    }
    web::serve(uri).await
}

/// A route called with a method it does not take: a JSON 405.
async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    use axum::response::IntoResponse;
    let body = error::ErrorBody {
        error: "method_not_allowed",
        field: None,
        message: format!("{} does not take {method}", uri.path()),
        status: 405,
    };
    (axum::http::StatusCode::METHOD_NOT_ALLOWED, axum::Json(body)).into_response()
}
