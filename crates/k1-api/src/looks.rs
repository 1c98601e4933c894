//! The routes about the look: `/api/patterns`, `/api/params`, `/api/select`, `/api/reset` and
//! `/api/palettes`.

use axum::Json;
use axum::extract::State;
use k1_core::palettes::PALETTES;
use k1_core::render::PATTERNS;
use serde_json::{Map, Value, json};

use super::control;
use super::error::ApiError;
use super::extract::JsonBody;
use super::params::num;
use super::state::ApiState;

/// `GET /api/patterns`: every pattern in the original firmware's order, with its own parameters
/// (their ranges and how their values read, `display`), and the current one.
pub async fn patterns(State(state): State<ApiState>) -> Json<Value> {
    let list: Vec<Value> = PATTERNS
        .iter()
        .enumerate()
        .map(|(index, p)| {
            let custom: Vec<Value> = p
                .custom
                .iter()
                .map(|c| {
                    json!({
                        "name": c.name,
                        "description": c.description,
                        "param": format!("custom_param_{}", c.slot + 1),
                        "min": num(c.min),
                        "max": num(c.max),
                        "labels": c.labels,
                        "display": super::params::display_json(&c.display),
                    })
                })
                .collect();
            json!({
                "index": index,
                "id": p.id,
                "name": p.name,
                "description": p.description,
                "is_audio_reactive": p.audio_reactive,
                "custom_params": custom,
            })
        })
        .collect();
    let current = state.shared.settings().pattern;
    Json(json!({"patterns": list, "current_pattern": current, "count": PATTERNS.len()}))
}

/// `GET /api/params`.
pub async fn get_params(State(state): State<ApiState>) -> Json<Value> {
    Json(control::params_reply(&state))
}

/// `POST /api/params`: a partial update.
pub async fn post_params(
    State(state): State<ApiState>,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    control::set_params(&state, &body).map(Json)
}

/// `POST /api/select`.
pub async fn select(
    State(state): State<ApiState>,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    control::select(&state, &body).map(Json)
}

/// `POST /api/reset`: parameters to their defaults, the pattern kept. Any body is ignored.
pub async fn reset(State(state): State<ApiState>) -> Json<Value> {
    Json(control::reset(&state))
}

/// `GET /api/palettes`: each palette with 5 preview colours (sRGB) and its keyframes.
pub async fn palettes() -> Json<Value> {
    let list: Vec<Value> = PALETTES
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let colors: Vec<Value> = p
                .preview()
                .iter()
                .map(|c| json!({"r": c.r, "g": c.g, "b": c.b}))
                .collect();
            let keyframes: Vec<Value> = p
                .keyframes
                .iter()
                .map(|k| json!({"position": k[0], "r": k[1], "g": k[2], "b": k[3]}))
                .collect();
            json!({
                "id": i,
                "key": p.id,
                "name": p.name,
                "colors": colors,
                "num_keyframes": p.keyframes.len(),
                "keyframes": keyframes,
            })
        })
        .collect();
    Json(json!({"palettes": list, "count": PALETTES.len()}))
}
