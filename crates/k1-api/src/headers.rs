//! The security headers on every reply: no framing (`X-Frame-Options: DENY` and CSP
//! `frame-ancestors 'none'`, against clickjacking the controls), no MIME sniffing, no referrer,
//! and a strict content security policy for the UI: its scripts, styles and connections come
//! from K1 itself only, and nothing inline runs (the UI has no inline script or style).

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

/// The UI's content security policy. `connect-src 'self'` covers the WebSocket on the same host
/// and port; `img-src data:` the empty favicon.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// `router` with the headers above on every reply (a handler's own value wins).
pub fn layer(router: Router) -> Router {
    let headers: [(HeaderName, &'static str); 5] = [
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    headers.into_iter().fold(router, |r, (name, value)| {
        r.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ))
    })
}
