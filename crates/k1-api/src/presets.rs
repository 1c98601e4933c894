//! Presets: named looks (a pattern and its parameters) kept in the store.
//!
//! `GET /api/presets` lists them, `POST /api/presets {"name", "pattern"?, "parameters"?}` saves
//! one (the current look when only a name is given; an existing name is replaced),
//! `DELETE /api/presets/{name}` removes one and `POST /api/presets/{name}/apply` makes it
//! current. [`saved_look`] reads one from a config directory without a running API, for
//! `k1 run --preset NAME`.

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
use k1_engine::RenderSettings;

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

/// The look (pattern and parameters) of the preset called `name` among those saved in the
/// config directory `dir`, read from its presets file without opening the store (for `k1 run
/// --preset NAME`, before the API starts). The error says what is wrong and names the presets
/// that exist.
pub fn saved_look(dir: &std::path::Path, name: &str) -> Result<RenderSettings, String> {
    let path = dir.join(Doc::Presets.file_name());
    let none_saved = || {
        format!(
            "no preset called '{name}': no presets are saved in {} (save one in the web UI or \
             with POST /api/presets)",
            dir.display()
        )
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(none_saved()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let doc: Value = serde_json::from_slice(&bytes)
        .map_err(|e| format!("{} is not valid JSON: {e}", path.display()))?;
    let presets = match doc.get("presets") {
        Some(Value::Object(p)) => p,
        _ => return Err(none_saved()),
    };
    if presets.is_empty() {
        return Err(none_saved());
    }
    let Some(preset) = presets.get(name) else {
        let names: Vec<&str> = presets.keys().map(String::as_str).collect();
        return Err(format!(
            "no preset called '{name}'; saved presets: {}",
            names.join(", ")
        ));
    };
    control::look_settings(preset, RenderSettings::DEFAULT).map_err(|e| {
        format!(
            "preset '{name}' in {}: {}",
            path.display(),
            e.body().message
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_preset_is_read_by_name_and_a_wrong_name_lists_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let e = saved_look(dir.path(), "party").unwrap_err();
        assert!(e.contains("no presets are saved"), "{e}");
        std::fs::write(
            dir.path().join("presets.json"),
            r#"{"version": 1, "presets": {
                "party": {"pattern": "bloom", "parameters": {"brightness": 0.4, "palette_id": 3}},
                "calm": {"pattern": "lava"}}}"#,
        )
        .unwrap();
        let s = saved_look(dir.path(), "party").unwrap();
        assert_eq!(s.pattern_id(), k1_core::render::PatternId::Bloom);
        assert_eq!((s.params.brightness, s.params.palette), (0.4, 3));
        let e = saved_look(dir.path(), "nope").unwrap_err();
        assert!(e.contains("'nope'") && e.contains("calm, party"), "{e}");
        std::fs::write(dir.path().join("presets.json"), "{not json").unwrap();
        let e = saved_look(dir.path(), "party").unwrap_err();
        assert!(e.contains("not valid JSON"), "{e}");
    }
}
