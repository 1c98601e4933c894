//! The server's hardening through the router: security headers, what needs the token in LAN mode,
//! how the token may be sent, strict parameter types, `--auth none`, the original client's
//! `/api/device-info`, and the smaller faults (select's range, a float's round trip through a
//! backup, the two clocks, a backup without outputs).

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};

use super::*;

const TOKEN: &str = "0123456789abcdef0123456789abcdef";
const LAN_HOST: &str = "192.168.1.5:8080";

fn lan(token: Option<&str>) -> ApiState {
    state_with(Security {
        token: token.map(str::to_string),
        open_lan: token.is_none(),
        ..Security::default()
    })
}

fn request(method: Method, path: &str, auth: Option<&str>, body: &str) -> Request<Body> {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header("host", LAN_HOST)
        .header("content-type", "application/json");
    if let Some(a) = auth {
        b = b.header("authorization", a);
    }
    b.body(Body::from(body.to_string())).unwrap()
}

#[tokio::test]
async fn every_reply_forbids_framing_and_sniffing_and_the_ui_has_a_strict_csp() {
    let s = state();
    for path in ["/", "/index.html", "/api/params", "/api/nothing-here"] {
        let r = get(&s, path).await;
        assert_eq!(r.headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(r.headers["x-content-type-options"], "nosniff", "{path}");
        let csp = r.headers["content-security-policy"].to_str().unwrap();
        for part in [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        ] {
            assert!(csp.contains(part), "{path}: {csp} lacks {part}");
        }
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{csp}"
        );
    }
    // The UI itself depends on nothing the policy forbids: no inline script, style or handler.
    let html = String::from_utf8(get(&s, "/").await.body).unwrap();
    assert!(
        html.contains("<script type=\"module\" src="),
        "the UI page is not the one expected"
    );
    for inline in [
        "<script>",
        "<script type=\"module\">",
        "<style",
        " style=",
        " onclick=",
    ] {
        assert!(
            !html.contains(inline),
            "index.html has inline code: {inline}"
        );
    }
}

#[tokio::test]
async fn in_lan_mode_reading_the_configuration_needs_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = crate::store::Store::open(dir.path(), crate::store::DEBOUNCE).unwrap();
    let s = state_with_store(
        Security {
            token: Some(TOKEN.into()),
            ..Security::default()
        },
        store,
    );
    let bearer = format!("Bearer {TOKEN}");
    let r = call(&s, request(Method::GET, "/api/config/backup", None, "")).await;
    assert_error(&r, 401, "unauthorized", None);
    let r = call(
        &s,
        request(Method::GET, "/api/config/backup", Some(&bearer), ""),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.json()["parameters"].is_object());
    // Device info loads without the token (the UI needs it), but says where files live only
    // with it.
    let r = call(&s, request(Method::GET, "/api/device/info", None, "")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["config_dir"], Value::Null, "{}", r.json());
    assert_eq!(r.json()["auth"], "token");
    let r = call(
        &s,
        request(Method::GET, "/api/device/info", Some(&bearer), ""),
    )
    .await;
    let dir_shown = r.json()["config_dir"].as_str().map(str::to_string);
    assert_eq!(dir_shown, Some(dir.path().display().to_string()));
    // On loopback (no token in force) nothing changes.
    assert_eq!(
        get(&state(), "/api/config/backup").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let s = lan(Some(TOKEN));
    for scheme in ["bearer", "BEARER", "Bearer", "beArer"] {
        let auth = format!("{scheme} {TOKEN}");
        let r = call(
            &s,
            request(Method::POST, "/api/params", Some(&auth), r#"{"speed":0.2}"#),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{scheme}: {}", r.json());
    }
    let basic = format!("Basic {TOKEN}");
    let r = call(&s, request(Method::POST, "/api/params", Some(&basic), "{}")).await;
    assert_error(&r, 401, "unauthorized", None);
}

#[tokio::test]
async fn a_token_in_the_query_string_is_not_accepted_over_http() {
    let s = lan(Some(TOKEN));
    let path = format!("/api/params?token={TOKEN}");
    let r = call(&s, request(Method::POST, &path, None, r#"{"speed":0.2}"#)).await;
    assert_error(&r, 401, "unauthorized", None);
    assert_eq!(s.shared.settings().params.speed, 0.5, "nothing changed");
    let path = format!("/api/config/backup?token={TOKEN}");
    let r = call(&s, request(Method::GET, &path, None, "")).await;
    assert_error(&r, 401, "unauthorized", None);
    // The WebSocket upgrade still takes it there (browsers cannot set its headers).
    let headers = axum::http::HeaderMap::new();
    let ws: axum::http::Uri = format!("/ws?fps=30&token={TOKEN}").parse().unwrap();
    assert!(crate::guard::token_ok(&s, &headers, Some(&ws)));
    let wrong: axum::http::Uri = "/ws?token=nope".parse().unwrap();
    assert!(!crate::guard::token_ok(&s, &headers, Some(&wrong)));
}

#[tokio::test]
async fn types_are_strict() {
    let s = state();
    for (body, field) in [
        (r#"{"brightness":"0.5"}"#, "brightness"),
        (r#"{"mirror":1}"#, "mirror"),
        (r#"{"mirror":"true"}"#, "mirror"),
        (r#"{"brightness":true}"#, "brightness"),
        (r#"{"custom_param_1":"0.5"}"#, "custom_param_1"),
        (r#"{"palette_id":"3"}"#, "palette_id"),
    ] {
        assert_error(
            &post(&s, "/api/params", body).await,
            400,
            "invalid_value",
            Some(field),
        );
    }
    assert_eq!(s.shared.settings().params, k1_core::params::Params::DEFAULT);
    // What the original client sends still works: dithering as 0/1, numbers for sliders.
    let r = post(
        &s,
        "/api/params",
        r#"{"dithering":0,"brightness":0.5,"mirror":false}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json());
}

#[tokio::test]
async fn select_names_the_real_index_range() {
    let s = state();
    let last = k1_core::render::PATTERN_COUNT - 1;
    let range = format!("0 to {last}");
    for body in [r#"{"index":-1}"#, r#"{"index":"2"}"#, r#"{"index":1.5}"#] {
        let r = post(&s, "/api/select", body).await;
        assert_error(&r, 400, "invalid_value", Some("index"));
        let m = r.json()["message"].as_str().unwrap().to_string();
        assert!(m.contains(&range), "{body}: {m}");
    }
    let r = post(&s, "/api/select", &json!({"index": last + 1}).to_string()).await;
    assert_error(&r, 404, "pattern_not_found", None);
    let m = r.json()["message"].as_str().unwrap().to_string();
    assert!(m.contains(&range), "{m}");
    assert_eq!(
        post(&s, "/api/select", &json!({"index": last}).to_string())
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_restored_pattern_parameter_comes_back_exactly() {
    let s = state();
    post(&s, "/api/select", r#"{"id":"void_trail"}"#).await;
    let j = post(
        &s,
        "/api/params",
        r#"{"pattern_params":{"fade":1.5,"threshold":0.3}}"#,
    )
    .await
    .json();
    assert_eq!(j["pattern_params"]["fade"], json!(1.5), "{j}");
    let backup = get(&s, "/api/config/backup").await.json();
    post(
        &s,
        "/api/params",
        r#"{"pattern_params":{"fade":2.9,"threshold":0.8}}"#,
    )
    .await;
    let r = post(&s, "/api/config/restore", &backup.to_string()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json());
    let j = get(&s, "/api/params").await.json();
    assert_eq!(j["pattern_params"]["fade"], json!(1.5), "{j}");
    assert_eq!(j["pattern_params"]["threshold"], json!(0.3), "{j}");
    // And a preset made from it, the same way.
    post(&s, "/api/presets", r#"{"name":"f"}"#).await;
    post(&s, "/api/params", r#"{"pattern_params":{"fade":2.9}}"#).await;
    post(&s, "/api/presets/f/apply", "").await;
    let j = get(&s, "/api/params").await.json();
    assert_eq!(j["pattern_params"]["fade"], json!(1.5), "{j}");
}

#[tokio::test]
async fn test_connection_names_its_clocks() {
    let s = state();
    let j = get(&s, "/api/test-connection").await.json();
    assert_eq!(j["status"], "ok");
    let uptime = j["uptime_ms"].as_u64().expect("uptime_ms");
    let epoch = j["epoch_ms"].as_u64().expect("epoch_ms");
    // The original client's field stays, and it is the uptime, as the original's was.
    assert_eq!(j["timestamp"].as_u64(), Some(uptime), "{j}");
    // 2020-01-01 in ms: an epoch stamp is past it, an uptime in a test is not.
    assert!(
        epoch > 1_577_836_800_000 && uptime < 1_577_836_800_000,
        "{j}"
    );
    let ping = crate::ws::handle_text(&s, r#"{"type":"ping"}"#);
    assert!(
        ping["result"]["epoch_ms"].as_u64().unwrap() >= epoch,
        "{ping}"
    );
}

#[tokio::test]
async fn a_backup_with_no_outputs_restores_none() {
    let s = state();
    let mut backup = get(&s, "/api/config/backup").await.json();
    assert_eq!(
        backup["outputs"],
        json!([]),
        "the test state has no LED outputs"
    );
    let j = post(&s, "/api/config/restore", &backup.to_string())
        .await
        .json();
    assert_eq!(j["outputs_restored"], false, "{j}");
    let said = j["warnings"].to_string();
    assert!(!said.contains("outputs"), "{said}");
    assert!(s.store.get(crate::store::Doc::Outputs).is_none());
    // With outputs, they are restored.
    backup["outputs"] = json!([{"url": "ddp://192.168.1.50"}]);
    let j = post(&s, "/api/config/restore", &backup.to_string())
        .await
        .json();
    assert_eq!(j["outputs_restored"], true, "{j}");
}

#[tokio::test]
async fn the_original_clients_device_info_path_is_served() {
    let s = state();
    let a = get(&s, "/api/device-info").await;
    assert_eq!(a.status, StatusCode::OK);
    let b = get(&s, "/api/device/info").await.json();
    let a = a.json();
    assert_eq!(
        (&a["device"], &a["name"], &a["layout"]),
        (&b["device"], &b["name"], &b["layout"])
    );
    assert_eq!(a["auth"], "loopback");
}

#[tokio::test]
async fn auth_none_lets_the_lan_change_settings_and_says_so() {
    let s = lan(None);
    let r = call(
        &s,
        request(Method::POST, "/api/params", None, r#"{"speed":0.2}"#),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json());
    let r = call(&s, request(Method::GET, "/api/config/backup", None, "")).await;
    assert_eq!(r.status, StatusCode::OK);
    let info = call(&s, request(Method::GET, "/api/device-info", None, ""))
        .await
        .json();
    assert_eq!(
        (info["auth"].clone(), info["auth_required"].clone()),
        (json!("none"), json!(false))
    );
    // Pages from other sites still cannot change anything.
    let mut evil = request(Method::POST, "/api/params", None, r#"{"speed":0.9}"#);
    evil.headers_mut()
        .insert("origin", "http://evil.example".parse().unwrap());
    assert_error(&call(&s, evil).await, 403, "forbidden", None);
    // Nor can one that rebinds its own public name to K1's address: its Host and Origin agree,
    // but a public name is not how a LAN reaches K1. Reads are refused too (the backup).
    for (method, path) in [
        (Method::POST, "/api/params"),
        (Method::GET, "/api/config/backup"),
    ] {
        let mut rebound = request(method, path, None, r#"{"speed":0.9}"#);
        rebound
            .headers_mut()
            .insert("host", "rebind.evil.example:8080".parse().unwrap());
        rebound
            .headers_mut()
            .insert("origin", "http://rebind.evil.example:8080".parse().unwrap());
        assert_error(&call(&s, rebound).await, 403, "forbidden", None);
    }
    // Local names pass.
    let mut local = request(Method::POST, "/api/params", None, r#"{"speed":0.3}"#);
    local
        .headers_mut()
        .insert("host", "k1-shelf.local:8080".parse().unwrap());
    assert_eq!(call(&s, local).await.status, StatusCode::OK);
}
