//! The commands that change the engine, shared by the REST routes and the WebSocket: set
//! parameters, select a pattern, reset, apply a preset. Each change goes to the renderer through
//! `Shared::update` (never blocking it) and to the store (written within the debounce window).

use k1_core::params::Params;
use k1_core::render::{PATTERN_COUNT, PatternId};
use serde_json::{Map, Value, json};

use super::error::ApiError;
use super::params;
use super::state::ApiState;
use crate::store::Doc;
use k1_engine::RenderSettings;

/// The version of the settings and presets documents.
pub const DOC_VERSION: u32 = 1;

/// The parameter object of the current settings.
pub fn params_reply(state: &ApiState) -> Value {
    let s = state.shared.settings();
    Value::Object(params::to_json(&s.params, s.pattern_id()))
}

/// `POST /api/params`: a partial update; replies with the whole parameter object.
pub fn set_params(state: &ApiState, body: &Map<String, Value>) -> Result<Value, ApiError> {
    let s = state.shared.update(|s| {
        let custom = s.pattern_id().info().custom;
        params::apply(&mut s.params, body, custom)
    })?;
    persist(state);
    Ok(Value::Object(params::to_json(&s.params, s.pattern_id())))
}

/// Finds the pattern a select body names: `{"index": n}` or `{"id": "bloom"}` (a name works too).
pub fn find_pattern(body: &Map<String, Value>) -> Result<PatternId, ApiError> {
    let not_found = |what: String| ApiError::NotFound {
        code: "pattern_not_found",
        message: format!("no pattern {what}; GET /api/patterns lists them"),
    };
    let last = PATTERN_COUNT - 1;
    if let Some(v) = body.get("index") {
        let Some(i) = v.as_u64() else {
            return Err(ApiError::value(
                "index",
                format!("index must be an integer from 0 to {last}, got {v}"),
            ));
        };
        return usize::try_from(i)
            .ok()
            .and_then(PatternId::from_index)
            .ok_or_else(|| not_found(format!("with index {i} (the indices are 0 to {last})")));
    }
    if let Some(v) = body.get("id") {
        let Some(id) = v.as_str() else {
            return Err(ApiError::value(
                "id",
                format!("id must be a string, got {v}"),
            ));
        };
        return PatternId::find(id).ok_or_else(|| not_found(format!("called '{id}'")));
    }
    Err(ApiError::MissingField("index"))
}

/// The reply to a select: `{current_pattern, id, name}`.
pub fn pattern_reply(id: PatternId) -> Value {
    json!({"current_pattern": id.index(), "id": id.info().id, "name": id.info().name})
}

/// `POST /api/select`.
pub fn select(state: &ApiState, body: &Map<String, Value>) -> Result<Value, ApiError> {
    let id = find_pattern(body)?;
    state.shared.update(|s| -> Result<(), ApiError> {
        s.pattern = id.index() as u32;
        s.standby = 0;
        Ok(())
    })?;
    persist(state);
    Ok(pattern_reply(id))
}

/// `POST /api/reset`: every parameter to its default; the pattern stays.
pub fn reset(state: &ApiState) -> Value {
    let s = state
        .shared
        .update(|s| -> Result<(), ApiError> {
            s.params = Params::DEFAULT;
            Ok(())
        })
        .unwrap_or_else(|_| state.shared.settings());
    persist(state);
    Value::Object(params::to_json(&s.params, s.pattern_id()))
}

/// Applies a whole stored look (`{"pattern": id, "parameters": {...}}`): missing parameters take
/// their defaults. Checks everything before changing anything.
pub fn apply_look(state: &ApiState, look: &Value) -> Result<RenderSettings, ApiError> {
    let next = look_settings(look, state.shared.settings())?;
    let s = state.shared.update(|s| -> Result<(), ApiError> {
        s.params = next.params;
        s.pattern = next.pattern;
        s.standby = 0;
        Ok(())
    })?;
    persist(state);
    Ok(s)
}

/// The settings a stored look describes, on top of `base` (whose standby is kept).
pub fn look_settings(look: &Value, base: RenderSettings) -> Result<RenderSettings, ApiError> {
    let mut next = base;
    let pattern = match look.get("pattern") {
        None | Some(Value::Null) => base.pattern_id(),
        Some(Value::String(id)) => PatternId::find(id).ok_or_else(|| ApiError::NotFound {
            code: "pattern_not_found",
            message: format!("no pattern called '{id}'"),
        })?,
        Some(Value::Number(_)) => find_pattern(
            &[("index".to_string(), look["pattern"].clone())]
                .into_iter()
                .collect(),
        )?,
        Some(other) => {
            return Err(ApiError::value(
                "pattern",
                format!("pattern must be a pattern id, got {other}"),
            ));
        }
    };
    next.pattern = pattern.index() as u32;
    next.params = Params::DEFAULT;
    match look.get("parameters") {
        None | Some(Value::Null) => {}
        Some(Value::Object(p)) => {
            let mut p = p.clone();
            p.remove(params::PATTERN_PARAMS);
            params::apply(&mut next.params, &p, pattern.info().custom)?;
        }
        Some(_) => {
            return Err(ApiError::value(
                "parameters",
                "parameters must be an object",
            ));
        }
    }
    Ok(next)
}

/// A stored look of `settings`: `{"pattern": id, "parameters": {...}}`.
pub fn look_json(settings: &RenderSettings) -> Map<String, Value> {
    let mut p = params::to_json(&settings.params, settings.pattern_id());
    p.remove(params::PATTERN_PARAMS);
    let mut out = Map::new();
    out.insert("pattern".into(), json!(settings.pattern_id().info().id));
    out.insert("current_pattern".into(), json!(settings.pattern));
    out.insert("parameters".into(), Value::Object(p));
    out
}

/// Saves the current settings, the power switch, input gain, the source chosen over the API, the
/// audio offset and the outputs' delays (written within the debounce window). A source given on
/// the command line is not saved: it stays with that run.
pub fn persist(state: &ApiState) {
    let settings = state.shared.settings();
    let mut doc = look_json(&settings);
    doc.insert("version".into(), json!(DOC_VERSION));
    doc.insert("power".into(), json!(settings.powered()));
    doc.insert(
        "microphone_gain".into(),
        params::num(state.shared.audio().gain()),
    );
    if let Some(source) = state.source.current().saved {
        doc.insert("source".into(), json!(source));
    }
    doc.extend(super::latency::saved(state));
    state.store.put(Doc::Settings, Value::Object(doc));
}

/// The source a saved settings document names, if any (checked when it is opened).
pub fn saved_source(doc: &Value) -> Option<String> {
    doc.get("source")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The settings (with the power switch) and gain a saved settings document holds, on top of
/// `base`; an error says what is wrong with it.
pub fn restore(doc: &Value, base: RenderSettings) -> Result<(RenderSettings, Option<f32>), String> {
    let mut settings = look_settings(doc, base).map_err(|e| e.body().message)?;
    match doc.get("power") {
        None | Some(Value::Null) => {}
        Some(Value::Bool(on)) => settings.power = u32::from(*on),
        Some(other) => return Err(format!("power must be true or false, got {other}")),
    }
    let gain = match doc.get("microphone_gain") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_f64()
                .map(|g| g as f32)
                .filter(|g| (k1_engine::MIN_GAIN..=k1_engine::MAX_GAIN).contains(g))
                .ok_or_else(|| format!("microphone_gain {v} is out of range"))?,
        ),
    };
    Ok((settings, gain))
}
