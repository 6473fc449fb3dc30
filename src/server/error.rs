//! The one place where failures become HTTP responses.
//!
//! [`AppError`] says what went wrong in terms of the protocol; client errors carry a
//! message written for the person who sent the request (the SPARQL parser's message,
//! the media types on offer), internal errors are logged with their cause and answered
//! with a bare 500 so nothing of the server's inside leaks.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::read::catalog::CatalogError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error("none of the media types in the Accept header is available here; available: {}", .0.join(", "))]
    NotAcceptable(Vec<&'static str>),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    /// A query that ran out of time or found the server at capacity: retrying later may help.
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl From<CatalogError> for AppError {
    fn from(e: CatalogError) -> Self {
        match e {
            CatalogError::Timeout(_) => AppError::Unavailable(e.to_string()),
            CatalogError::TooManyRows(n) => AppError::BadRequest(format!(
                "the query returned more than {n} results, the most this server sends; add a LIMIT or narrow the query"
            )),
            CatalogError::Store(_) | CatalogError::Io(_) | CatalogError::Header { .. } => AppError::internal(e),
            // Everything else is about the query or its parameters, which the client sent.
            other => AppError::BadRequest(other.to_string()),
        }
    }
}

impl From<crate::publish::render::RenderError> for AppError {
    fn from(e: crate::publish::render::RenderError) -> Self {
        match e {
            // A page query that ran out of time: the server is busy, not broken.
            crate::publish::render::RenderError::Query {
                cause: CatalogError::Timeout(_),
                ..
            } => AppError::Unavailable(format!("{e}; try again later")),
            other => AppError::internal(other),
        }
    }
}

impl From<crate::store::StoreError> for AppError {
    fn from(e: crate::store::StoreError) -> Self {
        AppError::internal(e)
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        AppError::internal(format!("a worker task failed: {e}"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match &self {
            AppError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                "internal server error (the cause is in the server log)\n".to_owned()
            }
            other => {
                tracing::debug!(%status, message = %other, "client error");
                format!("{other}\n")
            }
        };
        let mut response = (status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        response
    }
}
