//! The web UI, embedded in the binary from `web/` at build time (no CDN, works offline), served
//! at `/`. Only what a browser loads is embedded: the tests, `node_modules` and npm's files in
//! `web/` stay out.

use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use super::error::ApiError;

/// The files of `web/` (checked at build time; `build.rs` makes a new file trigger a rebuild).
#[derive(RustEmbed)]
#[folder = "../../web/"]
#[allow_missing = true]
#[exclude = "node_modules/*"]
#[exclude = "test/*"]
#[exclude = "tests/*"]
#[exclude = "package.json"]
#[exclude = "package-lock.json"]
#[exclude = ".*"]
#[exclude = "*.md"]
pub struct Assets;

/// Shown at `/` by a binary built while `web/` had no `index.html`.
const NO_UI: &str = "<!doctype html><meta charset=utf-8><title>K1</title>\
<p>This k1 was built without its web UI (<code>web/index.html</code> was missing).\
 The API is here: <a href=/api/openapi.json>/api/openapi.json</a>, \
<a href=/api/params>/api/params</a>, <a href=/api/patterns>/api/patterns</a>.</p>";

/// Serves an embedded file (`/` is `index.html`), or a JSON 404.
pub async fn serve(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    match Assets::get(path) {
        Some(file) => {
            let mime = file.metadata.mimetype();
            let mut response = (StatusCode::OK, file.data.into_owned()).into_response();
            let headers = response.headers_mut();
            if let Ok(v) = HeaderValue::from_str(mime) {
                headers.insert(header::CONTENT_TYPE, v);
            }
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            response
        }
        None if path == "index.html" => {
            ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], NO_UI).into_response()
        }
        None => not_found(&uri),
    }
}

/// The JSON 404 for a path that is neither a route nor a file.
pub fn not_found(uri: &Uri) -> Response {
    ApiError::NotFound {
        code: "not_found",
        message: format!("nothing at {}", uri.path()),
    }
    .into_response()
}
