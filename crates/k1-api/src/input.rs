//! The audio input: which capture devices are plugged in (`GET /api/audio/inputs`), switching to
//! one while K1 runs (`POST /api/audio/input`), and the input level the WebSocket's telemetry
//! carries for the UI's meter ([`level_json`]).
//!
//! Devices come from the source switch's [`InputDevices`] (cpal in `k1 run`, a fixed list in
//! tests). A switch goes through [`super::source::SourceSwitch`] like any other source, so it is
//! saved with the settings (the atomic settings write) and comes back at the next start. A
//! device that is not plugged in is a 404 naming those that are; one that goes away while in
//! use leaves the light running (the capture is retried in the background) and the list reports
//! it as `"status": "missing"`.

use axum::Json;
use axum::extract::State;
use k1_core::Snapshot;
use serde_json::{Map, Value, json};

use super::control;
use super::error::ApiError;
use super::extract::JsonBody;
use super::state::ApiState;
use k1_io::sources::SourceSpec;
use k1_io::sources::live::devices::{InputDevice, InputDevices, find};

/// The level below which the meter shows nothing, dBFS (the analysis's silence threshold is
/// -60 dBFS; this leaves room to see the noise floor under it).
pub const METER_FLOOR_DBFS: f32 = -90.0;

/// The devices as the sound system lists them, on a blocking worker (probing takes a while).
async fn list(inputs: &'static dyn InputDevices) -> Result<Vec<InputDevice>, String> {
    match tokio::task::spawn_blocking(move || inputs.list()).await {
        Ok(Ok(list)) => Ok(list),
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(format!("listing the input devices stopped: {e}")),
    }
}

/// The spec that picks `device` (`mic:NAME`).
fn spec_of(device: &InputDevice) -> String {
    SourceSpec::Mic(Some(device.name.clone())).to_string()
}

/// The device the source in use captures from, if it is a microphone: `Some(None)` for the
/// default device, `Some(Some(name))` for a named one.
fn mic_in_use(spec: &str) -> Option<Option<String>> {
    match SourceSpec::parse(spec) {
        Ok(SourceSpec::Mic(name)) => Some(name),
        _ => None,
    }
}

/// The reply of both routes: the devices, which one is in use, and whether it is plugged in.
async fn reply(state: &ApiState) -> Value {
    let inputs = state.source.inputs();
    let current = state.source.current();
    let listed = if inputs.available() {
        list(inputs).await
    } else {
        Err("this k1 was built without the `audio` feature: it has no microphone input".into())
    };
    let (devices, error) = match listed {
        Ok(d) => (d, None),
        Err(e) => (Vec::new(), Some(e)),
    };
    // Which listed device is in use, and whether the one in use is there at all.
    let in_use = mic_in_use(&current.spec);
    let chosen = match &in_use {
        Some(None) => devices.iter().find(|d| d.is_default),
        Some(Some(name)) => find(&devices, name),
        None => None,
    };
    let (status, message) = match (&in_use, chosen, &error) {
        (None, _, _) => ("not_in_use", None),
        (Some(_), Some(_), _) => ("ok", None),
        (Some(_), None, Some(e)) => (
            "unknown",
            Some(format!("the input devices cannot be listed: {e}")),
        ),
        (Some(name), None, None) => (
            "missing",
            Some(format!(
                "{} is not plugged in: the light carries on without sound, and K1 keeps trying \
                 to reopen it; plug it back in or choose another input",
                match name {
                    Some(n) => format!("the input device \"{n}\""),
                    None => "no default input device".into(),
                }
            )),
        ),
    };
    let list: Vec<Value> = devices
        .iter()
        .map(|d| {
            json!({
                "name": d.name,
                "default": d.is_default,
                "rates": d.rates,
                "default_rate": d.default_rate,
                "channels": d.channels,
                "source": spec_of(d),
                "in_use": chosen.is_some_and(|c| c.name == d.name),
            })
        })
        .collect();
    json!({
        "available": inputs.available(),
        "devices": list,
        "error": error,
        "source": current.spec,
        "source_name": current.name,
        "source_kind": current.kind,
        "status": status,
        "message": message,
    })
}

/// `GET /api/audio/inputs`.
pub async fn get(State(state): State<ApiState>) -> Json<Value> {
    Json(reply(&state).await)
}

/// `POST /api/audio/input {"device": "NAME"}` (or `null` for the default device): switches the
/// audio source to that capture device. The name must be one `GET /api/audio/inputs` lists (404
/// `input_not_found` otherwise, naming those that are); the reply waits for the audio loop to
/// take it, like `POST /api/audio-config {"source": "mic:NAME"}`.
pub async fn post(
    State(state): State<ApiState>,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    if let Some(key) = body.keys().find(|k| k.as_str() != "device") {
        return Err(ApiError::Field {
            code: "unknown_field",
            field: key.clone(),
            message: format!("unknown field '{key}'; valid: device"),
        });
    }
    let wanted = match body.get("device") {
        None => return Err(ApiError::MissingField("device")),
        Some(Value::Null) => None,
        Some(Value::String(name)) if !name.trim().is_empty() => Some(name.trim().to_string()),
        Some(other) => {
            return Err(ApiError::value(
                "device",
                format!(
                    "device must be a device name from GET /api/audio/inputs, or null for the \
                     default device, got {other}"
                ),
            ));
        }
    };
    let inputs = state.source.inputs();
    if !inputs.available() {
        return Err(ApiError::value(
            "device",
            "this k1 was built without the `audio` feature: it has no microphone input",
        ));
    }
    let devices = list(inputs).await.map_err(|e| ApiError::Unavailable {
        code: "inputs_unavailable",
        message: format!("the input devices cannot be listed: {e}"),
    })?;
    let spec = match &wanted {
        None => {
            if !devices.iter().any(|d| d.is_default) {
                return Err(not_found("there is no default input device", &devices));
            }
            "mic".to_string()
        }
        Some(name) => match find(&devices, name) {
            Some(d) => spec_of(d),
            None => {
                return Err(not_found(
                    &format!("no input device is called \"{name}\""),
                    &devices,
                ));
            }
        },
    };
    let before = state.source.current();
    let after = state.source.switch(&spec).await?;
    if after != before {
        control::persist(&state);
    }
    Ok(Json(reply(&state).await))
}

fn not_found(what: &str, devices: &[InputDevice]) -> ApiError {
    let names: Vec<String> = devices.iter().map(|d| format!("\"{}\"", d.name)).collect();
    ApiError::FieldNotFound {
        code: "input_not_found",
        field: "device",
        message: format!(
            "{what}; plugged in now: {}",
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        ),
    }
}

/// The input level for the telemetry: `dbfs` (the last hop's RMS, at least
/// [`METER_FLOOR_DBFS`], one decimal), `gate` (`open` while there is sound, `closed` while the
/// analysis treats the input as silence) and `vu` (0..=1 after range control).
pub fn level_json(s: &Snapshot) -> Value {
    let dbfs = if s.rms_dbfs.is_finite() {
        s.rms_dbfs.max(METER_FLOOR_DBFS)
    } else {
        METER_FLOOR_DBFS
    };
    json!({
        "dbfs": super::params::num((dbfs * 10.0).round() / 10.0),
        "gate": if s.silent { "closed" } else { "open" },
        "vu": super::params::num((s.vu.clamp(0.0, 1.0) * 1000.0).round() / 1000.0),
    })
}
