//! `GET /api/config/backup` and `POST /api/config/restore`: everything a user set, in one JSON
//! file, in the original device's backup shape (`version`, `parameters`, `current_pattern`, ...)
//! plus K1's presets, input gain, LED outputs, calibration, latency compensation (`latency`:
//! the audio offset and each output's delay, by name) and the power switch (`power`:
//! `{"on": bool}`; a backup without it leaves the switch as it is).
//!
//! A restore checks the whole backup before it changes anything. Unlike the original, a missing
//! parameter is reported in `warnings` (it takes its default), and `dithering` is kept.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::{Map, Value, json};

use super::control;
use super::error::ApiError;
use super::extract::{JsonBody, MAX_RESTORE_BODY};
use super::params::num;
use super::presets;
use super::state::ApiState;
use crate::store::Doc;

/// The backup format's version (the original's).
pub const BACKUP_VERSION: &str = "1.0";

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// `GET /api/config/backup`: a file download.
pub async fn backup(State(state): State<ApiState>) -> impl IntoResponse {
    let look = control::look_json(&state.shared.settings());
    let body = json!({
        "version": BACKUP_VERSION,
        "device": state.device.name,
        "timestamp": now_ms(),
        "uptime_seconds": state.started.elapsed().as_secs(),
        "parameters": look["parameters"],
        "current_pattern": look["current_pattern"],
        "pattern": look["pattern"],
        "device_info": {"name": state.device.name, "firmware": env!("CARGO_PKG_VERSION")},
        "power": super::power::reply(&state),
        "presets": presets::all(&state),
        "audio": {"microphone_gain": num(state.shared.audio().gain())},
        "calibration": state.store.get(Doc::Calibration),
        "outputs": super::outputs::tables(&state, true),
        "latency": super::latency::saved(&state),
    });
    (
        [(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"k1-backup.json\"",
        )],
        Json(body),
    )
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::Field {
        code: "invalid_backup_format",
        field: "version".into(),
        message: message.into(),
    }
}

/// `POST /api/config/restore`.
pub async fn restore(
    State(state): State<ApiState>,
    JsonBody(body): JsonBody<Map<String, Value>, MAX_RESTORE_BODY>,
) -> Result<Json<Value>, ApiError> {
    if !body.get("version").is_some_and(Value::is_string) {
        return Err(invalid(
            "a backup has a \"version\" string and a \"parameters\" object",
        ));
    }
    let Some(Value::Object(parameters)) = body.get("parameters") else {
        return Err(ApiError::Field {
            code: "invalid_backup_format",
            field: "parameters".into(),
            message: "a backup has a \"parameters\" object".into(),
        });
    };
    // The look: the pattern by index (the original) or id.
    let mut look = Map::new();
    let pattern = body
        .get("current_pattern")
        .filter(|v| !v.is_null())
        .or(body.get("pattern"))
        .cloned();
    let pattern_restored = pattern.is_some();
    if let Some(p) = pattern {
        look.insert("pattern".into(), p);
    }
    look.insert("parameters".into(), Value::Object(parameters.clone()));
    let settings = control::look_settings(&Value::Object(look), state.shared.settings())?;
    let mut warnings = Vec::new();
    for info in k1_core::params::GLOBAL.iter() {
        let name = super::error::api_field(info.name);
        if !parameters.contains_key(name) {
            warnings.push(format!("{name} was not in the backup: its default is used"));
        }
    }
    // Presets, checked one by one.
    let restored_presets = match body.get("presets") {
        None | Some(Value::Null) => None,
        Some(Value::Object(p)) => {
            for (name, preset) in p {
                presets::check_name(name)?;
                control::look_settings(preset, settings)
                    .map_err(|e| ApiError::value(format!("presets.{name}"), e.body().message))?;
            }
            Some(p.clone())
        }
        Some(_) => return Err(ApiError::value("presets", "presets must be an object")),
    };
    let gain = match body.get("audio").and_then(|a| a.get("microphone_gain")) {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_f64()
                .map(|g| g as f32)
                .filter(|g| (k1_engine::MIN_GAIN..=k1_engine::MAX_GAIN).contains(g))
                .ok_or_else(|| ApiError::value("audio.microphone_gain", "must be 0.5..=2"))?,
        ),
    };
    let power = match body.get("power") {
        None | Some(Value::Null) => None,
        Some(Value::Object(p)) => match p.get("on") {
            Some(Value::Bool(on)) => Some(*on),
            other => {
                return Err(ApiError::value(
                    "power.on",
                    format!(
                        "power.on must be true or false, got {}",
                        other.map_or("nothing".to_string(), Value::to_string)
                    ),
                ));
            }
        },
        Some(_) => {
            return Err(ApiError::value(
                "power",
                "power must be an object {\"on\": true|false}",
            ));
        }
    };
    let calibration = match body.get("calibration") {
        None | Some(Value::Null) => None,
        Some(c) => {
            k1_io::noise::parse(&c.to_string()).map_err(|e| ApiError::value("calibration", e))?;
            Some(c.clone())
        }
    };
    // A backup of a K1 that had no LED outputs restores none: it leaves the running ones alone.
    let outputs = match body.get("outputs") {
        None | Some(Value::Null) => None,
        Some(Value::Array(list)) if list.is_empty() => None,
        Some(list) => {
            let tables: Vec<k1_io::outputs::OutputConfig> = serde_json::from_value(list.clone())
                .map_err(|e| ApiError::value("outputs", e.to_string()))?;
            let leds = state.shared.layout().leds();
            let mut specs = Vec::new();
            for t in tables.iter().filter(|t| t.enabled) {
                let spec = t
                    .resolve()
                    .map_err(|e| ApiError::value("outputs", format!("{}: {e}", t.url)))?;
                if !matches!(spec.target, k1_io::outputs::Target::WledSync { .. }) {
                    spec.range_for(leds)
                        .map_err(|e| ApiError::value("outputs", format!("{}: {e}", t.url)))?;
                }
                specs.push(spec);
            }
            k1_io::outputs::unique_names(&mut specs);
            Some(specs)
        }
    };
    let latency = match body.get("latency") {
        None | Some(Value::Null) => None,
        Some(l @ Value::Object(_)) => Some(super::latency::read_saved(l).map_err(|e| {
            let b = e.body();
            ApiError::value(
                format!("latency.{}", b.field.unwrap_or_default()),
                b.message,
            )
        })?),
        Some(_) => return Err(ApiError::value("latency", "latency must be an object")),
    };
    // Everything checked: apply.
    state.shared.update(|s| -> Result<(), ApiError> {
        s.params = settings.params;
        s.pattern = settings.pattern;
        if let Some(on) = power {
            s.power = u32::from(on);
        }
        Ok(())
    })?;
    if let Some(g) = gain {
        let _ = state.shared.audio().set_gain(g);
    }
    // The outputs first, so the restored delays find them by name.
    let outputs_restored = outputs.is_some();
    if let Some(specs) = outputs {
        warnings.extend(super::outputs::replace_all(&state, &specs));
    }
    let latency_restored = latency.is_some();
    if let Some((offset, delays)) = latency {
        for name in super::latency::restore(&state.shared, offset, &delays, true) {
            warnings.push(format!(
                "the delay of output '{name}' was not restored: no output of that name runs now"
            ));
        }
    }
    control::persist(&state);
    let presets_restored = restored_presets.as_ref().map_or(0, Map::len);
    if let Some(p) = restored_presets {
        presets::save_all(&state, p);
    }
    let calibration_restored = calibration.is_some();
    if let Some(c) = calibration {
        state.store.put(Doc::Calibration, c);
        warnings.push("the restored noise calibration is used from the next start".into());
    }
    Ok(Json(json!({
        "success": true,
        "outputs_restored": outputs_restored,
        "parameters_restored": true,
        "pattern_restored": pattern_restored,
        "presets_restored": presets_restored,
        "calibration_restored": calibration_restored,
        "latency_restored": latency_restored,
        "power_restored": power.is_some(),
        "timestamp": now_ms(),
        "warnings": warnings,
    })))
}
