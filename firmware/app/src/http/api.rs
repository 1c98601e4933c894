//! The API's handlers: thin glue between picoserve and `k1_fw_logic::api` / `health`, which
//! hold the JSON shapes and the checks (tested on the host).

use core::sync::atomic::Ordering;

use k1_core::render::PatternId;
use k1_fw_logic::api::{
    self as shapes, PalettesBody, ParamsBody, PatternsBody, Refusal, Selected, refusal,
};
use k1_fw_logic::health::{HealthBody, Performance};
use picoserve::response::{IntoResponse, Json, StatusCode};

use heapless::Vec;

use crate::http::BODY_MAX;
use crate::metrics;
use crate::render::PATTERN;
use crate::state::device;

/// A JSON reply with a status.
fn reply<T: serde::Serialize>(status: u16, body: T) -> impl IntoResponse {
    Json(body)
        .into_response()
        .with_status_code(StatusCode::new(status))
}

/// A refusal in the host's error shape, with its status.
fn refused(e: Refusal) -> impl IntoResponse {
    let status = e.status;
    Json(e)
        .into_response()
        .with_status_code(StatusCode::new(status))
}

/// Before `main` installed the device state (the first milliseconds of boot).
fn starting() -> Refusal {
    refusal(503, "starting", None, "the device is starting")
}

/// `GET /api/params`.
pub async fn get_params() -> Result<impl IntoResponse, impl IntoResponse> {
    match device().await.as_ref() {
        Some(d) => Ok(reply(
            200,
            ParamsBody::new(&d.settings.params, d.settings.pattern),
        )),
        None => Err(refused(starting())),
    }
}

/// `POST /api/params`: a partial update; replies with the whole object.
pub async fn post_params(body: Vec<u8, BODY_MAX>) -> Result<impl IntoResponse, impl IntoResponse> {
    let mut guard = device().await;
    let Some(d) = guard.as_mut() else {
        return Err(refused(starting()));
    };
    match shapes::post_params(&body, &d.settings.params, d.settings.pattern) {
        Ok(p) => {
            d.set_params(p);
            Ok(reply(200, ParamsBody::new(&p, d.settings.pattern)))
        }
        Err(e) => Err(refused(e)),
    }
}

/// `POST /api/select`.
pub async fn select(body: Vec<u8, BODY_MAX>) -> Result<impl IntoResponse, impl IntoResponse> {
    let id = match shapes::post_select(&body) {
        Ok(id) => id,
        Err(e) => return Err(refused(e)),
    };
    let mut guard = device().await;
    let Some(d) = guard.as_mut() else {
        return Err(refused(starting()));
    };
    d.set_pattern(id);
    Ok(reply(200, Selected::from(id)))
}

/// `GET /api/patterns`.
pub async fn patterns() -> impl IntoResponse {
    let current = PatternId::from_index(PATTERN.load(Ordering::Relaxed) as usize)
        .unwrap_or(PatternId::Spectrum);
    Json(PatternsBody::new(current))
}

/// `GET /api/palettes`.
pub async fn palettes() -> impl IntoResponse {
    Json(PalettesBody::new())
}

/// `GET /api/device/performance`.
pub async fn performance() -> impl IntoResponse {
    let window = metrics::window();
    Json(Performance {
        fps: window.fps,
        frame_time_us: window.frame_time_us,
        latency_p99_ms: window.latency_p99_ms,
        memory_free_kb: (esp_alloc::HEAP.free() / 1024) as u32,
        window,
    })
}

/// `GET /api/health`: 200 when every criterion holds over the last second, else 503.
pub async fn health() -> impl IntoResponse {
    let body = HealthBody::new(&metrics::window());
    reply(body.http_status(), body)
}

/// `GET /api/device/microphone`: the slot and the one-bit-late correction in force.
pub async fn get_microphone() -> Result<impl IntoResponse, impl IntoResponse> {
    match device().await.as_ref() {
        Some(d) => Ok(reply(200, d.settings.mic)),
        None => Err(refused(starting())),
    }
}

/// `POST /api/device/microphone`: `slot` and/or `late_bit`; applies at once, saved soon.
pub async fn post_microphone(
    body: Vec<u8, BODY_MAX>,
) -> Result<impl IntoResponse, impl IntoResponse> {
    let mut guard = device().await;
    let Some(d) = guard.as_mut() else {
        return Err(refused(starting()));
    };
    match shapes::post_microphone(&body, d.settings.mic) {
        Ok(mic) => {
            d.set_mic(mic);
            Ok(reply(200, mic))
        }
        Err(e) => Err(refused(e)),
    }
}
