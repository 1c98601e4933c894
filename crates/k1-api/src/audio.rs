//! `GET/POST /api/audio-config`: the input gain (the original's `microphone_gain`, 0.5..=2),
//! the audio source (switched while K1 runs, see [`super::source`]), and a noise calibration
//! started while K1 runs (saved when it finishes).

use axum::Json;
use axum::extract::State;
use serde_json::{Map, Value, json};

use super::control;
use super::error::ApiError;
use super::extract::JsonBody;
use super::params::num;
use super::state::ApiState;
use k1_engine::{CalibrationState, MAX_CALIBRATION_SECONDS, MAX_GAIN, MIN_GAIN};

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
    let mut reply = json!({
        "microphone_gain": num(state.shared.audio().gain()),
        "gain_min": num(MIN_GAIN),
        "gain_max": num(MAX_GAIN),
        "calibration": calibration,
    });
    if let (Some(out), Value::Object(source)) = (reply.as_object_mut(), state.source.json()) {
        out.extend(source);
    }
    reply
}

/// `GET /api/audio-config`.
pub async fn get(State(state): State<ApiState>) -> Json<Value> {
    Json(reply(&state))
}

/// `POST /api/audio-config`: `{"source": "demo" | "mic" | "mic:NAME" | "wled-sync[:PORT]" |
/// path}`, `{"microphone_gain": g}`, `{"calibrate": true}` or `{"calibrate_seconds": s}` (a quiet
/// room, please). Everything is checked first; the source is switched next (the reply waits for
/// the swap), and only if that worked do the gain and calibration change.
pub async fn post(
    State(state): State<ApiState>,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    let mut gain = None;
    let mut seconds = None;
    let mut source = None;
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
                let text = value.as_str().ok_or_else(|| {
                    ApiError::value(key, format!("source must be a string such as \"demo\", \"mic\" or a file path, got {value}"))
                })?;
                k1_io::sources::SourceSpec::parse(text)
                    .map_err(|e| ApiError::value(key, format!("source {e}")))?;
                source = Some(text.to_string());
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
    if let Some(text) = source {
        let before = state.source.current();
        let after = state.source.switch(&text).await?;
        if after != before {
            control::persist(&state);
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
