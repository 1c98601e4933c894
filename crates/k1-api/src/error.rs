//! [`ApiError`]: every way a request can fail, as one JSON shape `{error, field, message, status}`.
//!
//! A client's mistake (bad JSON, a value out of range, an unknown pattern) is a 4xx that names the
//! field at fault and is not logged. No handler has a failure of its own to report: the settings
//! change in memory, and a settings file that cannot be written is the store's to log and retry.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use k1_core::params::ParamError;
use serde::Serialize;

/// A failed request. The variant picks the status; see [`ApiError::code`] for the `error` codes.
#[derive(Debug)]
pub enum ApiError {
    /// The body is not JSON of the expected shape (400 `invalid_json`).
    InvalidJson(String),
    /// A field is missing (400 `missing_field`).
    MissingField(&'static str),
    /// A field's value is wrong: out of range, wrong type, unknown name (400 `invalid_value`,
    /// or `unknown_field` for a name that is not a parameter).
    Field {
        /// `invalid_value` or `unknown_field`.
        code: &'static str,
        /// The field at fault, as the client wrote it.
        field: String,
        /// What is wrong and what would be accepted.
        message: String,
    },
    /// The thing named does not exist (404), e.g. `pattern_not_found`, `preset_not_found`.
    NotFound {
        /// The error code.
        code: &'static str,
        /// What was looked for.
        message: String,
    },
    /// A field names something that does not exist (404), e.g. `source_not_found` for a missing
    /// file or input device.
    FieldNotFound {
        /// The error code.
        code: &'static str,
        /// The field at fault.
        field: &'static str,
        /// What was looked for.
        message: String,
    },
    /// The engine cannot carry the request out now (503), e.g. `engine_not_running` when no audio
    /// thread takes a new source.
    Unavailable {
        /// The error code.
        code: &'static str,
        /// Why.
        message: String,
    },
    /// A state-changing request without a valid bearer token (401).
    Unauthorized,
    /// A request from a web page that was not allowed to make it (403).
    Forbidden(String),
    /// A request the server will not carry out in its current state (409).
    Conflict {
        /// The error code.
        code: &'static str,
        /// Why.
        message: String,
    },
    /// The body is larger than the route accepts (413).
    TooLarge(usize),
    /// The body stopped arriving before it was whole (408).
    BodyTimeout,
}

/// The JSON body of every error reply.
#[derive(Debug, Serialize)]
pub struct ErrorBody {
    /// A stable, machine-readable code (`invalid_value`, `pattern_not_found`, ...).
    pub error: &'static str,
    /// The field at fault, if one is.
    pub field: Option<String>,
    /// A sentence for people.
    pub message: String,
    /// The HTTP status, repeated (the original device's shape).
    pub status: u16,
}

impl ApiError {
    /// An `invalid_value` error for `field`.
    pub fn value(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Field {
            code: "invalid_value",
            field: field.into(),
            message: message.into(),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::InvalidJson(_) | ApiError::MissingField(_) | ApiError::Field { .. } => {
                StatusCode::BAD_REQUEST
            }
            ApiError::NotFound { .. } | ApiError::FieldNotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
        }
    }

    /// The machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::InvalidJson(_) => "invalid_json",
            ApiError::MissingField(_) => "missing_field",
            ApiError::Field { code, .. }
            | ApiError::NotFound { code, .. }
            | ApiError::FieldNotFound { code, .. }
            | ApiError::Unavailable { code, .. }
            | ApiError::Conflict { code, .. } => code,
            ApiError::Unauthorized => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::TooLarge(_) => "payload_too_large",
            ApiError::BodyTimeout => "body_timeout",
        }
    }

    /// The body sent to the client.
    pub fn body(&self) -> ErrorBody {
        let (field, message) = match self {
            ApiError::InvalidJson(m) => (None, format!("the body is not valid JSON here: {m}")),
            ApiError::MissingField(f) => (Some(f.to_string()), format!("'{f}' is required")),
            ApiError::Field { field, message, .. } => (Some(field.clone()), message.clone()),
            ApiError::NotFound { message, .. }
            | ApiError::Conflict { message, .. }
            | ApiError::Unavailable { message, .. } => (None, message.clone()),
            ApiError::FieldNotFound { field, message, .. } => {
                (Some(field.to_string()), message.clone())
            }
            ApiError::Unauthorized => (
                None,
                "this request changes state: send 'Authorization: Bearer <token>' (the token \
                 k1 printed when it started listening beyond this machine)"
                    .into(),
            ),
            ApiError::Forbidden(m) => (None, m.clone()),
            ApiError::TooLarge(max) => (None, format!("the body is larger than {max} bytes")),
            ApiError::BodyTimeout => (
                None,
                "the request body stopped arriving before it was complete".into(),
            ),
        };
        ErrorBody {
            error: self.code(),
            field,
            message,
            status: self.status().as_u16(),
        }
    }
}

pub use k1_core::params::api::api_field;

impl From<ParamError> for ApiError {
    fn from(e: ParamError) -> Self {
        let code = match e {
            ParamError::UnknownName { .. } => "unknown_field",
            _ => "invalid_value",
        };
        let message = e.to_string().replace("palette must", "palette_id must");
        ApiError::Field {
            code,
            field: api_field(e.field()).to_string(),
            message,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status(), Json(self.body())).into_response();
        if matches!(self, ApiError::Unauthorized) {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}
