//! The audio input routes over a fake list of capture devices (no sound card): the list's shape,
//! switching to a device (taken by a stand-in audio loop), the saved choice, a device that is
//! not plugged in or goes away, and the level and power fields of the WebSocket telemetry.

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::json;

use super::source::FakeAudioLoop;
use super::*;
use crate::store::Doc;
use k1_io::sources::live::devices::{FakeInputs, InputDevice};

fn device(name: &str, is_default: bool) -> InputDevice {
    InputDevice {
        name: name.into(),
        is_default,
        rates: vec![44_100, 48_000],
        default_rate: Some(48_000),
        channels: 2,
    }
}

/// Two devices; the second's name is part of a third's, which comes first in the list.
fn plugged() -> Vec<InputDevice> {
    vec![
        device("Built-in Mic", true),
        device("USB Mic Pro", false),
        device("USB Mic", false),
    ]
}

#[tokio::test]
async fn the_list_names_every_device_marks_the_default_and_the_one_in_use() {
    let s = state_with_inputs(Arc::new(Store::in_memory()), FakeInputs::leak(plugged()));
    let r = get(&s, "/api/audio/inputs").await;
    assert_eq!(r.status, StatusCode::OK);
    let j = r.json();
    assert_eq!(j["available"], true);
    assert_eq!(j["source"], "demo");
    assert_eq!(j["status"], "not_in_use", "{j}");
    assert_eq!(j["error"], serde_json::Value::Null);
    let devices = j["devices"].as_array().unwrap();
    assert_eq!(devices.len(), 3);
    assert_eq!(
        devices[0],
        json!({
            "name": "Built-in Mic",
            "default": true,
            "rates": [44100, 48000],
            "default_rate": 48000,
            "channels": 2,
            "source": "mic:Built-in Mic",
            "in_use": false,
        })
    );
    assert!(devices[1..].iter().all(|d| d["default"] == false));
    // The microphone is a kind this state can switch to (it has devices).
    let cfg = get(&s, "/api/audio-config").await.json();
    assert!(
        cfg["source_kinds"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k == "mic"),
        "{cfg}"
    );
}

#[tokio::test]
async fn switching_to_a_device_uses_it_and_saves_the_choice() {
    let store = Arc::new(Store::in_memory());
    let s = state_with_inputs(Arc::clone(&store), FakeInputs::leak(plugged()));
    let audio = FakeAudioLoop::start(Arc::clone(&s.shared));

    // "USB Mic" is part of "USB Mic Pro", listed first: the exact name wins.
    let r = post(&s, "/api/audio/input", r#"{"device": "usb mic"}"#).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json());
    let j = r.json();
    assert_eq!(j["source"], "mic:USB Mic");
    assert_eq!(j["source_kind"], "mic");
    assert_eq!(j["source_name"], "microphone \"USB Mic\"");
    assert_eq!(j["status"], "ok");
    let in_use: Vec<&str> = j["devices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["in_use"] == true)
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(in_use, ["USB Mic"]);
    let saved = store.get(Doc::Settings).expect("the choice is saved");
    assert_eq!(saved["source"], "mic:USB Mic");
    assert_eq!(
        crate::saved_source(&store).as_deref(),
        Some("mic:USB Mic"),
        "the next start opens it"
    );

    // The same device again changes nothing; null picks the default device.
    post(&s, "/api/audio/input", r#"{"device": "USB Mic"}"#).await;
    assert_eq!(s.source.swaps(), 1);
    let j = post(&s, "/api/audio/input", r#"{"device": null}"#)
        .await
        .json();
    assert_eq!(j["source"], "mic");
    assert_eq!(j["status"], "ok");
    assert_eq!(j["devices"][0]["in_use"], true, "{j}");
    assert_eq!(store.get(Doc::Settings).unwrap()["source"], "mic");
    // The same switch through the audio config (the source text), and back to the demo.
    let j = post(&s, "/api/audio-config", r#"{"source": "mic:Built-in Mic"}"#)
        .await
        .json();
    assert_eq!(j["source"], "mic:Built-in Mic");
    post(&s, "/api/audio-config", r#"{"source": "demo"}"#).await;
    assert_eq!(
        audio.finish(),
        [
            "microphone \"USB Mic\"",
            "microphone \"Built-in Mic\"",
            "microphone \"Built-in Mic\"",
            "demo loop (120 BPM)"
        ]
    );
}

#[tokio::test]
async fn a_device_that_is_not_plugged_in_is_a_404_naming_those_that_are() {
    let store = Arc::new(Store::in_memory());
    let s = state_with_inputs(Arc::clone(&store), FakeInputs::leak(plugged()));
    let r = post(&s, "/api/audio/input", r#"{"device": "Ghost"}"#).await;
    assert_error(&r, 404, "input_not_found", Some("device"));
    let m = r.json()["message"].as_str().unwrap().to_string();
    assert!(
        m.contains("\"Ghost\"") && m.contains("\"USB Mic Pro\""),
        "{m}"
    );
    // Through the source text it is the switch's own 404.
    let r = post(&s, "/api/audio-config", r#"{"source": "mic:Ghost"}"#).await;
    assert_error(&r, 404, "source_not_found", Some("source"));
    assert!(r.json()["message"].as_str().unwrap().contains("Ghost"));
    // Nothing changed, nothing saved.
    assert_eq!(s.source.current().spec, "demo");
    assert!(store.get(Doc::Settings).is_none());

    // No default device at all.
    let none = state_with_inputs(
        Arc::new(Store::in_memory()),
        FakeInputs::leak(vec![device("USB Mic", false)]),
    );
    let r = post(&none, "/api/audio/input", r#"{"device": null}"#).await;
    assert_error(&r, 404, "input_not_found", Some("device"));
}

#[tokio::test]
async fn bad_bodies_are_400s_that_change_nothing() {
    let s = state_with_inputs(Arc::new(Store::in_memory()), FakeInputs::leak(plugged()));
    for (body, code, field) in [
        (r#"{"device": 3}"#, "invalid_value", Some("device")),
        (r#"{"device": ""}"#, "invalid_value", Some("device")),
        (
            r#"{"device": ["USB Mic"]}"#,
            "invalid_value",
            Some("device"),
        ),
        ("{}", "missing_field", Some("device")),
        (
            r#"{"device": "USB Mic", "rate": 48000}"#,
            "unknown_field",
            Some("rate"),
        ),
        ("[1]", "invalid_json", None),
    ] {
        assert_error(&post(&s, "/api/audio/input", body).await, 400, code, field);
    }
    assert_eq!(s.source.swaps(), 0);
    // Without any capture devices in the build (the default test state has none plugged in):
    // an empty list, and a 404 for any name.
    let plain = state();
    let j = get(&plain, "/api/audio/inputs").await.json();
    assert_eq!(j["devices"], json!([]));
    assert_error(
        &post(&plain, "/api/audio/input", r#"{"device": "USB Mic"}"#).await,
        404,
        "input_not_found",
        Some("device"),
    );
}

#[tokio::test]
async fn a_device_unplugged_while_in_use_is_reported_missing() {
    let inputs = FakeInputs::leak(plugged());
    let s = state_with_inputs(Arc::new(Store::in_memory()), inputs);
    let audio = FakeAudioLoop::start(Arc::clone(&s.shared));
    let r = post(&s, "/api/audio/input", r#"{"device": "USB Mic"}"#).await;
    assert_eq!(r.status, StatusCode::OK);
    inputs.set(vec![device("Built-in Mic", true)]);
    let j = get(&s, "/api/audio/inputs").await.json();
    assert_eq!(j["status"], "missing", "{j}");
    let m = j["message"].as_str().unwrap();
    assert!(m.contains("\"USB Mic\" is not plugged in"), "{m}");
    assert_eq!(
        j["source"], "mic:USB Mic",
        "still chosen: it comes back when plugged in"
    );
    // Plugged back in: fine again.
    inputs.set(plugged());
    assert_eq!(get(&s, "/api/audio/inputs").await.json()["status"], "ok");
    audio.finish();
}

#[tokio::test]
async fn telemetry_carries_the_input_level_and_the_power_switch() {
    let s = state();
    let t = crate::ws::telemetry_json(&s, 0, 0);
    assert_eq!(t["power"], json!({"on": true}));
    // Before any audio: the meter's floor, the gate closed (silence).
    assert_eq!(
        t["input"],
        json!({"dbfs": -90.0, "gate": "closed", "vu": 0.0})
    );
    post(&s, "/api/power", r#"{"on": false}"#).await;
    assert_eq!(
        crate::ws::telemetry_json(&s, 0, 0)["power"],
        json!({"on": false})
    );

    let mut snap = k1_core::Snapshot::EMPTY;
    snap.rms_dbfs = -23.456;
    snap.silent = false;
    snap.vu = 0.61234;
    assert_eq!(
        crate::input::level_json(&snap),
        json!({"dbfs": -23.5, "gate": "open", "vu": 0.612})
    );
    snap.rms_dbfs = f32::NEG_INFINITY;
    snap.vu = 7.0;
    assert_eq!(
        crate::input::level_json(&snap),
        json!({"dbfs": -90.0, "gate": "open", "vu": 1.0})
    );
}

#[tokio::test]
async fn a_backup_carries_the_power_switch_and_a_restore_sets_it() {
    let s = state();
    post(&s, "/api/power", r#"{"on": false}"#).await;
    let backup = get(&s, "/api/config/backup").await.json();
    assert_eq!(backup["power"], json!({"on": false}));

    let fresh = state();
    assert!(fresh.shared.settings().powered());
    let r = post(&fresh, "/api/config/restore", &backup.to_string()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json());
    assert_eq!(r.json()["power_restored"], true);
    assert!(!fresh.shared.settings().powered(), "restored off");
    assert_eq!(get(&fresh, "/api/power").await.json(), json!({"on": false}));
    assert_eq!(
        fresh.store.get(Doc::Settings).unwrap()["power"],
        false,
        "and saved"
    );

    // A backup without the switch (an older one) leaves it as it is.
    let mut old = backup.clone();
    old.as_object_mut().unwrap().remove("power");
    let r = post(&fresh, "/api/config/restore", &old.to_string()).await;
    assert_eq!(r.json()["power_restored"], false);
    assert!(!fresh.shared.settings().powered());

    // A wrong one is refused before anything changes.
    for bad in [json!("off"), json!({"on": 1}), json!({})] {
        let mut b = backup.clone();
        b["power"] = bad;
        b["current_pattern"] = json!(3);
        let r = post(&fresh, "/api/config/restore", &b.to_string()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.json());
        assert!(r.json()["field"].as_str().unwrap().starts_with("power"));
        assert_ne!(fresh.shared.settings().pattern, 3, "nothing applied");
    }
}
