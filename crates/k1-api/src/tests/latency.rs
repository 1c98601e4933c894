//! Latency compensation over the API: the audio offset and output delays (live, checked,
//! saved, restored at the next start and from a backup), and the wizard route with synthetic
//! wizards (the measurement itself is tested in `k1_io::latency`).

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::json;

use super::*;
use crate::store::{DEBOUNCE, Doc};
use k1_io::latency::{Measurement, WizardError, lag::LagError};
use k1_io::outputs::{OutputHandle, parse};

/// Registers outputs (by URL) in the state's engine, as `build_sinks` would.
fn with_outputs(s: &ApiState, urls: &[&str]) {
    for url in urls {
        let spec = parse(url).unwrap();
        let range = spec
            .range_for(320)
            .unwrap_or(k1_io::outputs::LedRange { start: 0, end: 0 });
        s.shared
            .register_output(Arc::new(OutputHandle::new(&spec, range)));
    }
}

fn delay_of(s: &ApiState, name: &str) -> u32 {
    s.shared
        .outputs()
        .into_iter()
        .find(|o| o.name == name)
        .unwrap()
        .delay_ms
}

#[tokio::test]
async fn offsets_and_delays_are_set_live_and_reported_with_the_rule() {
    let s = state();
    with_outputs(
        &s,
        &[
            "ddp://10.0.0.1?name=porch",
            "ddp://10.0.0.2?name=stage&delay=40",
            "wled-sync://",
        ],
    );
    let j = get(&s, "/api/latency").await.json();
    assert_eq!(j["audio_offset_ms"], 0);
    assert_eq!(j["max_delay_ms"], 1000);
    assert_eq!(j["wizard"]["available"], false);
    let outs = j["outputs"].as_array().unwrap();
    assert_eq!(
        outs.len(),
        2,
        "the audio-sync sender has no frames to delay: {j}"
    );
    assert_eq!(
        (outs[1]["name"].clone(), outs[1]["delay_ms"].clone()),
        (json!("stage"), json!(40))
    );

    let r = post(
        &s,
        "/api/latency",
        r#"{"audio_offset_ms": -30, "output_delays_ms": {"porch": 10}}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json());
    let j = r.json();
    assert_eq!(s.shared.audio_offset_ms(), -30);
    assert_eq!(delay_of(&s, "porch"), 10);
    assert_eq!(j["outputs"][0]["effective_delay_ms"], 0);
    assert_eq!(j["outputs"][0]["unhonoured_ms"], 20);
    assert_eq!(j["outputs"][1]["effective_delay_ms"], 10);
    assert_eq!(j["outputs"][1]["unhonoured_ms"], 0);
    // Saved with the settings.
    let doc = s.store.get(Doc::Settings).unwrap();
    assert_eq!(doc["audio_offset_ms"], -30);
    assert_eq!(doc["output_delays_ms"], json!({"porch": 10, "stage": 40}));

    // Past the cap: held for 1000 ms, and the excess reported too.
    let r = post(
        &s,
        "/api/latency",
        r#"{"audio_offset_ms": 300, "output_delays_ms": {"stage": 900}}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json());
    let j = r.json();
    assert_eq!(j["outputs"][1]["effective_delay_ms"], 1000);
    assert_eq!(j["outputs"][1]["unhonoured_ms"], 200);
    assert_eq!(j["outputs"][0]["effective_delay_ms"], 310);
    assert_eq!(j["outputs"][0]["unhonoured_ms"], 0);
}

#[tokio::test]
async fn bad_values_are_400s_that_name_the_field_and_change_nothing() {
    let s = state();
    with_outputs(&s, &["ddp://10.0.0.1?name=porch"]);
    let cases = [
        (
            r#"{"audio_offset_ms": 1001}"#,
            "invalid_value",
            "audio_offset_ms",
        ),
        (
            r#"{"audio_offset_ms": "40"}"#,
            "invalid_value",
            "audio_offset_ms",
        ),
        (
            r#"{"audio_offset_ms": 40.5}"#,
            "invalid_value",
            "audio_offset_ms",
        ),
        (
            r#"{"output_delays_ms": {"porch": 1500}}"#,
            "invalid_value",
            "output_delays_ms.porch",
        ),
        (
            r#"{"output_delays_ms": {"porch": -1}}"#,
            "invalid_value",
            "output_delays_ms.porch",
        ),
        (
            r#"{"output_delays_ms": {"attic": 5}}"#,
            "invalid_value",
            "output_delays_ms.attic",
        ),
        (
            r#"{"output_delays_ms": [5]}"#,
            "invalid_value",
            "output_delays_ms",
        ),
        (
            r#"{"audio_offset_ms": 5, "delay": 3}"#,
            "unknown_field",
            "delay",
        ),
    ];
    for (body, code, field) in cases {
        let r = post(&s, "/api/latency", body).await;
        assert_error(&r, 400, code, Some(field));
    }
    assert_eq!(s.shared.audio_offset_ms(), 0, "nothing changed");
    assert_eq!(delay_of(&s, "porch"), 0);
    let r = post(
        &s,
        "/api/latency",
        r#"{"audio_offset_ms": 20, "output_delays_ms": {"attic": 5}}"#,
    )
    .await;
    assert_error(&r, 400, "invalid_value", Some("output_delays_ms.attic"));
    assert_eq!(s.shared.audio_offset_ms(), 0, "all or nothing");
}

/// Saved through the API into a store on disk, read back by the next start: the offset, and
/// each delay on the output of that name unless its URL gives its own delay.
#[tokio::test]
async fn the_settings_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = crate::store::Store::open(dir.path(), DEBOUNCE).unwrap();
    let s = state_over(Arc::new(store));
    with_outputs(
        &s,
        &["ddp://10.0.0.1?name=porch", "ddp://10.0.0.2?name=stage"],
    );
    let r = post(
        &s,
        "/api/latency",
        r#"{"audio_offset_ms": 180, "output_delays_ms": {"porch": 25, "stage": 60}}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    s.store.flush().unwrap();

    let (store, warnings) = crate::store::Store::open(dir.path(), DEBOUNCE).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let next = state_over(Arc::new(store));
    // The next run names the stage's delay in its URL: that one wins.
    with_outputs(
        &next,
        &[
            "ddp://10.0.0.1?name=porch",
            "ddp://10.0.0.2?name=stage&delay=5",
        ],
    );
    let api = crate::ApiConfig {
        listen: None,
        listen_explicit: false,
        cors_origins: Vec::new(),
        name: "test".into(),
        mdns: false,
        store_dir: Some(dir.path().to_path_buf()),
        look_from_cli: false,
        input_from_cli: false,
        auth: crate::Auth::Token,
    };
    crate::launch::restore(&next.store, &api, &next.shared, &mut None);
    assert_eq!(next.shared.audio_offset_ms(), 180);
    assert_eq!(delay_of(&next, "porch"), 25);
    assert_eq!(delay_of(&next, "stage"), 5);
}

#[tokio::test]
async fn backups_carry_the_latency_settings() {
    let s = state();
    with_outputs(
        &s,
        &[
            "ddp://10.0.0.1?name=porch",
            "ddp://10.0.0.2?name=stage&delay=5",
        ],
    );
    post(
        &s,
        "/api/latency",
        r#"{"audio_offset_ms": 250, "output_delays_ms": {"porch": 40}}"#,
    )
    .await;
    let backup = get(&s, "/api/config/backup").await.json();
    assert_eq!(
        backup["latency"],
        json!({"audio_offset_ms": 250, "output_delays_ms": {"porch": 40, "stage": 5}})
    );
    // The outputs' tables carry a delay only where the URL gave one: a delay in a table wins
    // at every start, so writing the porch's would freeze it against later changes.
    assert_eq!(
        backup["outputs"][0],
        json!({"url": "ddp://10.0.0.1?name=porch", "name": "porch"})
    );
    assert_eq!(backup["outputs"][1]["delay_ms"], 5);

    let fresh = state();
    with_outputs(
        &fresh,
        &[
            "ddp://10.0.0.1?name=porch",
            "ddp://10.0.0.2?name=stage&delay=5",
        ],
    );
    let r = post(&fresh, "/api/config/restore", &backup.to_string()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json());
    assert_eq!(r.json()["latency_restored"], true);
    assert_eq!(fresh.shared.audio_offset_ms(), 250);
    assert_eq!(delay_of(&fresh, "porch"), 40);

    let mut bad = backup.clone();
    bad["latency"]["audio_offset_ms"] = json!(5000);
    let r = post(&state(), "/api/config/restore", &bad.to_string()).await;
    assert_error(&r, 400, "invalid_value", Some("latency.audio_offset_ms"));
}

fn measurement(offset_ms: i32) -> Measurement {
    Measurement {
        measured_ms: f64::from(offset_ms) + 0.26,
        offset_ms,
        confidence: 42.0,
        speaker: "test speaker".into(),
        microphone: "test microphone".into(),
    }
}

#[tokio::test]
async fn the_wizard_route() {
    // No audio in this build: a clear 503.
    let r = post(&state(), "/api/latency/measure", "").await;
    assert_error(&r, 503, "no_audio_device", None);

    let s = state().with_wizard(Arc::new(|mic: Option<String>| {
        assert_eq!(mic.as_deref(), Some("USB"));
        Ok(measurement(212))
    }));
    let r = post(&s, "/api/latency/measure", r#"{"microphone": "USB"}"#).await;
    assert_eq!(r.status, StatusCode::OK);
    let j = r.json();
    assert_eq!(
        (
            j["proposed_audio_offset_ms"].clone(),
            j["measured_ms"].clone()
        ),
        (json!(212), json!(212.3))
    );
    assert_eq!(
        (j["applied"].clone(), j["audio_offset_ms"].clone()),
        (json!(false), json!(0))
    );
    let r = post(
        &s,
        "/api/latency/measure",
        r#"{"microphone": "USB", "apply": true}"#,
    )
    .await;
    assert_eq!(r.json()["audio_offset_ms"], 212);
    assert_eq!(s.shared.audio_offset_ms(), 212);
    assert_eq!(s.store.get(Doc::Settings).unwrap()["audio_offset_ms"], 212);
    assert_error(
        &post(&s, "/api/latency/measure", r#"{"apply": 1}"#).await,
        400,
        "invalid_value",
        Some("apply"),
    );
    assert_error(
        &post(&s, "/api/latency/measure", r#"{"mic": "x"}"#).await,
        400,
        "unknown_field",
        Some("mic"),
    );

    let no_speaker = state().with_wizard(Arc::new(|_| {
        Err(WizardError::NoDevice("no audio output device".into()))
    }));
    let r = post(&no_speaker, "/api/latency/measure", "").await;
    assert_error(&r, 503, "no_audio_device", None);
    assert_eq!(r.json()["message"], "no audio output device");
    let unheard = state().with_wizard(Arc::new(|_| {
        Err(WizardError::NotHeard(LagError::Unclear { confidence: 2.0 }))
    }));
    let r = post(&unheard, "/api/latency/measure", "").await;
    assert_error(&r, 503, "measurement_failed", None);
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("no clear click train")
    );
}

#[tokio::test]
async fn a_client_that_leaves_mid_measurement_does_not_lock_the_wizard() {
    // The wizard waits for `release`; `started` says it is running.
    let (started_tx, started_rx) = std::sync::mpsc::channel::<()>();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let started_tx = std::sync::Mutex::new(started_tx);
    let release_rx = std::sync::Mutex::new(release_rx);
    let s = state().with_wizard(Arc::new(move |_| {
        let _ = started_tx.lock().unwrap().send(());
        release_rx.lock().unwrap().recv().unwrap();
        Ok(measurement(50))
    }));
    let request = tokio::spawn({
        let s = s.clone();
        async move { post(&s, "/api/latency/measure", "").await }
    });
    tokio::task::spawn_blocking(move || started_rx.recv().unwrap())
        .await
        .unwrap();
    // The client goes away: its request's future is dropped while the wizard runs.
    request.abort();
    assert!(request.await.is_err_and(|e| e.is_cancelled()));
    assert_eq!(
        get(&s, "/api/latency").await.json()["wizard"]["running"],
        true
    );
    assert_error(
        &post(&s, "/api/latency/measure", "").await,
        409,
        "measurement_running",
        None,
    );
    // The measurement ends: the wizard is free again.
    release_tx.send(()).unwrap();
    let mut running = true;
    for _ in 0..6000 {
        running = get(&s, "/api/latency").await.json()["wizard"]["running"] == true;
        if !running {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(!running, "the busy flag outlived the measurement");
    release_tx.send(()).unwrap();
    let r = post(&s, "/api/latency/measure", "").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json());
}
