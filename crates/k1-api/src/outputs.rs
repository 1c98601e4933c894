//! The LED outputs over the API, changed while K1 runs: `GET/POST /api/outputs` (list, add),
//! `POST/DELETE /api/outputs/{id}` (edit, remove), `POST /api/outputs/{id}/test` (the moving
//! test pattern for 3 s) and `POST /api/outputs/discover` (WLED devices on the LAN, with the
//! URL that adds each one).
//!
//! An output is its `--out` URL, parsed by the same rules (`k1_io::outputs::parse`, see
//! `docs/outputs.md`), so a bad one is a 400 that names the part at fault. Its LED range is the
//! URL's `leds=A-B`. Changes reach the engine through its output board
//! (`k1_engine::outputs::start_output` and siblings: the sink is built here, on a blocking
//! worker, and runs on a thread of its own), and the list is saved (`outputs.json`, the
//! `[[outputs]]` tables that a run with no `--out` starts with) and goes in backups.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::control;
use super::discover::Device;
use super::error::ApiError;
use super::extract::JsonBody;
use super::state::ApiState;
use crate::store::Doc;
use k1_engine::{BoardEntry, TEST_SECONDS};
use k1_io::outputs::{OutputSpec, Target};

/// Finds WLED devices, browsing mDNS for the given time. The server uses
/// [`super::discover::find`]; tests give a fake.
pub type Discovery = Arc<dyn Fn(Duration) -> Result<Vec<Device>, String> + Send + Sync>;

/// How long discovery listens unless the request says (`seconds`), and the most it may ask.
const DISCOVER_SECONDS: u64 = 3;
const MAX_DISCOVER_SECONDS: u64 = 10;

/// One output as the API shows it: its status (`k1_io::outputs::OutputStatus`) with its id
/// and whether its test shows.
fn entry_json(entry: &BoardEntry) -> Value {
    let mut v = serde_json::to_value(entry.handle.status()).unwrap_or_else(|_| json!({}));
    if let Value::Object(map) = &mut v {
        map.insert("id".into(), json!(entry.id));
        map.insert("testing".into(), json!(entry.control.testing()));
    }
    v
}

/// `GET /api/outputs`.
pub async fn list(State(state): State<ApiState>) -> Json<Value> {
    Json(listing(&state))
}

fn listing(state: &ApiState) -> Value {
    let outputs: Vec<Value> = state.shared.board().list().iter().map(entry_json).collect();
    json!({
        "leds": state.shared.layout().leds(),
        "test_seconds": TEST_SECONDS,
        "outputs": outputs,
    })
}

/// The outputs now, as `[[outputs]]` tables: URL and name, and with `delays` (a backup) an LED
/// output's delay where its URL or table gave one. The saved list leaves the delays out, and a
/// backup writes no other: those set over the API are kept with the latency settings, by name,
/// and a delay in a table would override them at every start.
pub fn tables(state: &ApiState, delays: bool) -> Vec<Value> {
    state
        .shared
        .output_handles()
        .iter()
        .map(|h| {
            let o = h.status();
            if delays && h.takes_frames() && h.delay_given() {
                json!({"url": o.url, "name": o.name, "delay_ms": o.delay_ms})
            } else {
                json!({"url": o.url, "name": o.name})
            }
        })
        .collect()
}

/// Saves the outputs now (`outputs.json`).
pub fn save(state: &ApiState) {
    state.store.put(
        Doc::Outputs,
        json!({"version": control::DOC_VERSION, "outputs": tables(state, false)}),
    );
}

/// The `url` of a request body, parsed and checked against the frame; its name made unique
/// among the other outputs (`except` is the one being edited).
fn spec_from(
    state: &ApiState,
    body: &Map<String, Value>,
    except: Option<u64>,
) -> Result<OutputSpec, ApiError> {
    if let Some(key) = body.keys().find(|k| k.as_str() != "url") {
        return Err(ApiError::Field {
            code: "unknown_field",
            field: key.clone(),
            message: format!(
                "an output is its URL: {{\"url\": \"ddp://HOST?leds=A-B\"}} (name=, fps= and \
                 delay= go in the URL); '{key}' is not a field"
            ),
        });
    }
    let url = match body.get("url") {
        None => return Err(ApiError::MissingField("url")),
        Some(Value::String(u)) => u,
        Some(other) => {
            return Err(ApiError::value(
                "url",
                format!("url must be a string, got {other}"),
            ));
        }
    };
    let mut spec = k1_io::outputs::parse(url).map_err(|e| ApiError::Field {
        code: "invalid_output",
        field: "url".into(),
        message: e.to_string(),
    })?;
    if !matches!(spec.target, Target::WledSync { .. }) {
        spec.range_for(state.shared.layout().leds())
            .map_err(|e| ApiError::Field {
                code: "invalid_output",
                field: "url".into(),
                message: format!("output \"{url}\": leds: {e}"),
            })?;
    }
    let taken: Vec<String> = state
        .shared
        .board()
        .list()
        .iter()
        .filter(|e| Some(e.id) != except)
        .map(|e| e.handle.name().to_string())
        .collect();
    spec.name = unique_name(&spec.name, &taken);
    Ok(spec)
}

/// `name`, or the first of `name #2`, `name #3`, … that no output in `taken` has.
fn unique_name(name: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == name) {
        return name.to_string();
    }
    (2..)
        .map(|n| format!("{name} #{n}"))
        .find(|c| !taken.contains(c))
        .unwrap_or_default()
}

/// An id from the path, or a 404 if it is not one (a segment that is not even text included).
fn id_from(path: Result<Path<String>, PathRejection>) -> Result<u64, ApiError> {
    let Ok(Path(text)) = path else {
        return Err(not_found("given"));
    };
    text.parse::<u64>().map_err(|_| not_found(&text))
}

fn not_found(id: impl std::fmt::Display) -> ApiError {
    ApiError::NotFound {
        code: "output_not_found",
        message: format!("no output has the id {id} (GET /api/outputs lists them)"),
    }
}

/// Runs `work` (which may resolve a host name or open a serial port) on a blocking worker.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| ApiError::Unavailable {
            code: "output_not_started",
            message: "the output could not be started (its worker stopped)".into(),
        })
}

fn start_failed(message: String) -> ApiError {
    ApiError::Field {
        code: "invalid_output",
        field: "url".into(),
        message,
    }
}

/// The entry with `id`, as JSON.
fn entry_by_id(state: &ApiState, id: u64) -> Result<Value, ApiError> {
    state
        .shared
        .board()
        .list()
        .iter()
        .find(|e| e.id == id)
        .map(entry_json)
        .ok_or_else(|| not_found(id))
}

/// `POST /api/outputs` `{"url": …}`: starts the output now and saves it; 201 with the output.
pub async fn add(
    State(state): State<ApiState>,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let spec = spec_from(&state, &body, None)?;
    let shared = Arc::clone(&state.shared);
    let id = blocking(move || k1_engine::outputs::start_output(&shared, &spec))
        .await?
        .map_err(start_failed)?;
    save(&state);
    Ok((StatusCode::CREATED, Json(entry_by_id(&state, id)?)))
}

/// `POST /api/outputs/{id}` `{"url": …}`: replaces the output (same id, same place) now and
/// saves it.
pub async fn edit(
    State(state): State<ApiState>,
    id: Result<Path<String>, PathRejection>,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    let id = id_from(id)?;
    if !state.shared.board().list().iter().any(|e| e.id == id) {
        return Err(not_found(id));
    }
    let spec = spec_from(&state, &body, Some(id))?;
    let shared = Arc::clone(&state.shared);
    let replaced = blocking(move || k1_engine::outputs::replace_output(&shared, id, &spec))
        .await?
        .map_err(start_failed)?;
    if !replaced {
        return Err(not_found(id));
    }
    save(&state);
    // The latency settings keep each delay by name: a renamed output's moves with it.
    control::persist(&state);
    Ok(Json(entry_by_id(&state, id)?))
}

/// `DELETE /api/outputs/{id}`: stops the output and saves the rest.
pub async fn remove(
    State(state): State<ApiState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<Value>, ApiError> {
    let id = id_from(id)?;
    if !k1_engine::outputs::stop_output(&state.shared, id) {
        return Err(not_found(id));
    }
    save(&state);
    Ok(Json(json!({"success": true, "removed": id})))
}

/// `POST /api/outputs/{id}/test`: the output shows a moving pattern over its LED range for
/// [`TEST_SECONDS`] of engine time, then the frames again.
pub async fn test(
    State(state): State<ApiState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<Value>, ApiError> {
    let id = id_from(id)?;
    let board = state.shared.board();
    let entry = board
        .list()
        .into_iter()
        .find(|e| e.id == id)
        .ok_or_else(|| not_found(id))?;
    if entry.handle.leds().is_empty() {
        return Err(ApiError::Conflict {
            code: "nothing_to_test",
            message: format!(
                "output '{}' sends the analysis (WLED audio sync), not LEDs: there is nothing \
                 to light",
                entry.handle.name()
            ),
        });
    }
    board.test(id);
    Ok(Json(
        json!({"success": true, "id": id, "seconds": TEST_SECONDS}),
    ))
}

/// `POST /api/outputs/discover` `{"seconds": 1..=10}` (optional, default 3): the WLED devices
/// that answer mDNS in that time, each with its LED count (from its JSON API) and the URL that
/// adds it as a DDP output (`url`, for `POST /api/outputs`).
pub async fn discover(
    State(state): State<ApiState>,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    let mut seconds = DISCOVER_SECONDS;
    for (key, value) in &body {
        match key.as_str() {
            "seconds" => {
                seconds = value
                    .as_u64()
                    .filter(|s| (1..=MAX_DISCOVER_SECONDS).contains(s))
                    .ok_or_else(|| {
                        ApiError::value(
                            "seconds",
                            format!(
                                "seconds must be a whole number 1..={MAX_DISCOVER_SECONDS}, got \
                                 {value}"
                            ),
                        )
                    })?;
            }
            _ => {
                return Err(ApiError::Field {
                    code: "unknown_field",
                    field: key.clone(),
                    message: format!("'{key}' is not a field (only 'seconds')"),
                });
            }
        }
    }
    let find = Arc::clone(&state.discovery);
    let found = blocking(move || find(Duration::from_secs(seconds)))
        .await?
        .map_err(|message| ApiError::Unavailable {
            code: "discovery_failed",
            message,
        })?;
    let leds = state.shared.layout().leds();
    let hosts: Vec<String> = state
        .shared
        .outputs()
        .iter()
        .filter_map(|o| k1_io::outputs::parse(&o.url).ok())
        .filter_map(|s| match s.target {
            Target::Ddp { host, .. }
            | Target::ArtNet { host, .. }
            | Target::Wled { host, .. }
            | Target::Opc { host, .. } => Some(host),
            _ => None,
        })
        .collect();
    let devices: Vec<Value> = found
        .iter()
        .map(|d| {
            let ip = d.addr.ip().to_string();
            let (name, count, version, error) = match &d.info {
                Ok(i) => (i.name.clone(), Some(i.leds), Some(i.version.clone()), None),
                Err(e) => (d.instance.clone(), None, None, Some(e.clone())),
            };
            json!({
                "instance": d.instance,
                "name": name,
                "address": ip,
                "port": d.addr.port(),
                "leds": count,
                "version": version,
                "error": error,
                "url": d.ddp_url(leds),
                "added": hosts.contains(&ip),
            })
        })
        .collect();
    Ok(Json(json!({"seconds": seconds, "devices": devices})))
}

/// Replaces every output by `specs` (a restored backup), now: the old ones stop, the new ones
/// start. Returns a warning for each that could not start.
pub fn replace_all(state: &ApiState, specs: &[OutputSpec]) -> Vec<String> {
    for entry in state.shared.board().list() {
        k1_engine::outputs::stop_output(&state.shared, entry.id);
    }
    let mut warnings = Vec::new();
    for spec in specs {
        if let Err(e) = k1_engine::outputs::start_output(&state.shared, spec) {
            warnings.push(format!("output {} not started: {e}", spec.url));
        }
    }
    save(state);
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_unique() {
        let taken = vec!["porch".to_string(), "porch #2".to_string()];
        assert_eq!(unique_name("attic", &taken), "attic");
        assert_eq!(unique_name("porch", &taken), "porch #3");
    }
}
