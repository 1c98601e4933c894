//! The routes that save things: presets, backup and restore, and the settings document.

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::*;
use crate::store::Doc;

#[tokio::test]
async fn presets_crud_and_apply() {
    let s = state();
    assert_eq!(get(&s, "/api/presets").await.json()["count"], 0);
    post(&s, "/api/select", r#"{"id": "bloom"}"#).await;
    post(&s, "/api/params", r#"{"brightness": 0.3}"#).await;
    let r = post(&s, "/api/presets", r#"{"name": "Dim bloom"}"#).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.json()["pattern"], "bloom");
    let r = post(
        &s,
        "/api/presets",
        r#"{"name": "Lava", "pattern": "lava", "parameters": {"warmth": 0.7}}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = post(
        &s,
        "/api/presets",
        r#"{"name": "Lava", "pattern": "lava", "parameters": {"warmth": 0.8}}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "replaced");
    let j = get(&s, "/api/presets").await.json();
    assert_eq!(j["count"], 2);
    let j = post(&s, "/api/presets/Lava/apply", "").await.json();
    assert_eq!(
        (
            j["current_pattern"].clone(),
            j["parameters"]["warmth"].clone()
        ),
        (json!(1), json!(0.8))
    );
    assert_eq!(
        j["parameters"]["brightness"], 1.0,
        "a preset is a whole look"
    );
    let j = post(&s, "/api/presets/Dim%20bloom/apply", "").await.json();
    assert_eq!(
        (j["id"].clone(), j["parameters"]["brightness"].clone()),
        (json!("bloom"), json!(0.3))
    );
    assert!(s.store.get(Doc::Presets).unwrap()["presets"]["Lava"].is_object());
    assert_eq!(
        call(&s, req(Method::DELETE, "/api/presets/Lava", ""))
            .await
            .status,
        StatusCode::OK
    );
    assert_error(
        &call(&s, req(Method::DELETE, "/api/presets/Lava", "")).await,
        404,
        "preset_not_found",
        None,
    );
    assert_error(
        &post(&s, "/api/presets/Lava/apply", "").await,
        404,
        "preset_not_found",
        None,
    );
    for (body, code, field) in [
        ("{}", "missing_field", "name"),
        (r#"{"name": ""}"#, "invalid_value", "name"),
        (r#"{"name": " x"}"#, "invalid_value", "name"),
        (r#"{"name": "a/b"}"#, "invalid_value", "name"),
        (r#"{"name": 5}"#, "invalid_value", "name"),
        (r#"{"name": "x", "colour": 1}"#, "unknown_field", "colour"),
        (
            r#"{"name": "x", "parameters": {"brightness": 2}}"#,
            "invalid_value",
            "brightness",
        ),
        (
            r#"{"name": "x", "parameters": 3}"#,
            "invalid_value",
            "parameters",
        ),
    ] {
        assert_error(
            &post(&s, "/api/presets", body).await,
            400,
            code,
            Some(field),
        );
    }
    assert_error(
        &post(&s, "/api/presets", r#"{"name": "x", "pattern": "nope"}"#).await,
        404,
        "pattern_not_found",
        None,
    );
    let long = "x".repeat(65);
    assert_error(
        &post(&s, "/api/presets", &json!({"name": long}).to_string()).await,
        400,
        "invalid_value",
        Some("name"),
    );
    assert_error(
        &post(&s, "/api/presets/%FF/apply", "").await,
        400,
        "invalid_value",
        Some("name"),
    );
}

#[tokio::test]
async fn backup_and_restore_round_trip() {
    let s = state();
    post(&s, "/api/select", r#"{"index": 9}"#).await;
    post(
        &s,
        "/api/params",
        r#"{"brightness": 0.6, "dithering": 0, "palette_id": 4}"#,
    )
    .await;
    post(&s, "/api/presets", r#"{"name": "p1"}"#).await;
    post(&s, "/api/audio-config", r#"{"microphone_gain": 0.75}"#).await;
    let r = get(&s, "/api/config/backup").await;
    assert!(
        r.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let backup = r.json();
    assert_eq!(backup["version"], "1.0");
    assert_eq!(backup["current_pattern"], 9);
    assert_eq!(
        backup["parameters"]["dithering"], 0,
        "the original lost it; K1 keeps it"
    );

    let fresh = state();
    let j = post(&fresh, "/api/config/restore", &backup.to_string())
        .await
        .json();
    assert_eq!(j["success"], true, "{j}");
    assert_eq!(
        (j["pattern_restored"].clone(), j["presets_restored"].clone()),
        (json!(true), json!(1))
    );
    assert_eq!(fresh.shared.settings(), s.shared.settings());
    assert_eq!(fresh.shared.audio().gain(), 0.75);
    let with_outputs =
        r#"{"version": "1.0", "parameters": {}, "outputs": [{"url": "ddp://10.0.0.9"}]}"#;
    let j = post(&fresh, "/api/config/restore", with_outputs)
        .await
        .json();
    assert_eq!(j["outputs_restored"], true, "{j}");
    assert_eq!(
        fresh.store.get(Doc::Outputs).unwrap()["outputs"][0]["url"],
        "ddp://10.0.0.9"
    );
    let j = post(&fresh, "/api/config/restore", &backup.to_string())
        .await
        .json();
    assert_eq!(j["success"], true, "{j}");
    assert_eq!(get(&fresh, "/api/presets").await.json()["count"], 1);

    // The original device's backup: no dithering, no presets; missing fields are reported.
    let original = r#"{"version":"1.0","device":"K1.reinvented","parameters":{"brightness":0.5,"softness":0.25,"color":0.33,"color_range":0,"saturation":0.75,"warmth":0,"background":0.25,"speed":0.5,"palette_id":2,"custom_param_1":0.5,"custom_param_2":0.5,"custom_param_3":0.5},"current_pattern":5,"device_info":{"ip":"1.2.3.4"}}"#;
    let j = post(&fresh, "/api/config/restore", original).await.json();
    assert!(
        j["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().starts_with("dithering")),
        "{j}"
    );
    assert_eq!(fresh.shared.settings().pattern, 5);

    let before = fresh.shared.settings();
    for (body, code) in [
        ("{}", "invalid_backup_format"),
        (r#"{"version": "1.0"}"#, "invalid_backup_format"),
        (r#"{"parameters": {}}"#, "invalid_backup_format"),
        (
            r#"{"version": "1.0", "parameters": {"brightness": 3}}"#,
            "invalid_value",
        ),
        (
            r#"{"version": "1.0", "parameters": {}, "presets": {"a": {"parameters": {"speed": -1}}}}"#,
            "invalid_value",
        ),
        (
            r#"{"version": "1.0", "parameters": {}, "audio": {"microphone_gain": 9}}"#,
            "invalid_value",
        ),
        (
            r#"{"version": "1.0", "parameters": {}, "calibration": {"bins": [1]}}"#,
            "invalid_value",
        ),
        (
            r#"{"version": "1.0", "parameters": {}, "outputs": [{"url": "nope://x"}]}"#,
            "invalid_value",
        ),
        (
            r#"{"version": "1.0", "parameters": {}, "outputs": [{"host": "x"}]}"#,
            "invalid_value",
        ),
    ] {
        assert_error(
            &post(&fresh, "/api/config/restore", body).await,
            400,
            code,
            None,
        );
    }
    assert_error(
        &post(
            &fresh,
            "/api/config/restore",
            r#"{"version": "1.0", "parameters": {}, "current_pattern": 77}"#,
        )
        .await,
        404,
        "pattern_not_found",
        None,
    );
    assert_eq!(
        fresh.shared.settings(),
        before,
        "a rejected restore changes nothing"
    );
}

#[tokio::test]
async fn changes_are_persisted_into_the_store() {
    let s = state();
    post(&s, "/api/select", r#"{"id": "pulse"}"#).await;
    post(&s, "/api/params", r#"{"speed": 0.9}"#).await;
    let doc = s.store.get(Doc::Settings).unwrap();
    assert_eq!(doc["pattern"], "pulse");
    assert_eq!(doc["parameters"]["speed"], 0.9);
    let (settings, gain) = crate::control::restore(&doc, RenderSettings::DEFAULT).unwrap();
    assert_eq!(settings, s.shared.settings());
    assert_eq!(gain, Some(1.0));
}
