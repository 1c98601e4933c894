//! Who may do what: the checks every request passes before its handler.
//!
//! - **Host** (loopback only): the `Host` header must name this machine (`localhost`,
//!   `127.0.0.1`, `[::1]`), so a web page that rebinds its own DNS name to 127.0.0.1 cannot
//!   reach the API.
//! - **Host** (`--auth none` on a network): with no token to stop it, the `Host` header must be
//!   an IP address or a local name ([`is_local_host`]: one label, `localhost`, or under
//!   `.local`, `.lan`, `.home.arpa`, `.internal`, `.localdomain`, `.home`), or an origin allowed
//!   with `--cors-origin`. A page that rebinds its public DNS name to K1's address names that
//!   public name, and is turned away.
//! - **Origin**: a request that changes state (any method but GET/HEAD/OPTIONS) or opens the
//!   WebSocket, coming from a web page, must come from the UI itself (same host) or from an origin
//!   allowed with `--cors-origin`. A random page cannot drive a local K1.
//! - **Token**: when K1 listens beyond loopback (unless `--auth none`), a request that changes
//!   state, or reads the configuration ([`NEEDS_TOKEN_TO_READ`]), needs
//!   `Authorization: Bearer <token>` (the scheme in any case). Only the WebSocket upgrade may pass
//!   it as `?token=` instead, since browsers cannot set headers on it (without it the socket is
//!   read-only); a token in any other URL is ignored, so it does not end up in logs and
//!   histories for requests that change state.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use super::state::ApiState;

/// The middleware; see the module doc.
pub async fn guard(State(state): State<ApiState>, req: Request, next: Next) -> Response {
    match check(&state, &req) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

/// GET routes that reveal the configuration (settings, presets, outputs, where files live): with
/// a token in force they need it, like a change. (`/api/device/info` leaves out its
/// `config_dir` instead, so the UI can load without it.)
pub const NEEDS_TOKEN_TO_READ: &[&str] = &["/api/config/backup"];

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn check(state: &ApiState, req: &Request) -> Result<(), ApiError> {
    let headers = req.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()));
    if state.security.loopback_only
        && let Some(host) = host
        && !is_loopback_host(host)
    {
        return Err(ApiError::Forbidden(format!(
            "K1 answers only to localhost here, not to '{host}' (use --listen to serve a network)"
        )));
    }
    if state.security.open_lan
        && let Some(host) = host
        && !is_local_host(host)
        && !state
            .security
            .cors_origins
            .iter()
            .any(|o| origin_authority(o.to_str().unwrap_or("")).eq_ignore_ascii_case(host))
    {
        return Err(ApiError::Forbidden(format!(
            "with --auth none K1 answers only to IP addresses and local names, not to '{host}' \
             (use its address, k1-NAME.local, or a token)"
        )));
    }
    let is_ws = req.uri().path() == "/ws";
    if NEEDS_TOKEN_TO_READ.contains(&req.uri().path()) && !token_ok(state, headers, None) {
        return Err(ApiError::Unauthorized);
    }
    if !(changes_state(req.method()) || is_ws) {
        return Ok(());
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let same = match (origin.to_str().ok(), host) {
            (Some(o), Some(h)) => origin_authority(o).eq_ignore_ascii_case(h),
            _ => false,
        };
        let allowed = same || state.security.cors_origins.iter().any(|a| a == origin);
        if !allowed {
            return Err(ApiError::Forbidden(format!(
                "requests from the web page at {} are not allowed (start k1 with --cors-origin \
                 to allow it)",
                origin.to_str().unwrap_or("?")
            )));
        }
    }
    if !is_ws && !token_ok(state, req.headers(), None) {
        return Err(ApiError::Unauthorized);
    }
    Ok(())
}

/// Whether a request carries the token (always true when none is required): in its
/// `Authorization: Bearer` header, or, for the WebSocket upgrade only, as `?token=` in `ws_uri`.
pub fn token_ok(state: &ApiState, headers: &HeaderMap, ws_uri: Option<&Uri>) -> bool {
    let Some(token) = state.security.token.as_deref() else {
        return true;
    };
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(bearer_credentials);
    let query = ws_uri
        .and_then(Uri::query)
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("token=")));
    bearer
        .or(query)
        .is_some_and(|given| same_secret(given, token))
}

/// The credentials of a `Bearer` authorization (the scheme is case-insensitive, RFC 9110 §11.1).
fn bearer_credentials(value: &str) -> Option<&str> {
    let (scheme, rest) = value.trim_start().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| rest.trim())
        .filter(|t| !t.is_empty())
}

/// Compares without an early exit, so the time taken does not tell how much matched.
fn same_secret(given: &str, token: &str) -> bool {
    let (a, b) = (given.as_bytes(), token.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The `host[:port]` of a web origin (`http://k1.local:8080`), or "" for none.
fn origin_authority(origin: &str) -> &str {
    origin
        .split_once("://")
        .map_or("", |(_, authority)| authority)
}

/// The name in a `Host` header, without its port or IPv6 brackets.
fn host_name(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    }
}

/// Whether a `Host` header is an IP address or a name only a local network resolves: one label
/// (`k1`, from the hosts file or the router), `localhost`, or a name under a suffix reserved or
/// used for home networks. A public DNS name is none of these, so a DNS-rebinding page's is
/// refused.
fn is_local_host(host: &str) -> bool {
    const LOCAL_SUFFIXES: [&str; 6] = [
        ".local",
        ".lan",
        ".home.arpa",
        ".internal",
        ".localdomain",
        ".home",
    ];
    let name = host_name(host).trim_end_matches('.');
    let lower = name.to_ascii_lowercase();
    !name.is_empty()
        && (name.parse::<std::net::IpAddr>().is_ok()
            || !name.contains('.')
            || LOCAL_SUFFIXES.iter().any(|s| lower.ends_with(s)))
}

/// Whether a `Host` header names this machine.
fn is_loopback_host(host: &str) -> bool {
    let name = host_name(host);
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for ok in [
            "localhost",
            "localhost:8080",
            "127.0.0.1:80",
            "[::1]:8080",
            "127.9.9.9",
        ] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in [
            "evil.example:8080",
            "192.168.1.5",
            "localhost.evil.com",
            "[::2]:1",
        ] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }

    #[test]
    fn local_hosts() {
        for ok in [
            "192.168.1.5:8080",
            "[fe80::1]:8080",
            "k1",
            "k1:8080",
            "k1-shelf.local:8080",
            "K1-SHELF.LOCAL.",
            "pi.lan",
            "pi.home.arpa",
            "nas.internal:80",
        ] {
            assert!(is_local_host(ok), "{ok}");
        }
        for bad in [
            "evil.example:8080",
            "rebind.attacker.com",
            "local.evil.com",
            "evil.com.local.example",
            "",
            ":8080",
        ] {
            assert!(!is_local_host(bad), "{bad}");
        }
    }

    #[test]
    fn the_bearer_scheme_in_any_case() {
        for ok in ["Bearer abc", "bearer abc", "BEARER  abc ", "bEaReR abc"] {
            assert_eq!(bearer_credentials(ok), Some("abc"), "{ok}");
        }
        for bad in ["Basic abc", "Bearerabc", "Bearer ", "abc"] {
            assert_eq!(bearer_credentials(bad), None, "{bad}");
        }
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abd", "abc"));
        assert!(!same_secret("ab", "abc"));
    }
}
