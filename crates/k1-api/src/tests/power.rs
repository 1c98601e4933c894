//! `/api/power`: the switch, its strict body, what it changes in the engine's settings, and that
//! it is saved and restored with the other settings (but never carried by a preset).

use axum::http::StatusCode;
use serde_json::json;

use super::*;
use crate::store::Doc;

#[tokio::test]
async fn the_switch_turns_the_light_off_and_on() {
    let s = state();
    let r = get(&s, "/api/power").await;
    assert_eq!((r.status, r.json()), (StatusCode::OK, json!({"on": true})));
    let r = post(&s, "/api/power", r#"{"on": false}"#).await;
    assert_eq!((r.status, r.json()), (StatusCode::OK, json!({"on": false})));
    assert!(
        !s.shared.settings().powered(),
        "the render settings say off"
    );
    assert_eq!(get(&s, "/api/power").await.json(), json!({"on": false}));
    // The rest of the look is untouched, and selecting a pattern does not switch it on.
    post(&s, "/api/select", r#"{"id": "bloom"}"#).await;
    assert!(!s.shared.settings().powered());
    let r = post(&s, "/api/power", r#"{"on": true}"#).await;
    assert_eq!(r.json(), json!({"on": true}));
    assert!(s.shared.settings().powered());
}

#[tokio::test]
async fn a_bad_body_is_a_400_naming_the_field_and_changes_nothing() {
    let s = state();
    for (body, code, field) in [
        (r#"{"on": "false"}"#, "invalid_value", Some("on")),
        (r#"{"on": 0}"#, "invalid_value", Some("on")),
        (r#"{"on": null}"#, "invalid_value", Some("on")),
        ("{}", "missing_field", Some("on")),
        ("", "missing_field", Some("on")),
        (r#"{"on": false, "fade": 2}"#, "unknown_field", Some("fade")),
        ("[false]", "invalid_json", None),
        ("{\"on\": fal", "invalid_json", None),
    ] {
        let r = post(&s, "/api/power", body).await;
        assert_error(&r, 400, code, field);
        assert!(s.shared.settings().powered(), "{body} changed the switch");
    }
}

#[tokio::test]
async fn the_switch_is_saved_and_restored_but_not_in_presets() {
    let s = state();
    post(&s, "/api/power", r#"{"on": false}"#).await;
    let doc = s.store.get(Doc::Settings).expect("settings saved");
    assert_eq!(doc["power"], false, "{doc}");
    let (restored, _) = crate::control::restore(&doc, k1_engine::RenderSettings::DEFAULT).unwrap();
    assert!(!restored.powered());
    post(&s, "/api/presets", r#"{"name": "p"}"#).await;
    let preset = &s.store.get(Doc::Presets).unwrap()["presets"]["p"];
    assert!(preset.get("power").is_none(), "{preset}");
    // A saved document with a wrong type is refused as a whole, with a reason.
    let mut bad = doc.clone();
    bad["power"] = json!("off");
    let e = crate::control::restore(&bad, k1_engine::RenderSettings::DEFAULT).unwrap_err();
    assert!(e.contains("power"), "{e}");
    // An older document without the key leaves the switch as it was.
    let mut old = doc;
    old.as_object_mut().unwrap().remove("power");
    let (restored, _) = crate::control::restore(&old, k1_engine::RenderSettings::DEFAULT).unwrap();
    assert!(restored.powered());
}
