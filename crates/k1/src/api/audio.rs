//! `GET/POST /api/audio-config`: the input gain (the original's `microphone_gain`, 0.5..=2),
//! the source, and a noise calibration started while K1 runs (saved when it finishes).

use axum::Json;
use axum::extract::State;
use serde_json::{Map, Value, json};

use super::control;
use super::error::ApiError;
use super::extract::JsonBody;
use super::params::num;
use super::state::ApiState;
use crate::engine::{CalibrationState, MAX_CALIBRATION_SECONDS, MAX_GAIN, MIN_GAIN};

/// A calibration's length when `{"calibrate": true}` gives none, seconds.
pub const DEFAULT_CALIBRATION_SECONDS: f32 = 5.0;

fn reply(state: &ApiState) -> Value {
    let calibration = match state.shared.audio().calibration() {
        CalibrationState::Idle => json!({"state": "idle"}),
        CalibrationState::Running => json!({"state": "running"}),
        CalibrationState::Done(floor) => json!({
            "state": "done",
            "rms": num(floor.rms),
            "calibrated": floor.calibrated,
        }),
    };
    json!({
        "microphone_gain": num(state.shared.audio().gain()),
        "gain_min": num(MIN_GAIN),
        "gain_max": num(MAX_GAIN),
        "source": state.device.source,
        "calibration": calibration,
    })
}

/// `GET /api/audio-config`.
pub async fn get(State(state): State<ApiState>) -> Json<Value> {
    Json(reply(&state))
}

/// `POST /api/audio-config`: `{"microphone_gain": g}`, `{"calibrate": true}` or
/// `{"calibrate_seconds": s}` (a quiet room, please). All checked before anything changes.
pub async fn post(
    State(state): State<ApiState>,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    let mut gain = None;
    let mut seconds = None;
    for (key, value) in &body {
        match key.as_str() {
            "microphone_gain" => {
                let g = value
                    .as_f64()
                    .map(|g| g as f32)
                    .filter(|g| (MIN_GAIN..=MAX_GAIN).contains(g));
                gain = Some(g.ok_or_else(|| {
                    ApiError::value(key, format!("microphone_gain must be a number from {MIN_GAIN} to {MAX_GAIN}, got {value}"))
                })?);
            }
            "calibrate" => match value {
                Value::Bool(true) => {
                    seconds.get_or_insert(DEFAULT_CALIBRATION_SECONDS);
                }
                Value::Bool(false) => {}
                _ => return Err(ApiError::value(key, "calibrate must be true or false")),
            },
            "calibrate_seconds" => {
                let s = value
                    .as_f64()
                    .map(|s| s as f32)
                    .filter(|s| (0.5..=MAX_CALIBRATION_SECONDS).contains(s));
                seconds = Some(s.ok_or_else(|| {
                    ApiError::value(key, format!("calibrate_seconds must be a number from 0.5 to {MAX_CALIBRATION_SECONDS}, got {value}"))
                })?);
            }
            "source" => {
                if value.as_str() != Some(state.device.source.as_str()) {
                    return Err(ApiError::value(
                        key,
                        "the source cannot change while K1 runs; restart it with --input",
                    ));
                }
            }
            _ => {
                return Err(ApiError::Field {
                    code: "unknown_field",
                    field: key.clone(),
                    message: format!(
                        "unknown field '{key}'; valid: microphone_gain, calibrate, calibrate_seconds, source"
                    ),
                });
            }
        }
    }
    let audio = state.shared.audio();
    if let Some(g) = gain {
        audio
            .set_gain(g)
            .map_err(|e| ApiError::value("microphone_gain", e.to_string()))?;
        control::persist(&state);
    }
    if let Some(s) = seconds {
        audio
            .start_calibration(s)
            .map_err(|e| ApiError::value("calibrate_seconds", e.to_string()))?;
    }
    Ok(Json(reply(&state)))
}
