//! `/api/power`: the power switch. Off fades the light to black, on fades it back
//! (`k1_core::render::PowerFade`); the pattern, the parameters and the analysis carry on
//! unseen. The switch is saved with the other settings, so a restart keeps the light off.
//!
//! `GET /api/power` → `{"on": bool}`; `POST /api/power {"on": bool}` → the same, after the
//! change.

use axum::Json;
use axum::extract::State;
use serde_json::{Map, Value, json};

use super::control;
use super::error::ApiError;
use super::extract::JsonBody;
use super::state::ApiState;

/// The reply: whether the switch is on.
pub fn reply(state: &ApiState) -> Value {
    json!({"on": state.shared.settings().powered()})
}

/// Switches the light on or off from a body `{"on": bool}` (checked first; nothing else is
/// accepted).
pub fn set(state: &ApiState, body: &Map<String, Value>) -> Result<Value, ApiError> {
    if let Some(key) = body.keys().find(|k| k.as_str() != "on") {
        return Err(ApiError::Field {
            code: "unknown_field",
            field: key.clone(),
            message: format!("unknown field '{key}'; valid: on"),
        });
    }
    let on = match body.get("on") {
        Some(Value::Bool(on)) => *on,
        Some(other) => {
            return Err(ApiError::value(
                "on",
                format!("on must be true or false, got {other}"),
            ));
        }
        None => return Err(ApiError::MissingField("on")),
    };
    state.shared.update(|s| -> Result<(), ApiError> {
        s.power = u32::from(on);
        Ok(())
    })?;
    control::persist(state);
    Ok(reply(state))
}

/// `GET /api/power`.
pub async fn get(State(state): State<ApiState>) -> Json<Value> {
    Json(reply(&state))
}

/// `POST /api/power`.
pub async fn post(
    State(state): State<ApiState>,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    set(&state, &body).map(Json)
}
