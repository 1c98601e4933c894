//! Latency compensation over the API: `GET/POST /api/latency` (the audio offset and each
//! output's delay, changed live and saved with the settings) and `POST /api/latency/measure`
//! (the wizard: a click train through the speaker, heard by the microphone, and the offset it
//! proposes).
//!
//! The rule (see `k1_io::sinks::delay`): each output holds a frame for its own delay plus the
//! audio offset, at least 0 and at most 1000 ms. A negative offset (the light is late) is taken
//! off the outputs' delays; what an output cannot absorb, and any total past 1000 ms, is reported
//! as `unhonoured_ms`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Json;
use axum::extract::State;
use serde_json::{Map, Value, json};

use super::control;
use super::error::ApiError;
use super::extract::JsonBody;
use super::state::ApiState;
use k1_io::latency::{Measurement, WizardError};
use k1_io::sinks::delay::{MAX_DELAY_MS, check_delay, check_offset, effective_delay_ms};

/// Runs the latency wizard on the machine's speaker and the microphone whose name contains the
/// argument (the default one if `None`). The binary gives the real one (cpal); tests give a
/// synthetic one.
pub type Wizard = Arc<dyn Fn(Option<String>) -> Result<Measurement, WizardError> + Send + Sync>;

/// A checked change: the audio offset (if given) and `(output name, delay)` pairs, ms.
pub type Update = (Option<i32>, Vec<(String, u32)>);

/// Set while a measurement runs (one at a time: two would hear each other's clicks).
#[derive(Debug, Default)]
pub struct WizardBusy(AtomicBool);

/// Clears [`WizardBusy`] when dropped, whichever way the measurement ends.
struct BusyGuard(ApiState);

impl Drop for BusyGuard {
    fn drop(&mut self) {
        self.0.wizard_busy.0.store(false, Ordering::Release);
    }
}

/// The outputs that take frames (not the audio-sync sender), each with its delays.
fn outputs(state: &ApiState, offset: i32) -> Vec<Value> {
    state
        .shared
        .outputs()
        .into_iter()
        .filter(|o| o.takes_frames())
        .map(|o| {
            let total = i64::from(o.delay_ms) + i64::from(offset);
            json!({
                "name": o.name,
                "url": o.url,
                "delay_ms": o.delay_ms,
                "effective_delay_ms": effective_delay_ms(o.delay_ms, offset),
                "unhonoured_ms": unhonoured_ms(total),
            })
        })
        .collect()
}

/// The part of an output's total delay (its own plus the audio offset, ms) that K1 cannot
/// apply: below 0 (the light would have to come before the sound) or past [`MAX_DELAY_MS`].
fn unhonoured_ms(total: i64) -> i64 {
    (-total).max(total - i64::from(MAX_DELAY_MS)).max(0)
}

/// The reply of every latency route.
fn reply(state: &ApiState) -> Value {
    let offset = state.shared.audio_offset_ms();
    json!({
        "audio_offset_ms": offset,
        "max_delay_ms": MAX_DELAY_MS,
        "outputs": outputs(state, offset),
        "wizard": {
            "available": state.wizard.is_some(),
            "running": state.wizard_busy.0.load(Ordering::Relaxed),
        },
    })
}

/// `GET /api/latency`.
pub async fn get(State(state): State<ApiState>) -> Json<Value> {
    Json(reply(&state))
}

/// A whole number of ms from `value`, or an error naming `field`.
fn whole_ms(field: &str, value: &Value) -> Result<i64, ApiError> {
    value.as_i64().ok_or_else(|| {
        ApiError::value(
            field,
            format!("{field} must be a whole number of milliseconds, got {value}"),
        )
    })
}

/// `POST /api/latency`: `{"audio_offset_ms": ms, "output_delays_ms": {"NAME": ms, ...}}`, both
/// optional; everything is checked before anything changes, then applied from the next frame
/// and saved.
pub async fn post(
    State(state): State<ApiState>,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    let (offset, delays) = check_update(&state, &body)?;
    apply(&state, offset, &delays);
    control::persist(&state);
    Ok(Json(reply(&state)))
}

/// The offset and delays an update asks for, checked.
pub fn check_update(state: &ApiState, body: &Map<String, Value>) -> Result<Update, ApiError> {
    let mut offset = None;
    let mut delays = Vec::new();
    for (key, value) in body {
        match key.as_str() {
            "audio_offset_ms" => offset = Some(offset_field(value)?),
            "output_delays_ms" => {
                let names: Vec<String> = state
                    .shared
                    .outputs()
                    .into_iter()
                    .filter(|o| o.takes_frames())
                    .map(|o| o.name)
                    .collect();
                delays = delays_field(value, Some(&names))?;
            }
            _ => {
                return Err(ApiError::Field {
                    code: "unknown_field",
                    field: key.clone(),
                    message: format!(
                        "unknown field '{key}'; valid: audio_offset_ms, output_delays_ms"
                    ),
                });
            }
        }
    }
    Ok((offset, delays))
}

/// `audio_offset_ms`, checked.
fn offset_field(value: &Value) -> Result<i32, ApiError> {
    const KEY: &str = "audio_offset_ms";
    let ms = whole_ms(KEY, value)?;
    check_offset(ms).map_err(|e| ApiError::value(KEY, e.to_string()))
}

/// `output_delays_ms` (an object of output names to ms), checked; with `outputs`, every name
/// must be one of them.
fn delays_field(value: &Value, outputs: Option<&[String]>) -> Result<Vec<(String, u32)>, ApiError> {
    const KEY: &str = "output_delays_ms";
    let Value::Object(map) = value else {
        return Err(ApiError::value(
            KEY,
            format!("{KEY} must be an object of output names to ms, got {value}"),
        ));
    };
    let mut delays = Vec::with_capacity(map.len());
    for (name, ms) in map {
        let field = format!("{KEY}.{name}");
        if let Some(names) = outputs
            && !names.contains(name)
        {
            let list = if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            };
            return Err(ApiError::value(
                &field,
                format!("no LED output called '{name}' (outputs: {list})"),
            ));
        }
        let ms = whole_ms(&field, ms)?;
        let ms = check_delay(ms).map_err(|e| ApiError::value(&field, e.to_string()))?;
        delays.push((name.clone(), ms));
    }
    Ok(delays)
}

/// Applies a checked update to the running engine.
pub fn apply(state: &ApiState, offset: Option<i32>, delays: &[(String, u32)]) {
    if let Some(ms) = offset {
        let _ = state.shared.set_audio_offset_ms(i64::from(ms));
    }
    for (name, ms) in delays {
        let _ = state.shared.set_output_delay_ms(name, i64::from(*ms));
    }
}

/// What the settings document and a backup keep: `{"audio_offset_ms", "output_delays_ms"}`.
pub fn saved(state: &ApiState) -> Map<String, Value> {
    let delays: Map<String, Value> = state
        .shared
        .outputs()
        .into_iter()
        .filter(|o| o.takes_frames())
        .map(|o| (o.name, json!(o.delay_ms)))
        .collect();
    let mut out = Map::new();
    out.insert(
        "audio_offset_ms".into(),
        json!(state.shared.audio_offset_ms()),
    );
    out.insert("output_delays_ms".into(), Value::Object(delays));
    out
}

/// `POST /api/latency/measure`: `{"microphone": NAME?, "apply": bool?}`. Runs the wizard
/// (about 5 s: a click train, then the analysis) on a blocking worker and replies with the
/// proposed offset, applied (and saved) if `apply` is true.
pub async fn measure(
    State(state): State<ApiState>,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    let mut microphone = None;
    let mut apply_it = false;
    for (key, value) in &body {
        match key.as_str() {
            "microphone" => match value {
                Value::String(s) => microphone = Some(s.clone()),
                Value::Null => {}
                _ => return Err(ApiError::value(key, "microphone must be a device name")),
            },
            "apply" => {
                apply_it = value
                    .as_bool()
                    .ok_or_else(|| ApiError::value(key, "apply must be true or false"))?;
            }
            _ => {
                return Err(ApiError::Field {
                    code: "unknown_field",
                    field: key.clone(),
                    message: format!("unknown field '{key}'; valid: microphone, apply"),
                });
            }
        }
    }
    let Some(wizard) = state.wizard.clone() else {
        return Err(ApiError::Unavailable {
            code: "no_audio_device",
            message: "this K1 is built without audio devices: the wizard needs a speaker and a \
                      microphone"
                .into(),
        });
    };
    if state.wizard_busy.0.swap(true, Ordering::AcqRel) {
        return Err(ApiError::Conflict {
            code: "measurement_running",
            message: "a latency measurement is running already".into(),
        });
    }
    // The flag is cleared when the measurement ends, not when this request does: a client that
    // goes away mid-measurement (a closed tab) drops this future, never the blocking task.
    let busy = BusyGuard(state.clone());
    let result = tokio::task::spawn_blocking(move || {
        let _busy = busy;
        wizard(microphone)
    })
    .await;
    let measurement = match result {
        Ok(Ok(m)) => m,
        Ok(Err(WizardError::NoDevice(message))) => {
            return Err(ApiError::Unavailable {
                code: "no_audio_device",
                message,
            });
        }
        Ok(Err(e)) => {
            return Err(ApiError::Unavailable {
                code: "measurement_failed",
                message: e.to_string(),
            });
        }
        Err(e) => {
            return Err(ApiError::Unavailable {
                code: "measurement_failed",
                message: format!("the measurement stopped: {e}"),
            });
        }
    };
    if apply_it {
        apply(&state, Some(measurement.offset_ms), &[]);
        control::persist(&state);
    }
    let mut out = json!({
        "measured_ms": (measurement.measured_ms * 10.0).round() / 10.0,
        "proposed_audio_offset_ms": measurement.offset_ms,
        "confidence": (f64::from(measurement.confidence) * 10.0).round() / 10.0,
        "speaker": measurement.speaker,
        "microphone": measurement.microphone,
        "applied": apply_it,
    });
    if let (Some(out), Value::Object(rest)) = (out.as_object_mut(), reply(&state)) {
        out.extend(rest);
    }
    Ok(Json(out))
}

/// The audio offset and output delays a settings document or backup holds
/// ([`saved`]'s shape), checked: `(offset, [(name, ms)])`. An error names the field at fault.
pub fn read_saved(doc: &Value) -> Result<Update, ApiError> {
    let offset = match doc.get("audio_offset_ms") {
        None | Some(Value::Null) => None,
        Some(v) => Some(offset_field(v)?),
    };
    let delays = match doc.get("output_delays_ms") {
        None | Some(Value::Null) => Vec::new(),
        // Saved names need not be outputs of this run (see [`restore`]).
        Some(v) => delays_field(v, None)?,
    };
    Ok((offset, delays))
}

/// Puts saved latency settings back into a running engine: the offset, and each delay on the
/// output of that name, except (unless `over_given`) where the output's URL or table set its
/// own delay, which wins. Returns the names of saved delays no output has.
pub fn restore(
    shared: &k1_engine::Shared,
    offset: Option<i32>,
    delays: &[(String, u32)],
    over_given: bool,
) -> Vec<String> {
    if let Some(ms) = offset {
        let _ = shared.set_audio_offset_ms(i64::from(ms));
    }
    let handles = shared.output_handles();
    let mut unknown = Vec::new();
    for (name, ms) in delays {
        let mut found = false;
        for h in handles
            .iter()
            .filter(|h| h.name() == name && h.takes_frames())
        {
            found = true;
            if over_given || !h.delay_given() {
                h.set_delay_ms(*ms);
            }
        }
        if !found {
            unknown.push(name.clone());
        }
    }
    unknown
}
