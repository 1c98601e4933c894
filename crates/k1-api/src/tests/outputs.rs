//! `/api/outputs`: add, edit, test and remove outputs (on an engine state that is not running:
//! the sinks wait on the board, their counters show), bad URLs, the token in LAN mode, the saved
//! list across a restart, backups, and discovery with injected devices and a fake WLED.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::*;
use crate::discover::{Device, Info};
use crate::store::{DEBOUNCE, Doc, Store};

async fn add(s: &ApiState, url: &str) -> Reply {
    post(s, "/api/outputs", &json!({ "url": url }).to_string()).await
}

async fn list(s: &ApiState) -> Vec<Value> {
    get(s, "/api/outputs").await.json()["outputs"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn add_edit_test_and_remove_an_output() {
    let s = state();
    let j = get(&s, "/api/outputs").await.json();
    assert_eq!(
        (
            j["leds"].clone(),
            j["test_seconds"].clone(),
            j["outputs"].clone()
        ),
        (json!(320), json!(3), json!([]))
    );

    let r = add(&s, "ddp://10.0.0.5?leds=0-159&name=porch").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json());
    let porch = r.json();
    let id = porch["id"].as_u64().unwrap();
    assert_eq!(porch["name"], "porch");
    assert_eq!(porch["kind"], "ddp");
    assert_eq!(porch["leds"], json!({"start": 0, "end": 160}));
    // The status shape: counters, last error, health, test.
    for key in [
        "frames_sent",
        "frames_dropped",
        "errors",
        "last_error",
        "healthy",
        "testing",
        "fps_limit",
        "delay_ms",
        "url",
    ] {
        assert!(porch.get(key).is_some(), "{key} missing: {porch}");
    }
    assert_eq!(
        (porch["frames_sent"].clone(), porch["errors"].clone()),
        (json!(0), json!(0))
    );
    assert_eq!(porch["last_error"], Value::Null);

    // A second output of the same name gets a number; both are in the engine's registry too.
    let r = add(&s, "artnet://10.0.0.6?leds=160-319&name=porch").await;
    assert_eq!(r.status, StatusCode::CREATED);
    let second = r.json()["id"].as_u64().unwrap();
    assert_eq!(r.json()["name"], "porch #2");
    assert_eq!(s.shared.outputs().len(), 2);

    // Edit: same id, same place, the new URL.
    let r = post(
        &s,
        &format!("/api/outputs/{id}"),
        r#"{"url": "wled://10.0.0.5?leds=0-99&name=porch"}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json());
    let edited = r.json();
    assert_eq!(
        (
            edited["id"].as_u64(),
            edited["kind"].clone(),
            edited["name"].clone()
        ),
        (Some(id), json!("wled"), json!("porch")),
        "editing keeps its own name"
    );
    let now = list(&s).await;
    assert_eq!(now[0]["id"].as_u64(), Some(id));
    assert_eq!(now[0]["leds"]["end"], 100);
    assert_eq!(
        s.shared.outputs()[0].kind,
        "wled",
        "the registry keeps the order"
    );

    // Test: 3 s of the moving pattern.
    let r = post(&s, &format!("/api/outputs/{id}/test"), "").await;
    assert_eq!(r.json(), json!({"success": true, "id": id, "seconds": 3}));
    assert_eq!(list(&s).await[0]["testing"], true);

    // Remove.
    let r = call(&s, req(Method::DELETE, &format!("/api/outputs/{id}"), "")).await;
    assert_eq!(r.json(), json!({"success": true, "removed": id}));
    let now = list(&s).await;
    assert_eq!(now.len(), 1);
    assert_eq!(now[0]["id"].as_u64(), Some(second));
    assert_eq!(s.shared.outputs().len(), 1);

    // Unknown ids are 404s, on every route.
    for (method, path) in [
        (Method::DELETE, format!("/api/outputs/{id}")),
        (Method::POST, format!("/api/outputs/{id}/test")),
        (Method::POST, "/api/outputs/not-a-number".to_string()),
    ] {
        let r = call(&s, req(method, &path, r#"{"url": "ddp://h"}"#)).await;
        assert_error(&r, 404, "output_not_found", None);
    }
    let r = post(&s, &format!("/api/outputs/{id}"), r#"{"url": "ddp://h"}"#).await;
    assert_error(&r, 404, "output_not_found", None);
}

#[tokio::test]
async fn bad_urls_are_400s_that_name_the_part_at_fault() {
    let s = state();
    for (url, said) in [
        ("ddp:/", "host"),
        ("http://10.0.0.5", "scheme"),
        ("ddp://10.0.0.5?leds=9-3", "leds"),
        ("ddp://10.0.0.5:99999", "port"),
        ("ddp://10.0.0.5?colour=red", "colour"),
        // Past the frame's 320 LEDs.
        ("ddp://10.0.0.5?leds=0-399", "320 LEDs"),
    ] {
        let r = add(&s, url).await;
        assert_error(&r, 400, "invalid_output", Some("url"));
        let message = r.json()["message"].as_str().unwrap().to_string();
        assert!(message.contains(said), "{url}: {message}");
    }
    assert_error(
        &post(&s, "/api/outputs", "{}").await,
        400,
        "missing_field",
        Some("url"),
    );
    assert_error(
        &post(&s, "/api/outputs", r#"{"url": 5}"#).await,
        400,
        "invalid_value",
        Some("url"),
    );
    assert_error(
        &post(&s, "/api/outputs", r#"{"url": "ddp://h", "leds": 3}"#).await,
        400,
        "unknown_field",
        Some("leds"),
    );
    assert!(list(&s).await.is_empty(), "nothing was added");
    assert!(s.store.get(Doc::Outputs).is_none(), "nothing was saved");

    // An edit with a bad URL changes nothing.
    let id = add(&s, "ddp://10.0.0.5").await.json()["id"]
        .as_u64()
        .unwrap();
    let r = post(&s, &format!("/api/outputs/{id}"), r#"{"url": "ddp://"}"#).await;
    assert_error(&r, 400, "invalid_output", Some("url"));
    assert_eq!(list(&s).await[0]["url"], "ddp://10.0.0.5");

    // The audio-sync sender has no LEDs to test.
    let id = add(&s, "wled-sync://").await.json()["id"].as_u64().unwrap();
    let r = post(&s, &format!("/api/outputs/{id}/test"), "").await;
    assert_error(&r, 409, "nothing_to_test", None);
}

#[tokio::test]
async fn changes_need_the_token_on_a_network() {
    let s = state_with(Security {
        token: Some("0123456789abcdef0123456789abcdef".into()),
        ..Security::default()
    });
    let with = |method: Method, path: &str, auth: Option<&str>, body: &str| {
        let mut b = axum::http::Request::builder()
            .method(method)
            .uri(path)
            .header("host", "192.168.1.5:8080");
        if let Some(a) = auth {
            b = b.header("authorization", a);
        }
        b.body(axum::body::Body::from(body.to_string())).unwrap()
    };
    let body = r#"{"url": "ddp://10.0.0.5"}"#;
    for (method, path) in [
        (Method::POST, "/api/outputs"),
        (Method::POST, "/api/outputs/1"),
        (Method::DELETE, "/api/outputs/1"),
        (Method::POST, "/api/outputs/1/test"),
        (Method::POST, "/api/outputs/discover"),
    ] {
        let r = call(&s, with(method.clone(), path, None, body)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {path}");
    }
    assert!(list(&s).await.is_empty());
    let bearer = "Bearer 0123456789abcdef0123456789abcdef";
    let r = call(&s, with(Method::POST, "/api/outputs", Some(bearer), body)).await;
    assert_eq!(r.status, StatusCode::CREATED);
    // Reading the list needs none (as /api/device/info's outputs).
    let r = call(&s, with(Method::GET, "/api/outputs", None, "")).await;
    assert_eq!(r.json()["outputs"].as_array().unwrap().len(), 1);
}

/// Saved on every change; the next start (no `--out`) starts the same outputs, in order,
/// with their names, delays and ranges.
#[tokio::test]
async fn the_outputs_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(dir.path(), DEBOUNCE).unwrap();
    let s = state_over(Arc::new(store));
    add(&s, "ddp://10.0.0.5?leds=0-159&name=porch").await;
    let id = add(&s, "e131://10.0.0.6?universe=3&leds=160-319")
        .await
        .json()["id"]
        .as_u64()
        .unwrap();
    add(&s, "opc://10.0.0.7").await;
    post(&s, "/api/latency", r#"{"output_delays_ms": {"porch": 40}}"#).await;
    call(&s, req(Method::DELETE, &format!("/api/outputs/{id}"), "")).await;
    s.store.flush().unwrap();

    let (store, warnings) = Store::open(dir.path(), DEBOUNCE).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let specs = crate::outputs_to_use(&[], 320, &store);
    // The delay set over the API comes back with the latency settings (by name), not from the
    // list (where it would override a later change).
    let urls: Vec<(&str, &str, Option<u32>)> = specs
        .iter()
        .map(|s| (s.url.as_str(), s.name.as_str(), s.delay_ms))
        .collect();
    assert_eq!(
        urls,
        [
            ("ddp://10.0.0.5?leds=0-159&name=porch", "porch", None),
            ("opc://10.0.0.7", "opc:10.0.0.7:7890", None),
        ]
    );
    let next = state_over(Arc::new(store));
    for spec in &specs {
        k1_engine::outputs::start_output(&next.shared, spec).unwrap();
    }
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
    let back = list(&next).await;
    assert_eq!(
        (
            back[0]["name"].clone(),
            back[0]["delay_ms"].clone(),
            back[0]["leds"]["end"].clone()
        ),
        (json!("porch"), json!(40), json!(160))
    );
    let store = &next.store;
    // `--out` on the command line wins over the saved list.
    let given = [k1_io::outputs::parse("ddp://10.9.9.9").unwrap()];
    assert_eq!(crate::outputs_to_use(&given, 320, store).len(), 1);
    assert_eq!(
        crate::outputs_to_use(&given, 320, store)[0].url,
        "ddp://10.9.9.9"
    );
}

/// A backup holds the outputs; restoring it elsewhere starts them at once (and saves them).
#[tokio::test]
async fn backup_and_restore_round_trip() {
    let s = state();
    add(&s, "ddp://10.0.0.5?leds=0-159&name=porch").await;
    add(&s, "artnet://10.0.0.6?leds=160-319").await;
    let backup = get(&s, "/api/config/backup").await.json();
    assert_eq!(backup["outputs"].as_array().unwrap().len(), 2, "{backup}");

    let fresh = state();
    add(&fresh, "opc://10.0.0.99").await;
    let j = post(&fresh, "/api/config/restore", &backup.to_string())
        .await
        .json();
    assert_eq!(j["outputs_restored"], true, "{j}");
    let restored = list(&fresh).await;
    let got: Vec<(Value, Value, Value)> = restored
        .iter()
        .map(|o| (o["url"].clone(), o["name"].clone(), o["leds"].clone()))
        .collect();
    let was: Vec<(Value, Value, Value)> = list(&s)
        .await
        .iter()
        .map(|o| (o["url"].clone(), o["name"].clone(), o["leds"].clone()))
        .collect();
    assert_eq!(got, was, "the restored outputs replace the old ones, live");
    assert_eq!(
        fresh.store.get(Doc::Outputs).unwrap()["outputs"][1]["url"],
        "artnet://10.0.0.6?leds=160-319"
    );
    // A backup whose output does not fit this frame is refused whole.
    let mut bad = backup.clone();
    bad["outputs"] = json!([{"url": "ddp://10.0.0.5?leds=0-999"}]);
    let r = post(&fresh, "/api/config/restore", &bad.to_string()).await;
    assert_error(&r, 400, "invalid_value", Some("outputs"));
    assert_eq!(list(&fresh).await.len(), 2);
}

/// What a discovery gives.
type Found = Result<Vec<Device>, String>;

fn porch(addr: &str, leds: u64) -> Device {
    Device {
        instance: "wled-porch".into(),
        addr: addr.parse().unwrap(),
        info: Ok(Info {
            name: "Porch".into(),
            leds,
            version: "0.15.0".into(),
        }),
    }
}

/// Discovery with injected results: each device with its LED count and the URL that adds it;
/// adding that URL makes a DDP output over the device's LEDs, and the device then shows as
/// added.
#[tokio::test]
async fn discovered_devices_are_added_in_one_step() {
    let s = state().with_discovery(Arc::new(|wait: Duration| -> Found {
        assert_eq!(wait, Duration::from_secs(2));
        Ok(vec![
            porch("10.0.0.7:80", 144),
            Device {
                instance: "wled-attic".into(),
                addr: "10.0.0.8:80".parse().unwrap(),
                info: Err("timed out".into()),
            },
        ])
    }));
    let j = post(&s, "/api/outputs/discover", r#"{"seconds": 2}"#)
        .await
        .json();
    let devices = j["devices"].as_array().unwrap();
    assert_eq!(devices.len(), 2, "{j}");
    assert_eq!(
        (
            devices[0]["name"].clone(),
            devices[0]["address"].clone(),
            devices[0]["leds"].clone(),
            devices[0]["added"].clone()
        ),
        (json!("Porch"), json!("10.0.0.7"), json!(144), json!(false))
    );
    assert_eq!(devices[1]["error"], "timed out");
    assert_eq!(devices[1]["leds"], Value::Null);
    let url = devices[0]["url"].as_str().unwrap();
    let r = add(&s, url).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json());
    let out = r.json();
    assert_eq!(
        (
            out["kind"].clone(),
            out["name"].clone(),
            out["leds"].clone()
        ),
        (
            json!("ddp"),
            json!("Porch"),
            json!({"start": 0, "end": 144})
        )
    );
    let again = post(&s, "/api/outputs/discover", r#"{"seconds": 2}"#)
        .await
        .json();
    assert_eq!(again["devices"][0]["added"], true);

    for body in [
        r#"{"seconds": 0}"#,
        r#"{"seconds": 11}"#,
        r#"{"seconds": "2"}"#,
    ] {
        let r = post(&s, "/api/outputs/discover", body).await;
        assert_error(&r, 400, "invalid_value", Some("seconds"));
    }
    let failing = state().with_discovery(Arc::new(|_: Duration| -> Found {
        Err("cannot start mDNS: no network".into())
    }));
    let r = post(&failing, "/api/outputs/discover", "").await;
    assert_error(&r, 503, "discovery_failed", None);
}

/// The whole path with a fake WLED device: its JSON API answers, the LED count read from it
/// makes the URL.
#[tokio::test]
async fn a_fake_wled_device_gives_its_led_count() {
    let (addr, serve) = crate::discover::tests::serve_once(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n\
          {\"ver\":\"0.14.4\",\"name\":\"Desk strip\",\"leds\":{\"count\":60}}",
    );
    let s = state().with_discovery(Arc::new(move |_: Duration| -> Found {
        Ok(vec![Device {
            instance: "wled-desk".into(),
            addr,
            info: crate::discover::fetch_info(addr),
        }])
    }));
    let j = post(&s, "/api/outputs/discover", "").await.json();
    serve.join().unwrap();
    assert_eq!(j["seconds"], 3);
    let d = &j["devices"][0];
    assert_eq!(
        (d["name"].clone(), d["leds"].clone()),
        (json!("Desk strip"), json!(60))
    );
    assert_eq!(d["url"], "ddp://127.0.0.1?leds=0-59&name=Desk+strip");
}

/// An edit that gives no delay keeps the one set over the latency route (latency compensation
/// stays on when only the range changes); one that gives a delay uses it.
#[tokio::test]
async fn an_edit_keeps_the_delay_set_over_the_api() {
    let s = state();
    let id = add(&s, "ddp://10.0.0.5?leds=0-159&name=porch").await.json()["id"]
        .as_u64()
        .unwrap();
    let r = post(&s, "/api/latency", r#"{"output_delays_ms": {"porch": 40}}"#).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json());
    let edit = |url: &str| json!({ "url": url }).to_string();
    let path = format!("/api/outputs/{id}");
    let r = post(&s, &path, &edit("ddp://10.0.0.5?leds=0-99&name=porch")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json());
    assert_eq!(r.json()["delay_ms"], 40, "{}", r.json());
    let r = post(
        &s,
        &path,
        &edit("ddp://10.0.0.5?leds=0-99&name=porch&delay=7"),
    )
    .await;
    assert_eq!(r.json()["delay_ms"], 7, "{}", r.json());
}
