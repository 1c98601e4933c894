//! A fuzz of the API driven by its OpenAPI document: random requests to every documented route
//! (bodies built from the schema's field names with values in, at and beyond their ranges, of
//! the wrong type, or random JSON and bytes; random path segments) must never get a 5xx or
//! panic, every error must be the JSON error shape, and the engine's settings must stay valid.

use axum::body::Body;
use axum::http::{Method, Request};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::*;
use crate::openapi::document;

/// Every documented (method, path, field names of its request body) of the document.
fn operations() -> Vec<(Method, String, Vec<String>)> {
    let doc = document();
    let schemas = doc["components"]["schemas"].clone();
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (m, op) in item.as_object().unwrap() {
            let method = Method::from_bytes(m.to_uppercase().as_bytes()).unwrap();
            let mut fields = Vec::new();
            let schema = &op["requestBody"]["content"]["application/json"]["schema"];
            let schema = match schema["$ref"].as_str() {
                Some(r) => schemas[r.trim_start_matches("#/components/schemas/")].clone(),
                None => schema.clone(),
            };
            if let Some(props) = schema["properties"].as_object() {
                fields.extend(props.keys().cloned());
            }
            out.push((method, path.clone(), fields));
        }
    }
    out
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![
            Just(0.0),
            Just(1.0),
            Just(-1.0),
            Just(0.5),
            Just(2.0),
            Just(33.0),
            Just(1e300),
            Just(-0.0)
        ]
        .prop_map(|x: f64| json!(x)),
        (-1e6f64..1e6).prop_map(|x| json!(x)),
        any::<i64>().prop_map(|x| json!(x)),
        any::<u64>().prop_map(|x| json!(x)),
        "[a-z_]{0,12}".prop_map(Value::String),
        any::<String>().prop_map(Value::String),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,10}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A body: an object of the schema's fields (some) with random values, random JSON, or bytes.
fn body(fields: Vec<String>) -> impl Strategy<Value = Vec<u8>> {
    let known = if fields.is_empty() {
        vec!["x".to_string()]
    } else {
        fields
    };
    let object =
        prop::collection::vec((prop::sample::select(known), json_value()), 0..5).prop_map(|kv| {
            Value::Object(kv.into_iter().collect())
                .to_string()
                .into_bytes()
        });
    prop_oneof![
        4 => object,
        2 => json_value().prop_map(|v| v.to_string().into_bytes()),
        1 => prop::collection::vec(any::<u8>(), 0..64),
        1 => Just(Vec::new()),
    ]
}

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9 _-]{1,20}".prop_map(|s| s.replace(' ', "%20")),
        Just("%FF%FE".to_string()),
        Just("..".to_string()),
        "[%0-9A-F]{1,9}",
    ]
}

fn case() -> impl Strategy<Value = (Method, String, Vec<u8>)> {
    prop::sample::select(operations()).prop_flat_map(|(method, path, fields)| {
        (Just(method), Just(path), segment(), body(fields))
            .prop_map(|(m, p, seg, b)| (m, p.replace("{name}", &seg).replace("{id}", &seg), b))
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1500,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_request_gets_a_5xx_or_breaks_the_settings((method, path, bytes) in case()) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let s = state();
        // Some presets so apply and delete sometimes find one.
        rt.block_on(post(&s, "/api/presets", r#"{"name": "a"}"#));
        let req = Request::builder()
            .method(method.clone())
            .uri(&path)
            .header("content-type", "application/json")
            .body(Body::from(bytes.clone()))
            .unwrap();
        let r = rt.block_on(call(&s, req));
        let shown = String::from_utf8_lossy(&bytes).into_owned();
        // /api/health answers 503 by design while the engine is not healthy (here: not running),
        // and /api/latency/measure when there is no speaker or microphone (here: none).
        let by_design = (path == "/api/health" || path == "/api/latency/measure")
            && r.status.as_u16() == 503;
        prop_assert!(r.status.as_u16() < 500 || by_design, "{method} {path} {shown} -> {}", r.status);
        if !r.status.is_success() && !by_design {
            let j: Value = serde_json::from_slice(&r.body).map_err(|e| {
                TestCaseError::fail(format!("{method} {path}: error body is not JSON: {e}"))
            })?;
            prop_assert!(j["error"].is_string() && j["message"].is_string(), "{j}");
        }
        let settings = s.shared.settings();
        prop_assert!(settings.params.validate().is_ok(), "{method} {path} {shown}");
        prop_assert!((settings.pattern as usize) < k1_core::render::PATTERN_COUNT);
        let g = s.shared.audio().gain();
        prop_assert!((0.5..=2.0).contains(&g));
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// WebSocket commands: any text gets an ack or an error, never a panic, and the settings
    /// stay valid.
    #[test]
    fn websocket_commands_never_break_anything(
        kind in prop::sample::select(vec![
            "set_params", "get_params", "select", "reset", "apply_preset", "subscribe", "ping", "nope",
        ]),
        fields in prop::collection::vec(
            (prop::sample::select(vec!["params", "index", "id", "name", "fps", "frames", "telemetry", "brightness"]), json_value()),
            0..4,
        ),
        raw in prop::option::of(any::<String>()),
    ) {
        let s = state();
        let mut msg: Map<String, Value> = fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        msg.insert("type".into(), json!(kind));
        let text = raw.unwrap_or_else(|| Value::Object(msg).to_string());
        let reply = crate::ws::handle_text(&s, &text);
        prop_assert!(matches!(reply["type"].as_str(), Some("ack" | "error")), "{reply}");
        prop_assert!(s.shared.settings().params.validate().is_ok());
    }
}
