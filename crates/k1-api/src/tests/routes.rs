//! Every route with good and bad input.

use axum::http::{Method, StatusCode};
use k1_core::render::PATTERNS;
use serde_json::json;

use super::*;

#[tokio::test]
async fn patterns_in_the_original_order_with_custom_ranges() {
    let s = state();
    let r = get(&s, "/api/patterns").await;
    assert_eq!(r.status, StatusCode::OK);
    let j = r.json();
    let list = j["patterns"].as_array().unwrap();
    assert_eq!(list.len(), PATTERNS.len());
    // The original firmware's order.
    let ids: Vec<&str> = list.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(
        &ids[..14],
        [
            "departure",
            "lava",
            "twilight",
            "spectrum",
            "octave",
            "bloom",
            "pulse",
            "tempiscope",
            "beat_tunnel",
            "perlin",
            "void_trail",
            "analog",
            "metronome",
            "hype"
        ]
    );
    assert_eq!(list[5]["index"], 5);
    assert_eq!(list[0]["is_audio_reactive"], false);
    assert_eq!(list[3]["is_audio_reactive"], true);
    assert_eq!(j["current_pattern"], 0);
    let void = &list[10];
    let custom = void["custom_params"].as_array().unwrap();
    assert!(!custom.is_empty(), "{void}");
    assert!(
        custom[0]["param"]
            .as_str()
            .unwrap()
            .starts_with("custom_param_")
    );
    assert!(custom[0]["min"].is_number() && custom[0]["max"].is_number());
}

#[tokio::test]
async fn params_get_and_partial_post() {
    let s = state();
    let j = get(&s, "/api/params").await.json();
    for key in [
        "brightness",
        "palette_id",
        "custom_param_1",
        "custom_param_2",
        "custom_param_3",
        "dithering",
        "speed",
    ] {
        assert!(j.get(key).is_some(), "{key} missing: {j}");
    }
    let r = post(&s, "/api/params", r#"{"brightness": 0.4, "palette_id": 7}"#).await;
    assert_eq!(r.status, StatusCode::OK);
    let j = r.json();
    assert_eq!(
        (j["brightness"].clone(), j["palette_id"].clone()),
        (json!(0.4), json!(7))
    );
    assert_eq!(j["speed"], 0.5, "untouched fields stay");
    assert_eq!(s.shared.settings().params.brightness, 0.4);
    // The original client's slider values (v/100), dithering as 100/100.
    let j = post(&s, "/api/params", r#"{"softness": 0.31, "dithering": 0}"#)
        .await
        .json();
    assert_eq!(
        (j["softness"].clone(), j["dithering"].clone()),
        (json!(0.31), json!(0))
    );
    // Empty body: a reply (the original gave none), nothing changes.
    let r = post(&s, "/api/params", "").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["brightness"], 0.4);
}

#[tokio::test]
async fn params_out_of_range_or_unknown_is_a_400_naming_the_field() {
    let s = state();
    let cases = [
        (r#"{"brightness": 1.5}"#, "invalid_value", "brightness"),
        (r#"{"brightness": -0.1}"#, "invalid_value", "brightness"),
        (r#"{"palette_id": 33}"#, "invalid_value", "palette_id"),
        (r#"{"palette_id": 2.5}"#, "invalid_value", "palette_id"),
        (r#"{"speed": "fast"}"#, "invalid_value", "speed"),
        (r#"{"speed": [1]}"#, "invalid_value", "speed"),
        (r#"{"mirror": 3}"#, "invalid_value", "mirror"),
        (
            r#"{"custom_param_2": 1.01}"#,
            "invalid_value",
            "custom_param_2",
        ),
        (r#"{"hue": 0.5}"#, "unknown_field", "hue"),
        (
            r#"{"brightness": 0.2, "bogus": 1}"#,
            "unknown_field",
            "bogus",
        ),
        (
            r#"{"pattern_params": {"nope": 1}}"#,
            "unknown_field",
            "nope",
        ),
        (r#"{"brightness": 1e400}"#, "invalid_json", ""),
    ];
    for (body, code, field) in cases {
        let r = post(&s, "/api/params", body).await;
        let f = (!field.is_empty()).then_some(field);
        assert_error(&r, 400, code, f);
    }
    assert_eq!(
        s.shared.settings().params,
        k1_core::params::Params::DEFAULT,
        "all or nothing"
    );
    for body in ["{", "[1,2]", "\"x\"", "null", "{\"a\":}"] {
        assert_error(
            &post(&s, "/api/params", body).await,
            400,
            "invalid_json",
            None,
        );
    }
}

#[tokio::test]
async fn a_patterns_own_parameter_by_name() {
    let s = state();
    post(&s, "/api/select", r#"{"id": "void_trail"}"#).await;
    let p = &PATTERNS[10].custom[0];
    let value = if p.labels.is_empty() {
        json!(p.max)
    } else {
        json!(p.labels[0])
    };
    let body = json!({"pattern_params": {p.name: value}}).to_string();
    let j = post(&s, "/api/params", &body).await.json();
    assert_eq!(j["pattern_params"][p.name], value, "{j}");
    // And by its own name at the top level.
    let j = post(&s, "/api/params", &json!({p.name: value}).to_string())
        .await
        .json();
    assert_eq!(j["pattern_params"][p.name], value, "{j}");
}

#[tokio::test]
async fn select_by_index_or_id() {
    let s = state();
    let j = post(&s, "/api/select", r#"{"index": 5}"#).await.json();
    assert_eq!(
        j,
        json!({"current_pattern": 5, "id": "bloom", "name": "Bloom"})
    );
    let j = post(&s, "/api/select", r#"{"id": "lava"}"#).await.json();
    assert_eq!(j["current_pattern"], 1);
    assert_eq!(s.shared.settings().pattern, 1);
    assert_eq!(get(&s, "/api/patterns").await.json()["current_pattern"], 1);
    assert_error(
        &post(&s, "/api/select", r#"{"index": 99}"#).await,
        404,
        "pattern_not_found",
        None,
    );
    assert_error(
        &post(&s, "/api/select", r#"{"id": "nope"}"#).await,
        404,
        "pattern_not_found",
        None,
    );
    assert_error(
        &post(&s, "/api/select", "{}").await,
        400,
        "missing_field",
        Some("index"),
    );
    assert_error(
        &post(&s, "/api/select", "").await,
        400,
        "missing_field",
        Some("index"),
    );
    assert_error(
        &post(&s, "/api/select", r#"{"index": -1}"#).await,
        400,
        "invalid_value",
        Some("index"),
    );
    assert_error(
        &post(&s, "/api/select", r#"{"index": "3"}"#).await,
        400,
        "invalid_value",
        Some("index"),
    );
    assert_error(
        &post(&s, "/api/select", r#"{"id": 3}"#).await,
        400,
        "invalid_value",
        Some("id"),
    );
}

#[tokio::test]
async fn reset_keeps_the_pattern() {
    let s = state();
    post(&s, "/api/select", r#"{"index": 6}"#).await;
    post(&s, "/api/params", r#"{"brightness": 0.1, "warmth": 0.9}"#).await;
    let r = post(&s, "/api/reset", "").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["brightness"], 1.0);
    assert_eq!(s.shared.settings().params, k1_core::params::Params::DEFAULT);
    assert_eq!(s.shared.settings().pattern, 6);
    assert_eq!(
        post(&s, "/api/reset", "{\"x\":1}").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn palettes_with_five_preview_colours() {
    let j = get(&state(), "/api/palettes").await.json();
    assert_eq!(j["count"], 33);
    let list = j["palettes"].as_array().unwrap();
    assert_eq!(list.len(), 33);
    for (i, p) in list.iter().enumerate() {
        assert_eq!(p["id"], i);
        assert_eq!(p["colors"].as_array().unwrap().len(), 5);
        assert!(p["colors"][0]["r"].is_u64());
        assert!(p["num_keyframes"].as_u64().unwrap() >= 2);
    }
    assert_eq!(list[0]["name"], "Sunset Real");
}

#[tokio::test]
async fn audio_config_gain_and_calibration() {
    let s = state();
    let j = get(&s, "/api/audio-config").await.json();
    assert_eq!(j["microphone_gain"], 1.0);
    assert_eq!(j["calibration"]["state"], "idle");
    let j = post(&s, "/api/audio-config", r#"{"microphone_gain": 1.5}"#)
        .await
        .json();
    assert_eq!(j["microphone_gain"], 1.5);
    assert_eq!(s.shared.audio().gain(), 1.5);
    let j = post(&s, "/api/audio-config", r#"{"calibrate_seconds": 2}"#)
        .await
        .json();
    assert_eq!(j["calibration"]["state"], "running");
    for (body, field) in [
        (r#"{"microphone_gain": 2.5}"#, "microphone_gain"),
        (r#"{"microphone_gain": "x"}"#, "microphone_gain"),
        (r#"{"calibrate_seconds": 0.1}"#, "calibrate_seconds"),
        (r#"{"calibrate": "yes"}"#, "calibrate"),
        (r#"{"source": 5}"#, "source"),
    ] {
        assert_error(
            &post(&s, "/api/audio-config", body).await,
            400,
            "invalid_value",
            Some(field),
        );
    }
    assert_error(
        &post(&s, "/api/audio-config", r#"{"volume": 1}"#).await,
        400,
        "unknown_field",
        Some("volume"),
    );
    assert_eq!(s.shared.audio().gain(), 1.5);
    assert_eq!(
        post(&s, "/api/audio-config", "").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn device_info_performance_health_metrics() {
    let s = state();
    let j = get(&s, "/api/device/info").await.json();
    assert_eq!(j["name"], "test");
    assert_eq!(j["layout"]["leds"], 320);
    assert_eq!(j["layout"]["segments"].as_array().unwrap().len(), 2);
    assert!(j["uptime"].is_u64() && j["version"].is_string());
    assert_eq!(j["outputs"], json!([]), "no LED outputs configured");
    assert_eq!(j["sinks"], json!(["null"]));
    let j = get(&s, "/api/device/performance").await.json();
    assert!(
        j["window"]["fps"].is_number() && j["total"]["torn_reads"].is_u64(),
        "{j}"
    );
    // No engine ran: no second measured yet, so not healthy.
    let r = get(&s, "/api/health").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.json()["status"], "starting");
    let j = get(&s, "/api/test-connection").await.json();
    assert_eq!(j["status"], "ok");
    assert!(j["timestamp"].is_u64());
    let r = get(&s, "/metrics").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = String::from_utf8(r.body).unwrap();
    for metric in [
        "k1_fps ",
        "k1_frames_total ",
        "k1_torn_reads_total ",
        "k1_latency_ms{quantile=\"0.99\"} ",
        "k1_healthy 0",
    ] {
        assert!(text.contains(metric), "{metric} missing:\n{text}");
    }
    // Every sample line is "name{labels} number".
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (_, v) = line.rsplit_once(' ').unwrap();
        assert!(v.parse::<f64>().is_ok(), "{line}");
    }
}

#[test]
fn health_criteria_pass_and_fail_on_the_figures() {
    use k1_engine::Metrics;
    let mut good = Metrics {
        seconds: 1.0,
        fps: 200.0,
        ..Metrics::default()
    };
    good.latency.count = 10;
    good.latency.p99_ms = 6.0;
    let checks = crate::device::criteria(&good, &good);
    assert!(checks.iter().all(|c| c["pass"] == true), "{checks:?}");
    let mut slow = good.clone();
    slow.latency.p99_ms = 20.0;
    for bad in [
        Metrics {
            fps: 99.0,
            ..good.clone()
        },
        Metrics {
            frame_misses: 1,
            ..good.clone()
        },
        Metrics {
            torn_reads: 1,
            ..good.clone()
        },
        slow,
    ] {
        let checks = crate::device::criteria(&bad, &bad);
        assert_eq!(
            checks.iter().filter(|c| c["pass"] == false).count(),
            1,
            "{checks:?}"
        );
    }
}

#[tokio::test]
async fn bodies_are_limited_and_errors_are_json() {
    let s = state();
    let big = format!(
        "{{\"brightness\": 0.5, \"x\": \"{}\"}}",
        "a".repeat(70 * 1024)
    );
    assert_error(
        &post(&s, "/api/params", &big).await,
        413,
        "payload_too_large",
        None,
    );
    let r = get(&s, "/api/nope").await;
    assert_error(&r, 404, "not_found", None);
    let r = call(&s, req(Method::DELETE, "/api/params", "")).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.json()["error"], "method_not_allowed");
    let r = call(&s, req(Method::PUT, "/nope", "")).await;
    assert_error(&r, 404, "not_found", None);
    // /ws without an upgrade is a JSON 400.
    assert_error(&get(&s, "/ws").await, 400, "not_a_websocket", None);
}

#[tokio::test]
async fn the_web_ui_is_served_at_the_root() {
    let s = state();
    let r = get(&s, "/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = String::from_utf8_lossy(&r.body);
    assert!(
        html.to_ascii_lowercase().contains("<html") || html.contains("<!doctype"),
        "{html}"
    );
    // What the embedding leaves out is not served.
    assert_eq!(get(&s, "/package.json").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        get(&s, "/node_modules/x.js").await.status,
        StatusCode::NOT_FOUND
    );
    for file in crate::web::Assets::iter() {
        let r = get(&s, &format!("/{file}")).await;
        assert_eq!(r.status, StatusCode::OK, "{file}");
    }
}
