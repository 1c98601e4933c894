//! Presets: named looks (a pattern and its parameters) kept in the store.
//!
//! `GET /api/presets` lists them, `POST /api/presets {"name", "pattern"?, "parameters"?}` saves
//! one (the current look when only a name is given; an existing name is replaced),
//! `DELETE /api/presets/{name}` removes one and `POST /api/presets/{name}/apply` makes it
//! current.

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::control;
use super::error::ApiError;
use super::extract::JsonBody;
use super::state::ApiState;
use crate::store::Doc;

/// The most presets kept.
pub const MAX_PRESETS: usize = 200;
/// The longest preset name, characters.
pub const MAX_NAME: usize = 64;

/// The presets, by name.
pub fn all(state: &ApiState) -> Map<String, Value> {
    match state.store.get(Doc::Presets) {
        Some(Value::Object(mut doc)) => match doc.remove("presets") {
            Some(Value::Object(p)) => p,
            _ => Map::new(),
        },
        _ => Map::new(),
    }
}

/// Replaces every preset.
pub fn save_all(state: &ApiState, presets: Map<String, Value>) {
    state.store.put(
        Doc::Presets,
        json!({"version": control::DOC_VERSION, "presets": presets}),
    );
}

/// Checks a preset name: 1..=64 characters, no control characters or `/`.
pub fn check_name(name: &str) -> Result<(), ApiError> {
    let n = name.chars().count();
    if n == 0 || n > MAX_NAME || name.trim() != name {
        return Err(ApiError::value(
            "name",
            format!("a preset name has 1 to {MAX_NAME} characters and no space at either end"),
        ));
    }
    if name.chars().any(|c| c.is_control() || c == '/') {
        return Err(ApiError::value(
            "name",
            "a preset name has no control characters or '/'",
        ));
    }
    Ok(())
}

fn listed(name: &str, preset: &Value) -> Value {
    let mut p = preset.as_object().cloned().unwrap_or_default();
    p.insert("name".into(), json!(name));
    Value::Object(p)
}

/// `GET /api/presets`.
pub async fn list(State(state): State<ApiState>) -> Json<Value> {
    let presets: Vec<Value> = all(&state).iter().map(|(n, p)| listed(n, p)).collect();
    Json(json!({"presets": presets, "count": presets.len()}))
}

/// `POST /api/presets`.
pub async fn create(
    State(state): State<ApiState>,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let name = match body.get("name") {
        Some(Value::String(n)) => n.clone(),
        Some(_) => return Err(ApiError::value("name", "name must be a string")),
        None => return Err(ApiError::MissingField("name")),
    };
    check_name(&name)?;
    if let Some(key) = body
        .keys()
        .find(|k| !matches!(k.as_str(), "name" | "pattern" | "parameters"))
    {
        return Err(ApiError::Field {
            code: "unknown_field",
            field: key.clone(),
            message: format!("unknown field '{key}'; valid: name, pattern, parameters"),
        });
    }
    let current = state.shared.settings();
    let settings = if body.contains_key("pattern") || body.contains_key("parameters") {
        control::look_settings(&Value::Object(body.clone()), current)?
    } else {
        current
    };
    let mut preset = control::look_json(&settings);
    preset.insert(
        "saved_at".into(),
        json!(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64)
        ),
    );
    let mut presets = all(&state);
    let replaced = presets.contains_key(&name);
    if !replaced && presets.len() >= MAX_PRESETS {
        return Err(ApiError::Conflict {
            code: "too_many_presets",
            message: format!("K1 keeps at most {MAX_PRESETS} presets; delete one first"),
        });
    }
    let preset = Value::Object(preset);
    let reply = listed(&name, &preset);
    presets.insert(name, preset);
    save_all(&state, presets);
    let code = if replaced {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((code, Json(reply)))
}

fn not_found(name: &str) -> ApiError {
    ApiError::NotFound {
        code: "preset_not_found",
        message: format!("no preset called '{name}'"),
    }
}

/// `DELETE /api/presets/{name}`.
pub async fn delete(
    State(state): State<ApiState>,
    name: Result<Path<String>, PathRejection>,
) -> Result<Json<Value>, ApiError> {
    let name = path_name(name)?;
    let mut presets = all(&state);
    if presets.remove(&name).is_none() {
        return Err(not_found(&name));
    }
    save_all(&state, presets);
    Ok(Json(json!({"deleted": name})))
}

/// Makes preset `name` current; replies with the pattern and the parameters.
pub fn apply(state: &ApiState, name: &str) -> Result<Value, ApiError> {
    let preset = all(state).remove(name).ok_or_else(|| not_found(name))?;
    let s = control::apply_look(state, &preset)?;
    let mut reply = control::pattern_reply(s.pattern_id());
    reply["parameters"] = control::params_reply(state);
    reply["preset"] = json!(name);
    Ok(reply)
}

/// `POST /api/presets/{name}/apply`.
pub async fn apply_route(
    State(state): State<ApiState>,
    name: Result<Path<String>, PathRejection>,
) -> Result<Json<Value>, ApiError> {
    let name = path_name(name)?;
    apply(&state, &name).map(Json)
}

/// The preset name in the path, or a JSON 400 (bad percent-encoding, not UTF-8).
fn path_name(name: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    name.map(|Path(n)| n)
        .map_err(|e| ApiError::value("name", e.body_text()))
}
