//! Host, Origin and token checks, and CORS.

use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, StatusCode};

use super::*;

fn with_headers(method: Method, path: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(path);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Body::from("{\"brightness\":0.5}")).unwrap()
}

#[tokio::test]
async fn a_foreign_host_is_refused_on_loopback() {
    let s = state();
    let r = call(
        &s,
        with_headers(Method::GET, "/api/params", &[("host", "evil.example:8080")]),
    )
    .await;
    assert_error(&r, 403, "forbidden", None);
    let r = call(
        &s,
        with_headers(Method::GET, "/api/params", &[("host", "localhost:8080")]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn another_sites_page_cannot_change_state() {
    let s = state();
    let h = [
        ("host", "127.0.0.1:8080"),
        ("origin", "http://evil.example"),
    ];
    let r = call(&s, with_headers(Method::POST, "/api/params", &h)).await;
    assert_error(&r, 403, "forbidden", None);
    assert_eq!(s.shared.settings().params.brightness, 1.0);
    // Reading is fine (CORS keeps the answer from that page anyway).
    assert_eq!(
        call(&s, with_headers(Method::GET, "/api/params", &h))
            .await
            .status,
        StatusCode::OK
    );
    // The UI itself (same origin) may.
    let same = [
        ("host", "127.0.0.1:8080"),
        ("origin", "http://127.0.0.1:8080"),
    ];
    assert_eq!(
        call(&s, with_headers(Method::POST, "/api/params", &same))
            .await
            .status,
        StatusCode::OK
    );
    // A WebSocket from another site is refused too.
    let r = call(&s, with_headers(Method::GET, "/ws", &h)).await;
    assert_error(&r, 403, "forbidden", None);
}

#[tokio::test]
async fn cors_is_an_explicit_opt_in() {
    let origin = "http://192.168.1.20:5173";
    let s = state_with(Security {
        cors_origins: vec![HeaderValue::from_static(origin)],
        loopback_only: true,
        ..Security::default()
    });
    let h = [("host", "127.0.0.1:8080"), ("origin", origin)];
    let r = call(&s, with_headers(Method::POST, "/api/params", &h)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["access-control-allow-origin"], origin);
    let pre = [
        ("host", "127.0.0.1:8080"),
        ("origin", origin),
        ("access-control-request-method", "POST"),
        ("access-control-request-headers", "content-type"),
    ];
    let r = call(&s, with_headers(Method::OPTIONS, "/api/params", &pre)).await;
    assert!(r.status.is_success(), "{}", r.status);
    assert_eq!(r.headers["access-control-allow-origin"], origin);
    // Without the opt-in, no CORS header at all.
    let r = call(&state(), with_headers(Method::GET, "/api/params", &h)).await;
    assert!(r.headers.get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn beyond_loopback_a_token_is_needed_to_change_state() {
    let s = state_with(Security {
        token: Some("ab".repeat(32)),
        ..Security::default()
    });
    let lan = [("host", "192.168.1.5:8080")];
    assert_eq!(
        call(&s, with_headers(Method::GET, "/api/params", &lan))
            .await
            .status,
        StatusCode::OK
    );
    let r = call(&s, with_headers(Method::POST, "/api/params", &lan)).await;
    assert_error(&r, 401, "unauthorized", None);
    assert_eq!(r.headers["www-authenticate"], "Bearer");
    let wrong = [
        ("host", "192.168.1.5:8080"),
        ("authorization", "Bearer nope"),
    ];
    assert_error(
        &call(&s, with_headers(Method::POST, "/api/params", &wrong)).await,
        401,
        "unauthorized",
        None,
    );
    let bearer = format!("Bearer {}", "ab".repeat(32));
    let right = [
        ("host", "192.168.1.5:8080"),
        ("authorization", bearer.as_str()),
    ];
    assert_eq!(
        call(&s, with_headers(Method::POST, "/api/params", &right))
            .await
            .status,
        StatusCode::OK
    );
    for (method, path) in [
        (Method::POST, "/api/reset"),
        (Method::DELETE, "/api/presets/x"),
        (Method::POST, "/api/config/restore"),
    ] {
        assert_error(
            &call(&s, with_headers(method, path, &lan)).await,
            401,
            "unauthorized",
            None,
        );
    }
}
