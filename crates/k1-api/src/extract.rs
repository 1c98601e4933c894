//! [`JsonBody`]: the request body as JSON, with the original device's faults fixed: an empty body
//! is `{}` (the original never answered one), a body over the route's limit is a JSON 413, a body
//! that stalls (the server's idle timeout) a JSON 408, and a parse error is a JSON 400 that says
//! where it failed.
//!
//! Any content type is accepted (`curl -d` sends a form type): cross-site requests are stopped by
//! the origin check in [`super::guard`], not by the content type.

use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// The largest body most routes accept, bytes (the original's limit).
pub const MAX_BODY: usize = 64 * 1024;
/// The largest body `POST /api/config/restore` accepts (a backup with many presets), bytes.
pub const MAX_RESTORE_BODY: usize = 1024 * 1024;

/// A JSON body of at most `MAX` bytes, parsed into `T`.
#[derive(Debug)]
pub struct JsonBody<T, const MAX: usize = MAX_BODY>(pub T);

impl<S, T, const MAX: usize> FromRequest<S> for JsonBody<T, MAX>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, ApiError> {
        let bytes = axum::body::to_bytes(req.into_body(), MAX)
            .await
            .map_err(|e| {
                if e.into_inner().is::<http_body_util::LengthLimitError>() {
                    ApiError::TooLarge(MAX)
                } else {
                    ApiError::BodyTimeout
                }
            })?;
        parse(&bytes).map(JsonBody)
    }
}

/// Parses `bytes` as JSON (empty or blank: `{}`).
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let blank = bytes.iter().all(u8::is_ascii_whitespace);
    let bytes: &[u8] = if blank { b"{}" } else { bytes };
    serde_json::from_slice(bytes).map_err(|e| ApiError::InvalidJson(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_is_an_empty_object_and_garbage_is_an_error() {
        let v: serde_json::Value = parse(b"  \n").unwrap();
        assert_eq!(v, serde_json::json!({}));
        let e = parse::<serde_json::Value>(b"{\"a\":").unwrap_err();
        assert_eq!(e.code(), "invalid_json");
        let e = parse::<serde_json::Map<String, serde_json::Value>>(b"[1]").unwrap_err();
        assert_eq!(e.code(), "invalid_json");
    }
}
