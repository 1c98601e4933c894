//! The API's tests, through the router with `tower::ServiceExt::oneshot` (no socket): every
//! route with good and bad input, the security checks, the OpenAPI document against the router,
//! and a fuzz of requests drawn from that document.

mod fuzz;
mod hardened;
mod input;
mod latency;
mod openapi;
mod outputs;
mod power;
mod routes;
mod saved;
mod security;
mod slow_sockets;
mod source;
mod units;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use super::source::{CurrentSource, SourceSwitch};
use super::state::{ApiState, DeviceInfo, Security};
use crate::store::Store;
use k1_engine::{RenderSettings, Shared, layout_for};
use k1_io::sources::SourceFactory;

/// A state over a fresh engine state (not running) and an in-memory store.
pub fn state_with(security: Security) -> ApiState {
    state_full(security, Arc::new(Store::in_memory()))
}

/// [`state_with`] over `store`.
pub fn state_with_store(security: Security, store: Store) -> ApiState {
    state_full(security, Arc::new(store))
}

/// The default state over `store`.
pub fn state_over(store: Arc<Store>) -> ApiState {
    state_full(
        Security {
            loopback_only: true,
            ..Security::default()
        },
        store,
    )
}

/// A state over a fresh engine state, with `security` and `store`.
pub fn state_full(security: Security, store: Arc<Store>) -> ApiState {
    state_parts(security, store, test_inputs())
}

/// The default state whose microphones come from `inputs`.
pub fn state_with_inputs(
    store: Arc<Store>,
    inputs: &'static k1_io::sources::live::devices::FakeInputs,
) -> ApiState {
    let security = Security {
        loopback_only: true,
        ..Security::default()
    };
    state_parts(security, store, inputs)
}

/// A state over a fresh engine state, with `security`, `store` and capture devices `inputs`.
fn state_parts(
    security: Security,
    store: Arc<Store>,
    inputs: &'static k1_io::sources::live::devices::FakeInputs,
) -> ApiState {
    let shared = Arc::new(Shared::new(layout_for(320), RenderSettings::DEFAULT));
    let factory = SourceFactory {
        rate: 12_800,
        hop: 64,
        lowest_note: 33,
        playback: false,
        clock: k1_io::clock::MonotonicClock::new(),
        inputs,
    };
    let current = CurrentSource {
        spec: "demo".into(),
        kind: "demo",
        name: "demo loop (120 BPM)".into(),
        saved: None,
    };
    let source = Arc::new(SourceSwitch::new(
        factory,
        Arc::clone(&shared),
        current,
        None,
    ));
    let state = ApiState::new(
        shared,
        store,
        DeviceInfo {
            name: "test".into(),
            outputs: vec!["null".into()],
            fps: 200,
        },
        source,
        security,
    );
    // No test browses the real network: discovery finds nothing unless a test says otherwise.
    state.with_discovery(Arc::new(no_devices))
}

/// Discovery that finds nothing.
fn no_devices(_wait: std::time::Duration) -> Result<Vec<crate::discover::Device>, String> {
    Ok(Vec::new())
}

/// The capture devices every test state sees: a fixed list, no sound card. Tests that plug
/// devices in and out make a state of their own with [`state_with_inputs`].
pub fn test_inputs() -> &'static k1_io::sources::live::devices::FakeInputs {
    static INPUTS: std::sync::OnceLock<&'static k1_io::sources::live::devices::FakeInputs> =
        std::sync::OnceLock::new();
    INPUTS.get_or_init(|| k1_io::sources::live::devices::FakeInputs::leak(Vec::new()))
}

/// The default state: loopback, no token.
pub fn state() -> ApiState {
    state_with(Security {
        loopback_only: true,
        ..Security::default()
    })
}

/// A reply: status, headers, body bytes.
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as JSON (panics with the body if it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

/// Sends one request through a fresh router over `state`.
pub async fn call(state: &ApiState, req: Request<Body>) -> Reply {
    let app: Router = super::router(state.clone());
    let res = app.oneshot(req).await.expect("the router is infallible");
    let status = res.status();
    let headers = res.headers().clone();
    let body = res
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

/// A request with a JSON (or any text) body.
pub fn req(method: Method, path: &str, body: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .expect("request")
}

/// GET `path`.
pub async fn get(state: &ApiState, path: &str) -> Reply {
    call(state, req(Method::GET, path, "")).await
}

/// POST `body` to `path`.
pub async fn post(state: &ApiState, path: &str, body: &str) -> Reply {
    call(state, req(Method::POST, path, body)).await
}

/// Checks an error reply: its status, code and field.
pub fn assert_error(r: &Reply, status: u16, code: &str, field: Option<&str>) {
    let j = r.json();
    assert_eq!(r.status.as_u16(), status, "{j}");
    assert_eq!(j["error"], code, "{j}");
    assert_eq!(j["status"], status, "{j}");
    assert!(j["message"].as_str().is_some_and(|m| !m.is_empty()), "{j}");
    if let Some(f) = field {
        assert_eq!(j["field"], f, "{j}");
    }
}
